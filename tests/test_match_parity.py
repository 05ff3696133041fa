"""One matcher in two languages: fixdex/matcher.py and fixdex-match.js give the same whole ranked lists.

Pastes are generated from the catalogue (tests/match_inputs.py: every message and
variant, as tracebacks, wrapped, with ANSI colours, Windows paths, emoji,
`constructor`/`__proto__`, odd whitespace, very long lines), plus the labelled
texts and the adversarial inputs of one signature per entry. node runs once on all
of them, with the index records and the rules Python wrote.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from fixdex.matcher import index_from_records, index_record, load_valid_entries, match_result, rules_record
from fixdex.normalise import error_line, search_terms
from tests.match_inputs import adversarial_texts, catalogue_pastes

ROOT = Path(__file__).resolve().parent.parent
RUNNER = ROOT / "tests" / "js" / "run-matcher.js"
TOP = 1000  # the whole ranked list


def run_javascript(tmp_path: Path, records: list[dict[str, Any]], texts: list[str], **options: Any) -> Any:
    node = shutil.which("node") or "/usr/bin/node"
    assert Path(node).exists(), "node is missing: install Debian's nodejs (node 20 runs tests/js/)"
    data = tmp_path / "input.json"
    data.write_text(json.dumps({"rules": rules_record(), "entries": records, "texts": texts, **options}),
                    encoding="utf-8")
    result = subprocess.run([node, str(RUNNER), str(data)], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def catalogue() -> tuple[list[dict[str, Any]], list[Any]]:
    entries = load_valid_entries(ROOT / "entries")
    from fixdex.matcher import build_index

    return [index_record(e) for e in build_index(entries).entries], entries


def test_python_and_javascript_rank_every_paste_alike(catalogue: Any, tmp_path: Path) -> None:
    records, entries = catalogue
    cases = list(catalogue_pastes(entries))
    cases += [("labelled", str(c["text"])) for c in yaml.safe_load(
        (ROOT / "tests" / "data" / "labelled" / "cases.yaml").read_text(encoding="utf-8"))]
    for entry in entries:
        for kind, text in adversarial_texts(entry.signatures[0], line_bytes=600):
            if len(text) < 20_000:
                cases.append((f"adversarial: {kind}", text))
    assert len(cases) >= 500
    index = index_from_records(records)
    expected = []
    for _kind, text in cases:
        result = match_result(text, index, top=TOP)
        expected.append({"cut": result.cut, "candidates": [c.to_json() for c in result.candidates]})
    found = run_javascript(tmp_path, records, [text for _kind, text in cases], top=TOP)
    differences = [(kind, text[:120], e, f) for (kind, text), e, f in zip(cases, expected, found, strict=True)
                   if e != f]
    assert not differences, f"{len(differences)} of {len(cases)} differ; first: {differences[0]}"
    # the set is not trivial: signature hits with captures, fuzzy answers, and texts with no answer
    assert sum(bool(e["candidates"]) and e["candidates"][0]["confident"] for e in expected) > 200
    assert sum(any(c["captures"] for c in e["candidates"]) for e in expected) > 100
    assert any(e["cut"] for e in expected)


def test_the_site_search_reduces_pastes_as_python_does(catalogue: Any, tmp_path: Path) -> None:
    """fixdex-search.js's reduction of a paste to the words of its error line is fixdex.normalise's."""
    _records, entries = catalogue
    texts = [text for _kind, text in catalogue_pastes(entries)]
    texts += ["KeyError: 'x'", "numpy 2.0 nan", "a short typed query", "\x1b[31mValueError: \x1b[0mbad\n"]
    expected = [[search_terms(text), error_line(text)] for text in texts]
    found = run_javascript(tmp_path, [], texts, search=True)
    differences = [(text[:100], e, f) for text, e, f in zip(texts, expected, found, strict=True) if e != f]
    assert not differences, f"{len(differences)} of {len(texts)} differ; first: {differences[0]}"
    assert search_terms("Traceback (most recent call last):\n  File \"/srv/a.py\", line 3\n"
                        "KeyError: 'token' at 0x7f3a") == "KeyError token at"
