"""The Markdown lint: entry prose that would render wrong on the page.

Entry pages go through Python-Markdown (with pymdownx.superfences), which
differs from CommonMark where entry writers slip most: a list needs a blank
line before it (otherwise it joins the paragraph as text, "... in a
`conftest.py`. - Preview pandas 3 ..."), the content of a list item is
indented 4 spaces past its marker, and `__init__` outside code is bold "init".

Each rule has a stable name at the start of its message and reports at the
line and column of the offending text in the YAML file:

- md-list-after-paragraph, md-list-after-fence: a list item with no blank
  line before it, which joins the paragraph (or the code block) above as text;
- md-list-indent: a code fence or paragraph of a list item indented less than
  4 spaces past the marker, which ends the list (a numbered list restarts at 1);
- md-dunder: `__name__` outside code, which renders as bold "name";
- md-backtick, md-unclosed-fence: a code span or fence that never closes;
- md-heading: a line starting with `#`, which becomes a heading;
- md-emphasis: `**` or `__` that opens bold and never closes;
- md-plain-text: Markdown in a field the page shows as plain text.

Which fields are Markdown, and how, follows templates/entry.md.j2
(`entry_fields`). The scan is one pass over the lines and one over each
paragraph's characters, with no backtracking, so the work grows with the
length of the field.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from fixdex.codecheck import block_start
from fixdex.load import Document, FieldPath, LoadedEntry
from fixdex.model import Entry
from fixdex.problems import Problem, format_path


class Kind(Enum):
    """How a field reaches the page."""

    BLOCK = "block"  # Markdown paragraphs, lists and fences
    INLINE = "inline"  # one line of Markdown (a heading): code spans and emphasis only
    PLAIN = "plain"  # HTML-escaped text: Markdown is shown as typed


@dataclass(frozen=True)
class MarkdownProblem:
    """A problem at `offset`, the index of the offending character in the field's text."""

    offset: int
    rule: str
    message: str
    hint: str


# Python-Markdown's own patterns, anchored at the start of a line: linear to match.
FENCE = re.compile(r" *(`{3,}|~{3,})")
LIST_ITEM = re.compile(r"( *)([-*+]|\d{1,3}\.) +\S")
HEADING = re.compile(r" *#")
ALIGN_WINDOW = 16  # source characters a value character may be ahead of its match (indentation, escapes)
LIST_CONTENT_INDENT = 4  # Python-Markdown's tab_length: item content sits 4 spaces past the marker


def _word(char: str) -> bool:
    return char.isalnum() or char == "_"


def markdown_problems(text: str, kind: Kind = Kind.BLOCK) -> list[MarkdownProblem]:
    """Every place in one field's text that would render wrong, in text order."""
    if kind is Kind.PLAIN:
        return _plain_problems(text)
    if kind is Kind.INLINE:
        return _span_problems(text, 0, len(text))
    return _block_problems(text)


def _block_problems(text: str) -> list[MarkdownProblem]:
    problems: list[MarkdownProblem] = []
    units: list[tuple[int, int]] = []  # paragraphs and list items: (start, end) offsets
    unit: int | None = None
    fence: tuple[str, int, int] | None = None  # (character, length, offset) of an open fence
    previous = "blank"  # the line before: blank, text or fence (a closing fence)
    block_is_list = False  # the block since the last blank line began with a list item
    items: list[int] = []  # indents of the list items still open
    offset = 0
    for line in text.split("\n"):
        start, offset = offset, offset + len(line) + 1
        stripped = line.strip()
        if fence is not None:
            if stripped and set(stripped) == {fence[0]} and len(stripped) >= fence[1]:
                fence, previous = None, "fence"
            continue
        if not stripped:
            if unit is not None:
                units.append((unit, start - 1))
                unit = None
            previous = "blank"
            continue
        indent = len(line) - len(line.lstrip(" "))
        starts_block = previous == "blank"
        if starts_block:
            block_is_list = False
        opened = FENCE.match(line)
        item = LIST_ITEM.match(line)
        if opened or item or HEADING.match(line):
            if unit is not None:
                units.append((unit, start - 1))
                unit = None
        if opened:
            if starts_block:
                problems += _indent_problem(items, indent, start, "code fence")
            marker = opened.group(1)
            fence = (marker[0], len(marker), start + indent)
            previous = "text"
            continue
        if item:
            marker_at = start + indent
            if previous == "fence":
                problems.append(MarkdownProblem(
                    marker_at, "md-list-after-fence",
                    "list item right after a code fence would show as text in a paragraph",
                    "add a blank line after the closing fence"))
            elif not starts_block and not block_is_list:
                problems.append(MarkdownProblem(
                    marker_at, "md-list-after-paragraph",
                    "list item would join the paragraph above and show as text: Markdown needs a blank "
                    "line before a list",
                    "add a blank line before this line"))
            # reported once: read on as the list the writer meant, so one fix clears the cascade
            block_is_list = True
            while items and items[-1] >= indent:
                items.pop()
            items.append(indent)
            unit = start + item.end() - 1
            previous = "text"
            continue
        if HEADING.match(line):
            problems.append(MarkdownProblem(
                start + indent, "md-heading",
                "a line starting with # becomes a heading and breaks the page's outline",
                "reword the line, or write \\# for a literal #"))
            units.append((start + indent, offset - 1))
            previous = "text"
            continue
        if starts_block:
            problems += _indent_problem(items, indent, start, "paragraph")
            while items and items[-1] >= indent:
                items.pop()
        if unit is None:
            unit = start + indent
        previous = "text"
    if unit is not None:
        units.append((unit, len(text)))
    if fence is not None:
        marker = fence[0] * fence[1]
        problems.append(MarkdownProblem(
            fence[2], "md-unclosed-fence",
            f"code fence {marker} is never closed: the rest of the field renders as code",
            f"close it with {marker} on its own line"))
    for first, last in units:
        problems += _span_problems(text, first, last)
    return sorted(problems, key=lambda p: p.offset)


def _indent_problem(items: list[int], indent: int, start: int, what: str) -> list[MarkdownProblem]:
    """A block inside a list item indented less than 4 past its marker ends the list instead."""
    owner = next((item for item in reversed(items) if item < indent), None)
    if owner is None or indent >= owner + LIST_CONTENT_INDENT:
        return []
    need = owner + LIST_CONTENT_INDENT
    return [MarkdownProblem(
        start + indent, "md-list-indent",
        f"{what} in a list item is indented {indent - owner} spaces past the marker: Python-Markdown "
        f"needs {LIST_CONTENT_INDENT}, so the list ends here",
        f"indent the {what} and its lines by {need} spaces, or unindent it if it is not part of the item")]


def _code_spans(text: str, start: int, end: int) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Code spans (start, end) and unmatched backtick runs (offset, length) between start and end.

    A run of N backticks opens a span that the next run of exactly N closes,
    as in Python-Markdown; `next_same` makes finding that run one lookup.
    """
    runs: list[tuple[int, int]] = []
    index = start
    while index < end:
        if text[index] == "`":
            run_end = index
            while run_end < end and text[run_end] == "`":
                run_end += 1
            if index == 0 or text[index - 1] != "\\":
                runs.append((index, run_end - index))
            index = run_end
        else:
            index += 1
    next_same: list[int | None] = [None] * len(runs)
    seen: dict[int, int] = {}
    for position in range(len(runs) - 1, -1, -1):
        next_same[position] = seen.get(runs[position][1])
        seen[runs[position][1]] = position
    spans: list[tuple[int, int]] = []
    unmatched: list[tuple[int, int]] = []
    position = 0
    while position < len(runs):
        closing = next_same[position]
        if closing is None:
            unmatched.append(runs[position])
            position += 1
            continue
        spans.append((runs[position][0], runs[closing][0] + runs[closing][1]))
        position = closing + 1
    return spans, unmatched


def _span_problems(text: str, start: int, end: int) -> list[MarkdownProblem]:
    """Backticks, dunders and emphasis in one paragraph or list item."""
    spans, unmatched = _code_spans(text, start, end)
    problems = [
        MarkdownProblem(
            offset, "md-backtick",
            f"unbalanced backticks: {'`' * length} opens no code span in this paragraph and shows as text",
            f"add the closing {'`' * length}, or remove this one")
        for offset, length in unmatched
    ]
    stars: list[int] = []
    opener: int | None = None  # a `__` that opened bold and has not closed yet
    outside = [(start, end)] if not spans else []
    cursor = start
    for span_start, span_end in spans:
        outside.append((cursor, span_start))
        cursor = span_end
    if spans:
        outside.append((cursor, end))
    for first, last in outside:
        index = first
        while index < last:
            if text.startswith("**", index) and text[index - 1:index] != "\\":
                stars.append(index)
                index += 2
                continue
            if not text.startswith("__", index):
                index += 1
                continue
            # the whole run of word characters from here, scanned once
            word_end = index + 2
            while word_end < last and _word(text[word_end]):
                word_end += 1
            name = text[index:word_end]
            before = text[index - 1:index]
            free_left = not before or not (_word(before) or before == "\\")
            if free_left and _is_dunder(name):
                problems.append(MarkdownProblem(
                    index, "md-dunder", f"{name} outside code renders as bold '{name[2:-2]}'",
                    f"put it in backticks: `{name}`"))
                index = word_end
                continue
            # Python-Markdown's `__` opens after a non-word character and closes before one
            closes = name.endswith("__") and (name[-3:-2] or before) != "_"
            if opener is not None and closes:
                opener = None
            elif opener is None and free_left and text[index + 2:index + 3] not in ("", "_"):
                opener = index
            index = word_end
    if len(stars) % 2:
        problems.append(MarkdownProblem(
            stars[-1], "md-emphasis", "** opens bold that never closes and shows as text",
            "close it with **, or put the text in backticks"))
    if opener is not None:
        problems.append(MarkdownProblem(
            opener, "md-emphasis", "__ opens bold that never closes and shows as text",
            "close it with __, or put the text in backticks"))
    return problems


def _is_dunder(name: str) -> bool:
    """`__init__`: two underscores, a name that neither starts nor ends with one, two underscores."""
    stem = name[2:-2]
    return len(name) > 4 and name.endswith("__") and stem[0] != "_" and stem[-1] != "_"


def _plain_problems(text: str) -> list[MarkdownProblem]:
    """In a plain-text field a code span's backticks and ** show as typed."""
    spans, unmatched = _code_spans(text, 0, len(text))
    ticks = sorted([at for at, _ in spans] + [at for at, _ in unmatched])
    problems = [
        MarkdownProblem(at, "md-plain-text", "backticks show as typed: this field is plain text on the page, "
                        "not Markdown", "remove the backticks, or quote the words instead")
        for at in ticks
    ]
    stars = text.find("**")
    if stars != -1:
        problems.append(MarkdownProblem(
            stars, "md-plain-text", "** shows as typed: this field is plain text on the page, not Markdown",
            "remove the asterisks"))
    return sorted(problems, key=lambda p: p.offset)


def entry_fields(entry: Entry) -> Iterator[tuple[FieldPath, str, Kind]]:
    """Every field the entry page renders from the entry's text, with how it renders (templates/entry.md.j2)."""
    yield ("title",), entry.title, Kind.INLINE
    yield ("fix_title",), entry.fix_title, Kind.PLAIN
    for name in ("quick_fix", "summary", "why", "detection"):
        yield (name,), getattr(entry, name), Kind.BLOCK
    for index, cause in enumerate(entry.causes):
        yield ("causes", index, "cause"), cause.cause, Kind.INLINE
        yield ("causes", index, "fix"), cause.fix, Kind.BLOCK
    for index, example in enumerate(entry.code):
        if example.title:
            yield ("code", index, "title"), example.title, Kind.INLINE
        if example.note:
            yield ("code", index, "note"), example.note, Kind.BLOCK
    yield ("workaround",), entry.workaround, Kind.BLOCK
    yield ("prevention",), entry.prevention, Kind.BLOCK
    for index, package in enumerate(entry.environment.packages):
        if package.note:
            yield ("environment", "packages", index, "note"), package.note, Kind.INLINE
    yield ("environment", "verified", "how"), entry.environment.verified.how, Kind.PLAIN
    for index, reference in enumerate(entry.references):
        yield ("references", index, "title"), reference.title, Kind.INLINE


def source_positions(source: str, start: int, text: str, offsets: Sequence[int]) -> dict[int, tuple[int, int]]:
    """Line and column in `source` of characters of `text`, a YAML scalar whose first character is at `start`.

    Walks the scalar's source and its value side by side: what the value
    lacks (indentation, folded line breaks, quotes, escapes) is skipped, so
    literal, folded, plain and quoted scalars all map. A character not found
    within a few source characters stays at the last match, so the walk is
    linear and a surprise costs precision, not time.
    """
    wanted = set(offsets)
    found: dict[int, int] = {}
    cursor = start
    for index, char in enumerate(text):
        match = None
        for probe in range(cursor, min(cursor + ALIGN_WINDOW, len(source))):
            if source[probe] == char or (char.isspace() and source[probe].isspace()):
                match = probe
                break
        if index in wanted:
            found[index] = cursor if match is None else match
        if match is not None:
            cursor = match + 1
    line_starts = [0]
    line_starts += [at + 1 for at, char in enumerate(source) if char == "\n"]
    positions: dict[int, tuple[int, int]] = {}
    for index, at in found.items():
        low, high = 0, len(line_starts) - 1
        while low < high:
            middle = (low + high + 1) // 2
            if line_starts[middle] <= at:
                low = middle
            else:
                high = middle - 1
        positions[index] = (low + 1, at - line_starts[low] + 1)
    return positions


def check_entry_markdown(loaded: LoadedEntry) -> list[Problem]:
    document: Document = loaded.document
    problems: list[Problem] = []
    source_lines: list[str] | None = None
    for path, text, kind in entry_fields(loaded.entry):
        found = markdown_problems(text, kind)
        if not found:
            continue  # positions only when a problem needs them
        source = document.text or ""
        source_lines = source_lines or source.split("\n")
        line, column = block_start(document, path, source_lines)
        start = sum(len(text_line) + 1 for text_line in source_lines[:line - 1]) + column - 1
        positions = source_positions(source, start, text, [problem.offset for problem in found])
        for problem in found:
            at_line, at_column = positions.get(problem.offset, (line, column))
            problems.append(Problem(
                document.path, at_line, at_column, format_path(path), f"{problem.rule}: {problem.message}",
                problem.hint))
    return problems


def check_markdown(entries: Sequence[LoadedEntry], root: Path) -> list[Problem]:
    """The `fixdex check` rule: entry prose renders as its writer meant."""
    problems: list[Problem] = []
    for loaded in entries:
        problems += check_entry_markdown(loaded)
    return problems
