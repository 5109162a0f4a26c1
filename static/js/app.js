// Tongcheng 同城 — the little behaviour our pages need, without inline scripts (CSP).
"use strict";

(function () {
  // Forms that change something important ask first: <form data-confirm="…">.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) {
      return;
    }
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // Filter selects that apply at once: <select data-autosubmit>. The form keeps its submit
  // button for browsers without JavaScript.
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit") && field.form) {
      field.form.requestSubmit();
    }
  });

  // <button data-tc-fill="<input id>" data-tc-value="…">: put the value in that input (the
  // console's "use this file" fills the intake's hidden file field) and say so on the button.
  document.addEventListener("click", function (event) {
    var target = event.target;
    var button = target instanceof Element ? target.closest("[data-tc-fill]") : null;
    if (!button) {
      return;
    }
    var input = document.getElementById(button.getAttribute("data-tc-fill"));
    if (input) {
      input.value = button.getAttribute("data-tc-value");
      button.classList.replace("btn-outline-secondary", "btn-success");
      button.setAttribute("aria-pressed", "true");
    }
  });

  // <button data-print>: print the page (the printable visit list).
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target instanceof Element && target.closest("[data-print]")) {
      window.print();
    }
  });

  // htmx forms of a panel (<form data-tc-swap-errors>): the panel's own refusal (400, 409, 503,
  // marked by the X-Tc-Panel header) replaces the panel like a success, so its messages show;
  // any other failure (a body too large for the server, a lost connection) leaves the panel as
  // it was and says data-tc-error-message under the form.
  function panelForm(element) {
    return element instanceof Element ? element.closest("[data-tc-swap-errors]") : null;
  }
  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    // detail.elt is the element swapped into; the form that sent is the request's.
    var sender = detail.requestConfig ? detail.requestConfig.elt : null;
    if (detail.xhr.status >= 400 && panelForm(sender) && detail.xhr.getResponseHeader("X-Tc-Panel")) {
      detail.shouldSwap = true;
      detail.isError = false;
    }
  });
  function sayNotSent(event) {
    var form = panelForm(event.detail.elt);
    if (!form) {
      return;
    }
    var note = form.querySelector(".tc-send-error");
    if (!note) {
      note = document.createElement("div");
      note.className = "alert alert-danger mt-2 tc-send-error";
      note.setAttribute("role", "alert");
      form.appendChild(note);
    }
    note.textContent = form.getAttribute("data-tc-error-message") || "";
  }
  document.addEventListener("htmx:responseError", sayNotSent);
  document.addEventListener("htmx:sendError", sayNotSent);

  // A form sent back with errors: the summary at its top lists them, and the cursor goes to
  // the first field in error, so nobody hunts for it below the fold on a phone.
  document.addEventListener("DOMContentLoaded", function () {
    // Django marks a field in error with aria-invalid; the wrappers of choice buttons carry
    // tc-field-error (includes/form_fields.html, big_choices.html).
    var first = document.querySelector(
      "main form [aria-invalid=true], .tc-field-error input:not([type=hidden]), " +
        ".tc-field-error select, .tc-field-error textarea"
    );
    // Else a block that needs an answer first (data-autofocus), else the summary itself.
    var other = document.querySelector("[data-autofocus], .tc-error-summary");
    if (first instanceof HTMLElement) {
      first.focus();
    } else if (other instanceof HTMLElement) {
      other.focus();
    }
  });
})();
