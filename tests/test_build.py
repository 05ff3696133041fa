"""Real `mkdocs build --strict` runs of a small knowledge base; assertions on the HTML."""

from __future__ import annotations

import html as html_module
import json
import re
from pathlib import Path

import pytest

from tests.conftest import run_mkdocs

ENTRY = "errors/json-expecting-value/index.html"
SECTIONS = [
    "Quick fix",
    "What this error means",
    "Stack trace",
    "Why it happens",
    "Detection",
    "Causes and fixes",
    "Code: broken vs fixed",
    "Workaround",
    "Prevention",
    "Versions",
    "Verification",
    "References",
    "Community notes",
]


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def test_entry_page_has_every_section_in_order(built_kb: Path) -> None:
    html = read(built_kb, ENTRY)
    positions = [html.find(f">{title}<") for title in SECTIONS]
    assert all(p > 0 for p in positions), dict(zip(SECTIONS, positions, strict=True))
    assert positions == sorted(positions), "sections are out of order"


def test_entry_page_badges_and_code_tabs(built_kb: Path) -> None:
    html = read(built_kb, ENTRY)
    assert re.search(r'class="fx-badge fx-severity fx-severity-medium"[^>]*>Medium severity<', html)
    assert 'class="fx-badge fx-difficulty fx-difficulty-beginner">Beginner<' in html
    assert "Fix: 5–20 min" in html
    assert ">ValueError</a>" in html
    assert html.count('class="tabbed-set tabbed-alternate"') == 1
    assert ">Broken: raises the error<" in html and ">Fixed: works<" in html
    assert "json.loads(body) if body.strip() else None" not in html  # highlighted, so split in spans
    assert 'body</span><span class="o">.</span><span class="n">strip' in html


def test_entry_page_search_engine_tags(built_kb: Path) -> None:
    html = read(built_kb, ENTRY)
    assert (
        "<title>JSONDecodeError: Expecting value — check the body is JSON before decoding it - Test KB</title>" in html
    )
    assert '<link rel="canonical" href="https://kb.example.test/errors/json-expecting-value/">' in html
    description = re.search(r'<meta name="description" content="([^"]*)"', html)
    assert description and html_module.unescape(description.group(1)).startswith(
        "Python's json module was asked to decode text"
    )
    (ld_text,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(ld_text)
    assert data["@type"] == "TechArticle"
    assert data["datePublished"] == "2026-11-25" and data["dateModified"] == "2026-11-25"
    assert data["url"] == "https://kb.example.test/errors/json-expecting-value/"
    sitemap = read(built_kb, "sitemap.xml")
    assert "https://kb.example.test/errors/json-expecting-value/" in sitemap


def test_versions_verification_references_related(built_kb: Path) -> None:
    html = read(built_kb, "errors/fixture-second-error/index.html")
    assert "<strong>Python &gt;=3.5</strong>" in html
    assert "tested on CPython 3.11.7" in html
    # verified 2024-01-10, older than stale_after_days (365): a visible warning
    assert re.search(r'class="admonition warning".*Last verified \d year', html, re.S)
    assert 'href="https://docs.python.org/3/library/json.html#json.JSONDecodeError"' in html
    assert 'href="../json-expecting-value/">JSONDecodeError: Expecting value</a>' in html
    fresh = read(built_kb, ENTRY)
    assert "admonition warning" not in fresh


def test_edit_link_opens_the_yaml_source(built_kb: Path) -> None:
    html = read(built_kb, ENTRY)
    assert 'href="https://git.example.test/team/kb/edit/main/entries/json-expecting-value.yaml"' in html


def test_browse_pages(built_kb: Path) -> None:
    home = read(built_kb, "index.html")
    assert '<a href="browse/#entries"><strong>4</strong> entries</a>' in home
    assert 'class="fx-entry-title" href="errors/json-expecting-value/">JSONDecodeError: Expecting value</a>' in home
    for path, expected in [
        ("browse/category/valueerror/index.html", "json-expecting-value"),
        ("browse/category/http-500/index.html", "fixture-second-error"),
        ("browse/severity/critical/index.html", "fixture-second-error"),
        ("browse/package/requests/index.html", "json-expecting-value"),
        ("browse/tag/json/index.html", "json-expecting-value"),
    ]:
        assert f"errors/{expected}/" in read(built_kb, path), path
    overview = read(built_kb, "browse/index.html")
    assert '<a href="category/valueerror/">ValueError <span class="fx-count">1</span></a>' in overview


def test_entries_stay_out_of_the_sidebar(built_kb: Path) -> None:
    """An entry page's size must not grow with the number of entries: no entry links in the nav."""
    html = read(built_kb, ENTRY)
    nav = html[html.find('<nav class="md-nav md-nav--primary"') : html.find("</nav>", html.find("md-nav--primary"))]
    assert "json-expecting-value" not in nav and "fixture-second-error" not in nav


def test_pages_request_no_third_party_host(built_kb: Path) -> None:
    html = read(built_kb, ENTRY)
    sources = re.findall(r'(?:src|href)="(https?://[^"]+)"', html)
    in_head = [s for s in sources if "fonts.googleapis" in s or "cdn" in s]
    assert in_head == []


def test_bad_entry_stops_the_build_and_writes_nothing(make_kb, tmp_path: Path) -> None:
    kb = make_kb(Path("tests/data/bad/unknown-field.yaml"))
    result = run_mkdocs(kb)
    assert result.returncode != 0
    assert (
        "entries/unknown-field.yaml:14:1: error: dificulty: unknown field (did you mean `difficulty`?)" in result.stderr
    )
    assert not (kb / "site").exists()


@pytest.mark.parametrize("template", ["entry.md.j2"])
def test_a_team_overrides_a_template(make_kb, template: str) -> None:
    kb = make_kb()
    (kb / "templates").mkdir()
    (kb / "templates" / "partials").mkdir()
    (kb / "templates" / "partials" / "notes.md.j2").write_text(
        "## Ask the platform team { #community-notes }\n\nPing #platform.\n"
    )
    result = run_mkdocs(kb)
    assert result.returncode == 0, result.stderr
    html = (kb / "site" / ENTRY).read_text()
    assert ">Ask the platform team<" in html and ">Community notes<" not in html
