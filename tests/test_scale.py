"""Search on a large site: 1,000 synthetic entries, Pagefind behind Material's search box.

One real build per module; each test drives the header search box in Chromium the
way a reader does (the `/` shortcut, typing, pasting with Ctrl+V, Enter, Escape)
and counts the bytes the browser fetched for its first result. Speed figures
come from benchmarks/scale.py (docs/scale.md), not from here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from benchmarks.scale import SearchRun, search_in_browser
from benchmarks.synthetic import write_knowledge_base
from tests.conftest import run_mkdocs, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SIZE = 1000
SEARCH_BUDGET_KB = 300  # the budget at 10,000 entries holds at 1,000 too


@pytest.fixture(scope="module")
def large_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1,000 synthetic entries built once with Pagefind search and instant navigation; returns the project."""
    project = tmp_path_factory.mktemp("scale") / "kb"
    config = write_knowledge_base(project, SIZE, search="pagefind")
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("features: [", "features: [navigation.instant, "), encoding="utf-8")
    result = run_mkdocs(project)
    assert result.returncode == 0, result.stdout + result.stderr
    return project


@pytest.fixture(scope="module")
def site_url(large_kb: Path, serve: Any) -> str:
    return serve(large_kb / "site")


def entry(project: Path, index: int) -> dict[str, Any]:
    """The synthetic entry with this number (ids end in -<index>)."""
    path = next((project / "entries").glob(f"synthetic-*-{index}.yaml"))
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def start_page(site_url: str, project: Path) -> str:
    return f"{site_url}errors/{entry(project, 3)['id']}/"


def first_result(page: Any) -> tuple[str, str]:
    link = page.locator(".fx-search-results .md-search-result__item a").first
    return link.get_attribute("href") or "", link.locator("h1").inner_text()


def wait_for_first_result(page: Any, entry_id: str) -> None:
    page.wait_for_function(
        "id => (document.querySelector('.fx-search-results .md-search-result__item a') || {}).href?.includes(id)",
        arg=f"/errors/{entry_id}/",
    )


def assert_within_budget(run: SearchRun) -> None:
    fetched = "\n".join(f"{size:>8} {url}" for url, size in run.requests)
    assert run.search_kb <= SEARCH_BUDGET_KB, f"search fetched {run.search_kb:.0f} KB:\n{fetched}"
    assert any("/pagefind/" in url and "pf_index" in url for url, _ in run.requests), fetched
    assert not any("search_index.json" in url and size > 2000 for url, size in run.requests), fetched


def test_typed_title_finds_its_entry_within_budget(page: Any, large_kb: Path, site_url: str) -> None:
    target = entry(large_kb, 517)
    query = target["title"].replace(":", "")  # "pkg SomeError word 517"
    run = search_in_browser(page, start_page(site_url, large_kb), query, target["id"], fixdex=True)
    href, title = first_result(page)
    path = screenshot(page, "scale-search-typed")
    assert run.right, f"first result {href} ({title}) for {query!r}; expected {target['id']} (see {path})"
    assert title == target["title"], "result titles are the entry titles, without the heading's permalink sign"
    assert "<mark>" in page.locator(".fx-search-results .md-search-result__item p").first.inner_html()
    assert_within_budget(run)
    assert page.console_errors == [] and page.outside_requests == []


def test_pasted_traceback_finds_its_entry(page: Any, large_kb: Path, site_url: str) -> None:
    target = entry(large_kb, 244)
    traceback = target["stack_trace"]
    assert traceback.count("\n") >= 5 and ", line " in traceback  # a full traceback: paths and line numbers
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url.rstrip("/"))
    run = search_in_browser(page, start_page(site_url, large_kb), traceback, target["id"], fixdex=True, paste=True)
    href, title = first_result(page)
    path = screenshot(page, "scale-search-pasted")
    # a text input drops line breaks; the box keeps the line that names the error
    assert page.input_value(".md-search__input") == target["message"]
    assert run.right, f"first result {href} ({title}) for the pasted traceback; expected {target['id']} (see {path})"
    assert_within_budget(run)
    assert page.console_errors == [] and page.outside_requests == []


def test_keyboard_and_instant_navigation(page: Any, large_kb: Path, site_url: str) -> None:
    target = entry(large_kb, 808)
    page.goto(start_page(site_url, large_kb))
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.classList.contains('md-search__input')")
    page.keyboard.type(target["title"].replace(":", ""), delay=20)
    wait_for_first_result(page, target["id"])
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.classList.contains('md-search-result__link')")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.classList.contains('md-search__input')")
    page.keyboard.press("Escape")
    assert not page.evaluate("document.getElementById('__search').checked")

    page.keyboard.press("/")
    page.keyboard.press("Enter")  # the first result, highlighted on arrival (search.highlight)
    page.wait_for_url(f"**/errors/{target['id']}/?h=*")
    page.wait_for_selector("article mark")
    screenshot(page, "scale-search-arrived")
    # instant navigation swapped the page without reloading: the search box still answers
    page.keyboard.press("/")
    page.fill(".md-search__input", entry(large_kb, 42)["title"].replace(":", ""))
    wait_for_first_result(page, entry(large_kb, 42)["id"])
    assert page.console_errors == [] and page.outside_requests == []


def test_material_index_stays_empty(large_kb: Path) -> None:
    """Pagefind answers; the index Material's worker fetches with every page holds no page."""
    index = json.loads((large_kb / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["docs"] == []
    html = (large_kb / "site" / "errors" / entry(large_kb, 5)["id"] / "index.html").read_text(encoding="utf-8")
    assert "<article data-pagefind-body" in html and "fx-search-results" in html
    assert (large_kb / "site" / "pagefind" / "pagefind-entry.json").is_file()
