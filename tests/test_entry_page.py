"""The built HTML of every shipped entry page: what search engines, link previews and tools read."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT

ENTRIES = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "entries").glob("*.yaml"))}


class Head(HTMLParser):
    """The <title>, the meta description and the JSON-LD of a page, as a browser would parse them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.description: str | None = None
        self.json_ld: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "title":
            self._in = "title"
        elif tag == "meta" and values.get("name") == "description":
            self.description = values.get("content")
        elif tag == "script" and values.get("type") == "application/ld+json":
            self._in = "json_ld"
            self.json_ld.append("")

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "title":
            self.title += data
        elif self._in == "json_ld":
            self.json_ld[-1] += data


def one_line(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("entry_id", sorted(ENTRIES))
def test_head_says_what_the_entry_says(entry_id: str, catalogue_site: Path) -> None:
    entry = ENTRIES[entry_id]
    page = (catalogue_site / "errors" / entry_id / "index.html").read_text(encoding="utf-8")
    head = Head()
    head.feed(page)
    # the description is the summary whole: a quote inside it must not end the attribute
    assert head.description == one_line(entry["summary"])
    assert head.title.startswith(one_line(f"{entry['title']} — {entry['fix_title']}"))
    assert len(head.json_ld) == 1
    data = json.loads(head.json_ld[0])
    assert data["description"] == entry["summary"]
    assert data["url"].endswith(f"/errors/{entry_id}/")


@pytest.mark.parametrize("entry_id", sorted(ENTRIES))
def test_first_screen_holds_message_fix_and_trust_in_that_order(entry_id: str, catalogue_site: Path) -> None:
    entry = ENTRIES[entry_id]
    page = (catalogue_site / "errors" / entry_id / "index.html").read_text(encoding="utf-8")
    article = page[page.index("<article") : page.index("</article>")]
    message = article.index('class="fx-message"')
    fix = article.index('class="fx-fix-line"')
    trust = article.index('class="fx-trust')
    quick = article.index("fx-quick-fix")
    stack = article.index('id="stack-trace"')
    assert message < fix < trust < quick < stack
    fix_line = re.search(r'<p class="fx-fix-line">(.*?)</p>', article, re.S)
    assert fix_line and one_line(entry["fix_title"]) in html.unescape(one_line(fix_line.group(1)))
    trust_text = re.sub(r"<[^>]+>", "", article[trust : article.index("</p>", trust)])
    assert (
        str(entry["environment"]["verified"]["date"]) in trust_text
        or (ROOT / "verification" / f"{entry_id}.json").is_file()
    )
    # "Report outdated" names the entry
    outdated = re.search(r'href="([^"]+)"[^>]*>Report outdated<', article)
    assert outdated and f"entry={entry_id}" in html.unescape(outdated.group(1))
    assert "you need a GitHub account" in article


def test_long_stack_traces_start_folded(catalogue_site: Path) -> None:
    long = [i for i, e in ENTRIES.items() if len(e["stack_trace"].strip().splitlines()) > 12]
    short = [i for i, e in ENTRIES.items() if len(e["stack_trace"].strip().splitlines()) <= 12]
    assert long and short
    for entry_id in long:
        page = (catalogue_site / "errors" / entry_id / "index.html").read_text(encoding="utf-8")
        section = page[page.index('id="stack-trace"') :]
        assert re.match(r'.*?</h2>\s*<details class="fx-stack-trace">', section, re.S), entry_id
    for entry_id in short:
        page = (catalogue_site / "errors" / entry_id / "index.html").read_text(encoding="utf-8")
        section = page[page.index('id="stack-trace"') :]
        assert not re.match(r".*?</h2>\s*<details", section, re.S), entry_id
