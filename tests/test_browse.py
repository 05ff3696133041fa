"""Browse pages and the home page: lists of entries with their fixes, a filter, a home that says what the site covers.

HTML assertions run on this repository's own catalogue (41 entries, built once per
session); the filter and the phone layout run in a real Chromium. The ordering of
"latest" is checked on the render functions alone, without MkDocs.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

from fixdex.assets import asset_url, link_page_assets, page_assets
from fixdex.load import load_entries
from fixdex.model import Entry
from fixdex.render import RenderOptions, latest_date, make_environment, render_browse
from tests.conftest import ROOT, screenshot

PASTE_SCRIPTS = ("fixdex-match.js", "fixdex-paste.js")


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def article(html: str) -> str:
    return html[html.index("<article") : html.index("</article>")]


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    result = load_entries([ROOT / "entries"])
    return [item.entry for item in result.entries]


def dated(entry: Entry, updated: dt.date, verified: dt.date) -> Entry:
    environment = entry.environment.model_copy(
        update={"verified": entry.environment.verified.model_copy(update={"date": verified})}
    )
    published = min(entry.published, updated)
    return entry.model_copy(update={"updated": updated, "published": published, "environment": environment})


# --- the render functions, without MkDocs -----------------------------------------------------


def test_latest_date_is_the_later_of_updated_and_verified(entries: list[Entry]) -> None:
    entry = entries[0]
    assert latest_date(dated(entry, dt.date(2026, 1, 5), dt.date(2026, 3, 1))) == (dt.date(2026, 3, 1), "verified")
    assert latest_date(dated(entry, dt.date(2026, 4, 2), dt.date(2026, 3, 1))) == (dt.date(2026, 4, 2), "updated")
    assert latest_date(dated(entry, dt.date(2026, 3, 1), dt.date(2026, 3, 1))) == (dt.date(2026, 3, 1), "verified")


def test_home_orders_latest_by_that_date_and_says_what_it_is(entries: list[Entry]) -> None:
    a, b, c = entries[:3]
    items = [
        dated(a, dt.date(2025, 1, 1), dt.date(2025, 1, 1)),
        dated(b, dt.date(2025, 2, 1), dt.date(2026, 6, 30)),  # re-verified last: first
        dated(c, dt.date(2026, 5, 1), dt.date(2025, 1, 1)),  # edited after its verification
    ]
    pages = {page.path: page.markdown for page in render_browse(items, RenderOptions(), make_environment())}
    home = pages["index.md"]
    latest = home[home.index("## Latest") :]
    assert latest.index(b.title) < latest.index(c.title) < latest.index(a.title)
    assert "verified 2026-06-30" in latest and "updated 2026-05-01" in latest and "verified 2025-01-01" in latest


# --- page assets ------------------------------------------------------------------------------


def test_only_marked_pages_ask_for_page_scripts() -> None:
    assert page_assets('<p>no marker, not even data-fixdex-paste in text</p>') == []
    assert page_assets('<div class="fx-paste" data-fixdex-paste>') == [
        "assets/fixdex/fixdex-paste.css", "assets/fixdex/fixdex-match.js", "assets/fixdex/fixdex-paste.js",
    ]
    both = page_assets('<div data-fixdex-entries markdown></div><div data-fixdex-filter hidden>')
    assert both == ["assets/fixdex/fixdex-browse.css", "assets/fixdex/fixdex-browse.js"]
    assert asset_url("assets/fixdex/a.js", "errors/x/") == "../../assets/fixdex/a.js"
    assert asset_url("assets/fixdex/a.js", "") == "assets/fixdex/a.js"
    url = asset_url("assets/fixdex/a.js", "", site_url="https://h.test/kb/", error_page=True)
    assert url == "/kb/assets/fixdex/a.js"
    document = "<html><head></head><body><div data-fixdex-paste></div></body></html>"
    linked = link_page_assets(document, "", error_page=True)
    assert '<link rel="stylesheet" href="/assets/fixdex/fixdex-paste.css"></head>' in linked
    assert linked.endswith('<script defer src="/assets/fixdex/fixdex-paste.js"></script></body></html>')


def test_paste_scripts_load_only_where_the_paste_box_is(catalogue_site: Path) -> None:
    for path in ("index.html", "paste/index.html", "404.html"):
        html = read(catalogue_site, path)
        assert "data-fixdex-paste" in html, path
        for script in PASTE_SCRIPTS:
            assert re.search(rf'<script defer src="[^"]*assets/fixdex/{script}">', html), (path, script)
    assert '<script defer src="/assets/fixdex/fixdex-paste.js">' in read(catalogue_site, "404.html")
    for path in ("errors/json-expecting-value/index.html", "browse/index.html", "matching/index.html"):
        html = read(catalogue_site, path)
        for script in PASTE_SCRIPTS:
            assert not re.search(rf"<script[^>]*{script}", html), (path, script)
    entry = read(catalogue_site, "errors/json-expecting-value/index.html")
    assert "fixdex-browse" not in entry


# --- the built pages --------------------------------------------------------------------------


def test_browse_lists_every_entry_with_its_fix_and_severity(catalogue_site: Path, entries: list[Entry]) -> None:
    html = article(read(catalogue_site, "browse/index.html"))
    assert "<table" not in html
    listed = html[html.index('id="entries"') :]
    assert listed.count('class="fx-entry-title"') == len(entries)
    for entry in entries:
        item = listed[listed.index(f'href="../errors/{entry.id}/"') :]
        item = item[: item.index("</li>")]
        assert f"fx-severity-{entry.severity}" in item, entry.id
        assert 'class="fx-entry-fix"' in item, entry.id
    first_word = entries[0].fix_title.split()[0]
    assert first_word in listed
    # the filter: in the page, hidden until its script shows it, and the script loads only here
    assert '<div class="fx-filter" data-fixdex-filter hidden>' in html
    assert 'src="../assets/fixdex/fixdex-browse.js"' in read(catalogue_site, "browse/index.html")


def test_one_entry_tags_are_folded(catalogue_site: Path, entries: list[Entry]) -> None:
    html = article(read(catalogue_site, "browse/index.html"))
    tags = html[html.index('id="tags"') :]
    shown, folded = tags.split("<details", 1)
    counts: dict[str, int] = {}
    for entry in entries:
        for tag in entry.tags:
            counts[tag] = counts.get(tag, 0) + 1
    single = [tag for tag, count in counts.items() if count == 1]
    assert len(single) > 10  # the catalogue has many: the point of folding them
    assert f"<summary>{len(single)} tags with one entry each</summary>" in folded
    assert "<details open" not in tags
    assert shown.count('<span class="fx-count">') == len(counts) - len(single)
    assert '<span class="fx-count">1</span>' not in shown


def test_group_page_lists_entries_the_same_way(catalogue_site: Path, entries: list[Entry]) -> None:
    html = article(read(catalogue_site, "browse/category/importerror/index.html"))
    members = [e for e in entries if e.category == "ImportError"]
    assert html.count('class="fx-entry-title"') == len(members) > 5
    assert html.count('class="fx-entry-fix"') == len(members)
    assert "<table" not in html and "data-fixdex-filter" in html


def test_home_says_what_the_site_covers_with_counts_that_link(catalogue_site: Path, entries: list[Entry]) -> None:
    html = article(read(catalogue_site, "index.html"))
    sentence = re.search(r"<p>(.*?)</p>", html, re.S)
    assert sentence is not None
    text = re.sub(r"<[^>]+>", "", sentence.group(1))
    assert text.startswith(f"{len(entries)} known errors from ")
    assert "most often " in text and "categories" in text
    assert f'<a href="browse/#entries">{len(entries)} known errors</a>' in sentence.group(1)
    for anchor in ("entries", "categories", "packages", "tags"):
        assert re.search(rf'<a href="browse/#{anchor}"><strong>\d+</strong> {anchor}</a>', html), anchor
    latest = html[html.index('id="latest-verified-or-updated"') :]
    assert latest.count('class="fx-entry-title"') == 10
    assert len(re.findall(r"· (?:verified|updated) \d{4}-\d\d-\d\d</span>", latest)) == 10
    assert "<table" not in html


# --- in Chromium ------------------------------------------------------------------------------


def no_sideways_scroll(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


@pytest.mark.browser
def test_filter_hides_what_does_not_match(catalogue_site: Path, serve: Any, page: Any, entries: list[Entry]) -> None:
    base = serve(catalogue_site)
    page.goto(base + "browse/")
    box = page.locator("[data-fixdex-filter]")
    box.wait_for(state="visible")
    total = page.locator("[data-fixdex-entries] li").count()
    page.fill(".fx-filter-input", "pandas")
    visible = page.locator("[data-fixdex-entries] li:not([hidden])")
    assert 0 < visible.count() < total
    shown = visible.evaluate_all("items => items.map(i => i.textContent + ' ' + i.dataset.fixdexWords)")
    assert all("pandas" in text.lower() for text in shown), shown
    assert f"of {total} entries match" in page.inner_text(".fx-filter-status")
    # an entry matches its tags too, not only the words on its card
    page.fill(".fx-filter-input", "migration")
    tagged = sum("migration" in entry.tags for entry in entries)
    assert page.locator("[data-fixdex-entries] li:not([hidden])").count() >= tagged > 1
    # the tags that did not match are hidden; the fold opens when something in it matches
    page.fill(".fx-filter-input", "zz-nothing-has-this")
    assert page.locator("[data-fixdex-entries] li:not([hidden])").count() == 0
    assert page.inner_text(".fx-filter-status").startswith("Nothing matches")
    assert page.locator("section[data-fixdex-filterable]:not([hidden])").count() == 0
    page.fill(".fx-filter-input", "")
    assert page.locator("[data-fixdex-entries] li:not([hidden])").count() == total
    assert page.locator("details.fx-tags-single").get_attribute("open") is None
    # the address can carry the query
    page.goto(base + "browse/?q=numpy")
    page.wait_for_function("document.querySelector('.fx-filter-status').textContent.includes('match')")
    assert page.input_value(".fx-filter-input") == "numpy"
    assert page.console_errors == [] and page.outside_requests == []


@pytest.mark.browser
def test_without_javascript_everything_shows(catalogue_site: Path, serve: Any, browser: Any) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(serve(catalogue_site) + "browse/")
    assert not page.locator("[data-fixdex-filter]").is_visible()
    entries = page.locator("[data-fixdex-entries] li")
    assert entries.count() > 40
    assert page.locator("[data-fixdex-entries] li:visible").count() == entries.count()
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("size", [(1366, 900), (390, 844)], ids=["desktop", "phone"])
def test_browse_and_home_fit_the_screen(catalogue_site: Path, serve: Any, browser: Any, size: tuple[int, int]) -> None:
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    base = serve(catalogue_site)
    name = "desktop" if width > 1000 else "phone"
    for path, label in (("", "home"), ("browse/", "browse"), ("browse/category/importerror/", "browse-category")):
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        screenshot(page, f"{label}-{name}")
        assert no_sideways_scroll(page), f"{path or 'home'} scrolls sideways at {width}px"
    # one-entry tags stay folded: the browse page is shorter than the old 6,900 px column plus the entries
    page.goto(base + "browse/")
    assert page.locator("details.fx-tags-single").is_visible()
    assert not page.locator("details.fx-tags-single li").first.is_visible()
    context.close()
