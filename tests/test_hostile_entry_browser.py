"""Entries are untrusted too: payloads in every field are refused with a located error or reach the page inert.

Contributors' pull requests carry entries, and a reviewer reads the YAML, not the
page it makes. Every prose, label and code field of the fixture entry gets the
payloads that community notes are tested with; a field the checker refuses must
be reported at its file, line, column and field path, and every field it lets
through must leave the built page without a running script, a dialog, an
injected element or a request leaving the machine.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import DATA, run_mkdocs, screenshot

ENTRY = "json-expecting-value"

PAYLOADS = [
    "<script>window.__pwned = 1; alert(1)</script>",
    '<img src=x onerror="window.__pwned=2;alert(2)">',
    '<svg onload="window.__pwned=3"><script>alert(3)</script></svg>',
    '<iframe src="https://evil.example/frame"></iframe>',
    '<a href="javascript:window.__pwned=13" onmouseover="window.__pwned=14">raw anchor</a>',
    "[click me](javascript:window.__pwned=5;alert(5))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCg3KTwvc2NyaXB0Pg==)",
    "![pixel](https://evil.example/pixel.png)",
    "<javascript:window.__pwned=9>",
    '[attr](https://ok.example/){ onclick="window.__pwned=11" }',
    '" onmouseover="window.__pwned=15" x="',
    "</title><script>window.__pwned=16</script>",
    "`code` ``` `` </code><script>window.__pwned=17</script>",
]
BLOCK = "HOSTILEVISIBLE\n\n" + "\n\n".join(PAYLOADS) + "\n"
LINE = "HOSTILEVISIBLE " + " ".join(PAYLOADS)
SHORT = "HOSTILEVISIBLE " + " ".join(PAYLOADS[i] for i in (0, 1, 5, 10, 11))

# field path -> how to set it; single-line fields get the payloads on one line
FIELDS: dict[str, Any] = {
    "title": LINE,
    "fix_title": LINE,
    "category": LINE,
    "summary": SHORT,  # one paragraph of at most 400 characters: it is also the meta description
    "quick_fix": BLOCK,
    "why": BLOCK,
    "detection": BLOCK,
    "causes[0].cause": LINE,
    "causes[0].fix": BLOCK,
    "code[0].title": LINE,
    "code[0].note": BLOCK,
    "workaround": BLOCK,
    "prevention": BLOCK,
    "references[0].title": LINE,
    "environment.verified.how": LINE,
    "stack_trace": BLOCK,
}


def set_field(data: dict[str, Any], path: str, value: Any) -> None:
    parts = [int(p) if p.isdigit() else p for p in re.split(r"[.\[\]]+", path) if p]
    target: Any = data
    for part in parts[:-1]:
        target = target[part]
    target[parts[-1]] = value


def make_kb(tmp: Path, fields: list[str]) -> Path:
    kb = tmp / "kb"
    shutil.copytree(DATA / "kb", kb)
    path = kb / "entries" / f"{ENTRY}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for field in fields:
        set_field(data, field, FIELDS[field])
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10_000), encoding="utf-8")
    return kb


@pytest.fixture(scope="module")
def hostile_entry_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[str]]:
    """Build once with every field hostile; refused fields must be located; build again with the rest."""
    first = make_kb(tmp_path_factory.mktemp("hostile-all"), list(FIELDS))
    result = run_mkdocs(first)
    report = result.stdout + result.stderr
    assert "Traceback" not in report, report
    refused = set()
    for line in report.splitlines():
        located = re.search(rf"entries/{ENTRY}\.yaml:(\d+):(\d+): error: ([\w.\[\]]+): ", line)
        if located:
            refused.add(re.sub(r"\[(\d+)\]", r"[\1]", located.group(3)))
    if result.returncode == 0:
        assert not refused
    else:
        assert refused, f"the build failed without a located error:\n{report}"
        assert (first / "site").exists() is False or not any((first / "site").iterdir()), "a partial site was written"
    passed = [f for f in FIELDS if not any(f == r or f.startswith(r + ".") or r.startswith(f) for r in refused)]
    second = make_kb(tmp_path_factory.mktemp("hostile-passed"), passed)
    result = run_mkdocs(second)
    assert result.returncode == 0, result.stdout + result.stderr
    return second / "site", refused


def test_refused_fields_are_named(hostile_entry_site: tuple[Path, set[str]]) -> None:
    _, refused = hostile_entry_site
    # raw HTML in prose is the clearest case: it must be refused, not rendered
    for field in ("summary", "quick_fix", "why", "workaround"):
        assert field in refused, f"{field} with raw HTML passed the check: {sorted(refused)}"


@pytest.mark.browser
def test_what_passes_reaches_the_page_inert(hostile_entry_site: tuple[Path, set[str]], serve, page) -> None:
    site, _ = hostile_entry_site
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(serve(site) + f"errors/{ENTRY}/")
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("HOSTILEVISIBLE").first.is_visible() or page.locator("pre").count() > 0
    links = page.locator("article a")
    for index in range(links.count()):
        link = links.nth(index)
        href = link.get_attribute("href") or ""
        if href.startswith(("javascript:", "data:")):
            raise AssertionError(f"a live {href.split(':')[0]}: link reached the page: {href}")
        if link.is_visible():
            link.hover()
    screenshot(page, "hostile-entry")
    assert page.evaluate("window.__pwned") is None
    scripts = page.evaluate("[...document.querySelectorAll('article script')].map(s => s.type)")
    assert scripts == ["application/ld+json"]
    injected = page.evaluate(
        "[...document.querySelectorAll('article iframe, article svg, article img')]"
        ".filter(e => !e.closest('.md-icon, .md-clipboard, .md-content__button')).length"
    )
    assert injected == 0
    on_attributes = page.evaluate(
        "[...document.querySelectorAll('*')].flatMap(e => [...e.attributes])"
        ".filter(a => a.name.startsWith('on')).map(a => a.name)"
    )
    assert on_attributes == []
    title = page.title()
    assert "<script>" not in page.evaluate("document.head.innerHTML.split('<title>')[0]")
    assert dialogs == []
    assert page.outside_requests == []
    assert title
