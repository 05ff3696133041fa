"""`mkdocs serve` rebuilds when an entry or a template changes."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
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


def test_serve_rebuilds_on_entry_and_template_changes(make_kb) -> None:
    kb: Path = make_kb()
    (kb / "templates" / "partials").mkdir(parents=True)  # as `fixdex init` leaves it
    port = free_port()
    url = f"http://127.0.0.1:{port}/errors/json-expecting-value/"
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=kb, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        assert wait_for(url, "JSONDecodeError: Expecting value"), "the site was never served"
        entry = kb / "entries" / "json-expecting-value.yaml"
        entry.write_text(entry.read_text().replace('title: "JSONDecodeError: Expecting value"',
                                                   'title: "JSONDecodeError: Expecting a value (edited)"'))
        assert wait_for(url, "Expecting a value (edited)"), "an edited entry was not rebuilt"
        (kb / "templates" / "partials" / "notes.md.j2").write_text("## Notes from the serve test\n")
        assert wait_for(url, "Notes from the serve test"), "a new template was not picked up"
    finally:
        server.terminate()
        server.wait(timeout=30)
