/* fixdex error matcher: the JavaScript twin of fixdex/match.py.
 *
 * Same steps, same numbers: tests/data/match-vectors.json holds both
 * implementations to the specification in docs/matching.md. No DOM here: the
 * paste box (fixdex-paste.js) and node's test runner both use this file.
 * Signatures arrive already compiled to JS RegExp sources by fixdex.
 */
(function (root, factory) {
  "use strict";
  var api = factory();
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.fixdexMatch = api;
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var PREFILTER = 50;
  var MIN_FUZZY = 0.45;
  var CONFIDENT_FUZZY = 0.9;
  var CONFIDENT_MARGIN = 0.05;
  var FULL_LITERAL_CHARS = 40;
  var QUOTES = "'\"`\u2018\u2019\u201c\u201d";
  var AGREEMENT = { match: 1.0, absent: 0.5, other: 0.0 };

  var ANSI = /\x1b\[[0-?]*[ -\/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;
  var PREFIXES = [
    /^\[?\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?\]?\s*/,
    /^\[?\d{2}:\d{2}:\d{2}(?:[.,]\d+)?\]?\s+/,
    /^(?:DEBUG|INFO|WARNING|ERROR|CRITICAL):[\w.]*:/,
    /^\[?(?:DEBUG|INFO|WARN|WARNING|ERROR|CRITICAL|FATAL)\]?(?:\s+-|:)?\s+/,
    /^##\[(?:error|warning)\]/,
    /^E\s{2,}(?=\S)/,
    /^[\w.-]+\s+\|\s/
  ];
  var EXCEPTION_NAME = /(?<![\w.])(?:[A-Za-z_]\w*\.)*([A-Za-z_]\w*(?:Error|Exception|Warning|Exit|Interrupt|Fault))\b/g;
  var EXCEPTION_LINE = /^\s*(?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*(?:Error|Exception|Warning|Exit|Interrupt|Fault)\b/;
  var NORMALISE = [
    [/https?:\/\/\S+/g, " url "],
    [/\b[a-z]:\\[^\s'"`]*/g, " path "],
    [/(?<![\w\/])(?:~|\.\.?)?(?:\/[\w.@+-]+){2,}\/?/g, " path "],
    [/\b0x[0-9a-f]+\b/g, " hex "],
    [/\bv?\d+(?:\.\d+){1,3}(?:(?:a|b|rc|dev|post)\d*)?\b/g, " ver "],
    [/\d+/g, " num "],
    [/[^a-z0-9_]+/g, " "]
  ];
  var PLACEHOLDER_WORDS = { url: 1, path: 1, hex: 1, ver: 1, num: 1 };

  function round4(value) {
    return Math.floor(value * 10000 + 0.5) / 10000;
  }

  function clean(text) {
    var lines = String(text).replace(ANSI, "").replace(/\r\n/g, "\n").replace(/\r/g, "\n").split("\n");
    var out = [];
    for (var i = 0; i < lines.length; i++) {
      var line = lines[i];
      for (var pass = 0; pass < 3; pass++) {
        var before = line;
        for (var p = 0; p < PREFIXES.length; p++) line = line.replace(PREFIXES[p], "");
        if (line === before) break;
      }
      out.push(line.replace(/\s+$/, ""));
    }
    return out.join("\n").replace(/^\n+|\n+$/g, "");
  }

  function joinLines(text) {
    return text.split("\n").map(function (l) { return l.trim(); }).filter(Boolean).join(" ");
  }

  function normalise(text) {
    text = text.toLowerCase();
    for (var i = 0; i < NORMALISE.length; i++) text = text.replace(NORMALISE[i][0], NORMALISE[i][1]);
    return text.split(/\s+/).filter(Boolean).join(" ");
  }

  function tokens(normalised) {
    return normalised.split(" ").filter(function (w) { return w.length >= 3 && !PLACEHOLDER_WORDS[w]; });
  }

  function exceptionNames(text) {
    var names = [];
    var m;
    EXCEPTION_NAME.lastIndex = 0;
    while ((m = EXCEPTION_NAME.exec(text)) !== null) names.push(m[1].toLowerCase());
    return names;
  }

  function focusLines(cleaned) {
    var lines = cleaned.split("\n").map(function (l) { return l.trim(); }).filter(Boolean);
    var chosen = lines.filter(function (l) { return EXCEPTION_LINE.test(l); }).slice(-3).concat(lines.slice(-2));
    var joined = joinLines(cleaned);
    if (joined.length <= 400) chosen.push(joined);
    var seen = [];
    chosen.forEach(function (l) { if (seen.indexOf(l) < 0) seen.push(l); });
    return seen;
  }

  /* Length of the longest common subsequence, bit-parallel (Hyyro), 32 bits a word. */
  function lcsLength(a, b) {
    if (!a.length || !b.length) return 0;
    var m = a.length;
    var words = Math.ceil(m / 32);
    var masks = {};
    for (var i = 0; i < m; i++) {
      var c = a.charCodeAt(i);
      var v = masks[c] || (masks[c] = new Uint32Array(words));
      v[i >> 5] = (v[i >> 5] | (1 << (i & 31))) >>> 0;
    }
    var S = new Uint32Array(words).fill(0xffffffff);
    for (var j = 0; j < b.length; j++) {
      var M = masks[b.charCodeAt(j)];
      if (!M) continue;
      var carry = 0;
      for (var w = 0; w < words; w++) {
        var s = S[w];
        var u = (s & M[w]) >>> 0;
        var sum = s + u + carry;
        carry = sum > 0xffffffff ? 1 : 0;
        S[w] = ((sum >>> 0) | (s & ~M[w])) >>> 0;
      }
    }
    var zeros = 0;
    for (var k = 0; k < m; k++) if (!((S[k >> 5] >>> (k & 31)) & 1)) zeros++;
    return zeros;
  }

  /* Indel similarity, as rapidfuzz's fuzz.ratio / 100. */
  function similarity(a, b) {
    var total = a.length + b.length;
    if (total === 0) return 0;
    var distance = total - 2 * lcsLength(a, b);
    return (total - distance) / total;
  }

  /* Quotes come off only when none is left inside: 'x' from 'y' stays whole. */
  function cleanCapture(value) {
    var v = value.trim();
    var start = 0;
    var end = v.length;
    while (start < end && QUOTES.indexOf(v[start]) >= 0) start++;
    while (end > start && QUOTES.indexOf(v[end - 1]) >= 0) end--;
    var inner = v.slice(start, end);
    for (var i = 0; i < inner.length; i++) if (QUOTES.indexOf(inner[i]) >= 0) return v;
    return inner.trim();
  }

  function exceptionName(entry) {
    var parts = entry.exception.split(".");
    return parts[parts.length - 1].toLowerCase();
  }

  function agreementOf(entry, names, text) {
    if (text.indexOf(entry.exception) >= 0 || names.indexOf(exceptionName(entry)) >= 0) return "match";
    var also = entry.exceptions || [];  // names the message and variants show (other versions)
    for (var i = 0; i < also.length; i++) if (names.indexOf(also[i]) >= 0) return "match";
    return names.length ? "other" : "absent";
  }

  /* Compile an index once: RegExps, token sets and inverse document frequencies. */
  function prepare(records, baseUrl) {
    var entries = records.map(function (r) {
      var words = {};
      r.normalised.forEach(function (text) { tokens(text).forEach(function (w) { words[w] = 1; }); });
      return {
        record: r,
        patterns: r.signatures.map(function (s) { return { re: new RegExp(s.js, "i"), literal: s.literal, key: s.key }; }),
        words: Object.keys(words).sort()  /* fixed order: the idf sum is the same float as Python's */
      };
    });
    var counts = {};
    entries.forEach(function (e) { e.words.forEach(function (w) { counts[w] = (counts[w] || 0) + 1; }); });
    var idf = {};
    Object.keys(counts).forEach(function (w) { idf[w] = Math.log(1 + entries.length / counts[w]); });
    return { entries: entries, idf: idf, baseUrl: baseUrl || "" };
  }

  function absolute(index, url) {
    return index.baseUrl ? index.baseUrl.replace(/\/+$/, "") + "/" + url : url;
  }

  function match(text, index, top) {
    top = top === undefined ? 5 : top;
    var cleaned = clean(text);
    if (!cleaned.trim()) return [];
    var joined = joinLines(cleaned);
    var lowered = cleaned.toLowerCase();
    var names = exceptionNames(cleaned);
    var scored = [];
    var hit = {};
    index.entries.forEach(function (entry, number) {
      var best = null;
      var agreement = agreementOf(entry.record, names, cleaned);
      entry.patterns.forEach(function (p) {
        if (lowered.indexOf(p.key) < 0) return;  /* its longest fixed word is missing: no match possible */
        var found = p.re.exec(cleaned) || p.re.exec(joined);
        if (!found) return;
        var specificity = Math.min(1, p.literal / FULL_LITERAL_CHARS);
        var score = 0.8 + 0.1 * specificity + 0.1 * AGREEMENT[agreement];
        var captures = {};
        var groups = found.groups || {};
        Object.keys(groups).forEach(function (k) { if (groups[k] !== undefined) captures[k] = cleanCapture(groups[k]); });
        if (best === null || score > best.score) best = { score: score, captures: captures };
      });
      if (best !== null) {
        hit[number] = true;
        scored.push({ score: round4(best.score), eligible: agreement !== "other", bySignature: true,
                      number: number, captures: best.captures });
      }
    });
    scored = scored.concat(fuzzy(cleaned, index, names, hit));
    scored.sort(function (a, b) {
      if (a.score !== b.score) return b.score - a.score;
      var x = index.entries[a.number].record.id;
      var y = index.entries[b.number].record.id;
      return x < y ? -1 : x > y ? 1 : 0;
    });
    return scored.slice(0, top).map(function (item, rank) {
      var r = index.entries[item.number].record;
      return { id: r.id, title: r.title, url: absolute(index, r.url), score: item.score,
               confident: rank === 0 && clearWinner(scored), captures: item.captures };
    });
  }

  function clearWinner(ranked) {
    var top = ranked[0];
    if (!top.eligible) return false;
    var runnerUp = ranked.length > 1 ? ranked[1] : null;
    if (runnerUp === null) return true;
    if (top.bySignature) return !runnerUp.bySignature || runnerUp.score < top.score;
    return top.score - runnerUp.score >= CONFIDENT_MARGIN;
  }

  function fuzzy(cleaned, index, names, hit) {
    var queries = focusLines(cleaned).map(normalise).filter(Boolean);
    var queryWords = {};
    queries.forEach(function (q) { tokens(q).forEach(function (w) { queryWords[w] = 1; }); });
    if (!Object.keys(queryWords).length) return [];
    var overlap = [];
    index.entries.forEach(function (entry, number) {
      if (hit[number]) return;
      var sum = 0;
      var shared = false;
      entry.words.forEach(function (w) { if (queryWords[w]) { shared = true; sum += index.idf[w]; } });
      if (shared) overlap.push([-sum, number]);
    });
    overlap.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    var results = [];
    overlap.slice(0, PREFILTER).forEach(function (pair) {
      var entry = index.entries[pair[1]];
      var ratio = 0;
      queries.forEach(function (q) {
        entry.record.normalised.forEach(function (m) { ratio = Math.max(ratio, similarity(q, m)); });
      });
      if (ratio < MIN_FUZZY) return;
      var agreement = agreementOf(entry.record, names, cleaned);
      results.push({ score: round4(0.75 * ratio + 0.05 * AGREEMENT[agreement]),
                     eligible: ratio >= CONFIDENT_FUZZY && agreement === "match", bySignature: false,
                     number: pair[1], captures: {} });
    });
    return results;
  }

  return {
    clean: clean, joinLines: joinLines, normalise: normalise, exceptionNames: exceptionNames,
    focusLines: focusLines, similarity: similarity, prepare: prepare, match: match
  };
});
