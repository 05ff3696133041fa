"""The 404 page, served the way static hosts serve it: for any missing address, 404.html with status 404."""

from __future__ import annotations

import functools
import http.server
import re
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import StaticHostHandler, copy_match_kb, run_mkdocs, screenshot


def build(tmp: Path, *, repo_url: bool) -> Path:
    kb = copy_match_kb(tmp)
    if not repo_url:
        config = kb / "mkdocs.yml"
        text = re.sub(r"(?m)^(repo_url|edit_uri):.*\n", "", config.read_text(encoding="utf-8"))
        config.write_text(text.replace("content.action.edit, ", ""), encoding="utf-8")
    result = run_mkdocs(kb)
    assert result.returncode == 0, result.stdout + result.stderr
    return kb / "site"


@pytest.fixture(scope="module")
def hosts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Two sites, with and without repo_url, each behind a static-host handler; name -> base URL."""
    servers = []
    urls = {}
    for name, repo_url in (("with_repo", True), ("without_repo", False)):
        site = build(tmp_path_factory.mktemp(name), repo_url=repo_url)
        handler = functools.partial(StaticHostHandler, directory=str(site))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        urls[name] = f"http://127.0.0.1:{server.server_address[1]}/"
    yield urls
    for server in servers:
        server.shutdown()
        server.server_close()


def _status(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url) as response:  # noqa: S310 - loopback only
            return response.status, response.headers["Content-Type"], response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode("utf-8")


def _console_errors(page: Any) -> list[str]:
    # Chromium reports the 404 status of the page itself as a console error; that one is the point here
    return [e for e in page.console_errors if "status of 404" not in e]


def test_the_host_answers_missing_addresses_with_the_404_page(hosts: dict[str, str]) -> None:
    for path in ("errors/zz-unknown/", "e/zz-unknown/", "api/e/zz-unknown.json", "a/b/c/d/"):
        status, content_type, body = _status(hosts["with_repo"] + path)
        assert status == 404 and content_type.startswith("text/html"), path
        assert "data-fixdex-not-found" in body and 'id="fx-paste-input"' in body
    # absolute addresses: the page works at any depth
    body = _status(hosts["with_repo"] + "a/b/c/d/")[2]
    assert 'src="/assets/fixdex/fixdex-paste.js"' in body and 'href="/browse/"' in body


@pytest.mark.browser
@pytest.mark.parametrize("path", ["errors/zz-unknown/", "e/zz-unknown/"])
def test_a_missing_entry_offers_a_request_with_its_id(page: Any, hosts: dict[str, str], path: str) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    response = page.goto(hosts["with_repo"] + path)
    assert response.status == 404
    assert page.locator("#fx-paste-input").is_visible()
    assert page.locator(".fx-not-found-entry").inner_text().startswith("The entry zz-unknown is not written yet.")
    link = page.locator(".fx-request-link")
    link.wait_for(state="visible", timeout=10_000)
    href = link.get_attribute("href") or ""
    assert href.startswith("https://git.example.test/team/kb/issues/new?")
    assert parse_qs(urlsplit(href).query) == {
        "template": ["request.yml"],
        "title": ["Request: zz-unknown"],
        "entry": ["zz-unknown"],
    }
    assert "you need a git.example.test account" in page.locator(".fx-request-note").inner_text()
    if path.startswith("e/"):
        screenshot(page, "not-found-entry")
    # the site search opens from the page
    page.locator(".fx-not-found .fx-open-search").click()
    assert page.evaluate("document.getElementById('__search').checked")
    assert _console_errors(page) == [] and page.outside_requests == [] and dialogs == []


@pytest.mark.browser
def test_the_paste_box_works_on_the_404_page_at_any_depth(page: Any, hosts: dict[str, str]) -> None:
    page.goto(hosts["with_repo"] + "some/deep/e/zz-unknown/")
    page.wait_for_function("document.querySelector('[data-fixdex-not-found]').getAttribute('data-fixdex-ready')")
    assert page.locator(".fx-not-found-entry").is_hidden()  # not the site's /e/: no request for an id
    page.fill("#fx-paste-input", "AttributeError: 'DataFrame' object has no attribute 'append'")
    first = page.locator(".fx-paste-results li").first
    first.wait_for(timeout=10_000)
    assert first.get_attribute("data-entry") == "pandas-append-removed"
    first.locator("a").click()
    page.wait_for_url("**/errors/pandas-append-removed/")
    assert _console_errors(page) == [] and page.outside_requests == []


@pytest.mark.browser
def test_a_hostile_address_inserts_nothing(page: Any, hosts: dict[str, str]) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for path in (
        "e/<img src=x onerror=alert(1)>/",
        "errors/%3Cscript%3Ealert(1)%3C%2Fscript%3E/",
        "e/%E0%A4%A/",
        "e/" + "a" * 200 + "/",
        "e/Upper-Case/",
    ):
        page.goto(hosts["with_repo"] + path)
        page.wait_for_function("document.querySelector('[data-fixdex-not-found]').getAttribute('data-fixdex-ready')")
        assert page.locator(".fx-not-found-entry").is_hidden(), path
        assert page.locator(".fx-not-found-id").inner_text() == ""
        assert page.locator(".fx-not-found img, .fx-not-found script").count() == 0
        assert page.locator(".fx-request-link").is_hidden()
    assert dialogs == [] and _console_errors(page) == [] and page.outside_requests == []


@pytest.mark.browser
def test_without_a_repository_there_is_no_request_link(page: Any, hosts: dict[str, str]) -> None:
    page.goto(hosts["without_repo"] + "e/zz-unknown/")
    assert page.locator(".fx-not-found-entry").inner_text().startswith("The entry zz-unknown is not written yet.")
    page.wait_for_load_state("networkidle")
    assert page.locator(".fx-request-link").is_hidden()
    assert page.locator("#fx-paste-input").is_visible() and page.locator(".fx-open-search").is_visible()
    page.fill("#fx-paste-input", "ValueError: nothing we know about here")
    page.wait_for_function("document.querySelector('.fx-paste-status').textContent.startsWith('No ')")
    page.wait_for_load_state("networkidle")
    assert page.locator(".fx-paste-results .fx-request-link").count() == 0
    assert page.locator(".fx-paste-results .fx-open-search").is_visible()
    assert _console_errors(page) == [] and page.outside_requests == []
