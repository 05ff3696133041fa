"""The paste box's matcher in a real Chromium: off the main thread, bounded, and the same without Workers."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import DATA, copy_match_kb, run_mkdocs

TRACEBACK = (DATA / "match" / "gemini-traceback.txt").read_text(encoding="utf-8")
OPENAI = "openai.NotFoundError: The model `o9` does not exist or you do not have access to it.\n"
# the CUDA message's own words, repeated: a line like this froze the old matcher's tab for 30 s
CUDA_WORDS = "CUDA out of memory. Tried to allocate (GPU ; total capacity; " * 180


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory, serve: Any) -> str:
    kb = copy_match_kb(tmp_path_factory.mktemp("match-browser"))
    result = run_mkdocs(kb)
    assert result.returncode == 0, result.stdout + result.stderr
    return serve(kb / "site")


def _first_result(page: Any) -> Any:
    first = page.locator(".fx-paste-results li").first
    first.wait_for(timeout=15_000)
    return first


@pytest.mark.browser
def test_matching_runs_in_a_worker(page: Any, site_url: str) -> None:
    page.goto(site_url + "paste/")
    page.fill("#fx-paste-input", TRACEBACK)
    assert _first_result(page).get_attribute("data-entry") == "gemini-model-not-found"
    assert any(w.url.endswith("/assets/fixdex/fixdex-match-worker.js") for w in page.workers)
    # the worker fetched the index; the page only got the rules back (for the request line)
    assert page.evaluate("window.fixdexMatch.current !== null")
    assert page.console_errors == [] and page.outside_requests == []


@pytest.mark.browser
def test_a_long_paste_is_cut_to_its_bounded_slice_and_the_reader_is_told(page: Any, site_url: str) -> None:
    page.goto(site_url + "paste/")
    noise = "".join(f"2026-01-02 03:04:05 INFO step {i} of the build finished\n" for i in range(3000))
    page.fill("#fx-paste-input", noise + OPENAI)
    first = _first_result(page)
    assert first.get_attribute("data-entry") == "openai-model-not-found"
    status = page.locator(".fx-paste-status").inner_text()
    assert "only its last 100,000 characters were matched" in status
    assert page.console_errors == []


@pytest.mark.browser
def test_adversarial_paste_leaves_the_page_responsive(page: Any, site_url: str) -> None:
    page.goto(site_url + "paste/")
    page.fill("#fx-paste-input", CUDA_WORDS + "\n" + OPENAI)
    # the page answers at once while the worker matches
    assert page.evaluate("() => new Promise((done) => setTimeout(() => done(1), 0))") == 1
    assert _first_result(page).get_attribute("data-entry") == "openai-model-not-found"
    assert page.console_errors == []


@pytest.mark.browser
def test_without_workers_the_page_matches_itself(page: Any, site_url: str) -> None:
    page.add_init_script("delete window.Worker;")
    page.goto(site_url + "paste/")
    page.fill("#fx-paste-input", TRACEBACK)
    assert _first_result(page).get_attribute("data-entry") == "gemini-model-not-found"
    assert page.workers == []
    assert page.console_errors == []


@pytest.mark.browser
def test_the_site_search_reduces_a_pasted_traceback_with_the_matchers_rules(page: Any, site_url: str) -> None:
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(site_url + "errors/openai-model-not-found/")
    page.keyboard.press("/")
    page.wait_for_function("window.fixdexMatch !== undefined")  # loaded on focus, with api/match-rules.json
    assert any(url.endswith("/api/match-rules.json") for url in fetched)
    assert not any("match-index" in url for url in fetched), "the search needs the rules, not the index"
    page.evaluate("""(text) => {
        const input = document.querySelector(".md-search__input");
        const data = new DataTransfer();
        data.setData("text/plain", text);
        input.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
    }""", "Traceback (most recent call last):\n  File \"/srv/app.py\", line 3, in <module>\n\x1b[31m" + OPENAI)
    value = page.locator(".md-search__input").input_value()
    assert value == "openai.NotFoundError: The model `o9` does not exist or you do not have access to it."
    first = page.locator(".fx-search-results .md-search-result__item a").first
    first.wait_for(timeout=15_000)
    assert "errors/openai-model-not-found/" in (first.get_attribute("href") or "")
    assert page.console_errors == [] and page.outside_requests == []
