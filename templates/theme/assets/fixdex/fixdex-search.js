/* fixdex site search on Pagefind, behind Material's search box.
 *
 * Pagefind's index is split into chunks: a query fetches only the chunks of its
 * own words, so the first result costs a few hundred kilobytes whatever the
 * size of the site. Nothing loads with the page; the engine starts loading when
 * the search box gets focus.
 *
 * Material's own search stays mounted with an empty index (its keyboard handling,
 * overlay and ?h= highlighting keep working); this script fills a second result
 * list and answers the keys that Material would otherwise send to its own list.
 */
(function () {
  "use strict";

  var configElement = document.getElementById("__config");
  var config = configElement ? JSON.parse(configElement.textContent) : {};
  /* base is "." or "../.." on pages, "/" or "/kb" on the 404 page: one slash at the end, never "//" */
  var siteRoot = new URL((config.base || ".").replace(/\/*$/, "/"), location.href);
  var highlight = (config.features || []).indexOf("search.highlight") >= 0;
  var engine = null;
  var pending = Promise.resolve();

  function loadEngine() {
    if (!engine) {
      engine = import(new URL("pagefind/pagefind.js", siteRoot).href).then(function (pagefind) {
        // Pagefind reads the last word as a prefix; error titles hold numbers and identifiers, so a
        // word that matches exactly ("parser 42") must outrank longer ones ("parser 422")
        var ranking = { termSimilarity: 10 };
        return pagefind.options({ baseUrl: siteRoot.pathname, excerptLength: 22, ranking: ranking }).then(function () {
          return pagefind;
        });
      });
    }
    return engine;
  }

  /* Pasted tracebacks are reduced to the words of their error line by the matcher's own rules
   * (fixdex-match.js with api/match-rules.json, both written by fixdex: fixdex/normalise.py), fetched
   * with the engine when the search box gets focus. Until they arrive a query goes as typed. */
  var matcher = null;
  var matcherLoading = null;

  function loadScript(url) {
    return new Promise(function (resolve, reject) {
      if (window.fixdexMatch) { resolve(); return; }
      var tag = document.createElement("script");
      tag.src = url;
      tag.onload = function () { resolve(); };
      tag.onerror = function () { reject(new Error(url + " did not load")); };
      document.head.appendChild(tag);
    });
  }

  function loadMatcher() {
    if (!matcherLoading) {
      var rules = fetch(new URL("api/match-rules.json", siteRoot)).then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      });
      matcherLoading = Promise.all([rules, loadScript(new URL("assets/fixdex/fixdex-match.js", siteRoot).href)])
        .then(function (loaded) { matcher = window.fixdexMatch.create(loaded[0].rules); return matcher; })
        .catch(function () { return null; });
    }
    return matcherLoading;
  }

  /* The line that names the error: the last "SomeError: message" in a traceback (fixdex.normalise.error_line). */
  function errorLine(text) {
    return matcher ? matcher.errorLine(text) : text.trim();
  }

  /* A pasted traceback is not a query: the words of its error line, without what no page contains
   * (paths, numbers, addresses, colour codes). A short typed query goes as typed (fixdex.normalise.search_terms). */
  function searchTerms(text) {
    return matcher ? matcher.searchTerms(text) : text.trim();
  }

  function escapeText(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span.innerHTML;
  }

  function resultUrl(url, terms) {
    var target = new URL(url, siteRoot);
    if (highlight) target.searchParams.set("h", terms);
    return target.href;
  }

  function render(box, terms, results) {
    var meta = box.querySelector(".md-search-result__meta");
    var list = box.querySelector(".md-search-result__list");
    meta.textContent = terms ? (results.length ? results.length + " matching entries" : "No matching entries") : "Type to search";
    list.innerHTML = results.map(function (data) {
      var title = (data.meta && data.meta.title) || data.url;
      // Pagefind's excerpt is escaped page text with <mark> around the matched words
      return '<li class="md-search-result__item"><a href="' + escapeText(resultUrl(data.url, terms)) +
        '" class="md-search-result__link" tabindex="-1"><article class="md-search-result__article md-typeset"><h1>' +
        escapeText(title) + "</h1><p>" + data.excerpt + "</p></article></a></li>";
    }).join("");
  }

  async function run(input, box) {
    var query = input.value;
    await loadMatcher();
    var terms = searchTerms(query);
    if (!terms) { render(box, "", []); return; }
    // Pagefind reads the last word as a prefix, and a one-letter prefix fetches the index chunks
    // of every word with that letter: wait for the second letter
    if (/(^|\s)\S$/.test(terms)) {
      terms = terms.replace(/\s*\S$/, "");
      if (!terms) return;
    }
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

  /* A text input drops the line breaks of pasted text, and with them the line that names the
   * error. Put that line into the box instead of the whole traceback. */
  function onPaste(event) {
    var text = event.clipboardData ? event.clipboardData.getData("text/plain") : "";
    if (text.split(/\r?\n/).filter(function (l) { return l.trim(); }).length < 2) return;
    event.preventDefault();
    var input = event.target;
    /* the rules may still be on their way (the paste can come right after focus): insert when they are here */
    loadMatcher().then(function () {
      var line = errorLine(text);
      input.focus();
      if (!document.execCommand || !document.execCommand("insertText", false, line)) {
        input.setRangeText(line, input.selectionStart, input.selectionEnd, "end");
        input.dispatchEvent(new Event("input", { bubbles: true }));
      }
    });
  }

  /* Enter and the arrow keys act on this result list; Material's handler (on window) would act
   * on its own, empty one. Escape and Tab still reach Material, which closes the search. */
  function onKey(event, input, box) {
    if (event.key !== "Enter" && event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    if (event.key === "Enter" && event.target !== input) return; // a focused result link follows itself
    event.stopPropagation();
    event.preventDefault();
    if (event.key === "Enter") {
      pending.then(function () {
        var first = box.querySelector("a");
        if (first) first.click();
      });
      return;
    }
    var stops = [input].concat(Array.prototype.slice.call(box.querySelectorAll("a")));
    var index = Math.max(0, stops.indexOf(document.activeElement));
    stops[(index + stops.length + (event.key === "ArrowUp" ? -1 : 1)) % stops.length].focus();
  }

  function mount() {
    var dialog = document.querySelector(".md-search.fx-pagefind");
    var box = document.querySelector(".fx-search-results");
    var input = document.querySelector(".md-search__input");
    if (!dialog || !box || !input || input.dataset.fxSearch) return;
    input.dataset.fxSearch = "on";
    input.addEventListener("input", function () { pending = run(input, box); });
    input.addEventListener("paste", onPaste);
    input.addEventListener("focus", function () { loadEngine(); loadMatcher(); }, { once: true });
    dialog.addEventListener("keydown", function (event) { onKey(event, input, box); });
  }

  window.fixdexSearchTerms = searchTerms;
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(mount);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mount);
  else mount();
})();
