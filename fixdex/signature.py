"""Signatures: an entry's messages written as patterns with named placeholders.

One small syntax, compiled once to a *program* that two twin searchers run:
`Signature.search` here for `fixdex match`, and fixdex-match.js in the browser,
which reads the same program from the match index. The program is plain data
(segment patterns, placeholders); no Python regex syntax reaches the browser and
the two sides cannot drift.

The syntax (docs/matching.md is the user-facing copy):

- Literal text matches itself, ignoring the case of ASCII letters.
- A run of spaces matches any run of whitespace, line breaks included, so a
  message wrapped by a terminal or a log viewer still matches.
- A quote character (' " ` ‘ ’ “ ”) matches any quote character, or none;
  next to a placeholder it matches any quote character (it ends the value).
- `{name}` matches text on one line, up to the first place where the fixed
  text after it matches (at most 300 characters). At the very end of a
  signature it takes the rest of the line (at most 500), which may be empty;
  followed only by punctuation (`{version}.`, `'{name}'`) it ends where that
  punctuation is followed by a space, `,;:!?.)]}>` or the end of the text. At the very
  start of a signature it takes the line back to its start (at most 300), or
  back to the first quote on the line when a quote opens the signature.
- `{name:int}` matches an integer, `{name:number}` a decimal number (as much
  as there is), `{name:word}` text without whitespace, like `{name}`.
- `{name=first|second|third}` (or `{name:word=...}`) is `{name}` that must capture one of the
  listed values (ASCII case ignored, as in literal text): the names an entry
  is about, where the fixed words are shared with other errors
  (`cannot import name '{name=cached_download|HfFolder}' from 'huggingface_hub'`
  is not the entry for every name that package lacks). A place where the value
  is another is not a match, and the search goes on to the next one. Values
  hold no quote, brace, `|` or line break, and each is listed once; `fixdex
  check` wants each of them named elsewhere in the entry (its messages,
  causes, why...), so every value can be traced to the entry's own sources.
- `{{` and `}}` are literal braces. Names are lowercase identifiers, each
  used once per signature. Two placeholders need fixed text between them
  that is more than spaces and quotes (`line {line} column {column}`).

How a search runs, and why it is linear: the text is first turned into a
*view* (`match_view`): ASCII letters lowered, every quote character made `'`,
each whitespace run made one character (a line break if it holds one, else a
space). A literal part of a signature is then a *segment*: a pattern of
fixed characters, `[ \\n]` and bounded quote runs, with no repeat that could
backtrack. The search finds the first segment that has fixed text (the
anchor) left to right; from each place it matches, every placeholder after it
takes the shortest value up to the next segment's first match inside its
bounded window (typed placeholders take as much as their type allows), and
never reconsiders it: a place that fails is left for the anchor's next match.
Each step is one bounded regex search, so the time is linear in the text.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from fixdex.normalise import QUOTES, WHITESPACE, WHITESPACE_CLASS, ascii_lower
from fixdex.problems import Problem

TEXT_VALUE = 300  # longest value of {name} and {name:word}
TRAILING_VALUE = 500  # longest value of a final {name}
# Typed values, matched in the view (lowercased; quotes are ').
TYPE_PATTERNS = {
    "int": "[-+]?[0-9]{1,30}",
    "number": "[-+]?[0-9]{1,30}(?:[.,][0-9]{1,30}){0,5}",
}
PLACEHOLDER_TYPES = ("text", "int", "number", "word")
# After a final placeholder and its closing punctuation: the end of the value (in the view): a space,
# a line break, the end, or more punctuation (`'setuptools.build_meta'.`, `dtype('float64')).`).
VALUE_END = "(?![^ \\n,;:!?.)\\]}>])"
# Characters with a meaning in Python or JS regular expressions; both accept them escaped.
_SPECIAL = set("\\^$.|?*+()[]{}/")
NAME_PATTERN = re.compile(r"^[a-z_][a-z0-9_]*$")
# Below this many letters and digits of literal text a signature matches almost any error.
MIN_LITERAL_CHARS = 10
# Specificity reaches its maximum at this much literal text (see fixdex.matcher scoring).
FULL_LITERAL_CHARS = 40

_QUOTE_TABLE = {ord(q): "'" for q in QUOTES}
_VIEW_TABLE = {**{ord(c): c.lower() for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}, **_QUOTE_TABLE,
               **{ord(c): " " for c in WHITESPACE if c != "\n"}}
# What changes length in the view: a whitespace run (to one character); astral characters
# become U+FFFD, so the view has the same length in Python and in JavaScript's UTF-16.
_VIEW_RUNS = re.compile(f"[\\U00010000-\\U0010FFFF\\ud800-\\udfff]|\\n[{WHITESPACE_CLASS}]*|[{WHITESPACE_CLASS}]{{2,}}")
_TYPE_RE = {kind: re.compile(pattern) for kind, pattern in TYPE_PATTERNS.items()}
_SPACES = re.compile("[ \\n]")
_VALUE_EDGES = " \n'"  # what a value's view loses at its edges before it is compared with the allowed values


class SignatureError(ValueError):
    """A signature that cannot be compiled; `column` is 1-based within the signature."""

    def __init__(self, message: str, column: int, hint: str | None = None) -> None:
        super().__init__(message)
        self.column = column
        self.hint = hint


@dataclass(frozen=True)
class Placeholder:
    name: str
    type: str
    # `{name=a|b}`: the allowed values as written, and as the view shows them (lowered, quotes made ')
    values: tuple[str, ...] = ()
    view_values: frozenset[str] = frozenset()

    def allows(self, view: str, start: int, end: int) -> bool:
        """Whether the value view[start:end] is allowed (always, without a list of values)."""
        return not self.view_values or view[start:end].strip(_VALUE_EDGES) in self.view_values


@dataclass(frozen=True)
class Segment:
    """A literal part, as a pattern over the view; `max_length` bounds what it can consume."""

    pattern: str
    max_length: int
    fixed: bool  # holds a character other than whitespace and quotes: it can anchor a search

    @cached_property
    def regex(self) -> re.Pattern[str]:
        return _compiled(self.pattern)


Token = str | Placeholder
Item = Segment | Placeholder


@dataclass(frozen=True)
class View:
    """A text as the searcher sees it, and the way back to the text's own characters."""

    text: str  # lowered, quotes made ', whitespace runs made one character
    original: str
    breaks: tuple[tuple[int, int], ...]  # (view position, original position) where lengths part

    def original_span(self, start: int, end: int) -> str:
        return self.original[self._at(start):self._at(end)]

    def _at(self, position: int) -> int:
        found = bisect.bisect_right(self.breaks, (position, len(self.original) + 1))
        view_at, original_at = self.breaks[found - 1] if found else (0, 0)
        return original_at + position - view_at

    def joined(self) -> View:
        return View(self.text.replace("\n", " "), self.original, self.breaks)


def match_view(text: str) -> View:
    """The view of a (cleaned) text; see the module docstring."""
    pieces: list[str] = []
    breaks: list[tuple[int, int]] = []
    last = 0
    length = 0
    for run in _VIEW_RUNS.finditer(text):
        found = run.group()
        replacement = "\ufffd" if len(found) == 1 and found != "\n" else ("\n" if "\n" in found else " ")
        if replacement == found:
            continue
        pieces.append(text[last:run.start()])
        length += run.start() - last + 1
        pieces.append(replacement)
        last = run.end()
        if len(found) > 1:
            breaks.append((length, last))
    pieces.append(text[last:])
    return View("".join(pieces).translate(_VIEW_TABLE), text, tuple(breaks))


@dataclass(frozen=True)
class Signature:
    """A parsed signature and its program."""

    text: str
    tokens: tuple[Token, ...]
    program: tuple[Item, ...]

    @property
    def names(self) -> list[str]:
        return [t.name for t in self.tokens if isinstance(t, Placeholder)]

    @cached_property
    def literal_chars(self) -> int:
        """Letters and digits in the literal parts: how specific the signature is."""
        return sum(ch.isalnum() for t in self.tokens if isinstance(t, str) for ch in t)

    @cached_property
    def key(self) -> str:
        """The longest fixed word, lowercased: a text without it cannot match, so the search is skipped."""
        words = [w for t in self.tokens if isinstance(t, str) for w in re.findall(r"[A-Za-z0-9]+", t)]
        return max(words, key=len, default="").lower()

    @cached_property
    def anchor(self) -> int:
        """Where in the program the search starts: the first segment with fixed text (-1: none)."""
        return next((i for i, item in enumerate(self.program) if isinstance(item, Segment) and item.fixed), -1)

    def record(self) -> dict[str, Any]:
        """The program as JSON, for the browser's searcher."""
        return {
            "text": self.text, "literal": self.literal_chars, "key": self.key, "anchor": self.anchor,
            "program": [["s", item.pattern, item.max_length] if isinstance(item, Segment)
                        else ["p", item.name, item.type, sorted(item.view_values)] if item.view_values
                        else ["p", item.name, item.type] for item in self.program],
        }

    def search(self, view: View) -> dict[str, str] | None:
        """The captured values where the signature first matches the view, or None."""
        spans = search_program(self.program, self.anchor, view.text)
        if spans is None:
            return None
        return {name: clean_capture(view.original_span(start, end)) for name, (start, end) in spans.items()}

    def matches(self, text: str) -> bool:
        """Whether the signature matches a (cleaned) text, as the matcher would: lines as given, then joined."""
        view = match_view(text)
        return (search_program(self.program, self.anchor, view.text) is not None
                or search_program(self.program, self.anchor, view.joined().text) is not None)


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    # re's own cache holds 512 patterns; a catalogue has thousands: compile each once
    return re.compile(pattern)


def search_program(program: Sequence[Item], anchor: int, view: str) -> dict[str, tuple[int, int]] | None:
    """Value spans (in the view) where the program first matches; the twin of fixdex-match.js `runProgram`."""
    if anchor < 0:
        return None
    first = program[anchor]
    assert isinstance(first, Segment)
    position = 0
    while True:
        found = first.regex.search(view, position)
        if found is None:
            return None
        spans = _attempt(program, anchor, view, found.start(), found.end())
        if spans is not None:
            return spans
        position = found.start() + 1


def _attempt(program: Sequence[Item], anchor: int, view: str, start: int,
             end: int) -> dict[str, tuple[int, int]] | None:
    spans: dict[str, tuple[int, int]] = {}
    if anchor > 0:
        leading = program[anchor - 1]
        assert isinstance(leading, Placeholder)
        before = program[anchor - 2] if anchor >= 2 else None
        value_start = _leading_start(leading, before if isinstance(before, Segment) else None, view, start)
        if value_start is None or not leading.allows(view, value_start, start):
            return None
        spans[leading.name] = (value_start, start)
    position = end
    for index in range(anchor + 1, len(program), 2):
        placeholder = program[index]
        assert isinstance(placeholder, Placeholder)
        if index + 1 == len(program):
            value_end = _trailing_end(placeholder, view, position)
            if value_end is None or not placeholder.allows(view, position, value_end):
                return None
            spans[placeholder.name] = (position, value_end)
            return spans
        segment = program[index + 1]
        assert isinstance(segment, Segment)
        if placeholder.type in _TYPE_RE:
            typed = _TYPE_RE[placeholder.type].match(view, position)
            after = segment.regex.match(view, typed.end()) if typed else None
            if typed is None or after is None:
                return None
            spans[placeholder.name] = (position, typed.end())
            position = after.end()
            continue
        limit = _value_limit(placeholder.type, view, position)
        if limit <= position:
            return None
        after = segment.regex.search(view, position + 1, limit + segment.max_length + 1)
        if after is None or after.start() > limit or not placeholder.allows(view, position, after.start()):
            return None
        spans[placeholder.name] = (position, after.start())
        position = after.end()
    return spans


def _value_limit(kind: str, view: str, position: int) -> int:
    """The furthest end of a {name} or {name:word} value starting at `position`."""
    limit = min(len(view), position + TEXT_VALUE)
    stop = view.find("\n", position, limit) if kind == "text" else -1
    if kind == "word":
        space = _SPACES.search(view, position, limit)
        stop = space.start() if space else -1
    return stop if stop >= 0 else limit


def _trailing_end(placeholder: Placeholder, view: str, position: int) -> int | None:
    if placeholder.type in _TYPE_RE:
        typed = _TYPE_RE[placeholder.type].match(view, position)
        return typed.end() if typed else None
    if placeholder.type == "word":
        limit = _value_limit("word", view, position)
        return limit if limit > position else None
    limit = min(len(view), position + TRAILING_VALUE)
    stop = view.find("\n", position, limit)
    return stop if stop >= 0 else limit


def _leading_start(placeholder: Placeholder, before: Segment | None, view: str, end: int) -> int | None:
    """Where the value of a placeholder that precedes the anchor starts, or None."""
    if placeholder.type in _TYPE_RE:
        start = end
        allowed = "0123456789" if placeholder.type == "int" else "0123456789.,"
        floor = max(0, end - (30 if placeholder.type == "int" else 185))
        while start > floor and view[start - 1] in allowed:
            start -= 1
        while start < end and view[start] in ".,":
            start += 1
        if start > 0 and view[start - 1] in "+-":
            start -= 1
        typed = _TYPE_RE[placeholder.type].match(view, start)
        if start == end or typed is None or typed.end() != end:
            return None
        if before is None:
            return start
        opening = before.regex.search(view, max(0, start - before.max_length), start)
        while opening is not None and opening.end() != start:
            opening = before.regex.search(view, opening.start() + 1, start)
        return start if opening is not None else None
    floor = max(0, end - TEXT_VALUE)
    if placeholder.type == "text":
        low = view.rfind("\n", floor, end) + 1 or floor
    else:
        low = max(view.rfind(" ", floor, end), view.rfind("\n", floor, end)) + 1 or floor
    low = max(low, floor)
    if low >= end:
        return None
    if before is None:
        return low
    # the leftmost opening (a quote, most often) that leaves the value in bounds
    opening = before.regex.search(view, max(0, low - before.max_length), end - 1)
    while opening is not None and opening.end() < low:
        opening = before.regex.search(view, opening.start() + 1, end - 1)
    return opening.end() if opening is not None else None


def parse(text: str) -> tuple[Token, ...]:
    """Split a signature into literal strings and placeholders, or raise SignatureError."""
    tokens: list[Token] = []
    literal: list[str] = []
    literal_column = 1
    seen: set[str] = set()
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "{" and text.startswith("{{", i):
            literal.append("{")
            i += 2
        elif ch == "}" and text.startswith("}}", i):
            literal.append("}")
            i += 2
        elif ch == "}":
            raise SignatureError("unmatched `}`", i + 1, "write `}}` for a literal brace")
        elif ch == "{":
            end = text.find("}", i)
            if end < 0:
                raise SignatureError("unclosed placeholder `{`", i + 1,
                                     "close it with `}`, or write `{{` for a literal brace")
            body = text[i + 1 : end]
            head, has_values, listed = body.partition("=")
            name, _, kind = head.partition(":")
            kind = kind or "text"
            if not NAME_PATTERN.match(name):
                hint = "use a lowercase identifier, e.g. {model} or {line:int}"
                if not name.isidentifier():
                    hint = "for literal braces, as in a dict repr, write `{{` and `}}`; " + hint
                raise SignatureError(f"invalid placeholder name {name!r}", i + 2, hint)
            if kind not in PLACEHOLDER_TYPES:
                raise SignatureError(f"unknown placeholder type {kind!r} in {{{body}}}", i + 2,
                                     f"known types: {', '.join(PLACEHOLDER_TYPES)}")
            if name in seen:
                raise SignatureError(f"placeholder {{{name}}} is used twice", i + 2,
                                     "give each placeholder its own name")
            seen.add(name)
            values = _values(name, kind, listed, i + 2 + len(head) + 1) if has_values else ()
            if literal:
                tokens.append("".join(literal))
                literal = []
            if tokens and isinstance(tokens[-1], Placeholder):
                raise SignatureError(f"placeholders {{{tokens[-1].name}}} and {{{name}}} touch", i + 1,
                                     "put literal text between them: where one ends would be a guess")
            if len(tokens) >= 2 and isinstance(tokens[-2], Placeholder) and not _has_fixed(str(tokens[-1])):
                raise SignatureError(
                    f"placeholders {{{tokens[-2].name}}} and {{{name}}} are separated only by "
                    f"{'spaces' if not str(tokens[-1]).strip(WHITESPACE) else 'spaces and quotes'}", literal_column,
                    "keep a fixed word between them, as in `line {line} column {column}`: "
                    "where one value ends would be a guess")
            tokens.append(Placeholder(name, kind, values, frozenset(_view_value(v) for v in values)))
            i = end + 1
            literal_column = i + 1
        else:
            literal.append(ch)
            i += 1
    if literal:
        tokens.append("".join(literal))
    return tuple(tokens)


def _values(name: str, kind: str, listed: str, column: int) -> tuple[str, ...]:
    """The values of `{name=a|b|c}`; `column` is where the list starts."""
    if kind not in ("text", "word"):
        raise SignatureError(f"placeholder {{{name}:{kind}}} has a list of values", column - 1,
                             f"listed values are text or words: write {{{name}=...}} or {{{name}:word=...}}")
    values: list[str] = []
    seen: set[str] = set()
    offset = 0
    for raw in listed.split("|"):
        value = raw.strip(" ")
        at = column + offset + (len(raw) - len(raw.lstrip(" ")))
        offset += len(raw) + 1
        if not value:
            raise SignatureError(f"empty value in {{{name}=...}}", at,
                                 "list the values as `{name=first|second}`, with no empty one")
        bad = next((ch for ch in value if ch in QUOTES or ch in "{|\n\r"), None)
        if bad is not None:
            raise SignatureError(f"value {value!r} of {{{name}}} holds {bad!r}", at,
                                 "a value is a name: quotes and line breaks end it")
        if _view_value(value) in seen:
            raise SignatureError(f"value {value!r} of {{{name}}} is listed twice", at,
                                 "list each value once (case is ignored)")
        seen.add(_view_value(value))
        values.append(value)
    return tuple(values)


def _view_value(value: str) -> str:
    """A listed value as the view would show it: how captured values are compared with it."""
    return match_view(value).text.strip(_VALUE_EDGES)


def _has_fixed(literal: str) -> bool:
    return any(ch not in WHITESPACE and ch not in QUOTES for ch in literal)


def _segment(text: str, after_placeholder: bool, before_placeholder: bool, value_end: bool) -> Segment:
    """A literal part as a view pattern: fixed characters, `[ \\n]` for a space run, bounded quote runs."""
    out: list[str] = []
    longest = 0
    position = 0
    fixed = False
    while position < len(text):
        ch = text[position]
        if ch in WHITESPACE:
            while position < len(text) and text[position] in WHITESPACE:
                position += 1
            out.append("[ \\n]")
            longest += 1
            continue
        if ch in QUOTES:
            first = position
            while position < len(text) and text[position] in QUOTES:
                position += 1
            count = position - first
            # a quote that touches a placeholder is required: it is where the value stops
            required = int(after_placeholder and first == 0) + int(before_placeholder and position == len(text))
            required = min(required, count)
            out.append("'" if required == count == 1 else "'?" if (required, count) == (0, 1)
                       else f"'{{{required},{count}}}")
            longest += count
            continue
        fixed = True
        character = ascii_lower(ch)
        if ord(character) > 0xFFFF or 0xD800 <= ord(character) <= 0xDFFF:
            character = "\ufffd"
        out.append("\\" + character if character in _SPECIAL else character)
        longest += 1
        position += 1
    if value_end:
        out.append(VALUE_END)
        longest += 1
    return Segment("".join(out), longest, fixed)


def _has_words(token: Token) -> bool:
    return isinstance(token, Placeholder) or any(ch.isalnum() for ch in token)


def _program(tokens: Sequence[Token]) -> tuple[Item, ...]:
    items: list[Item] = []
    last_word = max((i for i, t in enumerate(tokens) if _has_words(t)), default=-1)
    # `{version}.` must not stop at the first dot of 3.12
    value_end = 0 <= last_word < len(tokens) - 1 and isinstance(tokens[last_word], Placeholder)
    for index, token in enumerate(tokens):
        if isinstance(token, Placeholder):
            items.append(token)
            continue
        after = index > 0 and isinstance(tokens[index - 1], Placeholder)
        before = index + 1 < len(tokens) and isinstance(tokens[index + 1], Placeholder)
        items.append(_segment(token, after, before, value_end and index == len(tokens) - 1))
    return tuple(items)


@cache
def compile_signature(text: str) -> Signature:
    """Parse and compile one signature; raises SignatureError with a column (cached: signatures are immutable)."""
    if not text.strip():
        raise SignatureError("empty signature", 1, "write the message with {placeholders} for the parts that vary")
    tokens = parse(text)
    return Signature(text=text, tokens=tokens, program=_program(tokens))


def clean_capture(value: str) -> str:
    """A captured value with its whitespace runs made single spaces, without the whitespace and quotes around it.

    Quotes come off only when none is left inside: `'x' from 'y'` stays whole.
    """
    value = " ".join(w for w in _WHITESPACE_RUN.split(value) if w)
    inner = value.strip(QUOTES)
    return inner.strip(WHITESPACE) if not any(q in inner for q in QUOTES) else value


_WHITESPACE_RUN = re.compile(f"[{WHITESPACE_CLASS}]+")


def signature_problems(text: str, messages: Sequence[str]) -> list[tuple[str, str | None]]:
    """What is wrong with one signature of an entry: (message, hint) pairs."""
    try:
        signature = compile_signature(text)
    except SignatureError as error:
        return [(f"{error} at character {error.column} of the signature", error.hint)]
    found: list[tuple[str, str | None]] = []
    if signature.literal_chars < MIN_LITERAL_CHARS:
        found.append((
            f"signature has only {signature.literal_chars} letters and digits of fixed text, "
            "so it matches almost any error",
            f"keep at least {MIN_LITERAL_CHARS} characters of the message's fixed words around the placeholders",
        ))
    if not any(signature.matches(message) for message in messages):
        found.append((
            "signature matches neither the entry's message nor any of its variants",
            "check the fixed words against `message:`, and put a placeholder where the wording varies",
        ))
    return found


_WORD = re.compile(r"[a-z0-9]+")


def required_words(signature: Signature) -> set[str]:
    """Whole words of the fixed text: every text the signature matches contains each of them.

    A word at either edge of a fixed part may be the tail or head of a longer
    word: next to a placeholder (`{name}_ec` matches `parser_ec`) or at the ends,
    since signatures are searched, not anchored (`ConnectionPool` is inside
    `HTTPSConnectionPool`). Such words do not count.
    """
    words: set[str] = set()
    for token in signature.tokens:
        if not isinstance(token, str):
            continue
        text = token.lower()
        for found in _WORD.finditer(text):
            if found.start() > 0 and found.end() < len(text):
                words.add(found.group())
    return words


def _unsourced_values(signature: Signature, entry: Any) -> list[tuple[str, str | None]]:
    """Listed values (`{name=a|b}`) that the entry names nowhere but in its signatures.

    A value says "this entry explains that name"; the entry's own text (its messages,
    causes, why, references...) is where a reviewer checks it against a source.
    """
    listed = [(t.name, v) for t in signature.tokens if isinstance(t, Placeholder) for v in t.values]
    if not listed:
        return []
    text = json.dumps(entry.model_dump(mode="json", exclude={"signatures"}), ensure_ascii=False)
    found: list[tuple[str, str | None]] = []
    for name, value in listed:
        if not re.search(f"(?<![A-Za-z0-9_]){re.escape(value)}(?![A-Za-z0-9_])", text, re.IGNORECASE):
            found.append((f"value {value!r} of {{{name}}} is named nowhere else in the entry",
                          "list only names the entry explains: name it in a variant, a cause or `why`, "
                          "with the source that says so"))
    return found


def check_signatures(entries: Sequence[object], root: Path) -> list[Problem]:
    """`fixdex check` rule: every signature compiles, matches its own entry, is specific,
    and does not also match another entry's message (which would make the matcher
    confidently name the wrong entry).

    Messages are indexed by word, so each signature is tried only against the
    messages that hold its rarest fixed word: linear in the number of entries.
    """
    problems: list[Problem] = []
    loaded = [(item.entry, item.document, item.path) for item in entries]  # type: ignore[attr-defined]
    postings: dict[str, set[int]] = {}
    for position, (entry, _document, _path) in enumerate(loaded):
        for message in entry.messages:
            for word in _WORD.findall(message.lower()):
                postings.setdefault(word, set()).add(position)
    everyone = set(range(len(loaded)))
    for position, (entry, document, _path) in enumerate(loaded):
        for index, text in enumerate(entry.signatures):
            found = signature_problems(text, entry.messages)
            for message, hint in found:
                problems.append(document.problem(("signatures", index), message, hint))
            if found:
                continue
            signature = compile_signature(text)
            for message, hint in _unsourced_values(signature, entry):
                problems.append(document.problem(("signatures", index), message, hint))
            words = required_words(signature)
            candidates = min((postings.get(word, set()) for word in words), key=len) if words else everyone
            for other_position in sorted(candidates - {position}):
                other, _document, other_path = loaded[other_position]
                if other.id == entry.id:
                    continue
                clash = next((m for m in other.messages if signature.matches(m)), None)
                if clash is not None:
                    problems.append(document.problem(
                        ("signatures", index),
                        f"signature also matches a message of {other_path} ({clash!r})",
                        "keep fixed the words that tell the two errors apart",
                    ))
    return problems
