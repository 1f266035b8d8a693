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
})();
