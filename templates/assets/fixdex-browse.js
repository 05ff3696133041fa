/* Browse pages: a text filter over the entry lists and group links.
 *
 * Progressive enhancement: the filter box is `hidden` in the HTML and shown here, so
 * without JavaScript every list shows in full. Filtering only toggles the `hidden`
 * attribute of list items and sections; nothing is ever written as HTML. Every word
 * typed must appear in an item's text (title, fix, category, packages) or in its
 * data-fixdex-words (exception, id, tags). `?q=words`
 * in the address fills the box. Loaded only by pages that carry `data-fixdex-filter`
 * (fixdex/assets.py); works with Material's instant navigation.
 */
(function () {
  "use strict";
  // Material's instant navigation runs this script again on every page that has it: wire once
  if (window.fixdexBrowseFilter) return;
  window.fixdexBrowseFilter = true;

  function words(text) {
    return text.toLowerCase().split(/\s+/).filter(Boolean);
  }

  function wire(box) {
    if (box.getAttribute("data-fixdex-ready")) return;
    box.setAttribute("data-fixdex-ready", "1");
    var input = box.querySelector(".fx-filter-input");
    var status = box.querySelector(".fx-filter-status");
    var root = box.closest("article") || document;
    var sections = Array.prototype.slice.call(root.querySelectorAll("[data-fixdex-filterable]"));
    var folds = Array.prototype.slice.call(root.querySelectorAll("[data-fixdex-filterable] details"));
    var openBefore = folds.map(function (fold) { return fold.open; });
    var items = [];
    sections.forEach(function (section) {
      section.querySelectorAll("li").forEach(function (item) {
        var text = item.textContent + " " + (item.getAttribute("data-fixdex-words") || "");
        items.push({ element: item, text: text.toLowerCase(), entry: !!item.closest("[data-fixdex-entries]") });
      });
    });
    var entryCount = items.filter(function (item) { return item.entry; }).length;

    function apply() {
      var wanted = words(input.value);
      var entriesShown = 0;
      var groupsShown = 0;
      items.forEach(function (item) {
        var show = wanted.every(function (word) { return item.text.indexOf(word) >= 0; });
        item.element.hidden = !show;
        if (show && item.entry) entriesShown += 1;
        if (show && !item.entry) groupsShown += 1;
      });
      sections.forEach(function (section) {
        section.hidden = wanted.length > 0 && !section.querySelector("li:not([hidden])");
      });
      folds.forEach(function (fold, index) {
        fold.open = wanted.length ? !!fold.querySelector("li:not([hidden])") : openBefore[index];
      });
      if (!wanted.length) status.textContent = "";
      else if (!entriesShown && !groupsShown) status.textContent = "Nothing matches “" + input.value.trim() + "”.";
      else status.textContent = entriesShown + " of " + entryCount + (entryCount === 1 ? " entry" : " entries") + " match" +
        (groupsShown ? ", and " + groupsShown + (groupsShown === 1 ? " group." : " groups.") : ".");
    }

    input.addEventListener("input", apply);
    var query = new URLSearchParams(location.search).get("q");
    if (query) input.value = query;
    box.hidden = false;
    if (input.value) apply();
  }

  function init() {
    document.querySelectorAll("[data-fixdex-filter]").forEach(wire);
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) window.document$.subscribe(init);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
