"""Match time per query (Python, and JavaScript in Debian's chromium) and index size.

Two catalogues: the real one (entries/, valid entries only) and 10,000
synthetic entries made from it (other exception types, other fixed words,
the same shape of messages and signatures). Queries are the labelled texts
of tests/data/labelled/ plus, for the synthetic catalogue, texts made from
synthetic messages. The browser figure is measured in the page, around
`fixdexMatch.match` alone, after the index is prepared, with the shard(s)
the paste box would load.

    .venv/bin/python scripts/benchmark_match.py [--synthetic 10000] [--adversarial-only]

Then the budgets of issue 14 on adversarial input, in Python, in node and in
chromium: every signature's own fixed words repeated inside its placeholder span,
near misses, glued literals (2 KB lines), 130 KB of near-miss lines, a 100 KB
line, a 10 MB single line per signature and a 10 MB log. Budgets: any 2 KB line
at most 20 ms, a 10 MB log at most 2 s.

Figures go into docs/matching.md by hand, with the machine they came from.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CHROMIUM = "/usr/bin/chromium"
REPEATS = 3  # adversarial figures are the best of 3 runs of each input: the machine is shared and noisy
WORDS = ("widget gadget socket buffer stream token model client server cache index shard plugin driver "
         "handler session cursor channel queue worker thread kernel device tensor vector matrix layer "
         "config schema record column table field value option module package version build wheel").split()


def synthetic_records(base: list[dict[str, Any]], count: int, seed: int = 7) -> tuple[list[dict[str, Any]], list[str]]:
    """`count` index records shaped like the real ones, and one pasted text per record."""
    from fixdex.matcher import IndexEntry, index_record, normalise
    from fixdex.signature import compile_signature

    rng = random.Random(seed)
    exceptions = [f"pkg{n}.{rng.choice(WORDS).capitalize()}{rng.choice(['Error', 'Exception', 'Warning'])}"
                  for n in range(300)]
    records, texts = [], []
    for number in range(count):
        words = rng.sample(WORDS, 6)
        exception = rng.choice(exceptions)
        message = (f"{exception}: the {words[0]} '{words[1]}-{number}' cannot {words[2]} the {words[3]} "
                   f"of {words[4]} {rng.randint(1, 999)} ({words[5]} #{number})")
        signature = f"the {words[0]} '{{name}}' cannot {words[2]} the {words[3]} of {words[4]} {{count:int}}"
        entry = IndexEntry(f"synthetic-{number}", f"{exception}: {words[0]} cannot {words[2]}",
                           f"errors/synthetic-{number}/", exception, [compile_signature(signature)],
                           [normalise(message)])
        records.append(index_record(entry))
        texts.append(f"Traceback (most recent call last):\n  File \"/srv/app/{words[1]}.py\", line {number}, in run\n"
                     f"{exception}: the {words[0]} 'other-{number}' cannot {words[2]} the {words[3]} of "
                     f"{words[4]} {rng.randint(1, 999)} ({words[5]} #{number})")
    return base + records, texts


def python_timing(records: list[dict[str, Any]], queries: list[str]) -> dict[str, float]:
    from fixdex.matcher import index_from_records, match_index

    started = time.perf_counter()
    index = index_from_records(records)
    prepare = time.perf_counter() - started
    times = []
    for text in queries:
        started = time.perf_counter()
        match_index(text, index)
        times.append(time.perf_counter() - started)
    return {"prepare_ms": prepare * 1000, "median_ms": statistics.median(times) * 1000,
            "p95_ms": sorted(times)[int(len(times) * 0.95) - 1] * 1000, "max_ms": max(times) * 1000}


def sizes(records: list[dict[str, Any]]) -> dict[str, Any]:
    from fixdex.api import MATCH_INDEX, shard_records

    files = shard_records(records)
    manifest = json.loads(files[MATCH_INDEX])
    whole = json.dumps({"format": 2, "entries": records}, separators=(",", ":")).encode("utf-8")
    shard_bytes = [len(text.encode("utf-8")) for path, text in files.items() if path != MATCH_INDEX]
    return {
        "whole_bytes": len(whole),
        "whole_gzip_bytes": len(gzip.compress(whole)),
        "manifest_bytes": len(files[MATCH_INDEX].encode("utf-8")),
        "shards": len(manifest.get("shards", [])),
        "largest_shard_bytes": max(shard_bytes, default=0),
        "largest_shard_gzip_bytes": max((len(gzip.compress(t.encode())) for p, t in files.items() if p != MATCH_INDEX),
                                        default=0),
        "files": files,
    }


def browser_timing(files: dict[str, str], queries: list[str]) -> dict[str, float]:
    """fixdexMatch.match in chromium, on the shard set the paste box would load for each query."""
    from playwright.sync_api import sync_playwright

    script = (ROOT / "templates" / "assets" / "fixdex-match.js").read_text(encoding="utf-8")
    manifest = json.loads(files["api/match-index.json"])
    from fixdex.matcher import rules_record
    shards = {s["file"]: json.loads(files["api/" + s["file"]])["entries"] for s in manifest.get("shards", [])}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        page.set_content("<html><body></body></html>")
        page.add_script_tag(content=script)
        page.evaluate("([manifest, shards, rules]) => { window.bench = {manifest, shards, cache: {}, "
                      "m: window.fixdexMatch.create(rules)}; }", [manifest, shards, rules_record()])
        result = page.evaluate(
            """(queries) => {
              const b = window.bench, m = b.m;
              const times = [], prepares = [];
              for (const text of queries) {
                let records;
                if (b.manifest.entries) { records = b.manifest.entries; }
                else {
                  const names = m.exceptionNames(m.clean(text));
                  let wanted = b.manifest.shards.filter(s => s.exceptions.some(e => names.includes(e)));
                  if (!wanted.length) wanted = b.manifest.shards;
                  records = [].concat(...wanted.map(s => b.shards[s.file]));
                }
                const key = records.length + ":" + (records[0] || {}).id;
                let t0 = performance.now();
                if (!b.cache[key]) b.cache[key] = m.prepare(records, "");
                prepares.push(performance.now() - t0);
                t0 = performance.now();
                m.match(text, b.cache[key], 5);
                times.push(performance.now() - t0);
              }
              times.sort((a, b) => a - b);
              return {median: times[Math.floor(times.length / 2)], p95: times[Math.floor(times.length * 0.95) - 1],
                      max: times[times.length - 1], prepare_max: Math.max(...prepares)};
            }""",
            queries,
        )
        browser.close()
    return {"median_ms": result["median"], "p95_ms": result["p95"], "max_ms": result["max"],
            "prepare_max_ms": result["prepare_max"]}


def adversarial_cases(signatures: list[str]) -> list[tuple[str, str, Any]]:
    """(group, label, text) for every signature; a text may be {"repeat", "length"}, built where it runs."""
    from tests.match_inputs import adversarial_texts, ten_megabytes

    cases: list[tuple[str, str, Any]] = []
    for signature in signatures:
        for kind, text in adversarial_texts(signature, line_bytes=2000):
            group = "2 KB line" if len(text) <= 2000 else "130 KB of near-miss lines" if "\n" in text else "100 KB line"
            cases.append((group, f"{kind} of {signature!r}", text))
        cases.append(("10 MB line", f"10 MB line of {signature!r}",
                      {"repeat": ten_megabytes(signature)[:4000], "length": 10_000_000}))
    log = "".join(f"2026-01-02 03:04:{i % 60:02d} INFO worker {i}: step done in {i % 97} ms\n" for i in range(2000))
    tail = ("Traceback (most recent call last):\n  File \"/srv/app.py\", line 3, in <module>\n"
            "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 20.00 MiB (GPU 0; 11.17 GiB total "
            "capacity; 10.5 GiB already allocated)\n")
    cases.append(("10 MB log", "10 MB log, error at the end", {"repeat": log, "length": 10_000_000 - len(tail),
                                                                 "tail": tail}))
    return cases


def _text(item: Any) -> str:
    if isinstance(item, str):
        return item
    text = (item["repeat"] * (item["length"] // len(item["repeat"]) + 1))[: item["length"]]
    return text + item.get("tail", "")


def _worst(groups: list[str], labels: list[str], times: list[float]) -> dict[str, tuple[float, str]]:
    worst: dict[str, tuple[float, str]] = {}
    for group, label, ms in zip(groups, labels, times, strict=True):
        if group not in worst or ms > worst[group][0]:
            worst[group] = (ms, label)
    return worst


def adversarial_python(index: Any, cases: list[tuple[str, str, Any]]) -> dict[str, tuple[float, str]]:
    from fixdex.matcher import match_result

    match_result("warm up: the index prepares itself on first use", index)
    times = []
    for _group, _label, item in cases:
        text = _text(item)
        best = float("inf")
        for _run in range(REPEATS):
            started = time.perf_counter()
            match_result(text, index)
            best = min(best, time.perf_counter() - started)
        times.append(best * 1000)
    return _worst([c[0] for c in cases], [c[1] for c in cases], times)


def _texts_for_javascript(cases: list[tuple[str, str, Any]]) -> list[Any]:
    # a tail cannot be expressed as a repeat: the 10 MB log is sent whole
    return [_text(item) if isinstance(item, dict) and "tail" in item else item for _g, _l, item in cases]


def adversarial_node(records: list[dict[str, Any]],
                     cases: list[tuple[str, str, Any]]) -> dict[str, tuple[float, str]]:
    from fixdex.matcher import rules_record

    node = shutil.which("node") or "/usr/bin/node"
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "input.json"
        data.write_text(json.dumps({"rules": rules_record(), "entries": records, "texts": _texts_for_javascript(cases),
                                    "timing": True, "repeats": REPEATS}), encoding="utf-8")
        result = subprocess.run([node, str(ROOT / "tests" / "js" / "run-matcher.js"), str(data)],
                                capture_output=True, text=True, check=True)
    times = [r["ms"] for r in json.loads(result.stdout)]
    return _worst([c[0] for c in cases], [c[1] for c in cases], times)


def adversarial_browser(records: list[dict[str, Any]],
                        cases: list[tuple[str, str, Any]]) -> dict[str, tuple[float, str]]:
    """fixdexMatch in chromium (what the paste box's worker runs), one case at a time."""
    from playwright.sync_api import sync_playwright

    from fixdex.matcher import rules_record

    script = (ROOT / "templates" / "assets" / "fixdex-match.js").read_text(encoding="utf-8")
    times = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        page.set_content("<html><body></body></html>")
        page.add_script_tag(content=script)
        page.evaluate("([records, rules]) => { const m = window.fixdexMatch.create(rules); "
                      "window.bench = {m, index: m.prepare(records, '')}; }", [records, rules_record()])
        for item in _texts_for_javascript(cases):
            times.append(page.evaluate(
                """([item, repeats]) => {
                  const text = typeof item === "string" ? item :
                    item.repeat.repeat(Math.ceil(item.length / item.repeat.length)).slice(0, item.length);
                  let best = Infinity;
                  for (let run = 0; run < repeats; run++) {
                    const t0 = performance.now();
                    window.bench.m.matchResult(text, window.bench.index, 5);
                    best = Math.min(best, performance.now() - t0);
                  }
                  return best;
                }""", [item, REPEATS]))
        browser.close()
    return _worst([c[0] for c in cases], [c[1] for c in cases], times)


def report_adversarial(entries: list[Any], browser: bool = True) -> None:
    from fixdex.matcher import build_index, index_record

    index = build_index(entries)
    records = [index_record(e) for e in index.entries]
    signatures = [s.text for e in index.entries for s in e.signatures]
    cases = adversarial_cases(signatures)
    print(f"adversarial: {len(cases)} inputs from {len(signatures)} signatures "
          "(budgets: 2 KB line <= 20 ms, 10 MB log <= 2,000 ms)")
    sides = [("python", adversarial_python(index, cases)), ("node", adversarial_node(records, cases))]
    if browser:
        sides.append(("chromium", adversarial_browser(records, cases)))
    for side, worst in sides:
        for group, (ms, label) in worst.items():
            print(f"  {side:8} worst {group:26} {ms:8.1f} ms  ({label[:90]})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", type=int, default=10_000)
    parser.add_argument("--entries", default=str(ROOT / "entries"))
    parser.add_argument("--adversarial-only", action="store_true", help="only the adversarial budgets")
    parser.add_argument("--no-browser", action="store_true", help="skip chromium")
    args = parser.parse_args()

    from fixdex.matcher import build_index, index_record, load_valid_entries

    entries = load_valid_entries(Path(args.entries))
    report_adversarial(entries, browser=not args.no_browser)
    if args.adversarial_only:
        return
    base = [index_record(e) for e in build_index(entries).entries]
    labelled = [str(c["text"]) for c in yaml.safe_load(
        (ROOT / "tests" / "data" / "labelled" / "cases.yaml").read_text(encoding="utf-8"))]

    for name, records, queries in (
        (f"catalogue ({len(base)} entries)", base, labelled),
        (f"synthetic ({args.synthetic} entries + catalogue)", *_synthetic(base, args.synthetic, labelled)),
    ):
        size = sizes(records)
        python = python_timing(records, queries)
        browser = browser_timing(size.pop("files"), queries)
        print(f"{name}, {len(queries)} queries")
        print(f"  index: {size['whole_bytes'] / 1024:.0f} KB whole ({size['whole_gzip_bytes'] / 1024:.0f} KB gzip); "
              f"{size['shards']} shards, largest {size['largest_shard_bytes'] / 1024:.0f} KB "
              f"({size['largest_shard_gzip_bytes'] / 1024:.0f} KB gzip)")
        print(f"  python : median {python['median_ms']:.2f} ms, p95 {python['p95_ms']:.2f} ms, "
              f"max {python['max_ms']:.2f} ms per query (index prepared in {python['prepare_ms']:.0f} ms)")
        print(f"  browser: median {browser['median_ms']:.2f} ms, p95 {browser['p95_ms']:.2f} ms, "
              f"max {browser['max_ms']:.2f} ms per query (largest prepare {browser['prepare_max_ms']:.0f} ms)")


def _synthetic(base: list[dict[str, Any]], count: int, labelled: list[str]) -> tuple[list[dict[str, Any]], list[str]]:
    records, texts = synthetic_records(base, count)
    rng = random.Random(3)
    return records, labelled + rng.sample(texts, 100)


if __name__ == "__main__":
    main()
