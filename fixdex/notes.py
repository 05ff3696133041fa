"""Community notes: untrusted tips from readers, stored, checked, moderated and rendered safely.

A note is one file, `notes/<entry-id>/<date>-<slug>.yaml`, next to (never inside)
the curated entry, so contributions cannot conflict with each other or with edits
to the entry. Every note arrives as `pending` through `fixdex notes import`, which
turns a submitted issue body into such a file; a moderator flips it to `approved`
or `rejected`. Only approved notes reach a page.

Notes are written by strangers and read by many, so every field has a size limit,
control and bidirectional-override characters are refused, and a body is rendered
with raw HTML disabled and then through an allow-list sanitizer. The sanitised HTML
joins the page after Markdown conversion (the plugin swaps the placeholder that
`placeholder()` makes), never as Markdown source: page Markdown extensions such as
pymdownx.snippets or attr_list would otherwise act on it.

Moderation state holds under concurrency and faults: imports and status changes
take a lock on the notes folder and write atomically (temporary file, then
rename); approve and reject decide pending notes only, so of two at once one wins
and the other is told; a resubmitted note is recognised; only plain files in
notes/ENTRY-ID/ are read or rewritten, never a symbolic link.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import html
import os
import re
import stat
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import quote, urlencode, urlsplit

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: writes stay atomic, runs are not serialised
    fcntl = None  # type: ignore[assignment]

import yaml
from pydantic import AfterValidator, Field, ValidationError, model_validator

from fixdex.load import ENTRY_SUFFIXES, Document, LoadedEntry, read_yaml, scan_folder
from fixdex.model import ID_PATTERN, PastDate, Specifier, Strict
from fixdex.problems import Problem, format_path

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
MAX_ISSUE_BODY_CHARS = 20_000
MAX_PAGE_URL_CHARS = 500

HANDLE_PATTERN = r"^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$"  # letters, digits, single inner hyphens
PACKAGE_PATTERN = r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$"  # PEP 508 project names
NOTE_FILE_PATTERN = re.compile(r"^(\d{4}-\d{2}-\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.yaml$")

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
    note: Note
    document: Document
    file: Path

    @property
    def path(self) -> str:
        return self.document.path

    @property
    def slug(self) -> str:
        return self.file.stem


# --------------------------------------------------------------------------- loading


def notes_folder(entries_dir: Path) -> Path:
    """Notes sit beside the entries folder, so a team's copy carries both."""
    return entries_dir.parent / "notes"


def _display(path: Path, root: Path) -> str:
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


_PATTERN_HELP = {
    "author": "is not a handle: letters, digits and single hyphens inside, at most 39 characters",
    "entry": "is not an entry id: lowercase words joined by hyphens",
    "package": "is not a package name (PEP 508): letters, digits, '.', '_' and '-'",
}


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
        return document.problem(path, f"{value!r} {_PATTERN_HELP.get(str(path[-1]), 'is not valid here')}")
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
    problems += [Problem(_display(path, root), 1, 1, "", why, hint) for path, why, hint in scan.refused]
    for file in scan.files:
        display = _display(file, root)
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


def _entries_dirs(entries: Sequence[LoadedEntry], root: Path) -> list[Path]:
    dirs = sorted({(root / (item.folder or Path(item.path).parent)).resolve() for item in entries})
    return dirs or [(root / "entries").resolve()]


def check_notes(entries: Sequence[LoadedEntry], root: Path) -> list[Problem]:
    """`fixdex check` rule: every note file is valid and belongs to an entry that exists."""
    problems: list[Problem] = []
    for entries_dir in _entries_dirs(entries, root):
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


# --------------------------------------------------------------------------- rendering

# The allow-list: text formatting, lists, quotes, code and links. No images
# (a relative <img src> survives URL filtering and tracks readers), no headings
# (a note is not a section), no tables, no attributes but href.
ALLOWED_TAGS = {"p", "br", "hr", "strong", "em", "s", "code", "pre", "ul", "ol", "li", "blockquote", "a"}
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {"*": set(), "a": {"href"}, "ol": {"start"}}  # "*": no lang, no title
LINK_REL = "nofollow ugc noopener"


def _markdown() -> Any:
    from markdown_it import MarkdownIt

    # js-default: raw HTML off, no linkify, no typographer. Images, headings and
    # tables are turned off so their source shows as plain text.
    return MarkdownIt("js-default").disable(["image", "heading", "lheading", "table"])


def _cleaner() -> Any:
    import nh3

    return nh3.Cleaner(
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https"},
        url_relative="deny",  # only absolute http(s) targets
        link_rel=LINK_REL,
        strip_comments=True,
    )


_renderer: tuple[Any, Any] | None = None


def render_body(body: str) -> str:
    """A note body as HTML that is safe to place in a page: Markdown without raw HTML, then sanitised."""
    global _renderer
    if _renderer is None:
        _renderer = (_markdown(), _cleaner())
    markdown, cleaner = _renderer
    return str(cleaner.clean(markdown.render(body))).strip()


def render_note(loaded: LoadedNote) -> str:
    note = loaded.note
    applies = " · ".join(html.escape(item.label()) for item in note.applies_to)
    parts = [
        f'<article class="fx-note" id="note-{html.escape(loaded.slug)}">',
        '<p class="fx-note-meta">'
        f'<span class="fx-note-author">@{html.escape(note.author)}</span> · '
        f'<time datetime="{note.date.isoformat()}">{note.date.isoformat()}</time>'
        + (f' · <span class="fx-note-applies">Applies to {applies}</span>' if applies else "")
        + "</p>",
        f'<div class="fx-note-body">{render_body(note.body)}</div>',
        "</article>",
    ]
    return "\n".join(parts)


def render_notes(notes: Iterable[LoadedNote]) -> str:
    """Approved notes of one entry, newest first (then by file name, for a stable order)."""
    approved = [n for n in notes if n.note.status == "approved"]
    approved.sort(key=lambda n: (n.note.date, n.slug), reverse=True)
    return "\n".join(render_note(n) for n in approved)


# --------------------------------------------------------------------------- the page

_PLACEHOLDER = re.compile(r'<div class="fx-notes" data-fixdex-notes="([a-z0-9-]+)"></div>')


def placeholder(entry_id: str) -> str:
    """What templates/partials/notes.md.j2 emits where the notes go; `fill_placeholders` swaps it."""
    return f'<div class="fx-notes" data-fixdex-notes="{entry_id}"></div>'


def fill_placeholders(page_html: str, rendered: Mapping[str, str]) -> str:
    """Put each entry's rendered notes into its placeholder, in one pass (inserted HTML is never re-read)."""

    def swap(match: re.Match[str]) -> str:
        notes = rendered.get(match.group(1))
        if notes is None:
            return match.group(0)
        return f'<div class="fx-notes">\n{notes}\n</div>'

    return _PLACEHOLDER.sub(swap, page_html)


def add_note_url(repo_url: str, entry_id: str, page_url: str) -> str:
    """The repository host's new-issue form, prefilled; '' when there is no repository to send notes to.

    GitHub prefills an issue form field from the query parameter named after the
    field's `id`; GitLab has no forms, so its description is prefilled with the
    same `### Label` blocks that `fixdex notes import` reads.
    """
    if not repo_url:
        return ""
    base = repo_url.rstrip("/")
    if "gitlab" in (urlsplit(base).hostname or ""):
        description = "\n\n".join(f"### {label}\n\n{value}" for label, value in
                                  ((FIELDS["entry"], entry_id), (FIELDS["page"], page_url or "_No response_"),
                                   *((FIELDS[k], "") for k in ("body", "versions", "os", "handle"))))
        query = urlencode({"issue[title]": f"Note: {entry_id}", "issue[description]": description}, quote_via=quote)
        return f"{base}/-/issues/new?{query}"
    params = {"template": "note.yml", "title": f"Note: {entry_id}", "entry": entry_id}
    if page_url:
        params["page"] = page_url
    return f"{base}/issues/new?{urlencode(params, quote_via=quote)}"


def note_extras(entries: Sequence[LoadedEntry], root: Path, options: Any) -> dict[str, dict[str, Any]]:
    """Per-entry template data: approved notes, their rendered HTML and the "Add a note" link.

    `notes_html` is for the plugin's after-conversion step only; a template must
    not print it into Markdown.
    """
    from fixdex.render import entry_url

    by_entry: dict[str, list[LoadedNote]] = {}
    for entries_dir in _entries_dirs(entries, root):
        for loaded in load_notes(notes_folder(entries_dir), root).notes:
            by_entry.setdefault(loaded.note.entry, []).append(loaded)
    extras: dict[str, dict[str, Any]] = {}
    site_url = getattr(options, "site_url", "") or ""
    repo_url = getattr(options, "repo_url", "") or ""
    for item in entries:
        entry_id = item.entry.id
        approved = [n for n in by_entry.get(entry_id, []) if n.note.status == "approved"]
        page_url = f"{site_url.rstrip('/')}/{entry_url(entry_id)}" if site_url else ""
        extras[entry_id] = {
            "notes": [n.note for n in sorted(approved, key=lambda n: (n.note.date, n.slug), reverse=True)],
            "notes_html": render_notes(approved),
            "add_note_url": add_note_url(repo_url, entry_id, page_url),
        }
    return extras


# --------------------------------------------------------------------------- import from an issue

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
        message = f"{str(value)[:60]!r} {_PATTERN_HELP.get(str(loc[-1]), 'is not valid here')}"
        if "package" in loc:
            message += " (write one 'package specifier' per line, e.g. 'pandas >=2.0,<3')"
    return f"{where}: {message}"


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40].strip("-") or "note"


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


class DuplicateSubmission(SubmissionError):
    """The same note (same entry, same body once normalised) is already on file, in any status."""

    def __init__(self, existing: Path, status: str) -> None:
        self.existing = existing
        self.status = status
        super().__init__("issue body", [f"the same note is already on file as {existing} (status: {status}): "
                                        "nothing new to review"])


def normalised_body(body: str) -> str:
    """What makes two bodies the same note: case, Unicode compatibility forms and spacing don't count."""
    return " ".join(unicodedata.normalize("NFKC", body).casefold().split())


@contextlib.contextmanager
def notes_lock(notes_dir: Path) -> Iterator[None]:
    """Hold the notes folder's lock: imports and moderation of one knowledge base run one at a time.

    An advisory lock (fcntl.flock) on the folder itself, so no lock file is left
    behind for git to see; the kernel drops it when the process ends, even when
    killed. fcntl is POSIX only, which is where moderation runs (Linux CI, macOS
    laptops); the filelock package would add a dependency for Windows alone, where
    the writes stay atomic but two runs at once are not serialised.
    """
    if fcntl is None:  # pragma: no cover - Windows
        yield
        return
    descriptor = os.open(notes_dir, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


def write_atomically(target: Path, data: bytes, *, create: bool = False) -> None:
    """Write a whole file or nothing: a temporary file in the same folder, flushed, then renamed over the target.

    Readers see the old file or the new one, never half of one; a run killed
    mid-write leaves the old file and a hidden `.NAME.*.tmp` that no scan reads.
    With `create`, an existing target is an error instead of being replaced.
    """
    if target.exists():
        mode = stat.S_IMODE(target.stat().st_mode)
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            os.fchmod(handle.fileno(), mode)  # mkstemp makes 0600: keep the note readable as before
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if create:
            os.link(temporary, target)  # fails if the target exists: never replaces a note
            os.unlink(temporary)
        else:
            os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _inside(path: Path, folder: Path) -> bool:
    return path.absolute().parent.resolve().is_relative_to(folder.resolve())


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
    _verify_round_trip(content, note, folder / f"{stem}.yaml")
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


def _verify_round_trip(content: str, note: Note, target: Path) -> None:
    if len(content.encode("utf-8")) > MAX_FILE_BYTES:
        raise SubmissionError("issue body", [f"the note file would exceed {MAX_FILE_BYTES} bytes: shorten the note"])
    if Note.model_validate(yaml.safe_load(content)) != note:
        raise SubmissionError("issue body", ["the note does not survive a YAML round trip; report this as a bug"])


# --------------------------------------------------------------------------- moderation


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
    display = _display(file, root or Path.cwd())
    if file.is_symlink():
        raise ModerationError(f"{display}: a symbolic link: moderate the note file itself")
    if notes_dir is None:
        notes_dir = file.absolute().parent.parent
        if notes_dir.name != "notes":
            raise ModerationError(f"{display}: not a note file: notes are notes/ENTRY-ID/DATE-SLUG.yaml")
    if not notes_dir.is_dir() or not _inside(file, notes_dir) or file.absolute().parent.parent.resolve() != \
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


# --------------------------------------------------------------------------- live comments (giscus)

THEME_OVERRIDES = Path(__file__).resolve().parent / "theme_overrides"
GISCUS_REQUIRED = ("repo", "repo_id", "category", "category_id")


def comments_theme_dir(giscus: Any) -> Path:
    """The plugin's theme folder, after checking the giscus settings when there are any.

    Comments are off unless mkdocs.yml sets `extra: giscus:`; then the
    comments partial renders nothing, so pages make no request for them.
    """
    if not giscus:
        return THEME_OVERRIDES
    if not isinstance(giscus, dict):
        raise ValueError("extra.giscus: expected a mapping with repo, repo_id, category and category_id "
                         "(copy them from https://giscus.app)")
    missing = [key for key in GISCUS_REQUIRED if not giscus.get(key)]
    if missing:
        raise ValueError(f"extra.giscus: missing {', '.join(missing)} (copy the values from https://giscus.app)")
    return THEME_OVERRIDES
