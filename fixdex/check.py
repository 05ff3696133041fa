"""`fixdex check`: every rule over a knowledge base, one report.

The loader checks the schema and the rules between entries; the checkers
listed here add rules that need more than the schema (code that must parse,
records that must match, retired names). Each checker is a plain function
`(entries, root) -> problems`, so a new rule is one function and one line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from fixdex.load import LoadedEntry, LoadResult, load_entries
from fixdex.problems import Problem

Checker = Callable[[Sequence[LoadedEntry], Path], Iterable[Problem]]


def checkers() -> list[Checker]:
    """The rules beyond the schema, imported late so each module stays optional."""
    from fixdex.codecheck import check_code
    from fixdex.markdown_check import check_markdown
    from fixdex.notes import check_notes
    from fixdex.retired import check_retired
    from fixdex.signature import check_signatures
    from fixdex.untrusted import check_untrusted
    from fixdex.verify import check_records

    found: list[Checker] = []
    found.append(check_code)
    found.append(check_retired)
    found.append(check_records)
    found.append(check_signatures)
    found.append(check_notes)
    found.append(check_markdown)
    found.append(check_untrusted)
    return found


def check(paths: Iterable[Path], root: Path | None = None, *, known_ids: Iterable[str] = ()) -> LoadResult:
    """Load entries and run every checker; problems come back sorted and all at once.

    `known_ids`: ids defined in other layers of the site (fixdex.layers), which `related:` may name.
    """
    root = root or Path.cwd()
    result = load_entries(paths, root=root, known_ids=known_ids)
    problems = list(result.problems)
    for rule in checkers():
        problems += rule(result.entries, root)
    return LoadResult(result.entries, sorted(set(problems)))
