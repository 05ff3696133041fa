"""Entry text is untrusted Markdown: the `fixdex check` rule that keeps live HTML out of pages.

Entries arrive as pull requests from people we don't know, and their prose
goes through Python-Markdown, which passes raw HTML straight into the page:
`<script>`, `<img onerror=...>`, `</title>`. So every prose field (everything
but code, the error's own text and identifiers) is scanned outside its code
spans and fences, and these are refused, each at its line and column:

- anything Markdown would take for an HTML tag, comment or declaration:
  `<` followed by a letter, `/`, `!` or `?`. That includes names that are no
  HTML tag, such as `<module>` or `<stdin>`: Python-Markdown passes them
  through as unknown elements and the browser hides them, so the reader would
  see "File , line 1". In backticks they show as written. Autolinks to
  http(s) addresses (`<https://...>`) are fine.
- links and images whose target is not http(s), a relative path or an anchor
  (`javascript:`, `data:`, even entity-encoded), and images altogether: an
  image loads from another site whenever the page is read.
- attribute lists with a value (`{ onclick=... }`, attr_list would put it on
  the element) and snippet markers (`--8<--`, which include files when a site
  enables pymdownx.snippets).

The scan is linear in the length of a field: code spans are found with one
pass over backtick runs, and every pattern below is anchored or bounded.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fixdex.codecheck import block_start
from fixdex.load import Document, FieldPath, LoadedEntry, position_in_text
from fixdex.problems import Problem, format_path

# Fields that are not prose: code and the error's own text (rendered in code
# blocks), identifiers and values the schema already constrains.
NOT_PROSE = frozenset({
    "id", "message", "variants", "signatures", "stack_trace", "broken", "fixed", "language", "url", "kind",
    "severity", "difficulty", "related", "tags", "aliases", "versions", "version", "reproduction",
    "published", "updated", "date", "min", "max", "broken_is_syntax_error",
})

# Tag names browsers act on; any other <name> is still refused, with a hint about
# how it would vanish rather than about HTML.
HTML_TAGS = frozenset("""
a abbr address area article aside audio b base bdi bdo blockquote body br button canvas caption cite code col
colgroup data datalist dd del details dfn dialog div dl dt em embed fieldset figcaption figure font footer form
frame frameset h1 h2 h3 h4 h5 h6 head header hr html i iframe img input ins kbd label legend li link main map mark
marquee math menu meta meter nav noscript object ol optgroup option output p param picture pre progress q rp rt
ruby s samp script section select slot small source span strong style sub summary sup svg table tbody td template
textarea tfoot th thead time title tr track u ul var video wbr xmp
""".split())

FENCE = re.compile(r"[ \t]*(`{3,}|~{3,})")
TAG_START = re.compile(r"<(?:[A-Za-z]|/|!|\?)")
AUTOLINK = re.compile(r"<https?://[^\s<>]{1,2000}>")
TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9-]{0,40})")
LINK_TARGET = re.compile(r"\]\([ \t]*<?([^\s)>]{0,2000})")  # anchored on "](": linear however [ nests
IMAGE = re.compile(r"!\[")
REFERENCE_DEFINITION = re.compile(r"^[ ]{0,3}\[[^\]\n]{1,500}\]:[ \t]*<?([^\s>]{0,2000})", re.MULTILINE)
ATTRIBUTE_LIST = re.compile(r"\{[^{}\n=]{0,200}=[^{}\n]{0,200}\}")
SNIPPET = re.compile(r"-{1,}8<-{1,}")
SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]{0,30}):")
CODE_HINT = "put it in backticks, or write &lt; for a literal <"
MAX_FINDINGS = 20


@dataclass(frozen=True)
class Finding:
    """Something refused at `offset` in a field's text; `snippet` is what to look for in the file."""

    offset: int
    snippet: str
    message: str
    hint: str


def prose_fields(data: Any, path: FieldPath = ()) -> Iterator[tuple[FieldPath, str]]:
    """(path, text) of every prose string in an entry's data."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key not in NOT_PROSE:
                yield from prose_fields(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from prose_fields(value, (*path, index))
    elif isinstance(data, str):
        yield path, data


def escaped(text: str, index: int) -> bool:
    """True when the character at `index` follows an odd number of backslashes (`\\\\` escapes itself)."""
    count = 0
    while index - count > 0 and text[index - count - 1] == "\\":
        count += 1
    return count % 2 == 1


def without_code(text: str) -> str:
    """The text with fenced blocks and code spans blanked out (same length, same line breaks)."""
    lines = text.split("\n")
    fence: tuple[str, int] | None = None
    for number, line in enumerate(lines):
        opened = FENCE.match(line)
        if fence is None and opened:
            fence = (opened.group(1)[0], len(opened.group(1)))
            lines[number] = " " * len(line)
        elif fence is not None:
            stripped = line.strip()
            if stripped and set(stripped) == {fence[0]} and len(stripped) >= fence[1]:
                fence = None
            lines[number] = " " * len(line)
    masked = "\n".join(lines)
    return _mask_code_spans(masked)


def _mask_code_spans(text: str) -> str:
    """A run of N backticks opens a span the next run of exactly N closes (in the same paragraph)."""
    runs: list[tuple[int, int]] = []
    for found in re.finditer(r"`+", text):
        start = found.start() + (1 if escaped(text, found.start()) else 0)  # \` is a literal backtick
        if start < found.end():
            runs.append((start, found.end()))
    breaks = [m.start() for m in re.finditer(r"\n[ \t]*\n", text)]
    following: dict[int, int] = {}
    next_same: list[int | None] = [None] * len(runs)
    for index in range(len(runs) - 1, -1, -1):
        length = runs[index][1] - runs[index][0]
        next_same[index] = following.get(length)
        following[length] = index
    spans: list[tuple[int, int]] = []
    index = 0
    breaks_at = 0
    while index < len(runs):
        closing = next_same[index]
        start = runs[index][0]
        while breaks_at < len(breaks) and breaks[breaks_at] < start:
            breaks_at += 1
        if closing is None or (breaks_at < len(breaks) and breaks[breaks_at] < runs[closing][0]):
            index += 1
            continue
        spans.append((start, runs[closing][1]))
        index = closing + 1
    if not spans:
        return text
    parts: list[str] = []
    cursor = 0
    for start, end in spans:
        parts.append(text[cursor:start])
        parts.append("".join(c if c == "\n" else " " for c in text[start:end]))
        cursor = end
    parts.append(text[cursor:])
    return "".join(parts)


def html_findings(text: str) -> list[Finding]:
    """Everything in one field's Markdown that could put live HTML on the page, in text order.

    At most MAX_FINDINGS per field: a field full of `<a` is reported, not listed.
    """
    if not _might_hold_html(text):
        return []  # blanking code out only removes matches, so a clean raw text is clean
    masked = without_code(text)
    findings: list[Finding] = []
    for found in _first(TAG_START.finditer(masked)):
        at = found.start()
        if AUTOLINK.match(masked, at):  # no backslash escape: Python-Markdown keeps \<tag> live
            continue
        window = masked[at:at + 80].split("\n", 1)[0]
        end = window.find(">")
        snippet = text[at:at + (end + 1 if end != -1 else min(len(window), 20))]
        findings.append(_tag_finding(at, snippet))
    for found in _first(IMAGE.finditer(masked)):
        findings.append(Finding(found.start(), found.group(0), "images are not allowed in entries: an image "
                                "loads from another site whenever the page is read",
                                "link to it instead: [text](https://...)"))
    for found in _first(m for m in (*LINK_TARGET.finditer(masked), *REFERENCE_DEFINITION.finditer(masked))
                        if _bad_target(m.group(1))):
        target = found.group(1)
        findings.append(Finding(found.start(1), target[:40], f"link target {target[:40]!r} is not an http(s) "
                                "address", "link to an https:// address"))
    for found in _first(ATTRIBUTE_LIST.finditer(masked)):
        findings.append(Finding(found.start(), found.group(0)[:40], f"attribute list {found.group(0)[:40]!r}: "
                                "it would set HTML attributes on the page", "put it in backticks"))
    for found in _first(SNIPPET.finditer(masked)):
        findings.append(Finding(found.start(), found.group(0), "snippet marker --8<-- would include a file "
                                "where pymdownx.snippets is on", "put it in backticks"))
    return sorted(findings, key=lambda f: f.offset)[:MAX_FINDINGS]


def _might_hold_html(text: str) -> bool:
    """The patterns of html_findings on the raw text: most fields match none, and skip the masking."""
    if "<" not in text and "](" not in text and "]:" not in text and "![" not in text and "{" not in text:
        return False
    return bool(
        TAG_START.search(text) or "![" in text or SNIPPET.search(text) or ATTRIBUTE_LIST.search(text)
        or any(_bad_target(m.group(1)) for m in LINK_TARGET.finditer(text))
        or any(_bad_target(m.group(1)) for m in REFERENCE_DEFINITION.finditer(text))
    )


def _first(found: Iterable[re.Match[str]]) -> Iterator[re.Match[str]]:
    return itertools.islice(found, MAX_FINDINGS)


def _tag_finding(at: int, snippet: str) -> Finding:
    shown = snippet if len(snippet) <= 40 else snippet[:40] + "..."
    if snippet.startswith(("<!", "<?")):
        return Finding(at, snippet, f"raw HTML {shown!r}: entries are Markdown without HTML", CODE_HINT)
    name = TAG_NAME.match(snippet)
    if name and name.group(1).lower() in HTML_TAGS:
        return Finding(at, snippet, f"raw HTML {shown!r}: entries are Markdown without HTML", CODE_HINT)
    return Finding(at, snippet, f"{shown!r} would be read as an HTML tag and vanish from the page", CODE_HINT)


def _bad_target(target: str) -> bool:
    """True unless the link goes to an http(s) address, a relative path or an anchor."""
    plain = re.sub(r"[\x00-\x20]", "", html.unescape(target))
    scheme = SCHEME.match(plain)
    return scheme is not None and scheme.group(1).lower() not in ("http", "https")


def locate(document: Document, path: FieldPath, text: str, finding: Finding,
           lines: list[str]) -> tuple[int, int]:
    """Line and column of a finding in the YAML file: the same occurrence of its snippet, counted from the field."""
    source = document.text or ""
    line, column = block_start(document, path, lines)
    start = sum(len(text_line) + 1 for text_line in lines[:line - 1]) + column - 1
    occurrence = text.count(finding.snippet, 0, finding.offset)
    at = start - 1
    for _ in range(occurrence + 1):
        at = source.find(finding.snippet, at + 1)
        if at == -1:
            return line, column
    return position_in_text(source, at)


def check_untrusted(entries: Sequence[LoadedEntry], root: Path) -> list[Problem]:
    """The `fixdex check` rule: no prose field can put live HTML on a page."""
    problems: list[Problem] = []
    for loaded in entries:
        data = loaded.document.data if isinstance(loaded.document.data, dict) else {}
        lines: list[str] | None = None
        for path, text in prose_fields(data):
            found = html_findings(text)
            if path in (("exception",), ("error_code",)) and "`" in text:
                found.append(Finding(text.index("`"), "`", "a backtick in an exception name: it would end the "
                                     "code span the name is shown in", "write the type as Python prints it"))
            for finding in found:
                lines = lines if lines is not None else (loaded.document.text or "").split("\n")
                line, column = locate(loaded.document, path, text, finding, lines)
                problems.append(Problem(loaded.document.path, line, column, format_path(path), finding.message,
                                        finding.hint))
    return problems
