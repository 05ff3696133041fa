"""Signatures: an entry's messages written as patterns with named placeholders.

One small syntax, compiled twice: to Python `re` for `fixdex match`, and to a
JavaScript `RegExp` source for the paste box. Both compilations come from the
same token list, so the browser never receives Python regex syntax
(`(?P<name>...)`, inline flags) and the two sides cannot drift.

The syntax (docs/matching.md is the user-facing copy):

- Literal text matches itself, ignoring case.
- A run of spaces matches any run of whitespace, line breaks included, so a
  message wrapped by a terminal or a log viewer still matches.
- A quote character (' " ` ‘ ’ “ ”) matches any quote character, or none;
  next to a placeholder it matches any quote character (it ends the value).
- `{name}` matches text on one line, as little as possible. At the very end
  of a signature it takes the rest of the line, which may be empty; followed only by punctuation
  (`{version}.`) it ends where that punctuation is followed by a space, a
  separator or the end of the text.
- `{name:int}` matches an integer, `{name:number}` a decimal number,
  `{name:word}` a run of characters without whitespace.
- `{{` and `}}` are literal braces. Names are lowercase identifiers, each
  used once per signature.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

from fixdex.problems import Problem

QUOTES = "'\"`‘’“”"
QUOTE_CLASS = "['\"`‘’“”]?"
QUOTE_REQUIRED = "['\"`‘’“”]"
# After a final placeholder and its closing punctuation: the end of the value.
VALUE_END = "(?=[\\s,;:!?)\\]}>]|$)"
# Characters with a meaning in Python or JS regular expressions; both accept them escaped.
_SPECIAL = set("\\^$.|?*+()[]{}/")
# Bounded repeats keep a search linear in the text: an unbounded non-greedy run tried
# from every quote of a long log line is quadratic, and a paste can be a whole CI log.
PLACEHOLDER_TYPES = {
    "text": "[^\\n]{1,300}?",
    "int": "[-+]?\\d{1,30}",
    "number": "[-+]?\\d{1,30}(?:[.,]\\d{1,30}){0,5}",
    "word": "\\S{1,300}",
}
TRAILING_TEXT = "[^\\n]{0,500}"
NAME_PATTERN = re.compile(r"^[a-z_][a-z0-9_]*$")
# Below this many letters and digits of literal text a signature matches almost any error.
MIN_LITERAL_CHARS = 10
# Specificity reaches its maximum at this much literal text (see fixdex.match scoring).
FULL_LITERAL_CHARS = 40


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


Token = str | Placeholder


@dataclass(frozen=True)
class Signature:
    """A parsed signature, with its two compiled forms."""

    text: str
    tokens: tuple[Token, ...]
    python: str  # pattern for Python `re`, used with re.IGNORECASE
    javascript: str  # source for `new RegExp(source, "i")`

    @property
    def names(self) -> list[str]:
        return [t.name for t in self.tokens if isinstance(t, Placeholder)]

    @cached_property
    def literal_chars(self) -> int:
        """Letters and digits in the literal parts: how specific the signature is."""
        return sum(ch.isalnum() for t in self.tokens if isinstance(t, str) for ch in t)

    @cached_property
    def key(self) -> str:
        """The longest fixed word, lowercased: a text without it cannot match, so the regex is skipped."""
        words = [w for t in self.tokens if isinstance(t, str) for w in re.findall(r"[A-Za-z0-9]+", t)]
        return max(words, key=len, default="").lower()

    def compile(self) -> re.Pattern[str]:
        return _compiled(self.python)


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    # re's own cache holds 512 patterns; a catalogue has thousands, and check,
    # the match index and the matcher each need them: compile each once
    return re.compile(pattern, re.IGNORECASE)


def parse(text: str) -> tuple[Token, ...]:
    """Split a signature into literal strings and placeholders, or raise SignatureError."""
    tokens: list[Token] = []
    literal: list[str] = []
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
            name, _, kind = body.partition(":")
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
            if literal:
                tokens.append("".join(literal))
                literal = []
            if tokens and isinstance(tokens[-1], Placeholder):
                raise SignatureError(f"placeholders {{{tokens[-1].name}}} and {{{name}}} touch", i + 1,
                                     "put literal text between them: where one ends would be a guess")
            tokens.append(Placeholder(name, kind))
            i = end + 1
        else:
            literal.append(ch)
            i += 1
    if literal:
        tokens.append("".join(literal))
    return tuple(tokens)


def _literal_pattern(text: str, after_placeholder: bool = False, before_placeholder: bool = False) -> str:
    out: list[str] = []
    in_space = False
    for position, ch in enumerate(text):
        if ch.isspace():
            if not in_space:
                out.append("\\s+")
            in_space = True
            continue
        in_space = False
        if ch in QUOTES:
            # a quote that touches a placeholder is required: it is where the value stops
            touching = (after_placeholder and position == 0) or (before_placeholder and position == len(text) - 1)
            out.append(QUOTE_REQUIRED if touching else QUOTE_CLASS)
        elif ch in _SPECIAL:
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def _has_words(token: Token) -> bool:
    return isinstance(token, Placeholder) or any(ch.isalnum() for ch in token)


def _compile(tokens: Sequence[Token], named_group: str) -> str:
    parts: list[str] = []
    last_word = max((i for i, t in enumerate(tokens) if _has_words(t)), default=-1)
    for index, token in enumerate(tokens):
        if isinstance(token, str):
            after = index > 0 and isinstance(tokens[index - 1], Placeholder)
            before = index + 1 < len(tokens) and isinstance(tokens[index + 1], Placeholder)
            parts.append(_literal_pattern(token, after, before))
            continue
        body = PLACEHOLDER_TYPES[token.type]
        if token.type == "text" and index == len(tokens) - 1:
            body = TRAILING_TEXT
        parts.append(named_group.format(name=token.name, body=body))
    if 0 <= last_word < len(tokens) - 1 and isinstance(tokens[last_word], Placeholder):
        parts.append(VALUE_END)  # `{version}.` must not stop at the first dot of 3.12
    return "".join(parts)


@cache
def compile_signature(text: str) -> Signature:
    """Parse and compile one signature; raises SignatureError with a column (cached: signatures are immutable)."""
    if not text.strip():
        raise SignatureError("empty signature", 1, "write the message with {placeholders} for the parts that vary")
    tokens = parse(text)
    return Signature(
        text=text,
        tokens=tokens,
        python=_compile(tokens, "(?P<{name}>{body})"),
        javascript=_compile(tokens, "(?<{name}>{body})"),
    )


def clean_capture(value: str) -> str:
    """A captured value without the whitespace and quotes around it.

    Quotes come off only when none is left inside: `'x' from 'y'` stays whole.
    """
    value = value.strip()
    inner = value.strip(QUOTES)
    return inner.strip() if not any(q in inner for q in QUOTES) else value


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
    pattern = signature.compile()
    if not any(pattern.search(message) for message in messages):
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
            pattern = signature.compile()
            words = required_words(signature)
            candidates = min((postings.get(word, set()) for word in words), key=len) if words else everyone
            for other_position in sorted(candidates - {position}):
                other, _document, other_path = loaded[other_position]
                if other.id == entry.id:
                    continue
                clash = next((m for m in other.messages if pattern.search(m)), None)
                if clash is not None:
                    problems.append(document.problem(
                        ("signatures", index),
                        f"signature also matches a message of {other_path} ({clash!r})",
                        "keep fixed the words that tell the two errors apart",
                    ))
    return problems
