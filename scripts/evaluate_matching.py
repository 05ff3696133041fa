"""How well do `fixdex match` and Material's search find the entry for a real pasted error?

Reads tests/data/labelled/cases*.yaml (real texts from public issue threads,
each with the entry that explains it, or null), matches every text against
the valid entries of a catalogue, and reports top-1 and top-3 accuracy and
the share of confident answers that are wrong, the share of right answers
given as confident, and how many errors no entry covers got a confident answer
(the hook prints a link only for a confident answer). Material's search is measured
on the same texts by building the catalogue into a real site and typing each
text into the search box of Debian's chromium (Playwright), as a reader would.

    .venv/bin/python scripts/evaluate_matching.py [--entries entries] [--no-search] [--verbose]

Cases whose expected entry is not in the catalogue (yet) are skipped and counted.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "data" / "labelled"  # cases.yaml and cases-*.yaml
CHROMIUM = "/usr/bin/chromium"
# docs/matching.md: a confident answer is printed under a traceback, so a wrong one costs more than none
TARGET_TOP1 = 0.98
TARGET_CONFIDENT = 0.95


@dataclass
class Outcome:
    expected: str | None
    ranked: list[str]
    confident: bool  # the first answer was given as confident


def score(outcomes: list[Outcome]) -> dict[str, float | int]:
    positives = [o for o in outcomes if o.expected]
    negatives = [o for o in outcomes if not o.expected]
    confident = [o for o in outcomes if o.confident and o.ranked]
    wrong = [o for o in confident if o.ranked[0] != o.expected]
    right = [o for o in positives if o.ranked and o.ranked[0] == o.expected]
    return {
        "cases": len(outcomes),
        "positives": len(positives),
        "negatives": len(negatives),
        "top1": sum(bool(o.ranked) and o.ranked[0] == o.expected for o in positives) / max(1, len(positives)),
        "top3": sum(o.expected in o.ranked[:3] for o in positives) / max(1, len(positives)),
        "confident_answers": len(confident),
        "wrong_confident_rate": len(wrong) / max(1, len(confident)),
        "right_confident_share": sum(o.confident for o in right) / max(1, len(right)),
        "negatives_with_confident_answer": sum(o.confident and bool(o.ranked) for o in negatives),
    }


def load_cases(ids: set[str]) -> tuple[list[dict[str, str | None]], int]:
    cases = [case for path in sorted(CASES.glob("cases*.yaml"))
             for case in yaml.safe_load(path.read_text(encoding="utf-8"))]
    kept = [c for c in cases if c["expected"] is None or c["expected"] in ids]
    return kept, len(cases) - len(kept)


def evaluate_matcher(cases: list[dict[str, str | None]], index: object, verbose: bool) -> list[Outcome]:
    from fixdex.matcher import match_index

    outcomes = []
    for case in cases:
        found = match_index(str(case["text"]), index, top=3)  # type: ignore[arg-type]
        outcome = Outcome(case["expected"], [c.id for c in found], bool(found) and found[0].confident)
        outcomes.append(outcome)
        missed = bool(outcome.expected) and (not outcome.ranked or outcome.ranked[0] != outcome.expected)
        wrong = outcome.confident and outcome.ranked[0] != outcome.expected
        if verbose and (missed or wrong):
            print(f"  matcher miss: expected {case['expected']}, got {outcome.ranked[:3]} "
                  f"(confident={outcome.confident}) {case['source']}")
    return outcomes


def build_site(entries_dir: Path, valid_ids: set[str], folder: Path) -> Path:
    """A site of the valid entries, with the repository's search settings."""
    kb = folder / "kb"
    shutil.copytree(ROOT / "tests" / "data" / "kb", kb)
    for old in (kb / "entries").glob("*.yaml"):
        old.unlink()
    for path in entries_dir.glob("*.yaml"):
        if path.stem in valid_ids:
            text = path.read_text(encoding="utf-8")
            data = yaml.safe_load(text)
            # entries still being written may relate to entries that are not there yet
            data["related"] = [r for r in data.get("related", []) if r in valid_ids]
            data["signatures"] = []  # search does not read them; a half-finished one must not stop the build
            (kb / "entries" / path.name).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                                                    encoding="utf-8")
    config = (kb / "mkdocs.yml").read_text(encoding="utf-8")
    separator = next(line for line in (ROOT / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
                     if line.strip().startswith("separator:"))
    config = config.replace("  - search\n", "  - search:\n      " + separator.strip() + "\n")
    (kb / "mkdocs.yml").write_text(config, encoding="utf-8")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=kb, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise SystemExit(f"site build failed:\n{result.stdout}{result.stderr}")
    return kb / "site"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def evaluate_search(cases: list[dict[str, str | None]], site: Path, verbose: bool) -> list[Outcome]:
    """Type each text into Material's search box and read the result list, as a reader would."""
    from playwright.sync_api import sync_playwright

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    outcomes = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base)
                   else route.abort())
        page.goto(base)
        search = page.locator("input.md-search__input")
        for case in cases:
            search.click()
            search.fill("")
            page.keyboard.press("End")
            page.wait_for_timeout(150)
            # a search input keeps one line: the browser drops line breaks from a paste, as it does here
            search.fill(str(case["text"]))
            page.keyboard.press("End")
            page.wait_for_timeout(500)
            hrefs = page.eval_on_selector_all(".md-search-result__item > a", "els => els.map(e => e.href)")
            ranked: list[str] = []
            for href in hrefs:
                if "/errors/" in href:
                    entry_id = href.split("/errors/", 1)[1].split("/")[0]
                    if entry_id not in ranked:
                        ranked.append(entry_id)
            # lunr has no notion of confidence: a first result counts as an answer
            outcome = Outcome(case["expected"], ranked, bool(ranked))
            outcomes.append(outcome)
            if verbose and ((case["expected"] and (not ranked or ranked[0] != case["expected"]))
                            or (not case["expected"] and ranked)):
                print(f"  search miss: expected {case['expected']}, got {ranked[:3]} {case['source']}")
        browser.close()
    server.shutdown()
    return outcomes


def report(name: str, figures: dict[str, float | int]) -> None:
    print(f"{name}: top-1 {figures['top1']:.0%}, top-3 {figures['top3']:.0%} on {figures['positives']} texts; "
          f"confident answers {figures['confident_answers']}, wrong {figures['wrong_confident_rate']:.1%}, "
          f"right answers given as confident {figures['right_confident_share']:.1%}; "
          f"negatives answered confidently {figures['negatives_with_confident_answer']}/{figures['negatives']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", default=str(ROOT / "entries"), help="entries folder (default: entries/)")
    parser.add_argument("--no-search", action="store_true", help="skip Material's search (no browser)")
    parser.add_argument("--verbose", action="store_true", help="list every miss")
    args = parser.parse_args()

    from fixdex.matcher import build_index, load_valid_entries

    entries_dir = Path(args.entries)
    entries = load_valid_entries(entries_dir)
    ids = {e.id for e in entries}
    files = len(list(entries_dir.glob("*.yaml")))
    cases, skipped = load_cases(ids)
    print(f"catalogue: {len(entries)} valid entries of {files} files; {len(cases)} labelled texts "
          f"({skipped} skipped: their entry is not in the catalogue)")
    matcher = score(evaluate_matcher(cases, build_index(entries), args.verbose))
    report("fixdex match", matcher)
    if not args.no_search:
        with tempfile.TemporaryDirectory() as folder:
            site = build_site(entries_dir, ids, Path(folder))
            search = score(evaluate_search(cases, site, args.verbose))
        report("Material search (lunr)", search)
    ok = (matcher["top1"] >= TARGET_TOP1 and matcher["right_confident_share"] >= TARGET_CONFIDENT
          and matcher["negatives_with_confident_answer"] == 0 and matcher["wrong_confident_rate"] == 0)
    print(f"targets (top-1 >= {TARGET_TOP1:.0%}, right answers confident >= {TARGET_CONFIDENT:.0%}, "
          "no wrong confident answer, no negative answered confidently):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
