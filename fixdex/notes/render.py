"""Approved notes to HTML: the body sanitised here, the card from a template a team can override.

A note body is untrusted. It is rendered as Markdown with raw HTML off, then
passed through an allow-list sanitizer; only then does the card template
(`partials/note.html.j2`, found like every other template, a team's folder
first) see it, as Markup. Every other field the card shows (author, date,
versions, operating system) is escaped by the template's own autoescaping.

The card HTML joins the page after Markdown conversion: the entry template
emits a placeholder (`placeholder`) and the plugin swaps it (`fill_placeholders`),
so no Markdown extension of the site (pymdownx.snippets, attr_list, macros)
ever reads a note. `fixdex export` has no such step: `markdown_proof` turns the
notes into one line of raw HTML in which no character means anything to Markdown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jinja2
import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

from fixdex.feedback import host_name, issue_form_url
from fixdex.load import LoadedEntry
from fixdex.notes.load import entries_folders, load_notes, notes_folder
from fixdex.notes.model import LoadedNote
from fixdex.notes.submission import FIELDS
from fixdex.render import entry_url, make_environment

NOTE_TEMPLATE = "partials/note.html.j2"

# The allow-list: text formatting, lists, quotes, code and links. No images
# (a relative <img src> survives URL filtering and tracks readers), no headings
# (a note is not a section), no tables, no attributes but href.
ALLOWED_TAGS = {"p", "br", "hr", "strong", "em", "s", "code", "pre", "ul", "ol", "li", "blockquote", "a"}
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {"*": set(), "a": {"href"}, "ol": {"start"}}  # "*": no lang, no title
LINK_REL = "nofollow ugc noopener"

# js-default: raw HTML off, no linkify, no typographer. Images, headings and
# tables are turned off so their source shows as plain text.
_MARKDOWN = MarkdownIt("js-default").disable(["image", "heading", "lheading", "table"])
_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes={"http", "https"},
    url_relative="deny",  # only absolute http(s) targets
    link_rel=LINK_REL,
    strip_comments=True,
)


def render_body(body: str) -> str:
    """A note body as HTML that is safe to place in a page: Markdown without raw HTML, then sanitised."""
    return str(_CLEANER.clean(_MARKDOWN.render(body))).strip()


@dataclass(frozen=True)
class NoteCard:
    """What partials/note.html.j2 shows of one approved note. Only `body` is HTML (sanitised); the rest is text."""

    anchor: str  # the card's id in the page: note-DATE-SLUG
    author: str
    date: str  # YYYY-MM-DD
    applies_to: list[str]  # "requests >=2.27,<3 on Windows"
    body: Markup


def note_card(loaded: LoadedNote) -> NoteCard:
    note = loaded.note
    return NoteCard(
        anchor=f"note-{loaded.slug}",
        author=note.author,
        date=note.date.isoformat(),
        applies_to=[item.label() for item in note.applies_to],
        body=Markup(render_body(note.body)),  # noqa: S704 - sanitised by render_body, the one way in
    )


def note_template(template_dirs: Sequence[Path] = ()) -> jinja2.Template:
    """The card template, looked up as the Markdown templates are (a team's folder first), escaping HTML."""
    env = jinja2.Environment(
        loader=make_environment(template_dirs).loader,
        undefined=jinja2.StrictUndefined,
        autoescape=True,  # the output is HTML: every field but the sanitised body is escaped
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template(NOTE_TEMPLATE)


def render_note(loaded: LoadedNote, template: jinja2.Template | None = None) -> str:
    template = template or note_template()
    try:
        return template.render(note=note_card(loaded)).strip()
    except jinja2.TemplateError as error:
        raise jinja2.TemplateError(f"template {template.name} failed for note {loaded.path}: {error}") from error


def approved_notes(notes: Iterable[LoadedNote]) -> list[LoadedNote]:
    """Approved notes of one entry, newest first (then by file name, for a stable order)."""
    approved = [n for n in notes if n.note.status == "approved"]
    return sorted(approved, key=lambda n: (n.note.date, n.slug), reverse=True)


def render_notes(notes: Iterable[LoadedNote], template: jinja2.Template | None = None) -> str:
    """The cards of an entry's approved notes, newest first; '' when there is none."""
    approved = approved_notes(notes)
    if not approved:
        return ""
    template = template or note_template()
    return "\n".join(render_note(n, template) for n in approved)


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


def export_placeholders(page_markdown: str, rendered: Mapping[str, str]) -> str:
    """For `fixdex export`: each placeholder becomes its entry's notes as one `markdown_proof` line, or nothing.

    Nothing fills an exported page later, so no placeholder (an empty notes
    `<div>`) is ever left behind.
    """

    def swap(match: re.Match[str]) -> str:
        notes = rendered.get(match.group(1))
        return f'<div class="fx-notes">{markdown_proof(notes)}</div>' if notes else ""

    return _PLACEHOLDER.sub(swap, page_markdown)


class _MarkdownProof(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(f"<{tag}" + "".join(f' {name}="{_inert(value).replace(chr(34), "&#34;")}"'
                                            if value is not None else f" {name}" for name, value in attrs) + ">")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.out.append(_inert(data))

    def handle_entityref(self, name: str) -> None:
        self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.out.append(f"&#{name};")


# Punctuation that starts nothing in Markdown or in a template language when it is not at the
# start of a line (and a markdown_proof line starts with "<div"). Every other ASCII punctuation
# character, and every line break, is written as a numeric reference.
_PLAIN_PUNCTUATION = frozenset(" .,;:!?'\"()-/@=#")


def _inert(text: str) -> str:
    """Text with nothing left for Markdown: `*_[]{}<>`...` and line breaks as numeric references."""
    return "".join(f"&#{ord(c)};" if c.isascii() and not c.isalnum() and c not in _PLAIN_PUNCTUATION else c
                   for c in text)


def markdown_proof(notes_html: str) -> str:
    """Notes HTML as one line of raw HTML that any Markdown engine passes through untouched.

    For `fixdex export`, whose pages another engine reads as Markdown source. On
    one line (line breaks become `&#10;`), a `<div>` is a raw HTML block both for
    CommonMark (which ends such a block at a blank line) and for Python-Markdown;
    and with every punctuation character of the text written as a numeric
    reference, no extension that works on the text (snippets' `--8<--`, macros'
    `{{ }}`, attribute lists' `{: }`) finds anything to act on. A browser reads
    the same characters.
    """
    parser = _MarkdownProof()
    parser.feed(notes_html)
    parser.close()
    return "".join(parser.out)


def add_note_url(repo_url: str, entry_id: str, page_url: str) -> str:
    """The "Add a note" link: the host's new-issue form for note.yml, prefilled; '' without a repository.

    The fields are those of `.github/ISSUE_TEMPLATE/note.yml` (FIELDS), in the
    `### Label` shape that `fixdex notes import` reads (fixdex.feedback builds the URL).
    """
    values = {"entry": entry_id, "page": page_url or ("_No response_" if host_name(repo_url) == "GitLab" else "")}
    fields = [(key, FIELDS[key], values.get(key, "")) for key in ("entry", "page", "body", "versions", "os", "handle")]
    return issue_form_url(repo_url, "note.yml", f"Note: {entry_id}", fields)


def note_extras(entries: Sequence[LoadedEntry], root: Path, options: Any) -> dict[str, dict[str, Any]]:
    """Per-entry template data: approved notes, their rendered HTML and the "Add a note" link.

    `notes_html` is for the plugin's after-conversion step (and `fixdex export`)
    only; a Markdown template must not print it.
    """
    by_entry: dict[str, list[LoadedNote]] = {}
    for entries_dir in entries_folders(entries, root):
        for loaded in load_notes(notes_folder(entries_dir), root).notes:
            by_entry.setdefault(loaded.note.entry, []).append(loaded)
    extras: dict[str, dict[str, Any]] = {}
    site_url = getattr(options, "site_url", "") or ""
    repo_url = getattr(options, "repo_url", "") or ""
    urls = getattr(options, "urls", None)  # where entry pages go (under a prefix or not)
    template = note_template(getattr(options, "template_dirs", ()) or ())
    for item in entries:
        entry_id = item.entry.id
        approved = approved_notes(by_entry.get(entry_id, []))
        address = urls.entry_url(entry_id) if urls is not None else entry_url(entry_id)
        page_url = f"{site_url.rstrip('/')}/{address}" if site_url else ""
        extras[entry_id] = {
            "notes": [n.note for n in approved],
            "notes_html": render_notes(approved, template),
            "add_note_url": add_note_url(repo_url, entry_id, page_url),
        }
    return extras
