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
})();
