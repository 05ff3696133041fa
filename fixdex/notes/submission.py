"""Submissions to note files: `fixdex notes import` reads the issue a reader's form opened.

GitHub shows a submitted issue form as `### Label` blocks; the labels are those
of .github/ISSUE_TEMPLATE/note.yml. A submission becomes a pending note file, or
nothing at all with every reason listed; the same note sent again is recognised.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from fixdex.load import scan_folder
from fixdex.notes.load import load_note, note_files
from fixdex.notes.model import MAX_APPLIES_TO, MAX_FILE_BYTES, PATTERN_HELP, Note, slugify, unsafe_character
from fixdex.notes.storage import notes_lock, write_atomically
from fixdex.problems import format_path

MAX_ISSUE_BODY_CHARS = 20_000
MAX_PAGE_URL_CHARS = 500

# The labels of .github/ISSUE_TEMPLATE/note.yml, keyed by field id. GitHub shows a
# submitted form as "### Label" blocks, and "_No response_" for an empty field.
FIELDS = {
    "entry": "Entry id",
    "page": "Page URL",
    "body": "Your note",
    "versions": "Versions it applies to",
    "os": "Operating system",
    "handle": "Your handle",
}
REQUIRED_FIELDS = ("entry", "body", "handle")
NO_RESPONSE = "_No response_"
OS_CHOICES = {"any": None, "linux": "linux", "macos": "macos", "windows": "windows"}


class SubmissionError(ValueError):
    """A submitted note that cannot become a note file; the message lists every reason."""

    def __init__(self, source: str, reasons: list[str]) -> None:
        self.reasons = reasons
        super().__init__("\n".join(f"{source}: error: {reason}" for reason in reasons))


class DuplicateSubmission(SubmissionError):
    """The same note (same entry, same body once normalised) is already on file, in any status."""

    def __init__(self, existing: Path, status: str) -> None:
        self.existing = existing
        self.status = status
        super().__init__("issue body", [f"the same note is already on file as {existing} (status: {status}): "
                                        "nothing new to review"])


def parse_issue_body(text: str) -> dict[str, str]:
    """The `### Label` blocks of an issue form submission, keyed by field id.

    Only the form's own labels start a block, so a note may contain its own
    `###` lines; a form label that appears twice is an error, since the
    submitter could otherwise smuggle a second value past the moderator.
    """
    labels = {label.casefold(): key for key, label in FIELDS.items()}
    values: dict[str, list[str]] = {}
    reasons: list[str] = []
    current: str | None = None
    for line in text.replace("\r\n", "\n").split("\n"):
        heading = re.match(r"^###[ \t]+(.+?)[ \t]*$", line)
        key = labels.get(heading.group(1).casefold()) if heading else None
        if key is not None:
            if key in values:
                reasons.append(f"the field '### {FIELDS[key]}' appears twice: keep one")
            values[key] = []
            current = key
        elif current is not None:
            values[current].append(line)
        elif line.strip():
            reasons.append(f"text before the first field: {line.strip()[:60]!r} (expected '### {FIELDS['entry']}')")
            break
    if reasons:
        raise SubmissionError("issue body", reasons)
    fields = {}
    for key, lines in values.items():
        value = "\n".join(lines).strip("\n")
        fields[key] = "" if value.strip() == NO_RESPONSE else value
    return fields


def submission_to_note(fields: Mapping[str, str], *, author: str | None, date: dt.date) -> Note:
    """Validate a parsed submission and shape it into a pending note; all reasons at once."""
    reasons: list[str] = []
    for key in REQUIRED_FIELDS:
        if key == "handle" and author:
            continue
        if not fields.get(key, "").strip():
            reasons.append(f"{FIELDS[key]}: required field is empty")
    page = fields.get("page", "").strip()
    for key in ("page", "os"):
        found = unsafe_character(fields.get(key, ""))
        if found:
            reasons.append(f"{FIELDS[key]}: contains {found}; remove it")
    if page and not reasons:
        if len(page) > MAX_PAGE_URL_CHARS:
            reasons.append(f"{FIELDS['page']}: too long: {len(page)} characters, the limit is {MAX_PAGE_URL_CHARS}")
        elif not re.match(r"^https?://[^\s]+$", page):
            reasons.append(f"{FIELDS['page']}: not an http(s) URL: {page[:80]!r}")
    os_text = fields.get("os", "").strip()
    os_value = None
    if os_text:
        if os_text.casefold() not in OS_CHOICES:
            reasons.append(f"{FIELDS['os']}: {os_text[:40]!r} is not one of Any, Linux, macOS, Windows")
        os_value = OS_CHOICES.get(os_text.casefold())
    applies_to: list[dict[str, str]] = []
    for number, line in enumerate(fields.get("versions", "").splitlines(), 1):
        if not line.strip():
            continue
        package, _, versions = line.strip().partition(" ")
        item = {"package": package}
        if versions.strip():
            item["versions"] = versions.strip().replace(" ", "")
        if os_value:
            item["os"] = os_value
        applies_to.append(item)
        if number > MAX_APPLIES_TO * 2:
            break
    if os_value and not applies_to:
        applies_to.append({"os": os_value})
    data = {
        "entry": fields.get("entry", "").strip(),
        "author": (author or fields.get("handle", "")).strip().removeprefix("@"),
        "date": date,
        "status": "pending",
        "body": fields.get("body", "").strip("\n").rstrip(),
        "applies_to": applies_to,
    }
    if not reasons:
        try:
            return Note.model_validate(data)
        except ValidationError as error:
            reasons += [_submission_reason(detail, data) for detail in error.errors()]
    raise SubmissionError("issue body", reasons)


def _submission_reason(detail: Mapping[str, Any], data: Mapping[str, Any]) -> str:
    loc = tuple(detail["loc"])
    label = {"entry": FIELDS["entry"], "author": FIELDS["handle"], "body": FIELDS["body"]}.get(str(loc[0]))
    if loc[0] == "applies_to":
        label = FIELDS["versions"] + (f" (line {loc[1] + 1})" if len(loc) > 1 else "")
    where = label or format_path(loc)
    message = str(detail["msg"]).removeprefix("Value error, ")
    value: Any = detail.get("input")
    if detail["type"] == "string_too_long":
        message = f"too long: {len(value)} characters, the limit is {detail['ctx']['max_length']}"
    elif detail["type"] == "too_long":
        message = f"too many lines: {len(value)}, the limit is {detail['ctx']['max_length']}"
    elif detail["type"] == "string_pattern_mismatch":
        message = f"{str(value)[:60]!r} {PATTERN_HELP.get(str(loc[-1]), 'is not valid here')}"
        if "package" in loc:
            message += " (write one 'package specifier' per line, e.g. 'pandas >=2.0,<3')"
    return f"{where}: {message}"


def note_yaml(note: Note) -> str:
    """The file text of a note: fixed field order, `status` on a line of its own, a block body."""

    class _Dumper(yaml.SafeDumper):
        pass

    def text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    _Dumper.add_representer(str, text)
    data: dict[str, Any] = {
        "entry": note.entry,
        "author": note.author,
        "date": note.date,
        "status": note.status,
        "applies_to": [item.model_dump(exclude_none=True) for item in note.applies_to],
        "body": note.body,
    }
    if not data["applies_to"]:
        del data["applies_to"]
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def normalised_body(body: str) -> str:
    """What makes two bodies the same note: case, Unicode compatibility forms and spacing don't count."""
    return " ".join(unicodedata.normalize("NFKC", body).casefold().split())


def import_submission(text: str, notes_dir: Path, entries_dir: Path, *, author: str | None = None,
                      date: dt.date | None = None) -> Path:
    """Turn a submitted issue body into a pending note file; on any problem, write nothing.

    The written text is read back and validated exactly as `fixdex check` will,
    so an accepted submission is always a valid note file. A resubmission (same
    entry and body, see `normalised_body`) of a note already on file, pending,
    approved or rejected, is reported as DuplicateSubmission and writes nothing.
    """
    if len(text) > MAX_ISSUE_BODY_CHARS:
        raise SubmissionError("issue body", [f"too long: {len(text)} characters, the limit is {MAX_ISSUE_BODY_CHARS}"])
    note = submission_to_note(parse_issue_body(text), author=author, date=date or dt.date.today())
    entry_ids = {p.stem for p in scan_folder(entries_dir).files} if entries_dir.is_dir() else set()
    if note.entry not in entry_ids:
        close = difflib.get_close_matches(note.entry, sorted(entry_ids), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise SubmissionError("issue body", [f"{FIELDS['entry']}: entry {note.entry!r} does not exist in "
                                             f"{entries_dir}{hint}"])
    if notes_dir.is_symlink() or (notes_dir / note.entry).is_symlink():
        raise SubmissionError("issue body", [f"{notes_dir / note.entry} is a symbolic link: notes are written only "
                                             "into real folders"])
    content = note_yaml(note)
    folder = notes_dir / note.entry
    stem = f"{note.date.isoformat()}-{slugify(note.author)}"
    _verify_round_trip(content, note)
    folder.mkdir(parents=True, exist_ok=True)
    with notes_lock(notes_dir):
        wanted = normalised_body(note.body)
        for file in note_files(folder):
            existing, _ = load_note(file, str(file))
            if existing is not None and normalised_body(existing.note.body) == wanted:
                raise DuplicateSubmission(file, existing.note.status)
        target = folder / f"{stem}.yaml"
        number = 2
        while target.exists() or target.is_symlink():
            target = folder / f"{stem}-{number}.yaml"
            number += 1
        write_atomically(target, content.encode("utf-8"), create=True)
    return target


def _verify_round_trip(content: str, note: Note) -> None:
    if len(content.encode("utf-8")) > MAX_FILE_BYTES:
        raise SubmissionError("issue body", [f"the note file would exceed {MAX_FILE_BYTES} bytes: shorten the note"])
    if Note.model_validate(yaml.safe_load(content)) != note:
        raise SubmissionError("issue body", ["the note does not survive a YAML round trip; report this as a bug"])
