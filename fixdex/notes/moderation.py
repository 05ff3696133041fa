"""Approving and rejecting notes: `fixdex notes approve` / `reject`, and approving a labelled issue.

A decision rewrites only the value on the note's `status:` line. Approve and
reject decide pending notes only, so of two at once one wins and the other is
told; the read, the check and the write happen under the notes lock.

`approve_issue` is what `fixdex notes from-issue` runs in the workflow
.github/workflows/approve-note.yml when a maintainer labels a note issue
`approved`: GitHub's event payload, read from the file GitHub writes it to,
becomes an approved note file in one step. The issue's text is data from end
to end; it never passes through a shell.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from fixdex.notes.load import display_path, load_note
from fixdex.notes.model import STATUSES, Note
from fixdex.notes.storage import is_inside, notes_lock, write_atomically
from fixdex.notes.submission import DuplicateSubmission, SubmissionError, import_submission

APPROVE_LABEL = "approved"  # the label a maintainer adds to approve a note issue
NOTE_LABEL = "note"  # the label .github/ISSUE_TEMPLATE/note.yml puts on every note issue


class ModerationError(ValueError):
    pass


class AlreadyDecided(ModerationError):
    """The note was approved or rejected already (perhaps by a run at the same moment); nothing changed."""


def set_status(file: Path, status: str, root: Path | None = None, *, notes_dir: Path | None = None,
               change: bool = False) -> tuple[str, str]:
    """Rewrite only the value on the note's `status:` line; every other byte stays as it was.

    Returns (old status, new status). The file must be a valid note before and
    after, a plain file (not a link) in NOTES/ENTRY-ID/ (`notes_dir` defaults to
    the grandparent folder, which must be named `notes`). Approving or
    rejecting decides a pending note; a decided note changes only with
    `change=True`, so of two runs at once (approve and reject) one wins and the
    other raises AlreadyDecided. The read, the check and the write happen under
    the notes lock, and the write is atomic.
    """
    if status not in STATUSES:
        raise ModerationError(f"unknown status {status!r}: use one of {', '.join(STATUSES)}")
    display = display_path(file, root or Path.cwd())
    if file.is_symlink():
        raise ModerationError(f"{display}: a symbolic link: moderate the note file itself")
    if notes_dir is None:
        notes_dir = file.absolute().parent.parent
        if notes_dir.name != "notes":
            raise ModerationError(f"{display}: not a note file: notes are notes/ENTRY-ID/DATE-SLUG.yaml")
    if not notes_dir.is_dir() or not is_inside(file, notes_dir) or file.absolute().parent.parent.resolve() != \
            notes_dir.resolve():
        raise ModerationError(f"{display}: not in {notes_dir}/ENTRY-ID/: only notes there are moderated")
    if not file.is_file():
        raise ModerationError(f"{display}: no such note file")
    with notes_lock(notes_dir):
        loaded, problems = load_note(file, display)
        if loaded is None or problems:
            raise ModerationError("\n".join(str(p) for p in problems) or f"{display}: not a valid note")
        old = loaded.note.status
        if old == status:
            return old, status
        if old != "pending" and not change:
            verb = {"approved": "approve", "rejected": "reject", "pending": "reset"}[status]
            raise AlreadyDecided(f"{display} is already {old}: not {status} (another moderator or run decided "
                                 f"first; to change the decision, {verb} it again with --change)")
        line_number, _ = loaded.document.keys[("status",)]
        lines = file.read_bytes().split(b"\n")
        line = lines[line_number - 1]
        match = re.match(rb"^(status:[ \t]*)([\"']?)(pending|approved|rejected)\2([ \t]*(?:#.*)?)$", line)
        if match is None:
            raise ModerationError(f"{display}:{line_number}: the status line is not `status: {old}`; edit it by hand")
        lines[line_number - 1] = match.group(1) + status.encode() + match.group(4)
        new_text = b"\n".join(lines)
        check = Note.model_validate(yaml.safe_load(new_text.decode("utf-8")))
        if check.status != status or check.model_copy(update={"status": old}) != loaded.note:
            raise ModerationError(f"{display}: rewriting the status would change other fields; edit it by hand")
        write_atomically(file, new_text)
    return old, status


@dataclass(frozen=True)
class IssueApproval:
    """The outcome of approving a note issue: the note file, and whether this run changed anything."""

    number: int
    path: Path
    entry: str
    author: str
    changed: bool  # False when the same note was on file, approved, already


def approve_issue(event: Mapping[str, Any], notes_dir: Path, entries_dir: Path) -> IssueApproval:
    """Import and approve the note of an `issues` event in which the label `approved` was added.

    The note credits the account that opened the issue (not the handle typed
    into the form) and is dated the day the issue was opened. A note already on
    file is not written twice: a pending one is approved, an approved one is
    left as it is, and a rejected one stays rejected (ModerationError: a
    maintainer changes that decision with `fixdex notes approve --change`).
    Raises SubmissionError, with every reason, for an event or a submission
    that cannot become a note; nothing is written then.
    """
    number, body, author, date = _issue_fields(event)
    try:
        path = import_submission(body, notes_dir, entries_dir, author=author, date=date)
    except DuplicateSubmission as duplicate:
        if duplicate.status == "rejected":
            raise ModerationError(f"the same note is on file as {duplicate.existing} and was rejected: to approve it "
                                  f"after all, run `fixdex notes approve --change {duplicate.existing}`") from None
        path = duplicate.existing
    old, _ = set_status(path, "approved", notes_dir=notes_dir)
    loaded, _ = load_note(path, str(path))
    entry = loaded.note.entry if loaded else path.parent.name
    return IssueApproval(number, path, entry, author, changed=old != "approved")


def _issue_fields(event: Mapping[str, Any]) -> tuple[int, str, str, dt.date]:
    """The issue number, body, author and opening date of a labelled note issue, or every reason it is not one."""
    reasons: list[str] = []
    issue = event.get("issue") if isinstance(event, Mapping) else None
    if not isinstance(issue, Mapping):
        raise SubmissionError("event", ["not an `issues` event: it has no `issue` object"])
    if event.get("action") != "labeled":
        reasons.append(f"action is {str(event.get('action'))[:40]!r}, not 'labeled'")
    label = event.get("label")
    if not isinstance(label, Mapping) or label.get("name") != APPROVE_LABEL:
        name = label.get("name") if isinstance(label, Mapping) else None
        reasons.append(f"the label added is {str(name)[:40]!r}, not {APPROVE_LABEL!r}")
    if "pull_request" in issue:
        reasons.append("this is a pull request, not a note issue")
    labels = {item.get("name") for item in issue.get("labels") or [] if isinstance(item, Mapping)}
    if NOTE_LABEL not in labels:
        reasons.append(f"the issue has no {NOTE_LABEL!r} label: only issues opened with the note form are imported")
    number = issue.get("number")
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        reasons.append("the issue has no number")
    body = issue.get("body")
    if not isinstance(body, str) or not body.strip():
        reasons.append("the issue body is empty")
    user = issue.get("user")
    author = user.get("login") if isinstance(user, Mapping) else None
    if not isinstance(author, str) or not author:
        reasons.append("the issue has no author login")
    created = issue.get("created_at")
    date = None
    if isinstance(created, str) and re.match(r"^\d{4}-\d{2}-\d{2}T", created):
        try:
            date = dt.date.fromisoformat(created[:10])
        except ValueError:
            date = None
    if date is None:
        reasons.append(f"created_at {str(created)[:40]!r} is not a GitHub timestamp (YYYY-MM-DDTHH:MM:SSZ)")
    if reasons:
        raise SubmissionError("event", reasons)
    assert isinstance(number, int) and isinstance(body, str) and isinstance(author, str) and date is not None
    return number, body, author, date
