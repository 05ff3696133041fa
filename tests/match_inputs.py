"""Texts made from the catalogue for the matcher's parity test, adversarial suite and benchmark.

- `catalogue_pastes`: every message and variant of every entry, pasted the ways people
  paste (tracebacks, wrapped lines, ANSI colours, log prefixes, Windows paths, emoji,
  `constructor`/`__proto__`, odd whitespace, very long lines).
- `adversarial_texts`: for every signature, inputs built to make a backtracking matcher
  slow: its own fixed words repeated inside the placeholder span, near-misses that
  break the last word, long single lines, and a 10 MB line.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from typing import Any

from fixdex.signature import compile_signature

EMOJI = "\U0001f600"
TRACEBACK = 'Traceback (most recent call last):\n  File "/srv/app/main.py", line 12, in <module>\n    main()\n'
WINDOWS = 'Traceback (most recent call last):\n  File "C:\\Users\\me\\app.py", line 7, in <module>\n    run()\n'


def _wrap(text: str, width: int) -> str:
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return "\n".join([*lines, line])


def _named(entry: Any, message: str) -> str:
    name = entry.exception.rsplit(".", 1)[-1]
    return message if name in message else f"{entry.exception}: {message}"


def catalogue_pastes(entries: list[Any], seed: int = 11) -> Iterator[tuple[str, str]]:
    """(kind, text) pairs: about 14 per message or variant of every entry."""
    rng = random.Random(seed)
    for entry in entries:
        for message in entry.messages:
            named = _named(entry, message)
            yield "message", message
            yield "traceback", TRACEBACK + named
            yield "windows", WINDOWS + named.replace("/", "\\")
            yield "wrapped", TRACEBACK + _wrap(named, 38)
            yield "ansi", "\x1b[31m" + named.replace(": ", ":\x1b[0m ", 1) + "\x1b[0m"
            yield "log prefix", "2026-01-02T03:04:05Z ERROR " + named + "\n[INFO] retrying"
            yield "pytest", "E   " + named + "\n\nFAILED tests/test_app.py::test_run - " + named[:80]
            yield "emoji", EMOJI * 190 + " " + named + " " + EMOJI
            yield "prototype words", "TypeError: constructor __proto__ hasOwnProperty toString\n" + named
            yield "odd whitespace", named.replace(" ", rng.choice(["\u00a0", "\t", "  ", "\u2003", "\x1c"]))
            yield "lowercase", named.lower()
            yield "long line", named + " " + " ".join(rng.choice(named.split(" ")) for _ in range(900))
            yield "quotes", named.replace("'", "\u2019").replace('"', "\u201c")
            yield "truncated", named[: max(20, len(named) // 2)]


def _fixed_words(text: str) -> str:
    tokens = compile_signature(text).tokens
    return " ".join(t.strip() for t in tokens if isinstance(t, str) and t.strip())


def adversarial_texts(signature: str, line_bytes: int = 2000) -> Iterator[tuple[str, str]]:
    """(kind, text) pairs built to make a backtracking search of `signature` slow."""
    tokens = compile_signature(signature).tokens
    words = _fixed_words(signature) or signature
    literal = "".join(t if isinstance(t, str) else "" for t in tokens)
    filled = "".join(t if isinstance(t, str) else "x" for t in tokens)
    broken = re.sub(r"\w+\W*$", "", filled) or filled[:-1]  # the last word missing: a near miss
    # every placeholder filled with the signature's own fixed words, three times over
    with_holes = "".join(t if isinstance(t, str) else f" {words} {words} {words} " for t in tokens)
    repeat = max(1, line_bytes // max(1, len(words) + 1))
    yield "fixed words repeated", " ".join([words] * repeat)[:line_bytes]
    yield "words inside the placeholder span", ((with_holes + " ") * (line_bytes // len(with_holes) + 1))[:line_bytes]
    yield "literal parts glued", (literal * (line_bytes // max(1, len(literal)) + 1))[:line_bytes]
    yield "near misses, one line", (" ".join([broken] * (line_bytes // max(1, len(broken)) + 1)))[:line_bytes]
    yield "near misses, 130 KB of lines", "\n".join([broken] * (130_000 // max(1, len(broken) + 1)))
    yield "quotes and spaces", ("' \" ` " * line_bytes)[:line_bytes]
    yield "long single line", (words + " ") * (100_000 // max(1, len(words) + 1))


def ten_megabytes(signature: str) -> str:
    """A 10 MB single line of the signature's fixed words."""
    words = _fixed_words(signature) or signature
    return (words + " ") * (10_000_000 // (len(words) + 1))
