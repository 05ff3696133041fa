"""Community notes on real sites: real `mkdocs build --strict`, the real CLI, a real Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DATA, copy_kb, run_mkdocs, screenshot

ENTRY = "errors/json-expecting-value/index.html"
OTHER = "errors/fixture-second-error/index.html"


def fixdex(kb: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "fixdex", *args], cwd=kb, capture_output=True, text=True, timeout=120)


def build(kb: Path) -> Path:
    result = run_mkdocs(kb)
    assert result.returncode == 0, result.stdout + result.stderr
    return kb / "site"


def notes_section(html: str) -> str:
    start = html.index('id="community-notes"')
    return html[start:html.index('<script type="application/ld+json">', start)]


@pytest.fixture(scope="module")
def noted_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test knowledge base with two approved, one pending and one rejected note."""
    kb = copy_kb(tmp_path_factory.mktemp("noted"))
    shutil.copytree(DATA / "community-notes" / "good", kb / "notes")
    return build(kb)


def test_approved_notes_show_newest_first_with_author_date_and_versions(noted_site: Path) -> None:
    section = notes_section((noted_site / ENTRY).read_text(encoding="utf-8"))
    newer = section.index('<article class="fx-note" id="note-2026-05-10-newer">')
    older = section.index('<article class="fx-note" id="note-2026-03-01-older">')
    assert newer < older
    assert (
        '<p class="fx-note-meta"><span class="fx-note-author">@newer-tip</span> · '
        '<time datetime="2026-05-10">2026-05-10</time> · '
        '<span class="fx-note-applies">Applies to requests &gt;=2.27,&lt;3 on Windows · Linux</span></p>'
    ) in section
    assert ('<a href="https://requests.readthedocs.io/en/latest/user/advanced/#proxies" '
            'rel="nofollow ugc noopener">requests proxies</a>') in section
    assert "data-fixdex-notes" not in section  # the placeholder was filled
    assert "No community notes yet" not in section
    assert ('href="https://git.example.test/team/kb/issues/new?template=note.yml&amp;title=Note%3A%20json-expecting-'
            'value&amp;entry=json-expecting-value&amp;page=https%3A%2F%2Fkb.example.test%2Ferrors%2Fjson-expecting-'
            'value%2F" rel="nofollow">Add a note</a>') in section


def test_entry_without_notes_shows_the_empty_state(noted_site: Path) -> None:
    section = notes_section((noted_site / OTHER).read_text(encoding="utf-8"))
    assert ('<div class="fx-notes fx-notes-empty">\n<p>No community notes yet. Hit this error in a setup the entry '
            'does not cover? Tell others what fixed it.</p>\n</div>') in section
    assert "entry=fixture-second-error&amp;page=" in section and ">Add a note</a>" in section
    assert "fx-note\"" not in section and "<article" not in section


def test_pending_and_rejected_notes_appear_nowhere(noted_site: Path) -> None:
    files = [p for p in noted_site.rglob("*") if p.is_file()]
    assert any(p.name == "search_index.json" for p in files)
    for path in files:
        data = path.read_bytes()
        for secret in (b"PENDINGSECRET", b"REJECTEDSECRET", b"waitingauthor7", b"spamauthor7", b"spam.test"):
            assert secret not in data, f"{secret!r} leaked into {path.relative_to(noted_site)}"


def test_approved_notes_are_searchable_with_their_entry(noted_site: Path) -> None:
    """Search is Pagefind by default (fixdex.search): it indexes the page's data-pagefind-body, notes included."""
    from fixdex.search import NOT_INDEXED

    html = (noted_site / ENTRY).read_text(encoding="utf-8")
    indexed = html[html.index("<article data-pagefind-body"):]
    notes = indexed[indexed.index('<div class="fx-notes">'):]
    assert "APPROVEDMARKER" in notes and "OLDERNOTE" in notes
    assert not {".fx-notes", ".fx-note", ".fx-note-body"} & set(NOT_INDEXED)
    assert (noted_site / "pagefind" / "pagefind-entry.json").is_file()


def test_comments_are_off_by_default(noted_site: Path) -> None:
    for page in noted_site.rglob("*.html"):
        assert "giscus" not in page.read_text(encoding="utf-8"), page


def test_giscus_comments_and_pull_request_hint_without_repo_url(tmp_path: Path) -> None:
    kb = copy_kb(tmp_path)
    config = (kb / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("repo_url: https://git.example.test/team/kb\nedit_uri: edit/main/docs/\n", "")
    config += ("extra:\n  giscus:\n    repo: team/kb\n    repo_id: R_abc\n    category: Notes\n"
               "    category_id: DIC_xyz\n")
    (kb / "mkdocs.yml").write_text(config, encoding="utf-8")
    site = build(kb)
    entry = (site / ENTRY).read_text(encoding="utf-8")
    assert '<script src="https://giscus.app/client.js"' in entry
    assert 'data-repo="team/kb"' in entry and 'data-category-id="DIC_xyz"' in entry
    assert "giscus" not in (site / "index.html").read_text(encoding="utf-8")  # entry pages only
    assert ("To add a note, open a pull request that adds <code>notes/json-expecting-value/YYYY-MM-DD-your-handle.yaml"
            "</code>") in notes_section(entry)
    assert "Add a note</a>" not in entry

    (kb / "mkdocs.yml").write_text(config.replace("    category_id: DIC_xyz\n", ""), encoding="utf-8")
    failed = run_mkdocs(kb)
    assert failed.returncode != 0
    assert "fixdex: extra.giscus: missing category_id (copy the values from https://giscus.app)" in failed.stderr


def test_a_team_restyles_the_note_card_from_its_templates_folder(tmp_path: Path) -> None:
    kb = copy_kb(tmp_path)
    shutil.copytree(DATA / "community-notes" / "good", kb / "notes")
    (kb / "templates" / "partials").mkdir(parents=True)
    (kb / "templates" / "partials" / "note.html.j2").write_text(
        '<aside class="team-note">{{ note.author }} wrote on {{ note.date }}: {{ note.body }}</aside>\n')
    section = notes_section((build(kb) / ENTRY).read_text(encoding="utf-8"))
    assert '<aside class="team-note">newer-tip wrote on 2026-05-10: <p>NEWERNOTE APPROVEDMARKER' in section
    assert "fx-note-meta" not in section and section.count('<aside class="team-note">') == 2


def test_bad_note_stops_the_build(tmp_path: Path) -> None:
    kb = copy_kb(tmp_path)
    shutil.copytree(DATA / "community-notes" / "bad" / "no-such-entry", kb / "notes" / "no-such-entry")
    result = run_mkdocs(kb)
    assert result.returncode != 0
    assert ("notes/no-such-entry/2026-01-10-missing-entry.yaml:1:8: error: entry: entry 'no-such-entry' does not "
            "exist") in result.stderr


def test_issue_body_to_page_end_to_end(tmp_path: Path) -> None:
    """The moderator's flow: import the issue body, approve, build: the note is on the page."""
    kb = copy_kb(tmp_path)
    imported = fixdex(kb, "notes", "import", str(DATA / "community-notes" / "issue-good.md"), "--date", "2026-11-20")
    assert imported.returncode == 0, imported.stdout + imported.stderr
    path = "notes/json-expecting-value/2026-11-20-octo-cat.yaml"
    assert imported.stdout.startswith(f"wrote {path} (status: pending)")
    pending = notes_section((build(kb) / ENTRY).read_text(encoding="utf-8"))
    assert "NO_PROXY" not in pending and "No community notes yet." in pending

    approved = fixdex(kb, "notes", "approve", path)
    assert approved.returncode == 0, approved.stderr
    assert approved.stdout == f"approved {path}: it appears on the entry page at the next build\n"
    section = notes_section((build(kb) / ENTRY).read_text(encoding="utf-8"))
    assert '<span class="fx-note-author">@octo-cat</span>' in section
    assert "Applies to requests &gt;=2.28,&lt;3 on Windows · urllib3 on Windows" in section
    assert "Set <code>NO_PROXY</code> for the API host" in section

    undecided = fixdex(kb, "notes", "reject", path)
    assert undecided.returncode == 1
    assert f"{path} is already approved: not rejected" in undecided.stderr
    rejected = fixdex(kb, "notes", "reject", "--change", path)
    assert rejected.returncode == 0
    assert "NO_PROXY" not in notes_section((build(kb) / ENTRY).read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- hostile note in a browser

HOSTILE_NOTE = """HOSTILEVISIBLE: this note is made of payloads.

<script>window.__pwned = 1; alert(1)</script>
<img src=x onerror="window.__pwned=2;alert(2)">
<svg onload="window.__pwned=3"><script>alert(3)</script></svg>
<math><mtext><table><mglyph><style><img src=x onerror=window.__pwned=4>
<iframe src="https://evil.example/frame"></iframe>
<a href="javascript:window.__pwned=13" onmouseover="window.__pwned=14">raw anchor</a>

[click me](javascript:window.__pwned=5;alert(5))
[entity](&#106;avascript:window.__pwned=6)
[data](data:text/html;base64,PHNjcmlwdD5hbGVydCg3KTwvc2NyaXB0Pg==)
[homoglyph](j\u0430vascript:window.__pwned=8)
![pixel](https://evil.example/pixel.png)
[ref][r]
<javascript:window.__pwned=9>
[quote](https://ok.example/"onmouseover="window.__pwned=10)
[attr](https://ok.example/){ onclick="window.__pwned=11" }

[r]: javascript:window.__pwned=12

--8<-- "mkdocs.yml"
"""


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site whose approved note is made of payloads, taken in through the real CLI.

    pymdownx.snippets is switched on: were the note ever Markdown source, its
    `--8<--` line would pull mkdocs.yml into the page.
    """
    tmp = tmp_path_factory.mktemp("hostile")
    kb = copy_kb(tmp)
    config = (kb / "mkdocs.yml").read_text(encoding="utf-8")
    (kb / "mkdocs.yml").write_text(config.replace("  - tables\n", "  - tables\n  - pymdownx.snippets\n"))
    issue = tmp / "issue.md"
    issue.write_text(f"### Entry id\n\njson-expecting-value\n\n### Your note\n\n{HOSTILE_NOTE}\n\n"
                     "### Your handle\n\nmallory\n", encoding="utf-8")
    imported = fixdex(kb, "notes", "import", str(issue), "--date", "2026-11-21")
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert fixdex(kb, "notes", "approve", "notes/json-expecting-value/2026-11-21-mallory.yaml").returncode == 0
    return build(kb)


def test_hostile_note_html_is_inert(hostile_site: Path) -> None:
    section = notes_section((hostile_site / ENTRY).read_text(encoding="utf-8"))
    body = section[section.index('<div class="fx-note-body">'):section.index("</article>")]
    tags = set(re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", body))
    assert tags <= {"div", "p", "a", "br"}, tags
    assert re.findall(r'<a href="([^"]*)"', body) == [
        "https://evil.example/pixel.png", "https://ok.example/%22onmouseover=%22window.__pwned=10",
        "https://ok.example/",
    ]
    assert not re.search(r"<[^>]*\son[a-z]+=", body)
    assert "site_name: Test KB" not in section  # the snippets line stayed text


@pytest.mark.browser
def test_hostile_note_runs_nothing_in_a_browser(hostile_site: Path, serve, page) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(serve(hostile_site) + "errors/json-expecting-value/")
    page.wait_for_load_state("networkidle")
    note = page.locator(".fx-note").first
    note.scroll_into_view_if_needed()
    assert page.get_by_text("HOSTILEVISIBLE: this note is made of payloads.").is_visible()
    assert note.get_by_text('<script>window.__pwned = 1; alert(1)</script>').is_visible()
    links = note.locator("a")
    for index in range(links.count()):
        link = links.nth(index)
        link.hover()
        if link.get_attribute("href") is None:  # inert anchors: clicking must do nothing
            link.click()
    path = screenshot(page, "notes-hostile")
    assert path.stat().st_size > 10_000
    assert page.evaluate("window.__pwned") is None
    assert page.evaluate("document.querySelectorAll('.fx-notes script, .fx-notes img, .fx-notes svg, "
                         ".fx-notes iframe, .fx-notes style, .fx-notes math').length") == 0
    assert page.evaluate("[...document.querySelectorAll('.fx-notes *')].flatMap(e => [...e.attributes])"
                         ".filter(a => a.name.startsWith('on')).length") == 0
    assert dialogs == []
    assert page.outside_requests == []
    assert page.console_errors == []


@pytest.mark.browser
def test_notes_and_empty_state_in_a_browser(noted_site: Path, serve, page) -> None:
    base = serve(noted_site)
    page.goto(base + "errors/json-expecting-value/")
    heading = page.get_by_role("heading", name="Community notes")
    heading.scroll_into_view_if_needed()
    notes = page.locator(".fx-note")
    assert notes.count() == 2
    assert "NEWERNOTE" in notes.nth(0).inner_text() and "OLDERNOTE" in notes.nth(1).inner_text()
    assert page.get_by_role("link", name="Add a note").is_visible()
    screenshot(page, "notes-approved")
    page.goto(base + "errors/fixture-second-error/")
    empty = "No community notes yet. Hit this error in a setup the entry does not cover? Tell others what fixed it."
    assert page.get_by_text(empty).is_visible()
    assert page.outside_requests == []
    assert page.console_errors == []
