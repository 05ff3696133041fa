"""Shared fixtures: real knowledge bases built by real MkDocs, and a real Chromium."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
os.environ.setdefault("DISABLE_MKDOCS_2_WARNING", "true")


def run_mkdocs(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`mkdocs build --strict` in a subprocess, exactly as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=900,
    )


def copy_kb(tmp_path: Path, source: Path = DATA / "kb") -> Path:
    target = tmp_path / "kb"
    shutil.copytree(source, target)
    return target


def copy_match_kb(tmp_path: Path) -> Path:
    """tests/data/kb with the matcher's fixture entries (tests/data/match/entries) added: the paste box's site."""
    kb = copy_kb(tmp_path)
    for entry in (DATA / "match" / "entries").glob("*.yaml"):
        shutil.copy(entry, kb / "entries" / entry.name)
    return kb


@pytest.fixture
def make_kb(tmp_path: Path) -> Callable[..., Path]:
    """A copy of tests/data/kb in a temp dir; pass extra entry files to add."""

    def make(*entries: Path) -> Path:
        kb = copy_kb(tmp_path)
        for entry in entries:
            shutil.copy(entry, kb / "entries" / entry.name)
        return kb

    return make


@pytest.fixture(scope="session")
def built_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/data/kb built once per session; returns its site folder."""
    kb = copy_kb(tmp_path_factory.mktemp("built"))
    result = run_mkdocs(kb)
    assert result.returncode == 0, result.stdout + result.stderr
    return kb / "site"


CATALOGUE_FILES = ("mkdocs.yml", "entries", "templates", "docs", "data", "verification", "notes", "published-urls.txt")


@pytest.fixture(scope="session")
def catalogue_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This repository's own catalogue, copied and built once per session; returns its site folder."""
    project = tmp_path_factory.mktemp("catalogue") / "kb"
    project.mkdir()
    for name in CATALOGUE_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, project / name)
        elif source.is_file():
            shutil.copy(source, project / name)
    result = run_mkdocs(project)
    assert result.returncode == 0, result.stdout + result.stderr
    return project / "site"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # one request per connection: nothing left open at shutdown

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class StaticHostHandler(http.server.SimpleHTTPRequestHandler):
    """What GitHub Pages, Netlify, Cloudflare Pages and nginx with `error_page 404` do: 404.html, status 404."""

    protocol_version = "HTTP/1.0"

    def send_head(self) -> Any:
        path = Path(self.translate_path(self.path))
        if path.is_file() or (path.is_dir() and (path / "index.html").is_file()):
            return super().send_head()
        body = (Path(self.directory) / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        return None

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def serve_folder(folder: Path, *, static_host: bool = False) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve a built site on 127.0.0.1 (a random free port); `static_host` answers missing paths with 404.html."""
    handler = functools.partial(StaticHostHandler if static_host else _QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


@pytest.fixture(scope="session")
def serve() -> Iterator[Callable[..., str]]:
    """Start a loopback server for a site folder; `static_host=True` serves 404.html for missing paths."""
    servers: list[http.server.ThreadingHTTPServer] = []

    def start(folder: Path, *, static_host: bool = False) -> str:
        server, url = serve_folder(folder, static_host=static_host)
        servers.append(server)
        return url

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's chromium driven by Playwright. A missing browser fails the test: it is set-up, not a skip."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: run scripts/setup (it installs Debian's chromium)"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    """A fresh page that records console errors and every request leaving loopback."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    page.console_errors = []  # type: ignore[attr-defined]
    page.outside_requests = []  # type: ignore[attr-defined]
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))

    def guard(route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        if url.startswith(("http://127.0.0.1", "data:", "blob:")):
            route.continue_()  # type: ignore[attr-defined]
        else:
            page.outside_requests.append(url)
            route.abort()  # type: ignore[attr-defined]

    context.route("**/*", guard)
    yield page
    context.close()


def screenshot(page: object, name: str) -> Path:
    """Keep a full-page screenshot under test-artifacts/ for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    return path
