"""Errors of any language or system: the fixture's Go and Node.js entries, rendered and matched."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fixdex.load import load_entries
from fixdex.matcher import build_index, index_from_records, index_record, match_index
from fixdex.render import render_pages
from tests.conftest import DATA
from tests.test_match_parity import run_javascript

GO = "go-http-client-timeout-awaiting-headers"
NODE = "node-err-module-not-found"
# Log lines as services print them, not the entries' own messages
PASTES = {
    GO: '2026-12-02T10:00:00Z level=error msg="charge failed" err="Post \\"https://pay.example.test/v2/charges\\": '
        'context deadline exceeded (Client.Timeout exceeded while awaiting headers)" attempt=3\n',
    NODE: "node:internal/modules/esm/resolve:838\n"
          "  throw new ERR_MODULE_NOT_FOUND(packageName, fileURLToPath(base), null);\n"
          "        ^\n\n"
          "Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'fastify' imported from /srv/api/server.js\n"
          "    at packageResolve (node:internal/modules/esm/resolve:838:9)\n"
          "    at moduleResolve (node:internal/modules/esm/resolve:907:20) {\n"
          "  code: 'ERR_MODULE_NOT_FOUND'\n}\n\nNode.js v20.11.0\n",
}


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def json_ld(page: str) -> dict[str, Any]:
    (script,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    data: dict[str, Any] = json.loads(script)
    return data


def fences(markdown: str) -> set[str]:
    return set(re.findall(r"^ *```([a-z]+)$", markdown, re.M))


def test_code_and_stack_trace_fences_follow_the_language() -> None:
    entries = [item.entry for item in load_entries([DATA / "kb" / "entries"]).entries]
    pages = {page.path: page.markdown for page in render_pages(entries) if page.kind == "entry"}
    assert fences(pages[f"errors/{GO}.md"]) == {"go", "text"}
    assert fences(pages[f"errors/{NODE}.md"]) == {"javascript", "text"}
    assert {"python", "pytb"} <= fences(pages["errors/json-expecting-value.md"])


def test_go_page_says_how_the_error_is_raised(built_kb: Path) -> None:
    page = read(built_kb, f"errors/{GO}/index.html")
    assert "Raised as <code>*url.Error</code> by net/http (http.Client) (Go)" in page
    assert '<span class="o">:=</span>' in page and '<span class="gt">Traceback' not in page  # Go highlighting
    data = json_ld(page)
    assert data["about"] == {"@type": "Thing", "name": "*url.Error"}


def test_node_page_shows_the_error_code_and_javascript_tabs(built_kb: Path) -> None:
    page = read(built_kb, f"errors/{NODE}/index.html")
    assert "Error code <code>ERR_MODULE_NOT_FOUND</code>, raised by Node.js ES module loader (Node.js)" in page
    (line,) = re.findall(r'<p class="fx-exception">(.*?)</p>', page)
    assert "Raised as" not in line and "None" not in line
    assert '<code><span class="k">import</span>' in page  # JavaScript highlighting
    data = json_ld(page)
    assert data["about"] == {"@type": "Thing", "name": "ERR_MODULE_NOT_FOUND"}
    assert data["keywords"].startswith("ERR_MODULE_NOT_FOUND, ")


def test_python_pages_keep_their_line(built_kb: Path) -> None:
    page = read(built_kb, "errors/json-expecting-value/index.html")
    assert '<p class="fx-exception">Raised as <code>json.decoder.JSONDecodeError</code></p>' in page
    assert '<span class="gt">Traceback (most recent call last):</span>' in page


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    entries = [item.entry for item in load_entries([DATA / "kb" / "entries"]).entries]
    return [index_record(e) for e in build_index(entries).entries]


@pytest.mark.parametrize("entry_id", [GO, NODE])
def test_python_matcher_finds_it_from_a_log_line(records: list[dict[str, Any]], entry_id: str) -> None:
    top = match_index(PASTES[entry_id], index_from_records(records))[0]
    assert (top.id, top.confident) == (entry_id, True)


def test_the_error_code_agrees_as_an_exception_name_would(records: list[dict[str, Any]]) -> None:
    """A paste that only names the code, in words of its own, still finds the entry."""
    index = index_from_records(records)
    (node,) = [e for e in index.entries if e.id == NODE]
    assert (node.exception, node.error_code) == ("", "ERR_MODULE_NOT_FOUND")
    top = match_index("import failed with ERR_MODULE_NOT_FOUND: Cannot find package 'x' imported from y", index)[0]
    assert top.id == NODE


def test_javascript_matcher_ranks_them_alike(records: list[dict[str, Any]], tmp_path: Path) -> None:
    texts = [*PASTES.values(), "ERR_MODULE_NOT_FOUND while starting", "Client.Timeout exceeded"]
    index = index_from_records(records)
    expected = [{"cut": False, "candidates": [c.to_json() for c in match_index(text, index, top=5)]}
                for text in texts]
    found = run_javascript(tmp_path, records, texts, top=5)
    assert found == expected
    assert [f["candidates"][0]["id"] for f in found[:2]] == [GO, NODE]


@pytest.mark.parametrize("entry_id", [GO, NODE])
def test_fixdex_match_finds_it(make_kb: Callable[..., Path], entry_id: str) -> None:
    kb = make_kb()
    result = subprocess.run([sys.executable, "-m", "fixdex", "match", "--json"], cwd=kb, input=PASTES[entry_id],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    top = json.loads(result.stdout)[0]
    assert (top["id"], top["confident"]) == (entry_id, True)
    assert top["url"] == f"https://kb.example.test/errors/{entry_id}/"
