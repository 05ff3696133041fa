"""A real Chromium on a built knowledge base: what a reader sees and clicks."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import screenshot

pytestmark = pytest.mark.browser


def test_browser_is_debian_chromium(browser) -> None:
    assert browser.version.split(".")[0].isdigit()


def test_entry_page_sections_tabs_and_copy(built_kb: Path, serve, page) -> None:
    base = serve(built_kb)
    page.goto(base + "errors/json-expecting-value/")
    for heading in ["What this error means", "Causes and fixes", "Code: broken vs fixed", "Versions", "References",
                    "Community notes"]:
        assert page.get_by_role("heading", name=heading).first.is_visible(), heading
    assert page.locator(".fx-badge.fx-severity-medium").is_visible()

    broken = page.locator(".tabbed-block").nth(0)
    fixed = page.locator(".tabbed-block").nth(1)
    assert broken.is_visible() and not fixed.is_visible()
    page.get_by_text("Fixed: works").click()
    assert fixed.is_visible() and not broken.is_visible()
    assert "body.strip()" in fixed.inner_text()

    copy_buttons = page.get_by_role("button", name="Copy to clipboard")
    assert copy_buttons.count() >= 3  # message, stack trace, both code tabs
    path = screenshot(page, "entry-page")
    assert path.stat().st_size > 10_000
    assert page.console_errors == []
    assert page.outside_requests == []


def test_site_search_finds_an_entry_from_its_message(built_kb: Path, serve, page) -> None:
    base = serve(built_kb)
    page.goto(base)
    page.locator("input.md-search__input").click()
    page.keyboard.type("Expecting value", delay=30)
    # Pagefind answers at every size (`search: auto`); Material's own search: tests/test_weight_browser.py
    first = page.locator(".fx-search-results .md-search-result__item a").first
    first.wait_for(timeout=15_000)
    assert "errors/json-expecting-value/" in first.get_attribute("href")
    screenshot(page, "search-results")
    assert page.console_errors == []


def test_a_github_repository_costs_no_request_to_github(make_kb, serve, page) -> None:
    """Material asks GitHub's API for stars on every page; our source partial does not."""
    from tests.conftest import run_mkdocs

    kb = make_kb()
    config = kb / "mkdocs.yml"
    config.write_text(config.read_text().replace("https://git.example.test/team/kb", "https://github.com/example/kb"))
    assert run_mkdocs(kb).returncode == 0
    page.goto(serve(kb / "site") + "errors/json-expecting-value/")
    page.wait_for_timeout(1500)
    assert page.locator("a.md-source").first.get_attribute("href") == "https://github.com/example/kb"
    assert page.outside_requests == []
    assert page.console_errors == []
