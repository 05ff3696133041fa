// The JavaScript matcher against the shared vectors: `node --test tests/js/`.
// tests/test_match.py runs fixdex/matcher.py against the same file.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");

const fixdexMatch = require("../../templates/assets/fixdex-match.js");
const vectors = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "data", "match-vectors.json"), "utf8"));
const m = fixdexMatch.create(vectors.index.rules);  // every rule comes from the index Python wrote
const index = m.prepare(vectors.index.entries, "");

for (const c of vectors.clean) {
  test(`clean ${JSON.stringify(c.input).slice(0, 50)}`, () => assert.equal(m.clean(c.input), c.output));
}
for (const c of vectors.normalise) {
  test(`normalise ${JSON.stringify(c.input).slice(0, 50)}`, () => assert.equal(m.normalise(c.input), c.output));
}
for (const c of vectors.exception_names) {
  test(`exception names ${JSON.stringify(c.input).slice(0, 40)}`, () =>
    assert.deepEqual(m.exceptionNames(m.clean(c.input)), c.output));
}
test("normalised messages in the index are what the JS normalise gives", () => {
  for (const [i, e] of vectors.entries.entries()) {
    assert.deepEqual(vectors.index.entries[i].normalised, e.messages.map(m.normalise));
  }
});
for (const c of vectors.match) {
  test(`match: ${c.name}`, () => {
    const found = m.match(c.text, index, 5);
    const first = found[0];
    if (c.expect.top === null) {
      assert.equal(found.length, 0, JSON.stringify(found));
      return;
    }
    if (c.expect.top !== "*") assert.equal(first.id, c.expect.top);
    assert.equal(first.confident, c.expect.confident);
    assert.deepEqual({ ...first.captures }, c.expect.captures);
    assert.equal(first.score, c.score, "score differs from fixdex/matcher.py");
    if (c.expect.fix_title !== undefined) assert.equal(first.fix_title, c.expect.fix_title);
    assert.ok(found.slice(1).every((x) => !x.confident), "only the first candidate may be confident");
  });
}
test("similarity equals rapidfuzz's Indel ratio on long strings (multi-word bit vectors)", () => {
  const a = "x".repeat(40) + "abcdefghij".repeat(10);
  const b = "abcdefghij".repeat(9) + "y".repeat(30);
  // LCS is 90 characters: (len(a) + len(b) - distance) / total with distance = 140 + 120 - 180
  assert.equal(m.similarity(a, b), 180 / 260);
  assert.equal(m.similarity("", ""), 0);
});
test("every signature program compiles in JavaScript", () => {
  for (const e of vectors.index.entries) for (const s of e.signatures) m.compileProgram(s.program);
});
test("words that name Object.prototype members are ordinary words", () => {
  const words = m.tokens(m.normalise("constructor __proto__ hasOwnProperty toString valueOf"));
  assert.deepEqual(words, ["constructor", "__proto__", "hasownproperty", "tostring", "valueof"]);
  const found = m.match("TypeError: constructor __proto__ prototype", index, 5);
  assert.ok(found.every((c) => Number.isFinite(c.score)));
});
test("lengths are code points: 190 emoji before a message do not change its focus", () => {
  assert.equal(fixdexMatch.cpLength("\u{1F600}".repeat(3)), 3);
  const long = m.bound("\u{1F600}".repeat(5000));
  assert.equal(long.cut, true);
  assert.equal(fixdexMatch.cpLength(long.text), vectors.index.rules.line_limit);
});
