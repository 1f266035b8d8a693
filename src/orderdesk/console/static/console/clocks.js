// orderdesk console: live clocks (issue 18, "live queues"). The server renders every
// clock's words and colour (console/clocks.py, the {% countdown %} and {% relative %} tags);
// this only ticks them once a second. Each <time> carries its moment (datetime) and the
// server's "now" when it was drawn (data-now): the browser's own clock is used only for the
// time elapsed since, so a wrong clock on the agent's PC does not move a deadline.
// Keep the words and thresholds in step with console/clocks.py.
(function () {
  "use strict";

  var MINUTE = 60, HOUR = 3600, DAY = 86400;
  var URGENT = 15 * MINUTE, NEAR = HOUR; // clocks.URGENT, cx.rules.BREACHING_SOON

  // The words, in the agent's language: <body data-clock-words> (console/clocks.py words(),
  // JSON in an attribute: the CSP and the pages keep scripts to files). English when absent.
  var WORDS = {
    min: "%(n)s min", h: "%(n)s h", day: "1 day", days: "%(n)s days", just_now: "just now",
    in: "in %(span)s", ago: "%(span)s ago", overdue: "overdue by %(span)s",
    left_day: "1 day %(h)s h left", left_days: "%(days)s days %(h)s h left",
    left_h: "%(h)s h %(min)s min left", left_min: "%(min)s min %(s)s s left"
  };

  function loadWords() {
    var given;
    try {
      given = JSON.parse(document.body.getAttribute("data-clock-words") || "{}");
    } catch (e) {
      return; // keep English
    }
    for (var key in WORDS) {
      if (given && typeof given[key] === "string") WORDS[key] = given[key];
    }
  }

  function say(key, values) {
    return WORDS[key].replace(/%\((\w+)\)s/g, function (_, name) { return String(values[name]); });
  }

  function span(s) {
    if (s < HOUR) return say("min", { n: Math.max(1, Math.floor(s / MINUTE)) });
    if (s < DAY) return say("h", { n: Math.floor(s / HOUR) });
    var days = Math.floor(s / DAY);
    return days === 1 ? say("day", {}) : say("days", { n: days });
  }

  function pad(n) {
    return n < 10 ? "0" + n : String(n);
  }

  function relativeWords(s) {
    if (Math.abs(s) < MINUTE) return say("just_now", {});
    return s > 0 ? say("in", { span: span(s) }) : say("ago", { span: span(-s) });
  }

  function countdownWords(s) {
    if (s < 0) return say("overdue", { span: span(-s) });
    if (s >= DAY) {
      var days = Math.floor(s / DAY);
      var hours = Math.floor((s % DAY) / HOUR);
      return days === 1 ? say("left_day", { h: hours }) : say("left_days", { days: days, h: hours });
    }
    if (s >= HOUR) return say("left_h", { h: Math.floor(s / HOUR), min: pad(Math.floor((s % HOUR) / MINUTE)) });
    return say("left_min", { min: Math.floor(s / MINUTE), s: pad(s % MINUTE) });
  }

  function urgency(s) {
    if (s < 0) return "overdue";
    if (s <= URGENT) return "urgent";
    if (s <= NEAR) return "near";
    return "calm";
  }

  function tick() {
    var clocks = document.querySelectorAll("time[data-countdown], time[data-relative]");
    for (var i = 0; i < clocks.length; i++) {
      var el = clocks[i];
      if (!el.dataset.skew) {
        // server "now" minus browser "now" at first sight: the page's offset.
        el.dataset.skew = String(Date.parse(el.dataset.now) - Date.now());
      }
      var now = Date.now() + Number(el.dataset.skew);
      var seconds = Math.trunc((Date.parse(el.getAttribute("datetime")) - now) / 1000);
      var text = el.querySelector(".clock__text");
      if (!text) continue;
      if (el.hasAttribute("data-countdown")) {
        var words = countdownWords(seconds);
        if (text.textContent !== words) text.textContent = words;
        var level = "clock--" + urgency(seconds);
        if (!el.classList.contains(level)) {
          el.classList.remove("clock--calm", "clock--near", "clock--urgent", "clock--overdue");
          el.classList.add(level);
        }
      } else {
        var rel = relativeWords(seconds);
        if (text.textContent !== rel) text.textContent = rel;
      }
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    loadWords();
    tick();
    window.setInterval(tick, 1000);
  });
})();
