"""Note files to notes: reading, validating and locating problems, and the `fixdex check` rule.

Only plain files in notes/ENTRY-ID/ are read, never a symbolic link; every other
file below notes/ is reported, and problems come back all at once, located like
an entry's.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from fixdex.load import ENTRY_SUFFIXES, Document, LoadedEntry, read_yaml, scan_folder
from fixdex.notes.model import MAX_FILE_BYTES, NOTE_FILE_PATTERN, PATTERN_HELP, AppliesTo, LoadedNote, Note, slugify
from fixdex.problems import Problem


def notes_folder(entries_dir: Path) -> Path:
    """Notes sit beside the entries folder, so a team's copy carries both."""
    return entries_dir.parent / "notes"


def display_path(path: Path, root: Path) -> str:
    """How a report names `path`: relative to `root` when it is below it."""
    try:
        return str((path.absolute().parent.resolve() / path.name).relative_to(root.resolve()))
    except ValueError:
        return str(path)


def note_files(notes_dir: Path) -> list[Path]:
    """The note files below `notes_dir` that may be read (see `load_notes` for what is refused)."""
    return scan_folder(notes_dir, ENTRY_SUFFIXES, links=False).files if notes_dir.is_dir() else []


def load_note(file: Path, display: str) -> tuple[LoadedNote | None, list[Problem]]:
    """Parse and validate one note file; the folder and file name must agree with its fields."""
    if file.is_symlink():
        return None, [Problem(display, 1, 1, "", "symbolic link: not read", "notes are plain files in notes/ENTRY-ID/")]
    try:
        size = file.stat().st_size
    except OSError as error:
        return None, [Problem(display, 1, 1, "", f"cannot read the file: {error.strerror}")]
    if size > MAX_FILE_BYTES:
        return None, [Problem(display, 1, 1, "", f"note file is {size} bytes, the limit is {MAX_FILE_BYTES}",
                              "shorten the body")]
    document, problems = read_yaml(file, display, max_bytes=MAX_FILE_BYTES)
    if document is None:
        return None, problems
    if not isinstance(document.data, dict):
        return None, [*problems, document.problem((), "a note must be a mapping of fields (key: value)")]
    try:
        note = Note.model_validate(document.data)
    except ValidationError as error:
        found = [_to_problem(document, d) for d in error.errors() if tuple(d["loc"]) not in document.invalid]
        return None, [*problems, *found]
    if problems:
        return None, problems
    problems += _place_problems(note, document, file)
    return LoadedNote(note, document, file), problems


def _place_problems(note: Note, document: Document, file: Path) -> list[Problem]:
    problems: list[Problem] = []
    if note.entry != file.parent.name:
        problems.append(document.problem(("entry",), f"entry {note.entry!r} does not match the folder "
                                         f"{file.parent.name!r}", f"move the file to notes/{note.entry}/"))
    match = NOTE_FILE_PATTERN.match(file.name)
    if match is None:
        problems.append(document.problem((), f"file name {file.name!r} is not DATE-SLUG.yaml",
                                         f"rename it to {note.date}-{slugify(note.author)}.yaml"))
    elif match.group(1) != note.date.isoformat():
        problems.append(document.problem(("date",), f"date {note.date} does not match the file name {file.name!r}",
                                         f"rename the file to {note.date}-{match.group(2)}.yaml"))
    return problems


def _to_problem(document: Document, detail: Mapping[str, Any]) -> Problem:
    path = tuple(detail["loc"])
    kind = detail["type"]
    message = str(detail["msg"]).removeprefix("Value error, ")
    value: Any = detail.get("input")
    if kind == "missing":
        return document.problem(path, "required field is missing", f"add `{path[-1]}:`")
    if kind == "extra_forbidden":
        known = list(Note.model_fields if len(path) == 1 else AppliesTo.model_fields)
        close = difflib.get_close_matches(str(path[-1]), known, n=1, cutoff=0.6)
        hint = f"did you mean `{close[0]}`?" if close else f"known fields: {', '.join(known)}"
        return document.problem(path, "unknown field", hint, key=True)
    if kind == "string_pattern_mismatch":
        return document.problem(path, f"{value!r} {PATTERN_HELP.get(str(path[-1]), 'is not valid here')}")
    if kind == "string_too_long":
        limit = detail.get("ctx", {}).get("max_length")
        return document.problem(path, f"too long: {len(value)} characters, the limit is {limit}")
    if kind == "too_long":
        limit = detail.get("ctx", {}).get("max_length")
        return document.problem(path, f"too many items: {len(value)}, the limit is {limit}")
    if kind == "literal_error":
        return document.problem(path, f"{message}, got {value!r}")
    if kind == "string_type" and isinstance(value, (int, float, bool)):
        return document.problem(path, message, f"YAML read {value!r} as a {type(value).__name__}: put it in quotes")
    if kind.startswith("date"):
        return document.problem(path, message, "write the date as YYYY-MM-DD")
    return document.problem(path, message)


@dataclass
class NotesResult:
    notes: list[LoadedNote]
    problems: list[Problem]


def load_notes(notes_dir: Path, root: Path) -> NotesResult:
    """Every note file under `notes_dir`, validated; problems come back all at once."""
    loaded: list[LoadedNote] = []
    problems: list[Problem] = []
    if not notes_dir.is_dir():
        return NotesResult(loaded, problems)
    scan = scan_folder(notes_dir, ENTRY_SUFFIXES, links=False)
    problems += [Problem(display_path(path, root), 1, 1, "", why, hint) for path, why, hint in scan.refused]
    for file in scan.files:
        display = display_path(file, root)
        if file.suffix == ".yml":
            problems.append(Problem(display, 1, 1, "", "note files end in .yaml", f"rename it to {file.stem}.yaml"))
            continue
        if file.parent.parent != notes_dir:
            problems.append(Problem(display, 1, 1, "", "a note must sit in notes/ENTRY-ID/",
                                    "move it into the folder named after its entry"))
            continue
        note, found = load_note(file, display)
        problems += found
        if note is not None:
            loaded.append(note)
    return NotesResult(loaded, problems)


def entries_folders(entries: Sequence[LoadedEntry], root: Path) -> list[Path]:
    """The folders the entries came from: each has its notes/ beside it."""
    dirs = sorted({(root / (item.folder or Path(item.path).parent)).resolve() for item in entries})
    return dirs or [(root / "entries").resolve()]


def check_notes(entries: Sequence[LoadedEntry], root: Path) -> list[Problem]:
    """`fixdex check` rule: every note file is valid and belongs to an entry that exists."""
    problems: list[Problem] = []
    for entries_dir in entries_folders(entries, root):
        result = load_notes(notes_folder(entries_dir), root)
        problems += result.problems
        known = {item.entry.id for item in entries} | {p.stem for p in scan_folder(entries_dir).files}
        aliases = {alias: item.entry.id for item in entries for alias in item.entry.aliases}
        for loaded in result.notes:
            entry = loaded.note.entry
            if entry in known:
                continue
            if entry in aliases:
                new = aliases[entry]
                hint = f"{entry!r} is an old alias: move the note to notes/{new}/ and set entry: {new}"
            else:
                hint = "notes belong to an existing entry; check the id against entries/"
            problems.append(loaded.document.problem(("entry",), f"entry {entry!r} does not exist", hint))
    return problems
