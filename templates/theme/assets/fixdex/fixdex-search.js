/* fixdex site search on Pagefind, behind Material's search box.
 *
 * Pagefind's index is split into chunks: a query fetches only the chunks of its
 * own words, so the first result costs a few hundred kilobytes whatever the
 * size of the site. Everything loads on first use of the box, not with the page.
 */
(function () {
  "use strict";

  var configElement = document.getElementById("__config");
  var config = configElement ? JSON.parse(configElement.textContent) : {};
  var siteRoot = new URL((config.base || ".") + "/", location.href);
  var engine = null;

  function loadEngine() {
    if (!engine) {
      engine = import(new URL("pagefind/pagefind.js", siteRoot).href).then(function (pagefind) {
        return pagefind.options({ baseUrl: siteRoot.pathname, excerptLength: 22 }).then(function () {
          return pagefind;
        });
      });
    }
    return engine;
  }

  /* A pasted traceback is not a query: keep the words of its exception line and drop what
   * no page contains (paths, numbers, addresses, colour codes). */
  function searchTerms(text) {
    var clean = text.replace(/\u001b\[[0-9;]*m/g, "");
    var lines = clean.split(/\r?\n/).map(function (line) { return line.trim(); }).filter(Boolean);
    var line = clean.trim();
    if (lines.length > 1 || clean.length > 120) {
      var errorLines = lines.filter(function (l) { return /^[\w.]*(Error|Exception|Warning|Exit|NotFound)\b/.test(l); });
      line = errorLines.length ? errorLines[errorLines.length - 1] : lines[lines.length - 1];
    }
    var words = line
      .replace(/(?:[A-Za-z]:)?(?:[\\/][\w.@+-]+){2,}/g, " ")
      .replace(/\b0x[0-9a-f]+\b/gi, " ")
      .replace(/\b\d+(?:\.\d+)*\b/g, " ")
      .replace(/[^\w.\s-]+/g, " ")
      .split(/\s+/)
      .map(function (w) { return w.replace(/^[.-]+|[.-]+$/g, ""); })
      .filter(function (w) { return w.length > 1; });
    return words.slice(0, 12).join(" ");
  }

  function escapeText(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span.innerHTML;
  }

  function render(box, query, results) {
    var meta = box.querySelector(".md-search-result__meta");
    var list = box.querySelector(".md-search-result__list");
    meta.textContent = query ? (results.length ? results.length + " matching entries" : "No matching entries") : "Type to search";
    list.innerHTML = results.map(function (data) {
      var title = (data.meta && data.meta.title) || data.url;
      // Pagefind's excerpt is escaped page text with <mark> around the matched words
      return '<li class="md-search-result__item"><a href="' + escapeText(data.url) + '" class="md-search-result__link" tabindex="-1">' +
        '<article class="md-search-result__article md-typeset"><h1>' + escapeText(title) + "</h1><p>" + data.excerpt +
        "</p></article></a></li>";
    }).join("");
  }

  async function run(input, box) {
    var query = input.value;
    var terms = searchTerms(query);
    if (!terms) { render(box, "", []); return; }
    var pagefind = await loadEngine();
    var search = await pagefind.debouncedSearch(terms, {}, 40);
    if (search === null) return; // a newer keystroke replaced this query
    var results = search.results;
    if (!results.length && terms.indexOf(" ") > 0) {
      // long pasted text: the first words of an error message are the ones that name it
      search = await pagefind.search(terms.split(" ").slice(0, 4).join(" "));
      results = search.results;
    }
    var top = await Promise.all(results.slice(0, 10).map(function (r) { return r.data(); }));
    if (input.value === query) render(box, terms, top);
  }

  function mount() {
    var box = document.querySelector(".fx-search-results");
    var input = document.querySelector(".md-search__input");
    if (!box || !input || input.dataset.fxSearch) return;
    input.dataset.fxSearch = "on";
    input.addEventListener("input", function () { run(input, box); });
    input.addEventListener("focus", function () { loadEngine(); }, { once: true });
    input.form.addEventListener("submit", function (event) {
      event.preventDefault();
      var first = box.querySelector("a");
      if (first) location.href = first.href;
    });
  }

  window.fixdexSearchTerms = searchTerms;
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(mount);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mount);
  else mount();
})();
