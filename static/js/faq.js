// FAQ: open the answer named in the address (/faq/#slug), and offer "expand all".
// Without JavaScript every answer still opens with its own control, and print opens them all.
(function () {
  "use strict";
  var items = Array.prototype.slice.call(document.querySelectorAll("details.faq-item"));
  function openFromHash() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (target && target.tagName === "DETAILS") {
      target.open = true;
      target.scrollIntoView();
      target.querySelector("summary").focus();
    }
  }
  var toggle = document.getElementById("faq-toggle");
  if (toggle) {
    var update = function () {
      var allOpen = items.every(function (d) { return d.open; });
      toggle.textContent = allOpen ? toggle.dataset.closeLabel : toggle.dataset.openLabel;
      toggle.setAttribute("aria-expanded", allOpen ? "true" : "false");
    };
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = !items.every(function (d) { return d.open; });
      items.forEach(function (d) { d.open = open; });
      update();
    });
    items.forEach(function (d) { d.addEventListener("toggle", update); });
    update();
  }
  window.addEventListener("beforeprint", function () { items.forEach(function (d) { d.open = true; }); });
  window.addEventListener("hashchange", openFromHash);
  openFromHash();
})();
