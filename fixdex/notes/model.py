"""What a community note is: its fields, their limits, and the characters a note may not contain.

Notes are written by strangers and read by many, so every field has a size
limit, and control and bidirectional-override characters are refused.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from fixdex.load import Document
from fixdex.model import ID_PATTERN, PastDate, Specifier, Strict

STATUSES = ("pending", "approved", "rejected")
OPERATING_SYSTEMS = ("linux", "macos", "windows")
OS_LABELS = {"linux": "Linux", "macos": "macOS", "windows": "Windows"}

# Size limits. A note is a tip, not an article; the limits also bound what a
# hostile submission can make the build and the page carry.
MAX_BODY_CHARS = 4000
MAX_BODY_LINES = 80
MAX_HANDLE_CHARS = 39  # GitHub's own limit for a user name
MAX_ENTRY_ID_CHARS = 100
MAX_PACKAGE_CHARS = 100
MAX_SPECIFIER_CHARS = 100
MAX_APPLIES_TO = 10
MAX_FILE_BYTES = 16_000

HANDLE_PATTERN = r"^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$"  # letters, digits, single inner hyphens
PACKAGE_PATTERN = r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$"  # PEP 508 project names
NOTE_FILE_PATTERN = re.compile(r"^(\d{4}-\d{2}-\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.yaml$")

# What a field that fails its pattern is told, in file checks and in submissions alike.
PATTERN_HELP = {
    "author": "is not a handle: letters, digits and single hyphens inside, at most 39 characters",
    "entry": "is not an entry id: lowercase words joined by hyphens",
    "package": "is not a package name (PEP 508): letters, digits, '.', '_' and '-'",
}

# Characters that can make text read differently from what it is: bidirectional
# overrides and isolates (the "Trojan Source" trick), invisible separators, and
# the byte-order mark. Zero-width joiner and non-joiner stay allowed: emoji and
# several scripts need them.
_INVISIBLE = {
    "\u061c": "ARABIC LETTER MARK",
    "\u200b": "ZERO WIDTH SPACE",
    "\u200e": "LEFT-TO-RIGHT MARK",
    "\u200f": "RIGHT-TO-LEFT MARK",
    "\u2028": "LINE SEPARATOR",
    "\u2029": "PARAGRAPH SEPARATOR",
    "\u2060": "WORD JOINER",
    "\ufeff": "ZERO WIDTH NO-BREAK SPACE (byte-order mark)",
    **{chr(c): unicodedata.name(chr(c)) for c in range(0x202A, 0x202F)},  # LRE, RLE, PDF, LRO, RLO
    **{chr(c): unicodedata.name(chr(c)) for c in range(0x2066, 0x206A)},  # LRI, RLI, FSI, PDI
}


def unsafe_character(text: str, *, multiline: bool = False) -> str | None:
    """A description of the first character a note must not contain, or None.

    Control characters (category Cc) are refused except newline and tab in
    multi-line text; so are format characters that hide or reorder text.
    """
    allowed = {"\n", "\t"} if multiline else set()
    for index, char in enumerate(text):
        if char in allowed:
            continue
        if char in _INVISIBLE:
            name = _INVISIBLE[char]
        elif unicodedata.category(char) in ("Cc", "Cs", "Co"):
            name = unicodedata.name(char, "control character")
        else:
            continue
        return f"U+{ord(char):04X} {name} at character {index + 1}"
    return None


def _single_line(value: str) -> str:
    found = unsafe_character(value)
    if found:
        raise ValueError(f"contains {found}; remove it")
    if value != value.strip():
        raise ValueError("has leading or trailing spaces")
    return value


def _body(value: str) -> str:
    found = unsafe_character(value, multiline=True)
    if found:
        raise ValueError(f"contains {found}; remove it")
    if "\r" in value:
        raise ValueError("contains a carriage return; use plain newlines")
    if not value.strip():
        raise ValueError("is empty")
    lines = value.count("\n") + 1
    if lines > MAX_BODY_LINES:
        raise ValueError(f"has {lines} lines, the limit is {MAX_BODY_LINES}")
    return value


Handle = Annotated[
    str,
    Field(min_length=1, max_length=MAX_HANDLE_CHARS, pattern=HANDLE_PATTERN,
          description="The author's handle on the repository host, without @."),
]
NoteEntryId = Annotated[str, Field(max_length=MAX_ENTRY_ID_CHARS, pattern=ID_PATTERN)]
Body = Annotated[
    str,
    Field(min_length=1, max_length=MAX_BODY_CHARS, description="Markdown subset: no raw HTML, no images."),
    AfterValidator(_body),
]
PackageName = Annotated[str, Field(max_length=MAX_PACKAGE_CHARS, pattern=PACKAGE_PATTERN)]
NoteSpecifier = Annotated[Specifier, Field(max_length=MAX_SPECIFIER_CHARS), AfterValidator(_single_line)]


class AppliesTo(Strict):
    """Where the note holds: a package's versions, an operating system, or both."""

    package: PackageName | None = None
    versions: NoteSpecifier | None = None
    os: Literal[OPERATING_SYSTEMS] | None = None  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _meaningful(self) -> AppliesTo:
        if self.versions is not None and self.package is None:
            raise ValueError("versions needs a package: name the package the versions belong to")
        if self.package is None and self.os is None:
            raise ValueError("give a package (with versions) or an os")
        return self

    def label(self) -> str:
        parts = []
        if self.package:
            parts.append(f"{self.package} {self.versions}" if self.versions else self.package)
        if self.os:
            parts.append(OS_LABELS[self.os])
        return " on ".join(parts)


class Note(Strict):
    """One community note: notes/<entry>/<date>-<slug>.yaml."""

    entry: NoteEntryId
    author: Handle
    date: PastDate
    status: Literal[STATUSES]  # type: ignore[valid-type]
    body: Body
    applies_to: list[AppliesTo] = Field(default_factory=list, max_length=MAX_APPLIES_TO)


@dataclass
class LoadedNote:
    """A valid note and where it came from (its file and its parsed document, for located problems)."""

    note: Note
    document: Document
    file: Path

    @property
    def path(self) -> str:
        return self.document.path

    @property
    def slug(self) -> str:
        return self.file.stem


def slugify(text: str) -> str:
    """The SLUG of a note's file name DATE-SLUG.yaml, made from the author's handle."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40].strip("-") or "note"
