// Date pickers on dd/mm/yyyy inputs, and forms that submit themselves when a select changes (no inline script).
(function () {
  "use strict";
  function init(root) {
    if (window.flatpickr) {
      var lang = document.documentElement.lang === "vi" && window.flatpickr.l10ns && window.flatpickr.l10ns.vn;
      root.querySelectorAll("input[data-datepicker]").forEach(function (input) {
        if (input._flatpickr) { return; }
        window.flatpickr(input, {
          dateFormat: "d/m/Y",
          allowInput: true,
          locale: lang || "default",
        });
      });
    }
    root.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) { init(event.target); });
})();
