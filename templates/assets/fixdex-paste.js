/* The "Paste your error" box: matches as you type with fixdex-match.js.
 *
 * The match index (api/match-index.json, maybe sharded by exception type) is
 * fetched on first use of the box, never on page load. Works with Material's
 * instant navigation: boxes are wired on every `document$` emission.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var siteRoot = new URL("../../", script ? script.src : location.href);  /* assets/fixdex/ -> site root */
  var indexUrl = new URL("api/match-index.json", siteRoot);
  var manifest = null;
  var shards = {};   /* file -> Promise of records */
  var prepared = {}; /* sorted shard files -> prepared index */

  function fetchJson(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) throw new Error(url + ": HTTP " + r.status);
      return r.json();
    });
  }

  function loadManifest() {
    if (!manifest) manifest = fetchJson(indexUrl);
    return manifest;
  }

  /* The prepared index for this text: the shards whose exception types the text names, else all. */
  function indexFor(text) {
    return loadManifest().then(function (data) {
      if (data.entries) {
        if (!prepared.all) prepared.all = window.fixdexMatch.prepare(data.entries, siteRoot.href);
        return prepared.all;
      }
      var names = window.fixdexMatch.exceptionNames(window.fixdexMatch.clean(text));
      var wanted = data.shards.filter(function (s) {
        return s.exceptions.some(function (e) { return names.indexOf(e) >= 0; });
      });
      if (!wanted.length) wanted = data.shards;
      var files = wanted.map(function (s) { return s.file; }).sort();
      var key = files.join(" ");
      if (prepared[key]) return prepared[key];
      return Promise.all(files.map(function (file) {
        if (!shards[file]) shards[file] = fetchJson(new URL(file, indexUrl)).then(function (d) { return d.entries; });
        return shards[file];
      })).then(function (lists) {
        prepared[key] = window.fixdexMatch.prepare([].concat.apply([], lists), siteRoot.href);
        return prepared[key];
      });
    });
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function label(name) {
    return "your " + name.replace(/_/g, " ");
  }

  function show(box, candidates, text) {
    var list = box.querySelector(".fx-paste-results");
    var status = box.querySelector(".fx-paste-status");
    list.textContent = "";
    if (!text.trim()) { status.textContent = ""; return; }
    if (!candidates.length) {
      status.textContent = "No known error matches this text. Try the search, or only the last line of the traceback.";
      return;
    }
    status.textContent = candidates[0].confident ? "Known error:" : "No exact match; the closest entries:";
    candidates.forEach(function (c) {
      var item = element("li", c.confident ? "fx-paste-result fx-confident" : "fx-paste-result");
      item.setAttribute("data-entry", c.id);
      var link = element("a", "fx-paste-result-title", c.title);
      link.href = c.url;
      item.appendChild(link);
      item.appendChild(element("span", "fx-paste-verdict",
        c.confident ? "matches" : "similar (" + Math.round(c.score * 100) + "%)"));
      var names = Object.keys(c.captures);
      if (names.length) {
        var captures = element("p", "fx-paste-captures");
        names.forEach(function (name, i) {
          if (i) captures.appendChild(document.createTextNode(" · "));
          captures.appendChild(document.createTextNode(label(name) + ": "));
          captures.appendChild(element("code", "", c.captures[name]));
        });
        item.appendChild(captures);
      }
      list.appendChild(item);
    });
  }

  function wire(box) {
    if (box.getAttribute("data-fixdex-ready")) return;
    box.setAttribute("data-fixdex-ready", "1");
    var input = box.querySelector(".fx-paste-input");
    var timer = null;
    var latest = 0;
    function run() {
      var text = input.value;
      var ticket = ++latest;
      if (!text.trim()) { show(box, [], text); return; }
      box.querySelector(".fx-paste-status").textContent = "Matching…";
      indexFor(text).then(function (index) {
        if (ticket === latest) show(box, window.fixdexMatch.match(text, index, 5), text);
      }).catch(function (error) {
        box.querySelector(".fx-paste-status").textContent = "The match index could not be loaded (" + error.message + ").";
      });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(run, 120);
    });
    if (input.value.trim()) run();
  }

  function init() {
    document.querySelectorAll("[data-fixdex-paste]").forEach(wire);
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) window.document$.subscribe(init);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
