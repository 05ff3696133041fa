"""Community notes without a site build: rendering hostile bodies, checking files, importing, moderating."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from markupsafe import Markup

from fixdex.check import check
from fixdex.notes import (
    FIELDS,
    MAX_BODY_CHARS,
    AlreadyDecided,
    DuplicateSubmission,
    ModerationError,
    SubmissionError,
    add_note_url,
    fill_placeholders,
    import_submission,
    load_note,
    markdown_proof,
    parse_issue_body,
    placeholder,
    render_body,
    render_notes,
    set_status,
)
from fixdex.notes.render import NoteCard, note_template
from fixdex.problems import format_report
from tests.conftest import DATA, ROOT, copy_kb

REL = 'rel="nofollow ugc noopener"'

# Hostile note bodies and the exact HTML each must become: escaped text or an
# inert element. Nothing here may produce a script, an event handler, an image,
# a style, or a link to anything but an absolute http(s) address.
HOSTILE_BODIES = [
    # script tags and raw HTML: raw HTML is off, so all of it is text
    ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
    ("<SCRIPT SRC=https://evil.test/x.js></SCRIPT>",
     "<p>&lt;SCRIPT SRC=https://evil.test/x.js&gt;&lt;/SCRIPT&gt;</p>"),
    ("<scr<script>ipt>alert(1)</script>", "<p>&lt;scr&lt;script&gt;ipt&gt;alert(1)&lt;/script&gt;</p>"),
    ("<style>body{display:none}</style>", "<p>&lt;style&gt;body{display:none}&lt;/style&gt;</p>"),
    ("<iframe src=https://evil.test></iframe>", "<p>&lt;iframe src=https://evil.test&gt;&lt;/iframe&gt;</p>"),
    # event handlers
    ("hi <img src=x onerror=alert(1)>", "<p>hi &lt;img src=x onerror=alert(1)&gt;</p>"),
    ('<a href="https://ok.test" onclick="alert(1)">x</a>',
     '<p>&lt;a href="https://ok.test" onclick="alert(1)"&gt;x&lt;/a&gt;</p>'),
    ("<body onload=alert(1)>", "<p>&lt;body onload=alert(1)&gt;</p>"),
    # javascript:, data: and vbscript: URLs, also mixed case and entity-encoded
    ("[x](javascript:alert(1))", "<p>[x](javascript:alert(1))</p>"),
    ("[x](JaVaScRiPt:alert(1))", "<p>[x](JaVaScRiPt:alert(1))</p>"),
    ("[x](&#106;avascript:alert(1))", "<p>[x](javascript:alert(1))</p>"),
    ("[x](&#x6A;avascript&colon;alert(1))", "<p>[x](javascript:alert(1))</p>"),
    ("[x](java&#x09;script:alert(1))", f"<p><a {REL}>x</a></p>"),
    ("[x]( javascript:alert(1))", "<p>[x]( javascript:alert(1))</p>"),
    ("[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
     "<p>[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)</p>"),
    ("[x](vbscript:msgbox(1))", "<p>[x](vbscript:msgbox(1))</p>"),
    ("[x](file:///etc/passwd)", "<p>[x](file:///etc/passwd)</p>"),
    # SVG and MathML
    ("<svg onload=alert(1)><circle r=9></svg>", "<p>&lt;svg onload=alert(1)&gt;&lt;circle r=9&gt;&lt;/svg&gt;</p>"),
    ("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
     "<p>&lt;math&gt;&lt;mtext&gt;&lt;table&gt;&lt;mglyph&gt;&lt;style&gt;&lt;img src=x onerror=alert(1)&gt;</p>"),
    ('<math href="javascript:alert(1)">x</math>', '<p>&lt;math href="javascript:alert(1)"&gt;x&lt;/math&gt;</p>'),
    # Markdown link and image tricks
    ("![tracker](https://evil.test/pixel.png)", f'<p>!<a href="https://evil.test/pixel.png" {REL}>tracker</a></p>'),
    ("![x](javascript:alert(1))", "<p>![x](javascript:alert(1))</p>"),
    ('[x](https://ok.test/"onmouseover="alert(1))',
     f'<p><a href="https://ok.test/%22onmouseover=%22alert(1)" {REL}>x</a></p>'),
    ('[x](https://ok.test/ "title" onclick=alert(1))', '<p>[x](https://ok.test/ "title" onclick=alert(1))</p>'),
    ("[x](/relative/path)", f"<p><a {REL}>x</a></p>"),
    ("[x](//evil.test/)", f"<p><a {REL}>x</a></p>"),
    ("[x](#top)", f"<p><a {REL}>x</a></p>"),
    ("[x](https://ok.test/){ onclick=alert(1) }",
     f'<p><a href="https://ok.test/" {REL}>x</a>{{ onclick=alert(1) }}</p>'),
    # reference-style links
    ("[x][r]\n\n[r]: javascript:alert(1)", "<p>[x][r]</p>\n<p>[r]: javascript:alert(1)</p>"),
    ('[x][r]\n\n[r]: https://ok.test/ "t"', f'<p><a href="https://ok.test/" {REL}>x</a></p>'),
    # autolinks
    ("<javascript:alert(1)>", "<p>&lt;javascript:alert(1)&gt;</p>"),
    ("<https://ok.test/a?b=1&c=2>", f'<p><a href="https://ok.test/a?b=1&amp;c=2" {REL}>https://ok.test/a?b=1&amp;c=2</a></p>'),
    ("<mailto:a@b.test>", f"<p><a {REL}>mailto:a@b.test</a></p>"),
    # HTML entities stay text
    ("&lt;script&gt;alert(1)&lt;/script&gt;", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
    ("&#60;img src=x onerror=alert(1)&#62;", "<p>&lt;img src=x onerror=alert(1)&gt;</p>"),
    # Unicode tricks: homoglyph and full-width schemes are not schemes; a relative target is dropped
    ("[x](j\u0430vascript:alert(1))", f"<p><a {REL}>x</a></p>"),
    ("[x](\uff4aavascript:alert(1))", f"<p><a {REL}>x</a></p>"),
    ("[x](https://ok.test/\u202e)", f'<p><a href="https://ok.test/%E2%80%AE" {REL}>x</a></p>'),
    # page Markdown extensions never see a note: their syntax is plain text here
    ('--8<-- "mkdocs.yml"', '<p>--8&lt;-- "mkdocs.yml"</p>'),
    ("{% include 'x' %} {{ config }}", "<p>{% include 'x' %} {{ config }}</p>"),
    # headings and tables are not part of the note subset
    ("# Big\n\n| a |\n|---|\n| 1 |", "<p># Big</p>\n<p>| a |\n|---|\n| 1 |</p>"),
    # code stays code, escaped
    ("```html\n<script>alert(1)</script>\n```", "<pre><code>&lt;script&gt;alert(1)&lt;/script&gt;\n</code></pre>"),
]


@pytest.mark.parametrize(("body", "expected"), HOSTILE_BODIES, ids=[b[:40] for b, _ in HOSTILE_BODIES])
def test_hostile_body_renders_inert(body: str, expected: str) -> None:
    assert render_body(body) == expected


def test_allowed_subset_renders() -> None:
    body = "3. a\n4. b\n\n> quoted\n\n~~old~~ **bold** *em* `code`\n\n---\nline  \nbreak"
    assert render_body(body) == (
        '<ol start="3">\n<li>a</li>\n<li>b</li>\n</ol>\n<blockquote>\n<p>quoted</p>\n</blockquote>\n'
        "<p><s>old</s> <strong>bold</strong> <em>em</em> <code>code</code></p>\n<hr>\n<p>line<br>\nbreak</p>"
    )


def test_placeholder_filled_once_and_inserted_html_not_reread() -> None:
    page = f"<h2>Community notes</h2>\n{placeholder('a-b')}\n{placeholder('other')}"
    tricky = placeholder("other")  # notes that contain another placeholder must not be expanded again
    filled = fill_placeholders(page, {"a-b": tricky, "other": "<p>X</p>"})
    assert filled == (f'<h2>Community notes</h2>\n<div class="fx-notes">\n{tricky}\n</div>\n'
                      '<div class="fx-notes">\n<p>X</p>\n</div>')


NEWER = DATA / "community-notes" / "good" / "json-expecting-value" / "2026-05-10-newer.yaml"


def test_the_note_card_is_a_template_a_team_overrides_by_name(tmp_path: Path) -> None:
    loaded, problems = load_note(NEWER, "newer.yaml")
    assert loaded is not None and not problems
    body = render_body(loaded.note.body)
    assert render_notes([loaded]) == (
        '<article class="fx-note" id="note-2026-05-10-newer">\n<p class="fx-note-meta"><span class="fx-note-author">'
        '@newer-tip</span> · <time datetime="2026-05-10">2026-05-10</time> · <span class="fx-note-applies">Applies to '
        f'requests &gt;=2.27,&lt;3 on Windows · Linux</span></p>\n<div class="fx-note-body">{body}</div>\n</article>')
    partials = tmp_path / "templates" / "partials"
    partials.mkdir(parents=True)
    (partials / "note.html.j2").write_text(
        '<li class="our-note">{{ note.author }} ({{ note.applies_to | join(", ") }}): {{ note.body }}</li>\n')
    ours = render_notes([loaded], note_template([tmp_path / "templates"]))
    assert ours == f'<li class="our-note">newer-tip (requests &gt;=2.27,&lt;3 on Windows, Linux): {body}</li>'


def test_the_card_escapes_every_field_but_the_sanitised_body(tmp_path: Path) -> None:
    card = NoteCard(anchor='note-"x', author="<b>bold</b>", date="2026-01-01", applies_to=["a <3 & b"],
                    body=Markup("<p>kept</p>"))
    html = note_template().render(note=card)
    assert '<span class="fx-note-author">@&lt;b&gt;bold&lt;/b&gt;</span>' in html
    assert 'id="note-&#34;x"' in html and "Applies to a &lt;3 &amp; b" in html
    assert '<div class="fx-note-body"><p>kept</p></div>' in html


def test_markdown_proof_is_one_line_with_nothing_for_markdown() -> None:
    html = ('<article id="a" title="q&quot;uote">\n<p>{{ x }} `c` *e* [l](u) --8&lt;-- &amp;</p>\n'
            '<pre><code>1\n\n3</code></pre></article>')
    proof = markdown_proof(html)
    assert proof == ('<article id="a" title="q&#34;uote">&#10;<p>&#123;&#123; x &#125;&#125; &#96;c&#96; &#42;e&#42; '
                     '&#91;l&#93;(u) --8&lt;-- &amp;</p>&#10;<pre><code>1&#10;&#10;3</code></pre></article>')


def test_add_note_url_prefills_the_issue_form() -> None:
    url = add_note_url("https://github.com/team/kb/", "pandas-x", "https://kb.test/errors/pandas-x/")
    assert url == ("https://github.com/team/kb/issues/new?template=note.yml&title=Note%3A%20pandas-x"
                   "&entry=pandas-x&page=https%3A%2F%2Fkb.test%2Ferrors%2Fpandas-x%2F")
    assert add_note_url("", "pandas-x", "") == ""
    gitlab = add_note_url("https://gitlab.com/team/kb", "pandas-x", "")
    assert gitlab.startswith("https://gitlab.com/team/kb/-/issues/new?issue%5Btitle%5D=Note%3A%20pandas-x")
    assert "%23%23%23%20Entry%20id%0A%0Apandas-x" in gitlab


def test_issue_form_fields_match_the_importer() -> None:
    """A renamed field fails nowhere else: GitHub silently ignores an unknown prefill parameter."""
    form = yaml.safe_load((ROOT / ".github/ISSUE_TEMPLATE/note.yml").read_text(encoding="utf-8"))
    fields = {item["id"]: item["attributes"]["label"] for item in form["body"] if item["type"] != "markdown"}
    assert fields == FIELDS
    assert form["body"][-1]["id"] == "handle"


# --------------------------------------------------------------------------- check


def test_bad_note_files_give_located_errors(tmp_path: Path) -> None:
    kb = copy_kb(tmp_path)
    shutil.copytree(DATA / "community-notes" / "bad", kb / "notes")
    result = check([kb / "entries"], kb)
    assert format_report(result.problems).splitlines() == [
        "notes/fixture-second-error/2026-01-09-wrong-folder.yaml:1:8: error: entry: entry 'json-expecting-value' "
        "does not match the folder 'fixture-second-error' (move the file to notes/json-expecting-value/)",
        "notes/json-expecting-value/2026-01-02-unknown-field.yaml:1:1: error: status: required field is missing "
        "(add `status:`)",
        "notes/json-expecting-value/2026-01-02-unknown-field.yaml:4:1: error: stauts: unknown field "
        "(did you mean `status`?)",
        "notes/json-expecting-value/2026-01-03-bad-status.yaml:4:9: error: status: Input should be 'pending', "
        "'approved' or 'rejected', got 'published'",
        "notes/json-expecting-value/2026-01-04-bidi.yaml:5:7: error: body: contains U+202E RIGHT-TO-LEFT OVERRIDE "
        "at character 17; remove it",
        "notes/json-expecting-value/2026-01-05-control.yaml:5:7: error: body: contains U+001B control character "
        "at character 8; remove it",
        "notes/json-expecting-value/2026-01-05-control.yaml:8:15: error: applies_to[0].versions: invalid PEP 440 "
        "version specifier '=>2' (write e.g. '>=2.0,<3')",
        "notes/json-expecting-value/2026-01-05-control.yaml:9:5: error: applies_to[1]: versions needs a package: "
        "name the package the versions belong to",
        "notes/json-expecting-value/2026-01-06-alias.yaml:5:7: error: <file>: YAML alias *who (anchored at line 2): "
        "aliases are not allowed (write the value out where it is needed)",
        "notes/json-expecting-value/2026-01-07-wrong-date.yaml:3:7: error: date: date 2026-01-08 does not match "
        "the file name '2026-01-07-wrong-date.yaml' (rename the file to 2026-01-08-wrong-date.yaml)",
        "notes/json-expecting-value/2026-01-11-too-long.yaml:5:7: error: body: too long: 4001 characters, "
        "the limit is 4000",
        "notes/json-expecting-value/2026-01-12-bad-handle.yaml:1:1: error: body: required field is missing "
        "(add `body:`)",
        "notes/json-expecting-value/2026-01-12-bad-handle.yaml:2:9: error: author: '-octo--cat' is not a handle: "
        "letters, digits and single hyphens inside, at most 39 characters",
        "notes/json-expecting-value/notes.yml:1:1: error: <file>: note files end in .yaml (rename it to notes.yaml)",
        "notes/no-such-entry/2026-01-10-missing-entry.yaml:1:8: error: entry: entry 'no-such-entry' does not exist "
        "(notes belong to an existing entry; check the id against entries/)",
        "check failed: 15 errors in 11 files",
    ]


def test_good_notes_pass_check(tmp_path: Path) -> None:
    kb = copy_kb(tmp_path)
    shutil.copytree(DATA / "community-notes" / "good", kb / "notes")
    assert check([kb / "entries"], kb).problems == []


# --------------------------------------------------------------------------- import

GOOD_ISSUE = (DATA / "community-notes" / "issue-good.md").read_text(encoding="utf-8")


def _issue(**fields: str) -> str:
    values = {"entry": "json-expecting-value", "page": "https://kb.example.test/errors/json-expecting-value/",
              "body": "Set `NO_PROXY` for the API host.", "versions": "_No response_", "os": "Any",
              "handle": "octocat", **fields}
    return "\n\n".join(f"### {FIELDS[key]}\n\n{value}" for key, value in values.items()) + "\n"


def _import(tmp_path: Path, text: str, **options: object) -> Path:
    kb = tmp_path / "kb" if (tmp_path / "kb").exists() else copy_kb(tmp_path)
    return import_submission(text, kb / "notes", kb / "entries", date=dt.date(2026, 11, 20), **options)  # type: ignore[arg-type]


def test_import_writes_a_pending_note(tmp_path: Path) -> None:
    path = _import(tmp_path, GOOD_ISSUE)
    assert path == tmp_path / "kb/notes/json-expecting-value/2026-11-20-octo-cat.yaml"
    assert path.read_text(encoding="utf-8") == (
        "entry: json-expecting-value\n"
        "author: octo-cat\n"
        "date: 2026-11-20\n"
        "status: pending\n"
        "applies_to:\n"
        "- package: requests\n"
        "  versions: '>=2.28,<3'\n"
        "  os: windows\n"
        "- package: urllib3\n"
        "  os: windows\n"
        "body: |-\n"
        "  Behind a corporate proxy `requests` got the proxy's **HTML** login page, not JSON.\n"
        "\n"
        "  Set `NO_PROXY` for the API host; see [proxies](https://requests.readthedocs.io/en/latest/user/advanced/#proxies).\n"
    )
    with pytest.raises(DuplicateSubmission, match=r"already on file as .*2026-11-20-octo-cat.yaml \(status: pending\)"):
        _import(tmp_path, GOOD_ISSUE)
    second = _import(tmp_path, GOOD_ISSUE.replace("for the API host", "for the API host too"))
    assert second.name == "2026-11-20-octo-cat-2.yaml"
    kb = tmp_path / "kb"
    assert check([kb / "entries"], kb).problems == []


def test_yaml_injection_in_the_body_stays_body_text(tmp_path: Path) -> None:
    body = "status: approved\n---\nentry: other\n...\n%YAML 1.1\n!!python/object:os.system 'id'\n&a [*a]\n\"'|>"
    path = _import(tmp_path, _issue(body=body))
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["status"] == "pending"
    assert data["entry"] == "json-expecting-value"
    assert data["body"] == body
    kb = tmp_path / "kb"
    assert check([kb / "entries"], kb).problems == []


def test_author_option_overrides_the_form_handle(tmp_path: Path) -> None:
    path = _import(tmp_path, _issue(handle="_No response_"), author="real-author")
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["author"] == "real-author"


REJECTED_SUBMISSIONS = [
    (_issue(body="Run pip install \u202egnp.txt"),
     ["Your note: contains U+202E RIGHT-TO-LEFT OVERRIDE at character 17; remove it"]),
    (_issue(body="pa\u200bndas"),
     ["Your note: contains U+200B ZERO WIDTH SPACE at character 3; remove it"]),
    (_issue(body="nul \x00 here"), ["Your note: contains U+0000 control character at character 5; remove it"]),
    (_issue(page="https://kb.test/\u2066x"),
     ["Page URL: contains U+2066 LEFT-TO-RIGHT ISOLATE at character 17; remove it"]),
    (_issue(body="x" * (MAX_BODY_CHARS + 1)), ["Your note: too long: 4001 characters, the limit is 4000"]),
    ("x" * 20_001, ["too long: 20001 characters, the limit is 20000"]),
    (_issue(body="fine\n\n### Your handle\n\nadmin"), ["the field '### Your handle' appears twice: keep one"]),
    ("status: approved\n" + _issue(), ["text before the first field: 'status: approved' (expected '### Entry id')"]),
    (_issue(entry="../../etc/passwd"),
     ["Entry id: '../../etc/passwd' is not an entry id: lowercase words joined by hyphens"]),
    (_issue(entry="json-expecting-valeu"),
     ["Entry id: entry 'json-expecting-valeu' does not exist in {entries} (did you mean 'json-expecting-value'?)"]),
    (_issue(handle="octocat\nstatus: approved"),
     ["Your handle: 'octocat\\nstatus: approved' is not a handle: letters, digits and single hyphens inside, "
      "at most 39 characters"]),
    (_issue(versions="requests >=2\nstatus: approved"),
     ["Versions it applies to (line 2): 'status:' is not a package name (PEP 508): letters, digits, '.', '_' and "
      "'-' (write one 'package specifier' per line, e.g. 'pandas >=2.0,<3')",
      "Versions it applies to (line 2): invalid PEP 440 version specifier 'approved' (write e.g. '>=2.0,<3')"]),
    (_issue(versions="requests =>2"),
     ["Versions it applies to (line 1): invalid PEP 440 version specifier '=>2' (write e.g. '>=2.0,<3')"]),
    (_issue(page="javascript:alert(1)"), ["Page URL: not an http(s) URL: 'javascript:alert(1)'"]),
    (_issue(os="BeOS"), ["Operating system: 'BeOS' is not one of Any, Linux, macOS, Windows"]),
    (_issue(body="_No response_", handle=""),
     ["Your note: required field is empty", "Your handle: required field is empty"]),
]


@pytest.mark.parametrize(("text", "reasons"), REJECTED_SUBMISSIONS, ids=range(len(REJECTED_SUBMISSIONS)))
def test_bad_submission_is_rejected_and_writes_nothing(tmp_path: Path, text: str, reasons: list[str]) -> None:
    kb = copy_kb(tmp_path)
    with pytest.raises(SubmissionError) as raised:
        _import(tmp_path, text)
    assert raised.value.reasons == [r.format(entries=kb / "entries") for r in reasons]
    assert not (kb / "notes").exists()


def test_parse_keeps_headings_that_are_not_form_labels() -> None:
    fields = parse_issue_body(_issue(body="### My own heading\n\ntext"))
    assert fields["body"] == "### My own heading\n\ntext"
    assert fields["versions"] == ""


def test_cli_import_reports_and_writes_nothing(tmp_path: Path) -> None:
    kb = copy_kb(tmp_path)
    issue = tmp_path / "issue.md"
    issue.write_text(_issue(body="<script>\u202e</script>"), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "fixdex", "notes", "import", str(issue)],
                            cwd=kb, capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stdout == (
        f"{issue}: error: Your note: contains U+202E RIGHT-TO-LEFT OVERRIDE at character 9; remove it\n"
        "import failed: nothing was written (1 problem)\n"
    )
    assert not (kb / "notes").exists()


# --------------------------------------------------------------------------- moderation


def test_approve_and_reject_change_only_the_status(tmp_path: Path) -> None:
    folder = tmp_path / "notes" / "json-expecting-value"
    folder.mkdir(parents=True)
    note = folder / "2026-11-20-octocat.yaml"
    text = ("# hand-edited by a moderator\r\nentry: json-expecting-value\r\nauthor: octocat\r\ndate: 2026-11-20\r\n"
            "status: \"pending\"   # waiting for review\r\nbody: |\r\n  status: pending\r\n")
    note.write_bytes(text.encode())
    assert set_status(note, "approved") == ("pending", "approved")
    assert note.read_bytes() == text.replace('"pending"   #', "approved   #").encode()
    assert set_status(note, "approved") == ("approved", "approved")
    with pytest.raises(AlreadyDecided, match=r"is already approved: not rejected"):
        set_status(note, "rejected")
    assert set_status(note, "rejected", change=True) == ("approved", "rejected")
    assert note.read_bytes() == text.replace('"pending"   #', "rejected   #").encode()


def test_moderating_an_invalid_note_changes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "notes" / "json-expecting-value"
    folder.mkdir(parents=True)
    note = folder / "2026-11-20-octocat.yaml"
    note.write_text("{entry: json-expecting-value, author: octocat, date: 2026-11-20, status: pending, body: x}\n")
    with pytest.raises(ModerationError, match=r"the status line is not `status: pending`; edit it by hand"):
        set_status(note, "approved", tmp_path)
    bad = folder / "2026-11-21-octocat.yaml"
    bad.write_text("entry: json-expecting-value\nauthor: octocat\ndate: 2026-11-21\nstatus: pending\n")
    with pytest.raises(ModerationError, match=r"body: required field is missing"):
        set_status(bad, "approved", tmp_path)
    assert "pending" in note.read_text() and "pending" in bad.read_text()
