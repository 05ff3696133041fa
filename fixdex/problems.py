"""Located problems: the one way every check reports what is wrong.

A problem names its file, line, column and field path, so editors and CI logs
can jump to it (`entries/x.yaml:14:5: error: causes[1].fix: ...`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    column: int
    field: str
    message: str
    hint: str | None = None

    def __str__(self) -> str:
        text = f"{self.path}:{self.line}:{self.column}: error: {self.field or '<file>'}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text


class ProblemsFound(Exception):
    """Raised by adapters (plugin, export) when the input has problems."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__(format_report(self.problems))


MAX_NAME_CHARS = 60  # a key is the file's text: a report shows the start of a long one, not all of it


def format_path(path: tuple[str | int, ...]) -> str:
    """('causes', 1, 'fix') -> 'causes[1].fix'."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            name = part if len(part) <= MAX_NAME_CHARS else f"{part[:MAX_NAME_CHARS]}..."
            text += f".{name}" if text else name
    return text


def format_report(problems: list[Problem]) -> str:
    """All problems, one per line, then one summary line."""
    if not problems:
        return "check passed"
    files = len({p.path for p in problems})
    lines = [str(p) for p in problems]
    noun = "error" if len(problems) == 1 else "errors"
    lines.append(f"check failed: {len(problems)} {noun} in {files} file{'s' if files != 1 else ''}")
    return "\n".join(lines)
