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

  function span(s) {
    if (s < HOUR) return Math.max(1, Math.floor(s / MINUTE)) + " min";
    if (s < DAY) return Math.floor(s / HOUR) + " h";
    var days = Math.floor(s / DAY);
    return days === 1 ? "1 day" : days + " days";
  }

  function pad(n) {
    return n < 10 ? "0" + n : String(n);
  }

  function relativeWords(s) {
    if (Math.abs(s) < MINUTE) return "just now";
    return s > 0 ? "in " + span(s) : span(-s) + " ago";
  }

  function countdownWords(s) {
    if (s < 0) return "overdue by " + span(-s);
    if (s >= DAY) {
      var days = Math.floor(s / DAY);
      return days + (days === 1 ? " day " : " days ") + Math.floor((s % DAY) / HOUR) + " h left";
    }
    if (s >= HOUR) return Math.floor(s / HOUR) + " h " + pad(Math.floor((s % HOUR) / MINUTE)) + " min left";
    return Math.floor(s / MINUTE) + " min " + pad(s % MINUTE) + " s left";
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
    tick();
    window.setInterval(tick, 1000);
  });
})();
