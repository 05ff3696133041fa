"""Community notes: untrusted tips from readers, stored, checked, moderated and rendered safely.

A note is one file, `notes/<entry-id>/<date>-<slug>.yaml`, next to (never inside)
the curated entry, so contributions cannot conflict with each other or with edits
to the entry. Every note arrives as `pending` through `fixdex notes import`, which
turns a submitted issue body into such a file; a moderator flips it to `approved`
or `rejected` (or labels the issue `approved` and a workflow runs
`fixdex notes from-issue`). Only approved notes reach a page.

One module per concern:

- `model`: the fields, their limits, the characters a note may not contain;
- `load`: note files to notes, located problems, the `fixdex check` rule;
- `render`: sanitised bodies, the card template (`partials/note.html.j2`), the
  placeholder the plugin fills after Markdown conversion, the "Add a note" link;
- `submission`: an issue form's body to a pending note file;
- `moderation`: approve and reject, and approving a labelled issue in one step;
- `storage`: the notes lock and atomic writes that keep moderation state whole;
- `comments`: the optional live comments (giscus).

The names below are the package's API for the plugin, the CLI and tests.
"""

from fixdex.notes.comments import comments_theme_dir
from fixdex.notes.load import NotesResult, check_notes, load_note, load_notes, note_files, notes_folder
from fixdex.notes.model import (
    MAX_BODY_CHARS,
    MAX_BODY_LINES,
    MAX_FILE_BYTES,
    STATUSES,
    AppliesTo,
    LoadedNote,
    Note,
    slugify,
    unsafe_character,
)
from fixdex.notes.moderation import AlreadyDecided, IssueApproval, ModerationError, approve_issue, set_status
from fixdex.notes.render import (
    add_note_url,
    export_placeholders,
    fill_placeholders,
    markdown_proof,
    note_extras,
    placeholder,
    render_body,
    render_note,
    render_notes,
)
from fixdex.notes.storage import notes_lock, write_atomically
from fixdex.notes.submission import (
    FIELDS,
    MAX_ISSUE_BODY_CHARS,
    DuplicateSubmission,
    SubmissionError,
    import_submission,
    normalised_body,
    note_yaml,
    parse_issue_body,
    submission_to_note,
)

__all__ = [
    "FIELDS", "MAX_BODY_CHARS", "MAX_BODY_LINES", "MAX_FILE_BYTES", "MAX_ISSUE_BODY_CHARS", "STATUSES",
    "AlreadyDecided", "AppliesTo", "DuplicateSubmission", "IssueApproval", "LoadedNote", "ModerationError", "Note",
    "NotesResult", "SubmissionError", "add_note_url", "approve_issue", "check_notes", "comments_theme_dir",
    "export_placeholders", "fill_placeholders", "import_submission", "load_note", "load_notes", "markdown_proof",
    "normalised_body", "note_extras", "note_files", "note_yaml", "notes_folder", "notes_lock", "parse_issue_body",
    "placeholder", "render_body", "render_note", "render_notes", "set_status", "slugify", "submission_to_note",
    "unsafe_character", "write_atomically"
]
