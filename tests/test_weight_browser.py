"""What an entry page costs a reader, as a real Chromium loads it from a local server.

An entry page loads no script it does not use (the paste box's scripts load only
where the paste box is) and fetches no search index: Pagefind answers by default
and loads when the reader opens the search; with `search: material`, Material's
index and worker wait for that moment too. Figures: docs/scale.md
(benchmarks/page_weight.py measures them).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from benchmarks.page_weight import Load, load_page
from tests.conftest import run_mkdocs, screenshot

pytestmark = pytest.mark.browser

ENTRY = "errors/json-expecting-value/"
# measured 74 KB gzip after this change (234 KB before); a budget with room for the entry's own growth
ENTRY_BUDGET_KB = 100
NOT_ON_AN_ENTRY_PAGE = ("fixdex-paste.js", "fixdex-match.js", "fixdex-paste.css", "search_index.json",
                        "/workers/search.", "/pagefind/", "fixdex-browse")


def requested(load: Load) -> str:
    return "\n".join(f"{r.encoded:>8} {r.url}" for r in load.requests)


def assert_lean(load: Load) -> None:
    fetched = requested(load)
    for part in NOT_ON_AN_ENTRY_PAGE:
        assert not any(part in r.url for r in load.requests), f"{load.page} fetched {part}:\n{fetched}"
    assert load.kb <= ENTRY_BUDGET_KB, f"{load.page}: {load.kb:.0f} KB gzip:\n{fetched}"


@pytest.fixture(scope="module")
def material_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test knowledge base with `search: material`; returns its site folder."""
    from tests.conftest import copy_kb

    kb = copy_kb(tmp_path_factory.mktemp("material"))
    config = kb / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("  - fixdex\n", "  - fixdex:\n      search: material\n"), encoding="utf-8")
    result = run_mkdocs(kb)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (kb / "site" / "pagefind").exists()
    return kb / "site"


def test_entry_page_loads_no_paste_script_and_no_search_index(catalogue_site: Path, serve: Any, browser: Any) -> None:
    base = serve(catalogue_site)
    for path in (ENTRY, "errors/pandas-append-removed/"):
        assert_lean(load_page(browser, base, path))
    # the pages that have the paste box do load its scripts
    home = load_page(browser, base, "")
    assert any(r.url.endswith("fixdex-paste.js") for r in home.requests), requested(home)
    assert any(r.url.endswith("fixdex-match.js") for r in home.requests), requested(home)
    assert not any("search_index.json" in r.url for r in home.requests), requested(home)


def test_pagefind_loads_when_the_reader_searches(catalogue_site: Path, serve: Any, page: Any) -> None:
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(serve(catalogue_site) + ENTRY)
    page.wait_for_load_state("networkidle")
    assert not any("/pagefind/" in url or "search_index" in url for url in fetched), fetched
    page.keyboard.press("/")
    page.keyboard.type("Expecting value", delay=30)
    first = page.locator(".fx-search-results .md-search-result__item a").first
    first.wait_for(timeout=15_000)
    assert "errors/json-expecting-value/" in (first.get_attribute("href") or "")
    assert any("/pagefind/" in url for url in fetched)
    # Pagefind answers: Material's worker never starts
    assert not any("/workers/search." in url for url in fetched), fetched
    assert page.console_errors == [] and page.outside_requests == []


def test_material_search_fetches_its_index_when_opened(material_kb: Path, serve: Any, page: Any) -> None:
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    base = serve(material_kb)
    page.goto(base + ENTRY)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    assert not any("search_index.json" in url or "/workers/search." in url for url in fetched), fetched
    page.locator("input.md-search__input").click()
    page.keyboard.type("Expecting value", delay=30)  # Material listens to key events
    first = page.locator("[data-md-component=search-result] .md-search-result__item a").first
    first.wait_for(timeout=15_000)
    assert "errors/json-expecting-value/" in (first.get_attribute("href") or "")
    assert any("search_index.json" in url for url in fetched) and any("/workers/search." in url for url in fetched)
    screenshot(page, "search-results-material")
    first.click()
    page.wait_for_selector("article mark")  # search.highlight on arrival: the index is there when asked for
    assert page.console_errors == [] and page.outside_requests == []


def test_a_highlight_link_gets_the_index_at_once(material_kb: Path, serve: Any, page: Any) -> None:
    """A link that carries ?h= asks for highlighting, which needs Material's index: it is not held back."""
    page.goto(serve(material_kb) + ENTRY + "?h=expecting")
    page.wait_for_selector("article mark", timeout=15_000)
    assert page.console_errors == []


def test_material_search_entry_page_weight(material_kb: Path, serve: Any, browser: Any) -> None:
    assert_lean(load_page(browser, serve(material_kb), ENTRY))
