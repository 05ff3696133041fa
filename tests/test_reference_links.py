"""`fixdex links` against a loopback server: every answer a reference can get, and never the internet."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from fixdex.load import LoadedEntry, load_entries
from fixdex.reference_links import (
    LinkStatus,
    check_dead_primary_sources,
    check_url,
    check_urls,
    dead_references,
    probe_url,
    read_status,
    reference_extras,
    write_status,
)
from fixdex.render import RenderOptions, entry_context, make_environment, trust_line
from tests.conftest import copy_kb

TODAY = dt.date(2026, 12, 2)
SEEN: list[tuple[str, str, str]] = []  # (method, path, user agent)


class Handler(BaseHTTPRequestHandler):
    def _answer(self) -> None:
        SEEN.append((self.command, self.path, self.headers.get("User-Agent", "")))
        path = self.path.split("?")[0]
        if path == "/slow":
            time.sleep(3)
        if path == "/head-refused" and self.command == "HEAD":
            self.send_response(405)
        elif path in ("/ok", "/head-refused", "/slow"):
            self.send_response(200)
        elif path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/hop")
        elif path == "/hop":
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.1:{self.server.server_address[1]}/ok")
        elif path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
        elif path == "/gone":
            self.send_response(410)
        elif path == "/forbidden":
            self.send_response(403)
        elif path == "/broken":
            self.send_response(500)
        else:
            self.send_response(404)
        self.send_header("Content-Length", "2")
        self.end_headers()
        if self.command == "GET":
            self.wfile.write(b"ok")

    do_GET = do_HEAD = _answer

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize(
    ("path", "status", "code", "detail"),
    [
        ("/ok", "ok", 200, ""),
        ("/missing", "dead", 404, "HTTP 404"),
        ("/gone", "dead", 410, "HTTP 410"),
        ("/forbidden", "error", 403, "HTTP 403"),
        ("/broken", "error", 500, "HTTP 500"),
        ("/head-refused", "ok", 200, ""),
    ],
)
def test_answers(server: str, path: str, status: str, code: int, detail: str) -> None:
    result = check_url(server + path, timeout=2, today=TODAY)
    assert (result.status, result.code, result.detail, result.checked) == (status, code, detail, "2026-12-02")
    assert result.final_url == server + path


def test_head_first_then_get(server: str) -> None:
    SEEN.clear()
    check_url(server + "/head-refused", timeout=2)
    assert [(m, p) for m, p, _ in SEEN] == [("HEAD", "/head-refused"), ("GET", "/head-refused")]
    assert SEEN[0][2].startswith("fixdex-link-check/")
    SEEN.clear()
    check_url(server + "/ok", timeout=2)
    assert [(m, p) for m, p, _ in SEEN] == [("HEAD", "/ok")]


def test_redirects_are_recorded_hop_by_hop(server: str) -> None:
    result = check_url(server + "/moved", timeout=2)
    assert (result.status, result.code, result.final_url) == ("redirected", 200, server + "/ok")
    assert result.redirects == [[301, server + "/hop"], [302, server + "/ok"]]
    looping = check_url(server + "/loop", timeout=2)
    assert (looping.status, looping.detail) == ("error", "more than 10 redirects")


def test_no_answer_is_unknown_never_dead(server: str) -> None:
    slow = check_url(server + "/slow", timeout=0.5)
    assert slow.status == "unknown" and slow.detail.startswith("no answer:")
    refused = check_url(f"http://127.0.0.1:{closed_port()}/x", timeout=1)
    assert refused.status == "unknown" and "refused" in refused.detail.lower()
    nowhere = check_url("http://no-such-host.invalid/x", timeout=1)
    assert nowhere.status == "unknown"


def test_unknown_keeps_the_last_known_answer(server: str) -> None:
    port = closed_port()
    url = f"http://127.0.0.1:{port}/page"
    previous = {url: LinkStatus(url, "ok", "2026-11-01", 200, url)}
    [result] = check_urls({url: ["some-entry"]}, timeout=1, previous=previous)
    assert result.status == "unknown" and result.entries == ["some-entry"]
    assert result.last_known == {"status": "ok", "code": 200, "checked": "2026-11-01", "final_url": url}


def test_concurrency_is_capped(server: str) -> None:
    urls = {f"{server}/slow?{i}": ["e"] for i in range(4)}
    start = time.monotonic()
    results = check_urls(urls, timeout=5, workers=2)
    assert [r.status for r in results] == ["ok"] * 4
    assert time.monotonic() - start >= 5.5  # two at a time: two rounds of 3 s


def _kb_with_references(tmp_path: Path, server: str) -> Path:
    """The test knowledge base with every reference on the loopback server; the first entry's first one gone."""
    kb = copy_kb(tmp_path)
    for number, entry in enumerate(sorted((kb / "entries").glob("*.yaml"))):
        text = entry.read_text()
        for index, reference in enumerate(load_entries([entry]).entries[0].entry.references):
            path = "/gone" if number == 0 and index == 0 else f"/ok?{number}-{index}"
            text = text.replace(f"url: {reference.url}\n", f"url: {server}{path}\n", 1)
        entry.write_text(text)
    return kb


def test_results_file_page_marker_and_check(server: str, tmp_path: Path) -> None:
    kb = _kb_with_references(tmp_path, server)
    loaded = load_entries([kb / "entries"], root=kb).entries
    result = subprocess.run([sys.executable, "-m", "fixdex", "links", "--timeout", "2"], cwd=kb,
                            capture_output=True, text=True, timeout=300)
    data = json.loads((kb / "data" / "link-status.json").read_text())
    by_url = {item["url"]: item for item in data["links"]}
    assert by_url[server + "/gone"]["status"] == "dead"
    assert by_url[server + "/gone"]["code"] == 410
    assert data["format"] == 1 and data["counts"]["dead"] == 1
    assert result.returncode == 1  # a dead reference is a problem to fix
    assert f"dead: {server}/gone (HTTP 410; cited by" in result.stdout
    assert all(u.startswith(server) for u in by_url)  # never the internet
    assert {item["status"] for u, item in by_url.items() if u != server + "/gone"} == {"ok"}
    dead = dead_references(kb)
    assert list(dead) == [server + "/gone"]
    extras = reference_extras(loaded, kb)
    owner = next(e for e, data in extras.items() if data["reference_status"])
    markdown = entry_markdown(loaded, owner, extras[owner])
    line = next(line for line in markdown.splitlines() if f"]({server}/gone)" in line)
    assert line.endswith(f'<small class="fx-dead-link">dead link: HTTP 410 on {dt.date.today()}</small>')
    other = next(line for line in markdown.splitlines() if f"]({server}/ok?" in line)
    assert "fx-dead-link" not in other
    problems = check_dead_primary_sources(loaded, kb)
    assert [(p.path, p.message) for p in problems] == [
        (problems[0].path, f"the primary source is dead (HTTP 410 on {dt.date.today()}, data/link-status.json)")]
    assert problems[0].field == "references[0].url"
    shutil.rmtree(kb / "data")
    assert check_dead_primary_sources(loaded, kb) == []


def entry_markdown(loaded: list[LoadedEntry], entry_id: str, extras: dict[str, Any]) -> str:
    """The entry page's Markdown from templates/entry.md.j2 alone (the browse pages are not needed here)."""
    by_id = {item.entry.id: item.entry for item in loaded}
    options = RenderOptions()
    context = entry_context(by_id[entry_id], f"errors/{entry_id}.md", by_id, options)
    context.update(extras)
    context["trust"] = trust_line(by_id[entry_id], None, options.today)
    return make_environment().get_template("entry.md.j2").render(context)


def test_status_file_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "data" / "link-status.json"
    results = [LinkStatus("https://example.org/a", "unknown", "2026-12-02", detail="no answer: x",
                          last_known={"status": "ok", "code": 200, "checked": "2026-11-01", "final_url": ""})]
    write_status(path, results, TODAY)
    assert read_status(path)["https://example.org/a"] == results[0]
    assert json.loads(path.read_text())["checked"] == "2026-12-02"
    assert read_status(tmp_path / "missing.json") == {}


@pytest.mark.parametrize(
    ("url", "asked"),
    [
        ("https://pypi.org/project/Flask/1.1.4/", "https://pypi.org/pypi/Flask/json"),
        ("https://pypi.org/project/pyOpenSSL/", "https://pypi.org/pypi/pyOpenSSL/json"),
        ("https://pypi.org/project/pandas/#history", "https://pypi.org/pypi/pandas/json"),
        ("https://pypi.org/help/", "https://pypi.org/help/"),
        ("https://docs.python.org/3/library/json.html", "https://docs.python.org/3/library/json.html"),
    ],
)
def test_pypi_pages_are_asked_through_the_json_api(url: str, asked: str) -> None:
    assert probe_url(url) == asked


def test_a_dead_reference_is_marked_on_its_page(make_kb) -> None:
    """data/link-status.json, as `fixdex links` writes it, marks the dead reference on the built page."""
    import json

    from tests.conftest import run_mkdocs

    kb = make_kb()
    (kb / "data").mkdir(exist_ok=True)
    dead = "https://blog.example.test/json-errors-explained"
    path = kb / "entries" / "json-expecting-value.yaml"
    entry = path.read_text(encoding="utf-8")
    # a dead primary source fails the check; a dead article is shown to readers as dead
    article = f"  - url: {dead}\n    title: A blog post about JSON errors\n    kind: article\n"
    path.write_text(entry.replace("references:\n", "references:\n" + article, 1), encoding="utf-8")
    status = {"format": 1, "checked": "2026-12-01", "counts": {"dead": 1}, "links": [
        {"url": dead, "status": "dead", "checked": "2026-12-01", "code": 404, "final_url": dead, "redirects": [],
         "detail": "HTTP 404", "entries": ["json-expecting-value"]}]}
    (kb / "data" / "link-status.json").write_text(json.dumps(status), encoding="utf-8")
    result = run_mkdocs(kb)
    assert result.returncode == 0, result.stdout + result.stderr
    page = (kb / "site" / "errors" / "json-expecting-value" / "index.html").read_text(encoding="utf-8")
    assert '<small class="fx-dead-link">dead link: HTTP 404 on 2026-12-01</small>' in page
