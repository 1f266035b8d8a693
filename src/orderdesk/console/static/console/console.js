// orderdesk console behaviour. Loaded as a file: the CSP allows no inline script.
(function () {
  "use strict";

  // After HTMX swaps in a result or an error, move focus to it, so keyboard and
  // screen-reader users land on what changed rather than at the top of the page.
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target;
    if (!target || !target.querySelector) return;
    var focusable = target.matches("[data-autofocus]") ? target : target.querySelector("[data-autofocus]");
    if (focusable) focusable.focus();
  });

  // A session that ended (or a role change) answers a fragment request with the
  // sign-in page: show it as a page instead of inside a panel.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    var loginUrl = document.body.dataset.loginUrl;
    if (!xhr || !xhr.responseURL || !loginUrl) return;
    if (new URL(xhr.responseURL).pathname === loginUrl) {
      event.detail.shouldSwap = false;
      window.location.assign(xhr.responseURL);
    }
  });

  // A refusal we do not swap in (e.g. 403): say so instead of doing nothing.
  document.addEventListener("htmx:responseError", function (event) {
    var target = event.detail.target;
    if (!target) return;
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    var old = target.querySelector(".js-response-error");
    if (old) old.remove();
    var note = document.createElement("div");
    note.className = "alert alert--error js-response-error";
    note.setAttribute("role", "alert");
    note.textContent =
      status === 403
        ? "Your role may not use this tool."
        : "Something went wrong (" + status + "). Try again; if it keeps happening, tell your supervisor.";
    target.insertAdjacentElement("afterbegin", note);
  });
  // The call panel (console/leads/): reveal each step when its condition holds.
  // data-show-when="name=value[,value]" shows an element while the radio ``name`` has one of
  // those values checked (an empty value list with data-show-unset: while none is checked).
  // Hidden steps have their inputs disabled, so they are not submitted. Without JavaScript
  // every step shows and the server still applies every rule.
  function applyReveals(form) {
    form.querySelectorAll("[data-show-when]").forEach(function (el) {
      var rule = el.getAttribute("data-show-when").split("=");
      var checked = form.querySelector('input[name="' + rule[0] + '"]:checked:not(:disabled)');
      var show = el.hasAttribute("data-show-unset")
        ? !checked
        : !!checked && rule[1].split(",").indexOf(checked.value) !== -1;
      el.hidden = !show;
      el.querySelectorAll("input, textarea, select").forEach(function (input) {
        input.disabled = !show;
      });
    });
  }

  function initReveals(root) {
    root.querySelectorAll("form[data-reveal]").forEach(applyReveals);
  }

  document.addEventListener("DOMContentLoaded", function () { initReveals(document); });
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.detail.target) initReveals(event.detail.target.ownerDocument || document);
  });
  document.addEventListener("change", function (event) {
    var form = event.target.closest && event.target.closest("form[data-reveal]");
    if (form) applyReveals(form);
  });

  // "Use this" on a suggestion: data-pick="connected=yes;disposition=will_place_order"
  // checks those radios in the same form and moves focus to the last one.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-pick]");
    if (!button) return;
    var form = button.closest("form");
    if (!form) return;
    var last = null;
    button.getAttribute("data-pick").split(";").forEach(function (pair) {
      var kv = pair.split("=");
      applyReveals(form);
      var input = form.querySelector('input[name="' + kv[0] + '"][value="' + kv[1] + '"]');
      if (input) {
        input.checked = true;
        last = input;
      }
    });
    applyReveals(form);
    if (last) last.focus();
  });
})();
