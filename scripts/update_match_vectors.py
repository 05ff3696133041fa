"""Fill in the generated parts of tests/data/match-vectors.json from fixdex/matcher.py.

The hand-written parts (inputs, expected top entry, confidence, captures) are
kept; `index` (the records the browser would load) and each match case's
`score` are recomputed. Review the diff: a changed score is a changed spec.

    .venv/bin/python scripts/update_match_vectors.py
"""

from __future__ import annotations

import json
from pathlib import Path

from fixdex.matcher import INDEX_FORMAT, IndexEntry, MatchIndex, index_record, match_index, normalise, rules_record
from fixdex.signature import compile_signature

VECTORS = Path(__file__).resolve().parent.parent / "tests" / "data" / "match-vectors.json"


def vector_index(entries: list[dict[str, object]]) -> MatchIndex:
    return MatchIndex([
        IndexEntry(str(e["id"]), str(e["title"]), str(e["url"]), str(e["exception"]),
                   [compile_signature(s) for s in e["signatures"]],  # type: ignore[attr-defined]
                   [normalise(m) for m in e["messages"]],  # type: ignore[attr-defined]
                   fix_title=str(e.get("fix_title", "")))
        for e in entries
    ])


def main() -> None:
    data = json.loads(VECTORS.read_text(encoding="utf-8"))
    index = vector_index(data["entries"])
    data["index"] = {"format": INDEX_FORMAT, "rules": rules_record(),
                     "entries": [index_record(e) for e in index.entries]}
    for case in data["match"]:
        found = match_index(case["text"], index, top=5)
        case["score"] = found[0].score if found else None
    VECTORS.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"updated {VECTORS}")


if __name__ == "__main__":
    main()
