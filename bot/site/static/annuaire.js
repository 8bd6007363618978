// The directory's filter, as you type. Without JavaScript the form asks the server
// (`?q=`); here the same rule runs in the page: each row carries its words folded
// (no case, no accent, no punctuation), and every word of the query must be in them.
(function () {
  "use strict";
  var input = document.getElementById("q");
  var form = document.getElementById("recherche");
  var status = document.getElementById("resultat");
  var none = document.getElementById("aucun");
  if (!input || !form || !status) return;
  var sections = document.querySelectorAll(".annuaire-section[id]:not(#personnes)");

  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/œ/g, "oe").replace(/æ/g, "ae").replace(/ß/g, "ss").replace(/ø/g, "o")
      .replace(/ł/g, "l").replace(/đ/g, "d")
      .replace(/[^a-z0-9]+/g, " ").trim();
  }

  function apply(query) {
    var words = fold(query).split(" ").filter(Boolean);
    var shown = 0;
    sections.forEach(function (section) {
      var kept = 0;
      section.querySelectorAll("tr[data-search]").forEach(function (row) {
        var text = row.getAttribute("data-search");
        var match = words.every(function (word) { return text.indexOf(word) !== -1; });
        row.hidden = !match;
        if (match) kept += 1;
      });
      section.hidden = kept === 0;
      shown += kept;
    });
    var people = document.getElementById("personnes");
    if (people) people.hidden = words.length > 0;
    if (none) none.hidden = shown > 0;
    status.textContent = words.length === 0
      ? status.getAttribute("data-everything")
      : (shown === 0 ? "Aucun résultat" : shown + (shown === 1 ? " résultat" : " résultats"))
        + " pour « " + query.trim() + " ».";
  }

  var params = new URLSearchParams(window.location.search);
  if (params.has("q")) input.value = params.get("q");
  input.addEventListener("input", function () { apply(input.value); });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    apply(input.value);
    var url = new URL(window.location.href);
    if (input.value.trim()) url.searchParams.set("q", input.value.trim());
    else url.searchParams.delete("q");
    window.history.replaceState(null, "", url);
  });
  apply(input.value);
})();
