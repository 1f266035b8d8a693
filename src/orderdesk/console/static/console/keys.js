// orderdesk console: keyboard shortcuts (issue 18, "keyboard first"). Loaded as a file
// (CSP: no inline script). The "?" overlay (templates/console/partials/shortcuts.html)
// lists the same keys; keep both in step.
//
//   /            focus the header search
//   n            next lead (sales): the next lead of the agent's queue, not the one on screen
//   l            log a contact (a lead's page): focus the call panel's first unanswered step
//   Alt+→ / ←    the order wizard's Next / Back
//   Esc          close the overlay; leave the field being typed in
//   ?            the overlay listing these keys
//
// No shortcut fires while the agent types in a field (text inputs, textareas, selects,
// editable content), nor with Ctrl or Meta held: Esc leaves the field first.
// The single-key shortcuts can be turned off in the overlay (WCAG 2.1.4, character key
// shortcuts); the choice is kept in this browser's localStorage.
(function () {
  "use strict";

  var NOT_TYPING = ["radio", "checkbox", "button", "submit", "reset", "image", "file", "range", "color"];

  function isTyping(el) {
    if (!el || el === document.body) return false;
    if (el.isContentEditable) return true;
    var tag = el.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT") return true;
    if (tag === "INPUT") return NOT_TYPING.indexOf((el.type || "text").toLowerCase()) === -1;
    return false;
  }

  function dialog() {
    return document.getElementById("shortcuts");
  }

  var opener = null;

  var OFF_KEY = "orderdesk.singleKeyShortcuts";

  function singleKeysOn() {
    try {
      return window.localStorage.getItem(OFF_KEY) !== "off";
    } catch (e) {
      return true;
    }
  }

  document.addEventListener("change", function (event) {
    if (!event.target.matches || !event.target.matches("[data-shortcuts-toggle]")) return;
    try {
      if (event.target.checked) window.localStorage.removeItem(OFF_KEY);
      else window.localStorage.setItem(OFF_KEY, "off");
    } catch (e) {
      /* storage refused: the choice lasts for this page only */
    }
  });

  function openShortcuts() {
    var d = dialog();
    if (!d || d.open) return;
    opener = document.activeElement;
    var toggle = d.querySelector("[data-shortcuts-toggle]");
    if (toggle) toggle.checked = singleKeysOn();
    d.showModal(); // modal: the rest of the page is inert, so focus stays inside; Esc closes
    var close = d.querySelector("[data-shortcuts-close]");
    if (close) close.focus();
  }

  function closeShortcuts() {
    var d = dialog();
    if (d && d.open) d.close();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var d = dialog();
    if (!d) return;
    // Back to where the agent was (the browser may not restore focus on close).
    d.addEventListener("close", function () {
      if (opener && opener.focus && document.contains(opener)) opener.focus();
      opener = null;
    });
    // A click on the backdrop (outside the dialog's box) closes it too.
    d.addEventListener("click", function (event) {
      if (event.target === d) closeShortcuts();
    });
  });

  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target : null;
    if (!target) return;
    if (target.closest("[data-shortcuts-open]")) openShortcuts();
    else if (target.closest("[data-shortcuts-close]")) closeShortcuts();
  });

  function focusSearch() {
    var search = document.getElementById("site-search-q");
    if (!search) return false;
    search.focus();
    search.select();
    return true;
  }

  function nextLead() {
    var url = document.body.dataset.nextLeadUrl;
    if (!url) return false;
    var current = document.querySelector("[data-lead-id]");
    if (current) url += "?after=" + encodeURIComponent(current.getAttribute("data-lead-id"));
    window.location.assign(url);
    return true;
  }

  // The first step of the call panel still unanswered (a radio group with nothing checked),
  // else its first control.
  function focusContactForm() {
    var form = document.querySelector("#call-panel form");
    if (!form) return false;
    var controls = form.querySelectorAll(
      "input:not([type=hidden]):not(:disabled), textarea:not(:disabled), select:not(:disabled)"
    );
    var target = null;
    for (var i = 0; i < controls.length && !target; i++) {
      var c = controls[i];
      if (c.closest("[hidden]")) continue;
      if (c.type === "radio" && !form.querySelector('input[name="' + c.name + '"]:checked')) target = c;
    }
    if (!target) target = controls[0];
    if (!target) return false;
    target.focus();
    target.scrollIntoView({ block: "center" });
    return true;
  }

  function wizardButton(selector) {
    var button = document.querySelector('[data-testid="order-wizard"] form ' + selector);
    if (!button) return false;
    button.click();
    return true;
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.isComposing) return;
    var d = dialog();
    if (event.key === "Escape") {
      if (d && d.open) return; // the dialog closes itself (its "cancel")
      if (isTyping(document.activeElement)) document.activeElement.blur();
      return;
    }
    if (d && d.open) return; // inside the overlay only Tab and Esc matter
    if (isTyping(event.target)) return;

    var done = false;
    if (event.altKey) {
      if (event.key === "ArrowRight") done = wizardButton("#wizard-next");
      else if (event.key === "ArrowLeft") done = wizardButton('button[name="action"][value="back"]');
    } else if (!singleKeysOn()) {
      return;
    } else if (event.key === "/") {
      done = focusSearch();
    } else if (event.key === "?") {
      openShortcuts();
      done = !!d;
    } else if (event.key === "n" && !event.shiftKey) {
      done = nextLead();
    } else if (event.key === "l" && !event.shiftKey) {
      done = focusContactForm();
    }
    if (done) event.preventDefault();
  });
})();
