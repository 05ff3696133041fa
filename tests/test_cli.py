"""The `fixdex` command as a user runs it: new, init, export, schema."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from fixdex.model import entry_json_schema
from tests.conftest import DATA, ROOT, run_mkdocs


def fixdex(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "fixdex", *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_new_writes_a_skeleton_that_passes_check(tmp_path: Path) -> None:
    result = fixdex("new", "my-new-error", "--entries", str(tmp_path / "entries"))
    assert result.returncode == 0, result.stderr
    path = tmp_path / "entries" / "my-new-error.yaml"
    assert "id: my-new-error" in path.read_text()
    assert fixdex("check", str(path)).returncode == 0


def test_new_refuses_a_bad_id_and_an_existing_file(tmp_path: Path) -> None:
    bad = fixdex("new", "My_Error", "--entries", str(tmp_path))
    assert bad.returncode == 2 and "lowercase words joined by hyphens" in bad.stderr
    fixdex("new", "twice", "--entries", str(tmp_path))
    again = fixdex("new", "twice", "--entries", str(tmp_path))
    assert again.returncode == 2 and "already exists" in again.stderr


def test_init_creates_a_knowledge_base_that_builds(tmp_path: Path) -> None:
    target = tmp_path / "team-kb"
    result = fixdex("init", str(target))
    assert result.returncode == 0, result.stderr
    assert {"mkdocs.yml", "README.md"} <= {p.name for p in target.iterdir()}
    assert list((target / "entries").glob("*.yaml"))
    build = run_mkdocs(target)
    assert build.returncode == 0, build.stderr
    assert (target / "site" / "errors" / "json-expecting-value" / "index.html").exists()
    assert fixdex("init", str(target)).returncode == 2  # never overwrites


def test_init_writes_the_schema_and_entries_point_at_it_offline(tmp_path: Path) -> None:
    """The modeline is a relative path to the knowledge base's own schema: editor completion needs no network."""
    target = tmp_path / "team-kb"
    assert fixdex("init", str(target)).returncode == 0
    schema = target / "schema" / "entry.schema.json"
    assert json.loads(schema.read_text(encoding="utf-8")) == entry_json_schema()
    assert schema.read_text(encoding="utf-8") == (ROOT / "schema" / "entry.schema.json").read_text(encoding="utf-8")
    written = fixdex("new", "our-new-error", "--entries", str(target / "entries"))
    assert written.returncode == 0, written.stderr
    for entry in (target / "entries").glob("*.yaml"):
        first = entry.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../schema/entry.schema.json", entry.name
        assert (entry.parent / first.partition("$schema=")[2]).resolve() == schema.resolve()
    assert "raw.githubusercontent.com" not in "".join(p.read_text() for p in target.rglob("*.yaml"))


def test_published_schema_is_generated_from_the_model() -> None:
    committed = json.loads((ROOT / "schema" / "entry.schema.json").read_text())
    assert committed == entry_json_schema(), "run `fixdex schema` and commit schema/entry.schema.json"
    assert committed["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert "$defs" not in json.dumps(committed) and "prefixItems" not in json.dumps(committed)


def test_export_pages_build_with_zensical(tmp_path: Path) -> None:
    """Zensical runs no third-party plugin: it builds the pages `fixdex export` wrote."""
    kb = tmp_path / "kb"
    shutil.copytree(DATA / "kb", kb)
    docs = kb / "docs"
    result = fixdex("export", str(docs), "--config", str(kb / "mkdocs.yml"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert (docs / "errors" / "json-expecting-value.md").read_text().startswith("---\ntitle: ")
    config = yaml.safe_load((kb / "mkdocs.yml").read_text())
    config["plugins"] = ["search"]
    config["extra_css"] = ["assets/fixdex/fixdex.css"]
    (kb / "mkdocs.yml").write_text(yaml.safe_dump(config))
    zensical = Path(sys.executable).parent / "zensical"
    built = subprocess.run([str(zensical), "build"], cwd=kb, capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stdout + built.stderr
    html = (kb / "site" / "errors" / "json-expecting-value" / "index.html").read_text()
    assert "<title>JSONDecodeError: Expecting value — check the body is JSON before decoding it" in html
    assert 'application/ld+json' in html and "tabbed-set" in html


def test_export_reports_problems_and_writes_nothing(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(DATA / "kb", kb)
    shutil.copy(DATA / "bad" / "bad-enum.yaml", kb / "entries")
    result = fixdex("export", str(tmp_path / "out"), "--config", str(kb / "mkdocs.yml"))
    assert result.returncode == 1
    assert "entries/bad-enum.yaml:12:11: error: severity:" in result.stdout
    assert not (tmp_path / "out").exists()


def test_init_ships_the_same_note_form_as_this_repository(tmp_path: Path) -> None:
    """A team's "Add a note" link opens its own repository's form: init writes it, identical to ours."""
    fixdex("init", str(tmp_path / "kb"))
    shipped = tmp_path / "kb" / ".github" / "ISSUE_TEMPLATE" / "note.yml"
    assert shipped.read_text() == (ROOT / ".github" / "ISSUE_TEMPLATE" / "note.yml").read_text()


HOSTILE_NOTE = """EXPORTED-NOTE {{ config.site_name }} {% raw %} {: onclick="alert(1)" } *not emphasis*

--8<-- "mkdocs.yml"

```
code line one

code line three after a blank line
```
"""


def test_export_writes_approved_notes_as_raw_html_that_markdown_leaves_alone(tmp_path: Path) -> None:
    """Notes go into an exported page as one line of raw HTML whose text means nothing to Markdown."""
    import datetime as dt
    from html.parser import HTMLParser

    import markdown
    from markdown_it import MarkdownIt

    from fixdex.notes import Note, note_yaml, render_body

    kb = tmp_path / "kb"
    shutil.copytree(DATA / "kb", kb)
    shutil.copytree(DATA / "community-notes" / "good", kb / "notes")
    hostile = Note(entry="json-expecting-value", author="mallory", date=dt.date(2026, 11, 21), status="approved",
                   body=HOSTILE_NOTE.strip())
    (kb / "notes" / "json-expecting-value" / "2026-11-21-mallory.yaml").write_text(note_yaml(hostile))
    docs = kb / "docs"
    result = fixdex("export", str(docs), "--config", str(kb / "mkdocs.yml"))
    assert result.returncode == 0, result.stdout + result.stderr

    page = (docs / "errors" / "json-expecting-value.md").read_text(encoding="utf-8")
    assert "data-fixdex-notes" not in page and '<div class="fx-notes"></div>' not in page
    [line] = [line for line in page.splitlines() if line.startswith('<div class="fx-notes">')]
    assert line.endswith("</div>") and line.index("2026-11-21-mallory") < line.index("2026-05-10-newer")
    assert "{" not in line and "--8<--" not in line and "`" not in line and "*" not in line
    other = (docs / "errors" / "fixture-second-error.md").read_text(encoding="utf-8")
    assert "data-fixdex-notes" not in other and '<div class="fx-notes fx-notes-empty"' in other  # the empty state

    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.text: list[str] = []

        def handle_data(self, data: str) -> None:
            self.text.append(data)

    def text_of(html: str) -> str:
        parser = Text()
        parser.feed(html)
        return "".join(parser.text)

    assert "EXPORTED-NOTE {{ config.site_name }}" in text_of(line)  # what a browser shows
    assert "code line one\n\ncode line three" in text_of(line)
    assert text_of(render_body(hostile.body)).strip() in text_of(line)

    # Python-Markdown (MkDocs, Zensical) with the extensions that act on text, and CommonMark (markdown-it):
    # both pass the line through as it is
    python_markdown = markdown.markdown(page, extensions=["attr_list", "md_in_html", "pymdownx.snippets",
                                                          "pymdownx.superfences"],
                                        extension_configs={"pymdownx.snippets": {"base_path": [str(kb)]}})
    assert line in python_markdown and "site_name: Test KB" not in python_markdown
    assert line in MarkdownIt("commonmark").render(page)
