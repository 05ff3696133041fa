"""The word index that keeps the signature-clash rule linear finds every clash a full scan finds."""

from __future__ import annotations

from pathlib import Path

from fixdex.load import load_entries
from fixdex.signature import check_signatures, compile_signature, required_words

ROOT = Path(__file__).resolve().parent.parent


def test_words_at_the_edges_of_fixed_text_are_not_required() -> None:
    words = required_words(compile_signature("ConnectionPool(host='{host}', port={port}): Max retries exceeded with"))
    assert "connectionpool" not in words  # HTTPSConnectionPool contains it
    assert {"host", "port", "max", "retries", "exceeded"} <= words
    assert "with" not in words


def test_indexed_rule_equals_a_full_scan_on_the_catalogue() -> None:
    result = load_entries([ROOT / "entries"], root=ROOT)
    entries = [item.entry for item in result.entries]
    expected = set()
    for entry in entries:
        for index, text in enumerate(entry.signatures):
            signature = compile_signature(text)
            if not any(signature.matches(m) for m in entry.messages):
                continue
            for other in entries:
                if other.id != entry.id and any(signature.matches(m) for m in other.messages):
                    expected.add((entry.id, index, other.id))
    found = set()
    for problem in check_signatures(result.entries, ROOT):
        if "also matches a message of" in problem.message:
            other = Path(problem.message.split(" of ", 1)[1].split(" ", 1)[0]).stem
            found.add((Path(problem.path).stem, int(problem.field.split("[")[1].rstrip("]")), other))
    assert found == expected
