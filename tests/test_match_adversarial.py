"""Matching stays fast on inputs built to make a backtracking matcher hang, in Python and in JavaScript.

For every signature of every entry (tests/match_inputs.py): its fixed words repeated
inside the placeholder span, near misses (one line, and 130 KB of lines), its literal
parts glued together, quotes and spaces, a 100 KB single line and a 10 MB single line.
The bound per case is generous for a loaded CI machine: these tests guard against
hangs; the figures (scripts/benchmark_match.py) go into docs/matching.md.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from fixdex.matcher import build_index, index_record, load_valid_entries, match_result
from fixdex.signature import compile_signature
from tests.match_inputs import adversarial_texts, ten_megabytes
from tests.test_match_parity import run_javascript

ROOT = Path(__file__).resolve().parent.parent
CASE_SECONDS = 2.0


@pytest.fixture(scope="module")
def catalogue() -> tuple[Any, list[str]]:
    index = build_index(load_valid_entries(ROOT / "entries"))
    return index, [s.text for e in index.entries for s in e.signatures]


def _cases(signatures: list[str]) -> list[tuple[str, str, str]]:
    return [(signature, kind, text) for signature in signatures for kind, text in adversarial_texts(signature)]


def test_python_adversarial_inputs(catalogue: Any) -> None:
    index, signatures = catalogue
    slowest = (0.0, "", "")
    for signature, kind, text in _cases(signatures):
        started = time.perf_counter()
        match_result(text, index)
        elapsed = time.perf_counter() - started
        slowest = max(slowest, (elapsed, kind, signature))
    assert slowest[0] < CASE_SECONDS, f"{slowest[0]:.2f} s for {slowest[1]!r} of {slowest[2]!r}"


def test_python_ten_megabyte_lines(catalogue: Any) -> None:
    index, signatures = catalogue
    for signature in signatures[::4]:
        text = ten_megabytes(signature)
        started = time.perf_counter()
        result = match_result(text, index)
        elapsed = time.perf_counter() - started
        assert result.cut
        assert elapsed < CASE_SECONDS, f"{elapsed:.2f} s for 10 MB of {signature!r}"


def test_javascript_adversarial_inputs(catalogue: Any, tmp_path: Path) -> None:
    index, signatures = catalogue
    cases = _cases(signatures)
    texts: list[Any] = [text for _signature, _kind, text in cases]
    big = signatures[::4]
    texts += [{"repeat": ten_megabytes(s)[:2000], "length": 10_000_000} for s in big]
    labels = [f"{kind} of {signature!r}" for signature, kind, _text in cases] + [f"10 MB of {s!r}" for s in big]
    results = run_javascript(tmp_path, [index_record(e) for e in index.entries], texts, timing=True)
    slowest = max(zip((r["ms"] for r in results), labels, strict=True))
    assert slowest[0] < CASE_SECONDS * 1000, f"{slowest[0]:.0f} ms for {slowest[1]}"
    assert all(r["cut"] for r in results[-len(big):])


@pytest.mark.parametrize("signature", [
    "{a} {b} {c} {d} (char {e})",
    "JSONDecodeError: {a} {b}: line {c} column {d} (char {e})",
    "'{a}' '{b}' {c}",
])
def test_check_refuses_signatures_whose_values_only_spaces_separate(signature: str) -> None:
    from fixdex.signature import SignatureError

    with pytest.raises(SignatureError, match="are separated only by spaces"):
        compile_signature(signature)
