"""Error text, made comparable: the one normaliser behind matching, verification and search.

Every rule here is data (`RULES`): `fixdex/matcher.py` applies it in Python, and
the match index carries it (`rules_record`) to the JavaScript twins
(templates/assets/fixdex-match.js, which the site search also uses), so the
browser never defines a pattern or a threshold of its own. The regular
expressions are written in the dialect both engines read the same way: ASCII
classes (`\\d`, `\\w`, `\\b` under `re.ASCII`), whitespace as an explicit class
(`WHITESPACE`, Python's `str.isspace` set; JavaScript's `\\s` is another set),
no `.`, no inline flags. Each of them is linear: no nested or overlapping
repeats.

Lengths count code points (JavaScript counts them with `for..of`), letters
are lowered in ASCII only (Python's `str.lower` and JavaScript's
`toLowerCase` disagree outside it, and can change a string's length).
"""

from __future__ import annotations

import re
from typing import Any

# Long inputs are matched in a bounded slice: each line up to LINE_LIMIT code points (its
# start, where an error message is), and of those lines the last ones up to TEXT_LIMIT
# code points in all (the end of a log, where the error is). Both sides cut the same way.
TEXT_LIMIT = 100_000
LINE_LIMIT = 4_000

# Python's str.isspace() set, as a regex class body valid in Python and JavaScript.
WHITESPACE_CLASS = "\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
WHITESPACE = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())
QUOTES = "'\"`‘’“”"


def _ws(source: str) -> str:
    """A rule's source with <WS> standing for the whitespace class body."""
    return source.replace("<WS>", WHITESPACE_CLASS)


ANSI = "\\x1b\\[[0-?]*[ -/]*[@-~]|\\x1b\\][^\\x07\\x1b]*(?:\\x07|\\x1b\\\\)|\\x1b[@-Z\\\\-_]"
# Log prefixes stripped from the start of each line, up to PREFIX_PASSES times.
PREFIXES = [
    _ws("^\\[?\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}:\\d{2}(?:[.,]\\d+)?(?:Z|[+-]\\d{2}:?\\d{2})?\\]?[<WS>]*"),
    _ws("^\\[?\\d{2}:\\d{2}:\\d{2}(?:[.,]\\d+)?\\]?[<WS>]+"),
    "^(?:DEBUG|INFO|WARNING|ERROR|CRITICAL):[\\w.]*:",
    _ws("^\\[?(?:DEBUG|INFO|WARN|WARNING|ERROR|CRITICAL|FATAL)\\]?(?:[<WS>]+-|:)?[<WS>]+"),
    "^##\\[(?:error|warning)\\]",
    _ws("^E[<WS>]{2,}(?=[^<WS>])"),
    _ws("^[\\w.-]+[<WS>]+\\|[<WS>]"),
]
PREFIX_PASSES = 3
EXCEPTION_SUFFIXES = "Error|Exception|Warning|Exit|Interrupt|Fault"
EXCEPTION_NAME = f"(?<![\\w.])(?:[A-Za-z_]\\w*\\.)*([A-Za-z_]\\w*(?:{EXCEPTION_SUFFIXES}))\\b"
EXCEPTION_LINE = _ws(f"^[<WS>]*(?:[A-Za-z_]\\w*\\.)*[A-Za-z_]\\w*(?:{EXCEPTION_SUFFIXES})\\b")
# Applied in order to lowercased text: what varies between two reports of one error becomes a fixed word.
NORMALISE = [
    (_ws("https?://[^<WS>]+"), " url "),
    (_ws("\\b[a-z]:\\\\[^<WS>'\"`]*"), " path "),
    ("(?<![\\w/])(?:~|\\.\\.?)?(?:/[\\w.@+-]+){2,}/?", " path "),
    ("\\b0x[0-9a-f]+\\b", " hex "),
    ("\\bv?\\d+(?:\\.\\d+){1,3}(?:(?:a|b|rc|dev|post)\\d*)?\\b", " ver "),
    ("\\d+", " num "),
    ("[^a-z0-9_]+", " "),
]
PLACEHOLDER_WORDS = ("url", "path", "hex", "ver", "num")
MIN_TOKEN = 3  # shorter words are not used to pick fuzzy candidates
FOCUS_EXCEPTION_LINES = 3
FOCUS_LAST_LINES = 2
FOCUS_JOINED = 400  # the whole paste joined is a focus line up to this many code points

# The site search reduces a pasted traceback to the words of the line that names the error.
SEARCH_ERROR = _ws(f"(?:^|[^\\w.])((?:[A-Za-z_]\\w*\\.)*[A-Za-z_]\\w*(?:{EXCEPTION_SUFFIXES}|NotFound|Timeout)):[<WS>]")
SEARCH_NAMED_LINE = _ws("^(?:[A-Za-z_]\\w*\\.)*[A-Z]\\w*:[<WS>]")
SEARCH_DROP = [
    "(?:[A-Za-z]:)?(?:[\\\\/][\\w.@+-]+){2,}", "\\b0x[0-9a-fA-F]+\\b", "\\b\\d+(?:\\.\\d+)*\\b", _ws("[^\\w.<WS>-]+"),
]
SEARCH_TYPED = 60  # a one-line query up to this long that names no error goes to search as typed
SEARCH_WORDS = 12

_ANSI = re.compile(ANSI, re.ASCII)
_PREFIXES = [re.compile(p, re.ASCII) for p in PREFIXES]
_EXCEPTION_NAME = re.compile(EXCEPTION_NAME, re.ASCII)
_EXCEPTION_LINE = re.compile(EXCEPTION_LINE, re.ASCII)
_NORMALISE = [(re.compile(p, re.ASCII), r) for p, r in NORMALISE]
_PLACEHOLDER_WORDS = frozenset(PLACEHOLDER_WORDS)
_SEARCH_ERROR = re.compile(SEARCH_ERROR, re.ASCII)
_SEARCH_NAMED_LINE = re.compile(SEARCH_NAMED_LINE, re.ASCII)
_SEARCH_DROP = [re.compile(p, re.ASCII) for p in SEARCH_DROP]
_LOWER = {ord(c): ord(c) + 32 for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}


def rules_record() -> dict[str, Any]:
    """Every rule of this module, for the match index (JavaScript reads these, never its own)."""
    return {
        "text_limit": TEXT_LIMIT,
        "line_limit": LINE_LIMIT,
        "whitespace": WHITESPACE_CLASS,
        "quotes": QUOTES,
        "ansi": ANSI,
        "prefixes": PREFIXES,
        "prefix_passes": PREFIX_PASSES,
        "exception_name": EXCEPTION_NAME,
        "exception_line": EXCEPTION_LINE,
        "normalise": [list(rule) for rule in NORMALISE],
        "placeholder_words": list(PLACEHOLDER_WORDS),
        "min_token": MIN_TOKEN,
        "focus": [FOCUS_EXCEPTION_LINES, FOCUS_LAST_LINES, FOCUS_JOINED],
        "search": {"error": SEARCH_ERROR, "named_line": SEARCH_NAMED_LINE, "drop": SEARCH_DROP,
                   "typed": SEARCH_TYPED, "words": SEARCH_WORDS},
    }


def ascii_lower(text: str) -> str:
    return text.lower() if text.isascii() else text.translate(_LOWER)


def strip(text: str) -> str:
    return text.strip(WHITESPACE)


def bound(text: str) -> tuple[str, bool]:
    """The slice of a long text that is matched (see TEXT_LIMIT), and whether anything was cut."""
    if len(text) <= LINE_LIMIT:
        return text, False
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    total = -1
    cut = False
    for line in reversed(lines):
        if len(line) > LINE_LIMIT:
            line = line[:LINE_LIMIT]
            cut = True
        if total + 1 + len(line) > TEXT_LIMIT:
            cut = True
            break
        total += 1 + len(line)
        kept.append(line)
    if not cut:
        return text, False
    return "\n".join(reversed(kept)), True


def clean(text: str) -> str:
    """The text without terminal colours, log prefixes and trailing spaces, one line per line."""
    text = _ANSI.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
    lines = []
    for line in text.split("\n"):
        for _ in range(PREFIX_PASSES):
            before = line
            for prefix in _PREFIXES:
                found = prefix.match(line)
                if found:
                    line = line[found.end():]
            if line == before:
                break
        lines.append(line.rstrip(WHITESPACE))
    return "\n".join(lines).strip("\n")


def join_lines(text: str) -> str:
    """Lines joined with single spaces: undoes hard wrapping."""
    return " ".join(s for s in (strip(line) for line in text.split("\n")) if s)


def normalise(text: str) -> str:
    """Lowercase words with paths, URLs, hex, versions and numbers replaced by a fixed word."""
    text = ascii_lower(text)
    for pattern, replacement in _NORMALISE:
        text = pattern.sub(replacement, text)
    return " ".join(w for w in text.split(" ") if w)


def tokens(normalised_text: str) -> list[str]:
    return [w for w in normalised_text.split(" ") if len(w) >= MIN_TOKEN and w not in _PLACEHOLDER_WORDS]


def exception_names(text: str) -> list[str]:
    """Last components of the exception types named in the text, lowercased, in order."""
    return [ascii_lower(m.group(1)) for m in _EXCEPTION_NAME.finditer(text)]


def focus_lines(cleaned: str) -> list[str]:
    """The lines that carry the error: the last exception lines and the last lines."""
    lines = [s for s in (strip(line) for line in cleaned.split("\n")) if s]
    exception_lines = [line for line in lines if _EXCEPTION_LINE.match(line)]
    chosen = exception_lines[-FOCUS_EXCEPTION_LINES:] + lines[-FOCUS_LAST_LINES:]
    joined = " ".join(lines)
    if len(joined) <= FOCUS_JOINED:
        chosen.append(joined)
    seen: list[str] = []
    for line in chosen:
        if line not in seen:
            seen.append(line)
    return seen


def error_line(text: str) -> str:
    """The line that names the error: the last `SomeError: message` line of a traceback.

    On one line (a search box drops line breaks) it is the text from the last error name on.
    """
    text = _ANSI.sub("", text)
    lines = [s for s in (strip(line) for line in text.replace("\r", "\n").split("\n")) if s]
    if len(lines) > 1:
        named = [line for line in lines if _SEARCH_NAMED_LINE.match(line)]
        return named[-1] if named else lines[-1]
    start = -1
    for found in _SEARCH_ERROR.finditer(text):
        start = found.start(1)
    return strip(text[start:]) if start >= 0 else strip(text)


def search_terms(text: str) -> str:
    """What the site search looks up for a text: a short typed query as typed, else the words of its error line."""
    text = _ANSI.sub("", text)
    if "\n" not in text and "\r" not in text and len(text) <= SEARCH_TYPED and not _SEARCH_ERROR.search(" " + text):
        return strip(text)
    line = error_line(text)
    for pattern in _SEARCH_DROP:
        line = pattern.sub(" ", line)
    words = [w.strip(".-") for w in re.split(f"[{WHITESPACE_CLASS}]+", line)]
    return " ".join([w for w in words if len(w) > 1][:SEARCH_WORDS])
