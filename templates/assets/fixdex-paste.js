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
  function fetchJson(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) throw new Error(url + ": HTTP " + r.status);
      return r.json();
    });
  }

  /* Matching runs in a Web Worker (fixdex-match-worker.js, which fetches the index and the shards a
   * text needs), so a slow paste can never freeze the page; where Workers are unavailable the same
   * fixdexMatch.session runs here. Resolves to {candidates, cut, note, rules}. */
  var worker = null;
  var waiting = new Map();
  var requests = 0;
  var local = null;

  function settle(id, method, value) {
    var pending = waiting.get(id);
    if (!pending) return;
    waiting.delete(id);
    pending[method](value);
  }

  function startWorker() {
    if (worker !== null || local !== null || typeof Worker === "undefined") return;
    try {
      /* Material runs this script again after an instant navigation: keep one worker (and its index) */
      worker = window.fixdexMatchWorker || new Worker(new URL("assets/fixdex/fixdex-match-worker.js", siteRoot));
      window.fixdexMatchWorker = worker;
    } catch (error) {
      worker = null;
      return;
    }
    worker.onmessage = function (event) {
      var data = event.data;
      if (data.error) settle(data.id, "reject", new Error(data.error));
      else settle(data.id, "resolve", data.result);
    };
    worker.onerror = function (event) {  /* the worker could not start: match on the page instead */
      if (event && event.preventDefault) event.preventDefault();
      worker = null;
      window.fixdexMatchWorker = null;
      local = window.fixdexMatch.session(indexUrl.href, siteRoot.href);
      var pending = Array.from(waiting.values());
      waiting.clear();
      pending.forEach(function (p) { local.match(p.text, 5).then(p.resolve, p.reject); });
    };
  }

  function matchText(text) {
    startWorker();
    var result;
    if (worker !== null) {
      result = new Promise(function (resolve, reject) {
        var id = ++requests;
        waiting.set(id, { resolve: resolve, reject: reject, text: text });
        worker.postMessage({ id: id, text: text, top: 5, indexUrl: indexUrl.href, siteRoot: siteRoot.href });
      });
    } else {
      if (local === null) local = window.fixdexMatch.session(indexUrl.href, siteRoot.href);
      result = local.match(text, 5);
    }
    return result.then(function (found) {
      window.fixdexMatch.useRules(found.rules);  /* clean() for the request line below */
      return found;
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

  /* Entry text is Markdown-free apart from `code` spans: show those as code, never as backticks. */
  function inline(parent, text) {
    var parts = String(text).split("`");
    if (parts.length % 2 === 0) parts = String(text).replace(/`/g, "").split("`");  /* unbalanced: plain text */
    parts.forEach(function (part, i) {
      if (!part) return;
      parent.appendChild(i % 2 ? element("code", "", part) : document.createTextNode(part));
    });
    return parent;
  }

  /* An exception name ending a line or followed by ": message", after a log prefix if any; not `raise X(`. */
  var ERROR_LINE = /(?:^|[\s\]>|:])((?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*(?:Error|Exception|Warning|Exit|Interrupt|Fault)(?::\s.*|:?$))/;
  var ANSI = /\x1b\[[0-?]*[ -\/]*[@-~]/g;
  var LINE_CAP = 300;
  var SCAN_CAP = 2000;  /* each line is searched in its first SCAN_CAP characters: the search stays short */

  /* The line a request names: the paste's first exception line (else its last line), one line, capped. */
  function errorLine(text) {
    var lines = String(text).slice(0, 200000).replace(ANSI, "").split(/\r\n|\r|\n/).map(function (l) {
      return l.slice(0, SCAN_CAP).replace(/\s+/g, " ").trim();
    }).filter(Boolean);
    var line = "";
    for (var i = 0; i < lines.length && !line; i++) {
      var found = ERROR_LINE.exec(lines[i]);
      if (found) line = found[1];
    }
    line = line || lines[lines.length - 1] || "";
    return line.length > LINE_CAP ? line.slice(0, LINE_CAP - 1) + "…" : line;
  }

  /* api/site.json: the site's name and its "Request this entry" form (null without a repository). */
  var siteInfo = null;
  function loadSiteInfo() {
    if (!siteInfo) siteInfo = fetchJson(new URL("api/site.json", siteRoot)).catch(function () { return {}; });
    return siteInfo;
  }

  /* The new-issue URL of the request form, prefilled; values only ever travel as query parameters. */
  function requestUrl(form, values) {
    var url = new URL(form.url);
    var title = "Request: " + (values.entry || values.error || "").slice(0, 120);
    if (form.style === "description") {
      url.searchParams.set("issue[title]", title);
      url.searchParams.set("issue[description]", Object.keys(form.fields).map(function (id) {
        return "### " + form.fields[id] + "\n\n" + (values[id] || "");
      }).join("\n\n"));
    } else {
      url.searchParams.set("title", title);
      Object.keys(form.fields).forEach(function (id) { if (values[id]) url.searchParams.set(id, values[id]); });
    }
    return url.href;
  }

  function requestLink(form, values) {
    var link = element("a", "fx-request-link", "Request this entry");
    link.href = requestUrl(form, values);
    link.rel = "nofollow noopener";
    return link;
  }

  function accountNote(form) {
    return "Opens a new issue on " + form.host + " with this filled in; you need a " + form.host + " account.";
  }

  /* Material's search, opened as its own search button would; false when the site has no search. */
  function searchToggle() {
    return document.getElementById("__search");
  }

  function openSearch() {
    var toggle = searchToggle();
    if (!toggle) return;
    if (!toggle.checked) toggle.click();
    var input = document.querySelector(".md-search__input");
    if (input) input.focus();
  }

  function searchButton(className, text) {
    var button = element("button", className, text);
    button.type = "button";
    button.addEventListener("click", openSearch);
    return button;
  }

  /* No known error (nothing, or only similar entries): offer the search and a request for the error line. */
  function offerRequest(box, text, lead) {
    var actions = element("p", "fx-paste-none");
    if (lead) actions.appendChild(document.createTextNode(lead + " "));
    if (searchToggle()) {
      actions.appendChild(searchButton("fx-open-search", "Search the site"));
      actions.appendChild(document.createTextNode(" "));
    }
    box.querySelector(".fx-paste-results").appendChild(element("li", "fx-paste-none-item")).appendChild(actions);
    var line = errorLine(text);
    loadSiteInfo().then(function (info) {
      if (!info.request || !line || !actions.isConnected) return;
      actions.appendChild(requestLink(info.request, { error: line }));
      actions.appendChild(element("span", "fx-request-note", " " + accountNote(info.request)));
    });
  }

  var LAST_SEGMENT = /^([^\/]+)\/?$/;
  var ENTRY_ID = /^[a-z0-9][a-z0-9-]{0,80}$/;

  /* The entry id in a missing entry address, or "". `dirs` are the folders below fixdex's root that hold
   * entry addresses (data-fixdex-entry-dirs: "e/ errors/", or "e/ ." under a prefix, where entries sit at
   * the root: fixdex/urls.py). The address is the visitor's input. */
  function missingEntryId(pathname, dirs) {
    var root = siteRoot.pathname;
    if (pathname.slice(0, root.length) !== root) return "";
    var rest = pathname.slice(root.length);
    var found = null;
    (dirs || "e/ errors/").split(" ").forEach(function (dir) {
      if (found || !dir) return;
      var start = dir === "." ? "" : dir;
      if (rest.slice(0, start.length) === start) found = LAST_SEGMENT.exec(rest.slice(start.length));
    });
    if (!found) return "";
    var id;
    try { id = decodeURIComponent(found[1]); } catch (error) { return ""; }
    return ENTRY_ID.test(id) ? id : "";
  }

  /* The 404 page (templates/not-found.html.j2). */
  function wireNotFound(page) {
    if (page.getAttribute("data-fixdex-ready")) return;
    page.setAttribute("data-fixdex-ready", "1");
    if (searchToggle()) {
      page.querySelector(".fx-open-search").addEventListener("click", openSearch);
      page.querySelector(".fx-open-search-line").hidden = false;
    }
    var id = missingEntryId(location.pathname, page.getAttribute("data-fixdex-entry-dirs"));
    if (!id) return;
    page.querySelector(".fx-not-found-id").textContent = id;
    page.querySelector(".fx-not-found-entry").hidden = false;
    loadSiteInfo().then(function (info) {
      if (!info.request) return;
      page.querySelector(".fx-request-link").href = requestUrl(info.request, { entry: id });
      page.querySelector(".fx-request-note").textContent = accountNote(info.request);
      page.querySelector(".fx-request").hidden = false;
    });
  }

  function show(box, candidates, text) {
    var list = box.querySelector(".fx-paste-results");
    var status = box.querySelector(".fx-paste-status");
    list.textContent = "";
    if (!text.trim()) { status.textContent = ""; return; }
    if (!candidates.length) {
      status.textContent = "No known error matches this text.";
      offerRequest(box, text, "");
      return;
    }
    status.textContent = candidates[0].confident ? "Known error:" : "No exact match; the closest entries:";
    candidates.forEach(function (c) {
      var item = element("li", c.confident ? "fx-paste-result fx-confident" : "fx-paste-result");
      item.setAttribute("data-entry", c.id);
      var link = inline(element("a", "fx-paste-result-title"), c.title);
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
      if (c.fix_title) item.appendChild(inline(element("p", "fx-paste-fix"), c.fix_title));
      list.appendChild(item);
    });
    if (!candidates[0].confident) offerRequest(box, text, "None of these?");
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
      matchText(text).then(function (result) {
        if (ticket !== latest) return;
        show(box, result.candidates, text);
        if (result.cut) box.querySelector(".fx-paste-status").textContent += " " + result.note;
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
    document.querySelectorAll("[data-fixdex-not-found]").forEach(wireNotFound);
    document.querySelectorAll("[data-fixdex-paste]").forEach(wire);
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) window.document$.subscribe(init);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
