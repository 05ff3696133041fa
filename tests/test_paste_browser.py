"""The paste box, the redirects and Material's search in a real Chromium, on a real build."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import DATA, copy_match_kb, run_mkdocs, screenshot

# a Windows traceback with a log prefix, as pasted from a terminal
TRACEBACK = (DATA / "match" / "gemini-traceback.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory, serve: Any) -> str:
    kb = copy_match_kb(tmp_path_factory.mktemp("paste"))
    # a title with a code span, as many real entries have: the paste box must show code, not backticks
    pandas = kb / "entries" / "pandas-append-removed.yaml"
    old_title = "title: \"AttributeError: 'DataFrame' object has no attribute 'append'\""
    new_title = "title: \"AttributeError: `DataFrame.append` was removed in pandas 2.0\""
    text = pandas.read_text(encoding="utf-8")
    assert old_title in text
    pandas.write_text(text.replace(old_title, new_title), encoding="utf-8")
    # the repository's search separator, so the search test checks the real setting
    config = (kb / "mkdocs.yml").read_text(encoding="utf-8")
    repo_config = (Path(__file__).resolve().parent.parent / "mkdocs.yml").read_text(encoding="utf-8")
    separator = next(line for line in repo_config.splitlines() if line.strip().startswith("separator:"))
    config = config.replace("  - search\n", "  - search:\n      " + separator.strip() + "\n")
    (kb / "mkdocs.yml").write_text(config, encoding="utf-8")
    result = run_mkdocs(kb)
    assert result.returncode == 0, result.stdout + result.stderr
    return serve(kb / "site")


@pytest.mark.browser
def test_paste_a_traceback_see_the_entry_and_follow_the_link(page: Any, site_url: str) -> None:
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(site_url)
    assert not any("match-index" in url for url in requests), "the index must load on first use, not on page load"
    page.fill("#fx-paste-input", TRACEBACK)
    first = page.locator(".fx-paste-results li").first
    first.wait_for(timeout=10_000)
    assert first.get_attribute("data-entry") == "gemini-model-not-found"
    assert "fx-confident" in (first.get_attribute("class") or "")
    captures = first.locator(".fx-paste-captures").inner_text()
    assert "your model: gemini-pro-vision" in captures
    assert "your api version: v1beta" in captures
    # the entry's one-line fix, from the match index, under its title
    assert first.locator(".fx-paste-fix").inner_text() == "use a current Gemini model name"
    assert page.locator(".fx-paste-status").inner_text() == "Known error:"
    screenshot(page, "paste-box-home")
    first.locator("a").click()
    page.wait_for_url("**/errors/gemini-model-not-found/")
    assert page.locator("h1").inner_text().rstrip("¶") == "Gemini: model is not found for API version"
    assert page.console_errors == [] and page.outside_requests == []


@pytest.mark.browser
def test_paste_page_results_as_you_type_and_no_match(page: Any, site_url: str) -> None:
    page.goto(site_url + "paste/")
    page.locator("#fx-paste-input").press_sequentially("ValueError: nothing we know about here", delay=5)
    page.wait_for_function("document.querySelector('.fx-paste-status').textContent.startsWith('No ')")
    assert page.locator(".fx-paste-results li.fx-confident").count() == 0
    page.fill("#fx-paste-input", "AttributeError: 'Series' object has no attribute 'append'")
    page.locator(".fx-paste-results li.fx-confident").wait_for(timeout=10_000)
    assert page.locator(".fx-paste-results li").first.get_attribute("data-entry") == "pandas-append-removed"
    assert "your kind: Series" in page.locator(".fx-paste-captures").first.inner_text()
    title = page.locator(".fx-paste-results li").first.locator(".fx-paste-result-title")
    assert title.inner_text() == "AttributeError: DataFrame.append was removed in pandas 2.0"
    assert title.locator("code").inner_text() == "DataFrame.append"
    screenshot(page, "paste-page")
    assert page.console_errors == []


@pytest.mark.browser
def test_permalink_and_alias_redirect_keep_the_anchor(page: Any, site_url: str) -> None:
    page.goto(site_url + "e/openai-model-does-not-exist/#causes-and-fixes")
    page.wait_for_url("**/errors/openai-model-not-found/#causes-and-fixes")
    page.goto(site_url + "errors/openai-model-does-not-exist/")
    page.wait_for_url("**/errors/openai-model-not-found/")
    assert page.locator("h1").inner_text().rstrip("¶") == "openai.NotFoundError: The model does not exist"


@pytest.mark.browser
def test_material_search_finds_an_entry_from_a_message_fragment(page: Any, site_url: str) -> None:
    page.goto(site_url)
    page.locator("input.md-search__input").click()
    page.keyboard.type("gemini-pro-vision is not found for API version", delay=10)  # Material listens to keys
    results = page.locator(".md-search-result__item a")
    results.first.wait_for(timeout=15_000)
    hrefs = [results.nth(i).get_attribute("href") or "" for i in range(min(results.count(), 3))]
    assert any("errors/gemini-model-not-found/" in href for href in hrefs), hrefs
    screenshot(page, "material-search-fragment")


@pytest.mark.browser
def test_no_match_offers_the_search_and_a_prefilled_request(page: Any, site_url: str) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(site_url + "paste/")
    pasted = ("Traceback (most recent call last):\n  File \"app.py\", line 3, in <module>\n"
              "    raise zzlib.FrobnicateError(frob)\n"
              "2026-12-01 10:00:01,123 ERROR \x1b[31mzzlib.FrobnicateError:   the <img src=x onerror=alert(1)> frob"
              "   is   bent\x1b[0m\n"
              "During handling of the above exception, another exception occurred:\n"
              "RuntimeError: second " + "x" * 400)
    page.fill("#fx-paste-input", "qqqq zzzz wwww")
    page.wait_for_function("document.querySelector('.fx-paste-status').textContent.startsWith('No ')")
    assert page.locator(".fx-paste-status").inner_text() == "No known error matches this text."
    assert page.locator(".fx-paste-results li").count() == 1  # the offer, no entry
    assert "Try the search" not in page.locator(".fx-paste").inner_text()
    page.locator(".fx-paste-results .fx-request-link").wait_for(state="visible", timeout=10_000)
    # only similar entries: they are listed, and the offer follows them
    page.fill("#fx-paste-input", pasted)
    page.wait_for_function("document.querySelector('.fx-paste-status').textContent.startsWith('No ') && "
                           "document.querySelector('.fx-request-link') && "
                           "document.querySelector('.fx-request-link').href.includes('Frobnicate')")
    link = page.locator(".fx-paste-results .fx-request-link")
    link.wait_for(state="visible", timeout=10_000)
    query = parse_qs(urlsplit(link.get_attribute("href") or "").query)
    line = "zzlib.FrobnicateError: the <img src=x onerror=alert(1)> frob is bent"
    assert query == {"template": ["request.yml"], "title": ["Request: " + line], "error": [line]}
    assert "you need a git.example.test account" in page.locator(".fx-paste-results").inner_text()
    assert page.locator(".fx-paste img").count() == 0
    screenshot(page, "paste-no-match")
    page.locator(".fx-paste-results .fx-open-search").click()
    assert page.evaluate("document.getElementById('__search').checked")
    # a long first line is capped
    page.fill("#fx-paste-input", "zzlib.FrobnicateError: " + "y" * 1000)
    page.wait_for_function("document.querySelector('.fx-request-link') && "
                           "document.querySelector('.fx-request-link').href.includes('yyyy')")
    error = parse_qs(urlsplit(page.locator(".fx-request-link").get_attribute("href") or "").query)["error"][0]
    assert len(error) == 300 and error.endswith("…")
    assert dialogs == [] and page.console_errors == [] and page.outside_requests == []
