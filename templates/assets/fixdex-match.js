/* fixdex error matcher: the JavaScript twin of fixdex/matcher.py and fixdex/signature.py.
 *
 * Same steps, same numbers, and no rule of its own: every pattern, limit and
 * threshold comes from the match index (`rules`, written by fixdex.matcher.rules_record),
 * and every signature arrives as the program fixdex compiled (fixdex/signature.py's
 * docstring says how it runs and why that is linear). tests/test_match_parity.py runs
 * both sides on the same pastes and compares whole ranked lists.
 *
 * Lengths are code points, as in Python; lookups use Map and Set (a word such as
 * `constructor` or `__proto__` is a word like any other). No DOM here: the paste box
 * runs this file in a Web Worker (fixdex-match-worker.js), node's tests require it.
 */
(function (root, factory) {
  "use strict";
  var api = factory();
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.fixdexMatch = api;
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  function isHigh(c) { return c >= 0xd800 && c <= 0xdbff; }
  function isLow(c) { return c >= 0xdc00 && c <= 0xdfff; }

  /* Length in code points, as Python's len(). */
  function cpLength(s) {
    var n = s.length;
    for (var i = 0; i + 1 < s.length; i++) {
      if (isHigh(s.charCodeAt(i)) && isLow(s.charCodeAt(i + 1))) { n--; i++; }
    }
    return n;
  }

  /* The first `count` code points of s. */
  function cpHead(s, count) {
    var i = 0;
    for (var seen = 0; seen < count && i < s.length; seen++) {
      i += isHigh(s.charCodeAt(i)) && i + 1 < s.length && isLow(s.charCodeAt(i + 1)) ? 2 : 1;
    }
    return s.slice(0, i);
  }

  function asciiLower(s) {
    return s.replace(/[A-Z]+/g, function (m) { return m.toLowerCase(); });
  }

  function round4(value) {
    return Math.floor(value * 10000 + 0.5) / 10000;
  }

  /* A matcher for one set of rules (the `rules` object of a match index). */
  function create(rules) {
    var WS = rules.whitespace;
    var wsChar = new RegExp("^[" + WS + "]$");
    var wsRun = new RegExp("[" + WS + "]+");
    var QUOTES = rules.quotes;
    var ANSI = new RegExp(rules.ansi, "g");
    var PREFIXES = rules.prefixes.map(function (p) { return new RegExp(p, "y"); });
    var EXCEPTION_NAME = new RegExp(rules.exception_name, "g");
    var EXCEPTION_LINE = new RegExp(rules.exception_line, "y");
    var NORMALISE = rules.normalise.map(function (r) { return [new RegExp(r[0], "g"), r[1]]; });
    var PLACEHOLDER_WORDS = new Set(rules.placeholder_words);
    var TYPES = new Map(Object.keys(rules.types).map(function (k) { return [k, new RegExp(rules.types[k], "y")]; }));
    var VIEW_RUNS = new RegExp("[\\ud800-\\udbff][\\udc00-\\udfff]|[\\ud800-\\udfff]|\\n[" + WS + "]*|[" + WS + "]{2,}", "g");
    var VIEW_CHARS = new RegExp("[A-Z" + QUOTES + WS + "]", "g");
    var quoteSet = new Set(QUOTES.split(""));
    var AGREEMENT = new Map(Object.keys(rules.agreement).map(function (k) { return [k, rules.agreement[k]]; }));

    function isWs(ch) { return wsChar.test(ch); }

    function strip(s) {
      var start = 0;
      var end = s.length;
      while (start < end && isWs(s[start])) start++;
      while (end > start && isWs(s[end - 1])) end--;
      return s.slice(start, end);
    }

    function rstrip(s) {
      var end = s.length;
      while (end > 0 && isWs(s[end - 1])) end--;
      return s.slice(0, end);
    }

    /* The slice of a long text that is matched, and whether it was cut (fixdex.normalise.bound). */
    function bound(text) {
      text = String(text);
      if (text.length <= rules.line_limit) return { text: text, cut: false };
      var lines = (text.indexOf("\r") >= 0 ? text.replace(/\r\n/g, "\n").replace(/\r/g, "\n") : text).split("\n");
      var kept = [];
      var total = -1;
      var cut = false;
      for (var i = lines.length - 1; i >= 0; i--) {
        var line = lines[i];
        /* a line of more than twice the limit in UTF-16 units holds more than the limit in code points */
        var length = line.length > 2 * rules.line_limit ? rules.line_limit + 1 : cpLength(line);
        if (length > rules.line_limit) { line = cpHead(line, rules.line_limit); length = rules.line_limit; cut = true; }
        if (total + 1 + length > rules.text_limit) { cut = true; break; }
        total += 1 + length;
        kept.push(line);
      }
      if (!cut) return { text: text, cut: false };
      return { text: kept.reverse().join("\n"), cut: true };
    }

    function clean(text) {
      var lines = String(text).replace(ANSI, "").replace(/\r\n/g, "\n").replace(/\r/g, "\n").split("\n");
      var out = [];
      for (var i = 0; i < lines.length; i++) {
        var line = lines[i];
        for (var pass = 0; pass < rules.prefix_passes; pass++) {
          var before = line;
          for (var p = 0; p < PREFIXES.length; p++) {
            PREFIXES[p].lastIndex = 0;
            var found = PREFIXES[p].exec(line);
            if (found) line = line.slice(found[0].length);
          }
          if (line === before) break;
        }
        out.push(rstrip(line));
      }
      var joined = out.join("\n");
      var start = 0;
      var end = joined.length;
      while (start < end && joined[start] === "\n") start++;
      while (end > start && joined[end - 1] === "\n") end--;
      return joined.slice(start, end);
    }

    function nonEmptyLines(text) {
      return text.split("\n").map(strip).filter(function (l) { return l.length > 0; });
    }

    function joinLines(text) {
      return nonEmptyLines(text).join(" ");
    }

    function normalise(text) {
      text = asciiLower(text);
      for (var i = 0; i < NORMALISE.length; i++) text = text.replace(NORMALISE[i][0], NORMALISE[i][1]);
      return text.split(" ").filter(Boolean).join(" ");
    }

    function tokens(normalised) {
      return normalised.split(" ").filter(function (w) { return w.length >= rules.min_token && !PLACEHOLDER_WORDS.has(w); });
    }

    function exceptionNames(text) {
      var names = [];
      var m;
      EXCEPTION_NAME.lastIndex = 0;
      while ((m = EXCEPTION_NAME.exec(text)) !== null) {
        names.push(asciiLower(m[1]));
        if (m[0].length === 0) EXCEPTION_NAME.lastIndex++;
      }
      return names;
    }

    function isExceptionLine(line) {
      EXCEPTION_LINE.lastIndex = 0;
      return EXCEPTION_LINE.test(line);
    }

    function focusLines(cleaned) {
      var lines = nonEmptyLines(cleaned);
      var chosen = lines.filter(isExceptionLine).slice(-rules.focus[0]).concat(lines.slice(-rules.focus[1]));
      var joined = lines.join(" ");
      if (joined.length <= rules.focus[2] || cpLength(joined) <= rules.focus[2]) chosen.push(joined);
      var seen = [];
      chosen.forEach(function (l) { if (seen.indexOf(l) < 0) seen.push(l); });
      return seen;
    }

    /* --- the view and the signature programs (fixdex/signature.py) --- */

    function makeView(cleaned) {
      var pieces = [];
      var viewBreaks = [];
      var originalBreaks = [];
      var last = 0;
      var length = 0;
      var m;
      VIEW_RUNS.lastIndex = 0;
      while ((m = VIEW_RUNS.exec(cleaned)) !== null) {
        var found = m[0];
        var first = found.charCodeAt(0);
        var replacement = first >= 0xd800 && first <= 0xdfff ? "\ufffd" : (found.indexOf("\n") >= 0 ? "\n" : " ");
        if (replacement === found) continue;
        pieces.push(cleaned.slice(last, m.index));
        length += m.index - last + 1;
        pieces.push(replacement);
        last = m.index + found.length;
        if (found.length > 1) { viewBreaks.push(length); originalBreaks.push(last); }
      }
      pieces.push(cleaned.slice(last));
      var text = pieces.join("").replace(VIEW_CHARS, function (c) {
        if (c >= "A" && c <= "Z") return c.toLowerCase();
        if (quoteSet.has(c)) return "'";
        return c === "\n" ? c : " ";
      });
      return { text: text, original: cleaned, viewBreaks: viewBreaks, originalBreaks: originalBreaks };
    }

    function originalAt(view, position) {
      var lo = 0;
      var hi = view.viewBreaks.length;
      while (lo < hi) {
        var mid = (lo + hi) >> 1;
        if (view.viewBreaks[mid] <= position) lo = mid + 1; else hi = mid;
      }
      if (lo === 0) return position;
      return view.originalBreaks[lo - 1] + position - view.viewBreaks[lo - 1];
    }

    function joinedView(view) {
      return { text: view.text.replace(/\n/g, " "), original: view.original, viewBreaks: view.viewBreaks,
               originalBreaks: view.originalBreaks };
    }

    function cleanCapture(value) {
      var v = value.split(wsRun).filter(Boolean).join(" ");
      var start = 0;
      var end = v.length;
      while (start < end && quoteSet.has(v[start])) start++;
      while (end > start && quoteSet.has(v[end - 1])) end--;
      var inner = v.slice(start, end);
      for (var i = 0; i < inner.length; i++) if (quoteSet.has(inner[i])) return v;
      return strip(inner);
    }

    function segment(source, maxLength) {
      return { search: new RegExp(source, "g"), sticky: new RegExp(source, "y"), max: maxLength };
    }

    function compileProgram(items) {
      return items.map(function (item) {
        return item[0] === "s" ? segment(item[1], item[2])
          : { name: item[1], type: item[2], values: item.length > 3 ? new Set(item[3]) : null };
      });
    }

    /* `{name=a|b}`: whether view[start:end] is one of the values (fixdex.signature.Placeholder.allows). */
    function allows(p, view, start, end) {
      if (p.values === null) return true;
      while (start < end && " \n'".indexOf(view[start]) >= 0) start++;
      while (end > start && " \n'".indexOf(view[end - 1]) >= 0) end--;
      return p.values.has(view.slice(start, end));
    }

    /* Python's pattern.search(view, from[, to]): the first match starting at or after `from`. */
    function searchIn(seg, view, from, to) {
      if (to === undefined) {
        seg.search.lastIndex = from;
        var m = seg.search.exec(view);
        return m ? { start: m.index, end: m.index + m[0].length } : null;
      }
      if (to <= from) return null;
      seg.search.lastIndex = 0;
      var found = seg.search.exec(view.slice(from, to));
      return found ? { start: from + found.index, end: from + found.index + found[0].length } : null;
    }

    function matchAt(regex, view, at) {
      regex.lastIndex = at;
      var m = regex.exec(view);
      return m ? at + m[0].length : -1;
    }

    /* Python's str.find / str.rfind within [from, to): bounded scans (indexOf and lastIndexOf are not). */
    function findChar(view, ch, from, to) {
      var end = Math.min(to, view.length);
      for (var i = from; i < end; i++) if (view[i] === ch) return i;
      return -1;
    }

    function rfindChar(view, ch, from, to) {
      for (var i = Math.min(to, view.length) - 1; i >= from; i--) if (view[i] === ch) return i;
      return -1;
    }

    function valueLimit(kind, view, position) {
      var limit = Math.min(view.length, position + rules.text_value);
      var stop = -1;
      if (kind === "text") stop = findChar(view, "\n", position, limit);
      if (kind === "word") {
        var a = findChar(view, " ", position, limit);
        var b = findChar(view, "\n", position, limit);
        stop = a < 0 ? b : b < 0 ? a : Math.min(a, b);
      }
      return stop >= 0 ? stop : limit;
    }

    function trailingEnd(p, view, position) {
      if (TYPES.has(p.type)) {
        var end = matchAt(TYPES.get(p.type), view, position);
        return end >= 0 ? end : null;
      }
      if (p.type === "word") {
        var limit = valueLimit("word", view, position);
        return limit > position ? limit : null;
      }
      var cap = Math.min(view.length, position + rules.trailing_value);
      var stop = findChar(view, "\n", position, cap);
      return stop >= 0 ? stop : cap;
    }

    function leadingStart(p, before, view, end) {
      var opening;
      if (TYPES.has(p.type)) {
        var start = end;
        var allowed = p.type === "int" ? "0123456789" : "0123456789.,";
        var floor = Math.max(0, end - (p.type === "int" ? 30 : 185));
        while (start > floor && allowed.indexOf(view[start - 1]) >= 0) start--;
        while (start < end && ".,".indexOf(view[start]) >= 0) start++;
        if (start > 0 && "+-".indexOf(view[start - 1]) >= 0) start--;
        if (start === end || matchAt(TYPES.get(p.type), view, start) !== end) return null;
        if (!before) return start;
        opening = searchIn(before, view, Math.max(0, start - before.max), start);
        while (opening !== null && opening.end !== start) opening = searchIn(before, view, opening.start + 1, start);
        return opening !== null ? start : null;
      }
      var bottom = Math.max(0, end - rules.text_value);
      var low;
      if (p.type === "text") low = rfindChar(view, "\n", bottom, end) + 1 || bottom;
      else low = Math.max(rfindChar(view, " ", bottom, end), rfindChar(view, "\n", bottom, end)) + 1 || bottom;
      low = Math.max(low, bottom);
      if (low >= end) return null;
      if (!before) return low;
      opening = searchIn(before, view, Math.max(0, low - before.max), end - 1);
      while (opening !== null && opening.end < low) opening = searchIn(before, view, opening.start + 1, end - 1);
      return opening !== null ? opening.end : null;
    }

    function attempt(program, anchor, view, start, end) {
      var spans = [];
      if (anchor > 0) {
        var leading = program[anchor - 1];
        var before = anchor >= 2 ? program[anchor - 2] : null;
        var valueStart = leadingStart(leading, before, view, start);
        if (valueStart === null || !allows(leading, view, valueStart, start)) return null;
        spans.push([leading.name, valueStart, start]);
      }
      var position = end;
      for (var index = anchor + 1; index < program.length; index += 2) {
        var p = program[index];
        if (index + 1 === program.length) {
          var valueEnd = trailingEnd(p, view, position);
          if (valueEnd === null || !allows(p, view, position, valueEnd)) return null;
          spans.push([p.name, position, valueEnd]);
          return spans;
        }
        var seg = program[index + 1];
        if (TYPES.has(p.type)) {
          var typedEnd = matchAt(TYPES.get(p.type), view, position);
          var afterEnd = typedEnd >= 0 ? matchAt(seg.sticky, view, typedEnd) : -1;
          if (typedEnd < 0 || afterEnd < 0) return null;
          spans.push([p.name, position, typedEnd]);
          position = afterEnd;
          continue;
        }
        var limit = valueLimit(p.type, view, position);
        if (limit <= position) return null;
        var after = searchIn(seg, view, position + 1, limit + seg.max + 1);
        if (after === null || after.start > limit || !allows(p, view, position, after.start)) return null;
        spans.push([p.name, position, after.start]);
        position = after.end;
      }
      return spans;
    }

    /* Value spans where a program first matches a view text (fixdex.signature.search_program). */
    function runProgram(program, anchor, view) {
      if (anchor < 0) return null;
      var first = program[anchor];
      var position = 0;
      for (;;) {
        var found = searchIn(first, view, position);
        if (found === null) return null;
        var spans = attempt(program, anchor, view, found.start, found.end);
        if (spans !== null) return spans;
        position = found.start + 1;
      }
    }

    function searchSignature(signature, view) {
      var spans = runProgram(signature.program, signature.anchor, view.text);
      if (spans === null) return null;
      var captures = Object.create(null);
      spans.forEach(function (s) {
        captures[s[0]] = cleanCapture(view.original.slice(originalAt(view, s[1]), originalAt(view, s[2])));
      });
      return captures;
    }

    /* --- fuzzy similarity --- */

    /* Length of the longest common subsequence, bit-parallel (Hyyro), 32 bits a word. */
    function lcsLength(a, b) {
      if (!a.length || !b.length) return 0;
      var m = a.length;
      var words = Math.ceil(m / 32);
      var masks = new Map();
      for (var i = 0; i < m; i++) {
        var c = a.charCodeAt(i);
        var v = masks.get(c);
        if (!v) { v = new Uint32Array(words); masks.set(c, v); }
        v[i >> 5] = (v[i >> 5] | (1 << (i & 31))) >>> 0;
      }
      var S = new Uint32Array(words).fill(0xffffffff);
      for (var j = 0; j < b.length; j++) {
        var M = masks.get(b.charCodeAt(j));
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

    /* Indel similarity, as rapidfuzz's fuzz.ratio / 100 (normalised text is ASCII: units are code points). */
    function similarity(a, b) {
      var total = a.length + b.length;
      if (total === 0) return 0;
      var distance = total - 2 * (a.length <= b.length ? lcsLength(a, b) : lcsLength(b, a));  /* bit masks over the shorter */
      return (total - distance) / total;
    }

    /* fixdex.matcher.best_similarity: pairs whose length bound cannot raise the maximum are skipped. */
    function bestSimilarity(queries, messages) {
      var best = 0;
      for (var i = 0; i < queries.length; i++) {
        for (var j = 0; j < messages.length; j++) {
          var total = queries[i].length + messages[j].length;
          if (total === 0) continue;
          var bound = 2 * Math.min(queries[i].length, messages[j].length) / total;
          if (bound < rules.min_fuzzy || bound <= best) continue;
          best = Math.max(best, similarity(queries[i], messages[j]));
        }
      }
      return best;
    }

    function exceptionName(entry) {
      var parts = entry.exception.split(".");
      return asciiLower(parts[parts.length - 1]);
    }

    /* fixdex.matcher._exception_agreement: an entry known only by its error code is neutral without it. */
    function agreementOf(entry, names, text) {
      if (entry.exception && (text.indexOf(entry.exception) >= 0 || names.indexOf(exceptionName(entry)) >= 0)) return "match";
      var also = entry.exceptions || [];
      for (var i = 0; i < also.length; i++) if (names.indexOf(also[i]) >= 0) return "match";
      if (entry.error_code && text.indexOf(entry.error_code) >= 0) return "match";
      return names.length && entry.exception ? "other" : "absent";
    }

    /* Compile index records once: programs, token sets and inverse document frequencies. */
    function prepare(records, baseUrl) {
      var entries = records.map(function (r) {
        var words = new Set();
        r.normalised.forEach(function (text) { tokens(text).forEach(function (w) { words.add(w); }); });
        return {
          record: r,
          signatures: r.signatures.map(function (s) {
            return { program: compileProgram(s.program), anchor: s.anchor, literal: s.literal, key: s.key };
          }),
          words: Array.from(words).sort()  /* fixed order: the idf sum is the same float as Python's */
        };
      });
      var counts = new Map();
      entries.forEach(function (e) { e.words.forEach(function (w) { counts.set(w, (counts.get(w) || 0) + 1); }); });
      var idf = new Map();
      counts.forEach(function (n, w) { idf.set(w, Math.log(1 + entries.length / n)); });
      /* distinctive words: the index's own (catalogue-wide, so a shard keeps them), else among these entries */
      entries.forEach(function (e) {
        e.distinctive = new Set(e.record.distinctive ||
                                e.words.filter(function (w) { return counts.get(w) === 1; }));
      });
      return { entries: entries, idf: idf, baseUrl: baseUrl || "" };
    }

    function absolute(index, url) {
      return index.baseUrl ? index.baseUrl.replace(/\/+$/, "") + "/" + url : url;
    }

    function matchResult(text, index, top) {
      top = top === undefined ? 5 : top;
      var bounded = bound(text);
      var cleaned = clean(bounded.text);
      if (!strip(cleaned)) return { candidates: [], cut: bounded.cut };
      var view = makeView(cleaned);
      var joined = null;
      var names = exceptionNames(cleaned);
      var scored = [];
      var hit = new Set();
      var score0 = rules.signature_score;
      index.entries.forEach(function (entry, number) {
        var best = null;
        var agreement = "";
        entry.signatures.forEach(function (s) {
          if (view.text.indexOf(s.key) < 0) return;  /* its longest fixed word is missing: no match possible */
          var captures = searchSignature(s, view);
          if (captures === null) {
            joined = joined || joinedView(view);
            captures = searchSignature(s, joined);
          }
          if (captures === null) return;
          agreement = agreement || agreementOf(entry.record, names, cleaned);
          var specificity = Math.min(1, s.literal / rules.full_literal_chars);
          var score = score0[0] + score0[1] * specificity + score0[2] * AGREEMENT.get(agreement);
          if (best === null || score > best.score) best = { score: score, captures: captures };
        });
        if (best !== null) {
          hit.add(number);
          scored.push({ score: round4(best.score), eligible: agreement !== "other", bySignature: true,
                        number: number, captures: best.captures });
        }
      });
      var queries = focusLines(cleaned).map(normalise).filter(Boolean);
      scored = scored.concat(fuzzy(cleaned, queries, index, names, hit));
      scored.sort(function (a, b) {
        if (a.score !== b.score) return b.score - a.score;
        var x = index.entries[a.number].record.id;
        var y = index.entries[b.number].record.id;
        return x < y ? -1 : x > y ? 1 : 0;
      });
      var candidates = scored.slice(0, top).map(function (item, rank) {
        var entry = index.entries[item.number];
        var r = entry.record;
        var confident = rank === 0 && clearWinner(scored) && (item.bySignature || wordEvidence(entry, queries));
        return { id: r.id, title: r.title, url: absolute(index, r.url), score: item.score,
                 confident: confident, captures: item.captures, fix_title: r.fix_title || "" };
      });
      return { candidates: candidates, cut: bounded.cut };
    }

    function clearWinner(ranked) {
      var first = ranked[0];
      if (!first.eligible) return false;
      var runnerUp = ranked.length > 1 ? ranked[1] : null;
      if (runnerUp === null) return true;
      if (first.bySignature) return !runnerUp.bySignature || runnerUp.score < first.score;
      return first.score - runnerUp.score >= rules.confident_margin;
    }

    /* Whether `words` occur in `textWords` in this order (fixdex.matcher.in_order). */
    function inOrder(words, textWords) {
      var position = 0;
      for (var i = 0; i < words.length; i++) {
        while (position < textWords.length && textWords[position] !== words[i]) position++;
        if (position === textWords.length) return false;
        position++;
      }
      return true;
    }

    /* A focus line holds every word of one of the entry's messages, in order, one distinctive (fixdex.matcher._word_evidence). */
    function wordEvidence(entry, queries) {
      var lines = queries.map(function (q) { return q.split(" "); });
      return entry.record.normalised.some(function (message) {
        var words = message.split(" ").filter(function (w) { return w && !PLACEHOLDER_WORDS.has(w); });
        return words.some(function (w) { return entry.distinctive.has(w); }) &&
          lines.some(function (line) { return inOrder(words, line); });
      });
    }

    function fuzzy(cleaned, queries, index, names, hit) {
      var queryWords = new Set();
      queries.forEach(function (q) { tokens(q).forEach(function (w) { queryWords.add(w); }); });
      if (!queryWords.size) return [];
      var overlap = [];
      index.entries.forEach(function (entry, number) {
        if (hit.has(number)) return;
        var sum = 0;
        var shared = false;
        entry.words.forEach(function (w) { if (queryWords.has(w)) { shared = true; sum += index.idf.get(w); } });
        if (shared) overlap.push([-sum, number]);
      });
      overlap.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
      var results = [];
      overlap.slice(0, rules.prefilter).forEach(function (pair) {
        var entry = index.entries[pair[1]];
        var ratio = bestSimilarity(queries, entry.record.normalised);
        if (ratio < rules.min_fuzzy) return;
        var agreement = agreementOf(entry.record, names, cleaned);
        results.push({ score: round4(rules.fuzzy_score[0] * ratio + rules.fuzzy_score[1] * AGREEMENT.get(agreement)),
                       eligible: ratio >= rules.confident_fuzzy && agreement === "match", bySignature: false,
                       number: pair[1], captures: Object.create(null) });
      });
      return results;
    }

    /* --- the site search's reduction of a paste (fixdex.normalise.error_line, search_terms) --- */

    var SEARCH_ERROR = new RegExp(rules.search.error, "g");
    var SEARCH_NAMED = new RegExp(rules.search.named_line, "y");
    var SEARCH_DROP = rules.search.drop.map(function (p) { return new RegExp(p, "g"); });

    function errorLine(text) {
      text = String(text).replace(ANSI, "");
      var lines = nonEmptyLines(text.replace(/\r/g, "\n"));
      if (lines.length > 1) {
        var named = lines.filter(function (l) { SEARCH_NAMED.lastIndex = 0; return SEARCH_NAMED.test(l); });
        return named.length ? named[named.length - 1] : lines[lines.length - 1];
      }
      var start = -1;
      var m;
      SEARCH_ERROR.lastIndex = 0;
      while ((m = SEARCH_ERROR.exec(text)) !== null) {
        start = m.index + m[0].indexOf(m[1]);
        if (m[0].length === 0) SEARCH_ERROR.lastIndex++;
      }
      return start >= 0 ? strip(text.slice(start)) : strip(text);
    }

    function stripChars(word, chars) {
      var start = 0;
      var end = word.length;
      while (start < end && chars.indexOf(word[start]) >= 0) start++;
      while (end > start && chars.indexOf(word[end - 1]) >= 0) end--;
      return word.slice(start, end);
    }

    function searchTerms(text) {
      text = String(text).replace(ANSI, "");
      SEARCH_ERROR.lastIndex = 0;
      if (text.indexOf("\n") < 0 && text.indexOf("\r") < 0 && cpLength(text) <= rules.search.typed &&
          !SEARCH_ERROR.test(" " + text)) return strip(text);
      var line = errorLine(text);
      SEARCH_DROP.forEach(function (re) { line = line.replace(re, " "); });
      var words = line.split(wsRun).map(function (w) { return stripChars(w, ".-"); })
        .filter(function (w) { return w.length > 1; });
      return words.slice(0, rules.search.words).join(" ");
    }

    /* What a reader is told when a text was cut to its bounded slice. */
    function cutNote() {
      return "Your text is long: only its last " + rules.text_limit.toLocaleString("en") +
        " characters were matched, each line up to its first " + rules.line_limit.toLocaleString("en") + ".";
    }

    return {
      rules: rules, bound: bound, clean: clean, joinLines: joinLines, normalise: normalise, tokens: tokens,
      exceptionNames: exceptionNames, focusLines: focusLines, similarity: similarity, prepare: prepare,
      match: function (text, index, top) { return matchResult(text, index, top).candidates; },
      matchResult: matchResult, cutNote: cutNote, makeView: makeView, runProgram: runProgram,
      compileProgram: compileProgram, cpLength: cpLength, errorLine: errorLine, searchTerms: searchTerms
    };
  }

  function fetchJson(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) throw new Error(url + ": HTTP " + r.status);
      return r.json();
    });
  }

  /* Matching against a site's index: the manifest and the shards a text needs, fetched once each.
   * `match(text, top)` resolves to {candidates, cut, note, rules}. */
  function session(indexUrl, siteRoot, fetcher) {
    fetcher = fetcher || fetchJson;
    var manifest = null;
    var matcher = null;
    var shards = new Map();    /* file -> Promise of records */
    var prepared = new Map();  /* sorted shard files -> prepared index */

    function load() {
      if (!manifest) {
        manifest = Promise.resolve(fetcher(String(indexUrl))).then(function (data) {
          if (!data.rules) throw new Error("the match index has no rules: rebuild the site");
          matcher = create(data.rules);
          return data;
        });
      }
      return manifest;
    }

    function indexFor(text, data) {
      if (data.entries) {
        if (!prepared.has("all")) prepared.set("all", matcher.prepare(data.entries, siteRoot));
        return Promise.resolve(prepared.get("all"));
      }
      var names = matcher.exceptionNames(matcher.clean(matcher.bound(text).text));
      var wanted = data.shards.filter(function (s) {
        return s.exceptions.some(function (e) { return names.indexOf(e) >= 0; });
      });
      if (!wanted.length) wanted = data.shards;
      var files = wanted.map(function (s) { return s.file; }).sort();
      var key = files.join(" ");
      if (prepared.has(key)) return Promise.resolve(prepared.get(key));
      return Promise.all(files.map(function (file) {
        if (!shards.has(file)) {
          shards.set(file, Promise.resolve(fetcher(new URL(file, indexUrl).href)).then(function (d) { return d.entries; }));
        }
        return shards.get(file);
      })).then(function (lists) {
        prepared.set(key, matcher.prepare([].concat.apply([], lists), siteRoot));
        return prepared.get(key);
      });
    }

    return {
      match: function (text, top) {
        return load().then(function (data) {
          return indexFor(text, data).then(function (index) {
            var result = matcher.matchResult(text, index, top);
            return { candidates: result.candidates, cut: result.cut, note: result.cut ? matcher.cutNote() : "",
                     rules: data.rules };
          });
        });
      }
    };
  }

  var api = { create: create, session: session, cpLength: cpLength, round4: round4, current: null };
  /* Once rules are known (fixdex-paste.js passes them on), text helpers work at the top level too. */
  api.useRules = function (rules) {
    if (!api.current || api.current.rules !== rules) api.current = create(rules);
    api.clean = api.current.clean;
    api.exceptionNames = api.current.exceptionNames;
  };
  return api;
});
