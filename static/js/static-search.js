// Search in the static export (build_site). A static host serves /search/ and /glossary/
// without running the query, so the page arrives with the address's query but no results;
// then this script asks the Pagefind index that build_site made. On the live site the server
// has already answered and this script does nothing.
(function () {
  "use strict";
  // The page's own words, translated where the page is rendered (static_search_script.html).
  var messages = document.currentScript.dataset;
  var query = (new URLSearchParams(window.location.search).get("q") || "").trim();
  var form = document.querySelector("[data-static-search]");
  if (!query || !form) { return; }
  var input = form.querySelector("input[name=q]");
  if (input.value.trim() !== "") { return; } // the server answered this query
  input.value = query;
  var onlyGlossary = form.dataset.staticSearch === "glossary";
  // Spanish pages live under /es/; Pagefind keeps one index per language (the <html lang>),
  // so a Spanish page finds Spanish pages.
  var glossaryPath = (document.documentElement.lang === "es" ? "/es" : "") + "/glossary/";
  var status = document.createElement("p");
  status.className = "static-search__status";
  status.setAttribute("role", "status");
  var list = document.createElement("ol");
  list.className = onlyGlossary ? "usa-list glossary-results__list" : "search-results";
  form.after(status, list);
  var all = document.getElementById("glossary-all");
  if (all) { all.hidden = true; }
  import("/pagefind/pagefind.js").then(function (pagefind) {
    return pagefind.search(query);
  }).then(function (found) {
    return Promise.all(found.results.slice(0, 50).map(function (r) { return r.data(); }));
  }).then(function (pages) {
    pages = pages.filter(function (p) {
      var path = new URL(p.url, window.location.href).pathname;
      return !onlyGlossary || (path.indexOf(glossaryPath) === 0 && path !== glossaryPath);
    });
    status.textContent = countText(pages.length);
    pages.forEach(function (p) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = p.url;
      link.textContent = (p.meta && p.meta.title ? p.meta.title : p.url).replace(/ \| .*$/, "");
      item.appendChild(link);
      if (!onlyGlossary && p.excerpt) {
        var snippet = document.createElement("p");
        snippet.className = "search-result__snippet";
        snippet.innerHTML = p.excerpt; // Pagefind escapes the page text and adds <mark> itself
        item.appendChild(snippet);
      }
      list.appendChild(item);
    });
  }).catch(function () {
    status.textContent = messages.unavailable;
  });
  function countText(count) {
    var lang = document.documentElement.lang || "en";
    var one = new Intl.PluralRules(lang).select(count) === "one";
    // Functions as replacements, so that a "$&" in the query stays as typed.
    return (one ? messages.resultOne : messages.resultOther)
      .replace("{count}", function () { return String(count); })
      .replace("{query}", function () { return query; });
  }
})();
