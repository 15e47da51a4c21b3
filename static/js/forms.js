// Date pickers on dd/mm/yyyy inputs (no inline script). No form submits itself when a select changes (WCAG 3.2.2,
// On Input): the year, the page size and the language each have their own button.
(function () {
  "use strict";
  var DATE_FORMAT = "d/m/Y";
  var STRICT_DATE = /^(\d{2})\/(\d{2})\/(\d{4})$/;

  // A day written exactly dd/mm/yyyy that exists on the calendar, or undefined. Only such a date moves the
  // calendar; anything else typed (31/02/2024, 12/31/2024, 2024-06-14, 1/6/24) is left for the server to read or
  // refuse, so it can never be read one way here and another way there.
  function strictDate(text) {
    var parts = STRICT_DATE.exec(text);
    if (!parts) { return undefined; }
    var day = Number(parts[1]), month = Number(parts[2]) - 1, year = Number(parts[3]);
    var date = new Date(year, month, day);
    if (year < 1000 || date.getFullYear() !== year || date.getMonth() !== month || date.getDate() !== day) {
      return undefined;
    }
    return date;
  }

  function datePicker(input, locale) {
    var picker = window.flatpickr(input, {
      dateFormat: DATE_FORMAT,
      allowInput: true,
      locale: locale,
      // The text in the field (on load, and when it is handed back below) only counts if strictly dd/mm/yyyy;
      // other formats (the phone's native picker gives Y-m-d) go to flatpickr's own parser.
      parseDate: function (text, format) {
        return format === DATE_FORMAT ? strictDate(text) : window.flatpickr.parseDate(text, format);
      },
    });
    // flatpickr hands the typed text to setDate when the field loses focus, on Enter and on a click outside the
    // calendar, and would write its own reading of it back into the field. The text stays exactly as typed: the
    // calendar follows it when it is a strict dd/mm/yyyy and lets go of its day otherwise. A day clicked in the
    // calendar does not pass through here; flatpickr writes it as dd/mm/yyyy.
    var setDate = picker.setDate;
    picker.setDate = function (value) {
      if (typeof value !== "string" || value !== input.value) {
        return setDate.apply(picker, arguments);
      }
      var day = strictDate(value);
      if (day) {
        setDate.call(picker, day, false);
      } else {
        picker.clear(false, false);
      }
      input.value = value;
      return undefined;
    };
  }

  function init(root) {
    if (window.flatpickr) {
      var lang = document.documentElement.lang === "vi" && window.flatpickr.l10ns && window.flatpickr.l10ns.vn;
      root.querySelectorAll("input[data-datepicker]").forEach(function (input) {
        if (input._flatpickr) { return; }
        datePicker(input, lang || "default");
      });
    }
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) { init(event.target); });
})();
