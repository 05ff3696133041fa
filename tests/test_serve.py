"""`mkdocs serve` rebuilds when anything that changes a page changes: entries, templates, notes, data files."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
            return response.read().decode()
    except OSError:
        return ""


def wait_for(url: str, text: str, seconds: float = 120) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if text in fetch(url):
            return True
        time.sleep(0.5)
    return False


@contextlib.contextmanager
def serving(kb: Path) -> Iterator[str]:
    """`mkdocs serve` of `kb` on a free loopback port; yields the entry page's URL once it is served."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/errors/json-expecting-value/"
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=kb, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        assert wait_for(url, "JSONDecodeError: Expecting value"), "the site was never served"
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_serve_rebuilds_on_entry_and_template_changes(make_kb) -> None:
    kb: Path = make_kb()
    (kb / "templates" / "partials").mkdir(parents=True)  # as `fixdex init` leaves it
    with serving(kb) as url:
        entry = kb / "entries" / "json-expecting-value.yaml"
        entry.write_text(entry.read_text().replace('title: "JSONDecodeError: Expecting value"',
                                                   'title: "JSONDecodeError: Expecting a value (edited)"'))
        assert wait_for(url, "Expecting a value (edited)"), "an edited entry was not rebuilt"
        (kb / "templates" / "partials" / "notes.md.j2").write_text("## Notes from the serve test\n")
        assert wait_for(url, "Notes from the serve test"), "a new template was not picked up"


RETIRED = """identifiers:
  - name: raw_decode
    kind: api
    replacement: SERVE-TEST-REPLACEMENT
    source:
      url: https://docs.python.org/3/library/json.html
      title: json — JSON encoder and decoder
      kind: docs
    checked: 2026-11-25
    patterns:
      - 'raw_decode'
"""


def test_serve_rebuilds_when_a_data_file_is_replaced(make_kb) -> None:
    """data/retired.yaml changes a page; replaced in one step (os.replace), as editors and `fixdex` write files."""
    kb: Path = make_kb()
    (kb / "data").mkdir()
    (kb / "data" / "retired.yaml").write_text("identifiers: []\n")
    with serving(kb) as url:
        assert "SERVE-TEST-REPLACEMENT" not in fetch(url)
        temporary = kb / "data" / ".retired.yaml.tmp"
        temporary.write_text(RETIRED)
        os.replace(temporary, kb / "data" / "retired.yaml")
        assert wait_for(url, "SERVE-TEST-REPLACEMENT"), "a replaced data/retired.yaml was not rebuilt"


class Watcher:
    def __init__(self) -> None:
        self.watched: list[str] = []

    def watch(self, path: str, func: None = None, *, recursive: bool = True) -> None:
        self.watched.append(path)


def test_serve_watches_every_input_that_changes_a_page(make_kb) -> None:
    from mkdocs.config import load_config

    kb: Path = make_kb()
    for folder in ("templates", "notes/json-expecting-value", "verification", "data"):
        (kb / folder).mkdir(parents=True)
    (kb / "data" / "retired.yaml").write_text("identifiers: []\n")
    (kb / "data" / "link-status.json").write_text('{"links": []}\n')
    (kb / "published-urls.txt").write_text("# nothing published yet\n")
    config = load_config(str(kb / "mkdocs.yml"))
    plugin = config.plugins["fixdex"]
    plugin.on_startup(command="serve", dirty=False)
    config = plugin.on_config(config)
    server = Watcher()
    plugin.on_serve(server, config=config, builder=None)  # type: ignore[arg-type]
    assert sorted(Path(p).relative_to(kb.resolve()).as_posix() for p in server.watched) == [
        "data/link-status.json", "data/retired.yaml", "entries", "notes", "published-urls.txt", "templates",
        "verification",
    ]
    (kb / "data" / "link-status.json").unlink()  # only what exists is watched
    server = Watcher()
    plugin.on_serve(server, config=config, builder=None)  # type: ignore[arg-type]
    assert str(kb.resolve() / "data" / "link-status.json") not in server.watched
