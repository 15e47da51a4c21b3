// Fields with many possible records (clusters, investors): a text box for the record's code (tracker.fields.
// CodeChoiceField) becomes a Tom Select that asks the server (data-autocomplete, a JSON list through the access
// door) for the records whose code or name holds what is typed. The value sent stays the code, so without
// JavaScript the same field works by typing the code. Labels from the server are put in as text, never as HTML.
(function () {
  "use strict";
  if (typeof TomSelect === "undefined") return;

  function textNode(tag, className, text) {
    var element = document.createElement(tag);
    element.className = className;
    element.textContent = text;
    return element;
  }

  function enhance(input) {
    var url = input.dataset.autocomplete;
    var label = input.dataset.autocompleteLabel;
    var value = input.value.trim();
    var options = value && label ? [{ value: value, text: label }] : [];
    var invalid = input.classList.contains("is-invalid");
    var select = new TomSelect(input, {
      mode: "single",  // one record: the control keeps the height of the other fields
      maxItems: 1,
      create: false,
      persist: false,
      valueField: "value",
      labelField: "text",
      searchField: [],  // the server has matched, accents ignored; keep its order
      options: options,
      items: options.length ? [value] : [],
      placeholder: input.dataset.placeholder,
      loadThrottle: 250,
      maxOptions: 20,
      closeAfterSelect: true,
      score: function () { return function () { return 1; }; },
      shouldLoad: function (query) { return query.trim().length > 0; },
      load: function (query, callback) {
        var separator = url.indexOf("?") === -1 ? "?" : "&";
        fetch(url + separator + "q=" + encodeURIComponent(query), { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) { select.clearOptions(); callback(data.results); })
          .catch(function () { callback(); });
      },
      render: {
        option: function (data) { return textNode("div", "option", data.text); },
        item: function (data) { return textNode("div", "item", data.text); },
        no_results: function () { return textNode("div", "no-results", input.dataset.noResults); },
        loading: function () { return textNode("div", "spinner-border spinner-border-sm m-2", ""); },
      },
    });
    if (invalid) select.wrapper.classList.add("is-invalid");
    // Tom Select points the label at its own box: the original (now hidden) input keeps the same name, and the box
    // gets the help text and the error Django tied to the field, and its invalid state.
    var labelledBy = select.control_input.getAttribute("aria-labelledby");
    if (labelledBy) input.setAttribute("aria-labelledby", labelledBy);
    ["aria-describedby", "aria-invalid"].forEach(function (name) {
      if (input.hasAttribute(name)) select.control_input.setAttribute(name, input.getAttribute(name));
    });
    // What the user typed but did not pick (an unknown code kept after an error) stays visible in the box.
    if (value && !options.length) select.setTextboxValue(value);
  }

  document.querySelectorAll("input[data-autocomplete]").forEach(enhance);
})();
