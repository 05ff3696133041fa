// Runs the JavaScript matcher over many texts at once, for tests/test_match_parity.py and the
// benchmarks: `node tests/js/run-matcher.js INPUT.json` prints a JSON array, one result per text.
// INPUT: {"rules": ..., "entries": [index records], "texts": [...], "top": N, "timing": bool}
"use strict";
const fs = require("node:fs");
const fixdexMatch = require("../../templates/assets/fixdex-match.js");

const input = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const m = fixdexMatch.create(input.rules);
const index = m.prepare(input.entries, input.base_url || "");
const out = input.texts.map((text) => {
  const started = process.hrtime.bigint();
  const result = m.matchResult(text, index, input.top || 5);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const candidates = result.candidates.map((c) => ({ ...c, captures: { ...c.captures } }));
  return input.timing ? { ms, cut: result.cut, top: candidates.length ? candidates[0].id : null } :
    { cut: result.cut, candidates };
});
process.stdout.write(JSON.stringify(out));
