// OpenPES progressive enhancement: typeahead for taxonomy inputs. Pages work without it.
(function () {
  "use strict";
  function debounce(fn, ms) {
    var timer = null;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, ms);
    };
  }
  document.querySelectorAll("input[data-typeahead]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) { return; }
    var kind = input.getAttribute("data-typeahead");
    var lang = input.getAttribute("data-lang") || "zh-TW";
    input.addEventListener("input", debounce(function () {
      var q = input.value.trim();
      if (q.length < 1) { return; }
      var url = "/api/v1/taxonomy/search?limit=8&kind=" + encodeURIComponent(kind) +
        "&lang=" + encodeURIComponent(lang) + "&q=" + encodeURIComponent(q);
      fetch(url, { headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (body) {
          list.textContent = "";
          (body.results || []).forEach(function (hit) {
            var option = document.createElement("option");
            option.value = hit.concept ? hit.concept.label : hit.label;
            list.appendChild(option);
          });
        })
        .catch(function () { /* typing still works without suggestions */ });
    }, 150));
  });
})();
