// Runs the JavaScript matcher over many texts at once, for tests/test_match_parity.py and the
// benchmarks: `node tests/js/run-matcher.js INPUT.json` prints a JSON array, one result per text.
// INPUT: {"rules": ..., "entries": [index records], "texts": [...], "top": N, "timing": bool, "search": bool}
// With "search": the site search's reduction of each text, [searchTerms, errorLine].
// A text may be {"repeat": "some words ", "length": N}: built here, so 10 MB need not cross JSON.
"use strict";
const fs = require("node:fs");
const fixdexMatch = require("../../templates/assets/fixdex-match.js");

const input = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const m = fixdexMatch.create(input.rules);
const index = m.prepare(input.entries, input.base_url || "");
const out = input.search ? input.texts.map((text) => [m.searchTerms(text), m.errorLine(text)]) : input.texts.map((item) => {
  const text = typeof item === "string" ? item : item.repeat.repeat(Math.ceil(item.length / item.repeat.length))
    .slice(0, item.length);
  let result = null;
  let ms = Infinity;
  for (let run = 0; run < (input.repeats || 1); run++) {  // the best of `repeats` runs: a shared machine is noisy
    const started = process.hrtime.bigint();
    result = m.matchResult(text, index, input.top || 5);
    ms = Math.min(ms, Number(process.hrtime.bigint() - started) / 1e6);
  }
  const candidates = result.candidates.map((c) => ({ ...c, captures: { ...c.captures } }));
  return input.timing ? { ms, cut: result.cut, top: candidates.length ? candidates[0].id : null } :
    { cut: result.cut, candidates };
});
process.stdout.write(JSON.stringify(out));
