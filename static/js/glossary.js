// Glossary: narrow the results as you type. The server ranks them (the same function as the
// form's results page), so the order never differs; without JavaScript the form still works.
(function () {
  "use strict";
  var form = document.querySelector(".glossary-search");
  var input = document.getElementById("glossary-q");
  var results = document.getElementById("glossary-results");
  var all = document.getElementById("glossary-all");
  var status = document.getElementById("glossary-count");
  if (!form || !input || !results || !status || !window.fetch) { return; }
  var timer = null;
  var latest = 0;
  function update() {
    var query = input.value.trim();
    var request = ++latest;
    var url = form.action + "?fragment=results&q=" + encodeURIComponent(query);
    window.fetch(url, { headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null || request !== latest) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("glossary-results");
        if (fresh) { show(fresh); }
        // While there is a query the matches are the list; the full A-Z list returns when empty.
        if (all) { all.hidden = query !== ""; }
        var address = query ? "?q=" + encodeURIComponent(query) : window.location.pathname;
        window.history.replaceState(null, "", address);
      })
      .catch(function () { /* the form still submits normally */ });
  }
  // Everything around the count is replaced; the count's live region stays and only its text
  // changes, because screen readers need not announce a region that is itself new.
  function show(fresh) {
    var freshStatus = fresh.querySelector("#glossary-count");
    Array.prototype.slice.call(results.childNodes).forEach(function (node) {
      if (node !== status) { results.removeChild(node); }
    });
    var beforeStatus = true;
    Array.prototype.slice.call(fresh.childNodes).forEach(function (node) {
      if (node === freshStatus) { beforeStatus = false; return; }
      if (beforeStatus) { results.insertBefore(node, status); } else { results.appendChild(node); }
    });
    status.textContent = freshStatus ? freshStatus.textContent : "";
  }
  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(update, 150);
  });
})();
