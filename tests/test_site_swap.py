"""A failed or killed `mkdocs build` leaves the previous site whole (fixdex.site_swap)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import run_mkdocs

# A MkDocs hook the tests add to the fixture site: slow page writes, or a failure after pages are written.
HOOK = """
import os, time
def on_post_page(output, page, config):
    if os.environ.get("FIXDEX_TEST_SLOW"):
        time.sleep(0.4)
    return output
def on_post_build(config):
    if os.environ.get("FIXDEX_TEST_FAIL"):
        raise RuntimeError("the test hook fails the build after every page was written")
"""


def snapshot(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def with_hook(kb: Path) -> Path:
    (kb / "hooks.py").write_text(HOOK, encoding="utf-8")
    config = kb / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "hooks:\n  - hooks.py\n", encoding="utf-8")
    return kb


def change_fix_title(kb: Path) -> None:
    entry = kb / "entries" / "json-expecting-value.yaml"
    text = entry.read_text(encoding="utf-8")
    entry.write_text(
        text.replace(
            "fix_title: check the body is JSON before decoding it", "fix_title: check the reply is JSON first"
        ),
        encoding="utf-8",
    )


def test_a_failed_build_keeps_the_previous_site(make_kb) -> None:
    kb = with_hook(make_kb())
    assert run_mkdocs(kb).returncode == 0
    before = snapshot(kb / "site")
    assert "errors/json-expecting-value/index.html" in before
    change_fix_title(kb)  # the failed build would have written a different page
    os.environ["FIXDEX_TEST_FAIL"] = "1"
    try:
        failed = run_mkdocs(kb)
    finally:
        del os.environ["FIXDEX_TEST_FAIL"]
    assert failed.returncode != 0 and "the test hook fails the build" in failed.stdout + failed.stderr
    assert snapshot(kb / "site") == before
    assert sorted(p.name for p in kb.iterdir() if p.name.startswith(".")) == []  # no staging folder left


def test_a_killed_build_keeps_the_previous_site_and_the_next_build_replaces_it(make_kb) -> None:
    kb = with_hook(make_kb())
    assert run_mkdocs(kb).returncode == 0
    before = snapshot(kb / "site")
    env = {**os.environ, "FIXDEX_TEST_SLOW": "1"}
    build = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=kb,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    staging = kb / ".site.fixdex-building"
    deadline = time.monotonic() + 60
    while not any(staging.rglob("*.html")) and time.monotonic() < deadline:  # pages are being written
        time.sleep(0.05)
    assert any(staging.rglob("*.html")), "the build never started writing pages"
    os.killpg(build.pid, signal.SIGKILL)
    build.wait(timeout=30)
    assert snapshot(kb / "site") == before
    change_fix_title(kb)
    assert run_mkdocs(kb).returncode == 0
    after = snapshot(kb / "site")
    assert "check the reply is JSON first" in after["errors/json-expecting-value/index.html"].decode()
    assert not staging.exists()
