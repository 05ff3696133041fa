"""What a page costs a reader: every request a real Chromium makes to show it, gzip sizes.

    python -m benchmarks.page_weight SITE [--page errors/json-expecting-value/] [--page ...]
    python -m benchmarks.page_weight SITE --search "Expecting value" --expect json-expecting-value
    python -m benchmarks.page_weight SITE --entries      # every entry page: median, smallest, largest
    python -m benchmarks.page_weight SITE --labelled 2   # every 2nd labelled paste, first results

SITE is a built site folder (`mkdocs build -d SITE`). Each page is opened in a fresh
browser context (empty cache: a first view) from a local server, at 1366x900. The page
weight is the sum over every response until the network is idle of the body gzipped
at level 6, as a server with compression sends it (the local test server does not
compress; already compressed bodies, such as Pagefind's chunks, count at their own
size when gzip would not make them smaller).

`--search` then opens the header search box, types the query and counts what the
search fetched until its first result: the cost a reader pays only when searching.
`--labelled N` pastes every Nth real error text of tests/data/labelled/cases.yaml
(Ctrl+V, as a reader does) into the header search box and counts how often the
first result is the entry the text belongs to: how well the site's search
answers a pasted error, whichever engine the site was built with.
Figures and the choice they support: docs/scale.md.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
DEFAULT_PAGES = ("errors/json-expecting-value/",)
RESULT = ".md-search-result__item a"


def encoded_size(body: bytes) -> int:
    """Bytes on the wire with gzip: the smaller of the gzipped and the raw body."""
    return min(len(body), len(gzip.compress(body, compresslevel=6)))


@dataclass
class Request:
    url: str
    raw: int
    encoded: int


@dataclass
class Load:
    page: str
    requests: list[Request] = field(default_factory=list)
    search: list[Request] = field(default_factory=list)
    first_result: str = ""

    @property
    def kb(self) -> float:
        return sum(r.encoded for r in self.requests) / 1024

    @property
    def search_kb(self) -> float:
        return sum(r.encoded for r in self.search) / 1024


def _request(response: Any, base: str) -> Request | None:
    try:
        body = response.body()
    except Exception:  # a redirect or an aborted request has no body
        return None
    return Request(response.url.removeprefix(base), len(body), encoded_size(body))


def load_page(browser: Any, base: str, path: str, *, search: str = "", expect: str = "") -> Load:
    """Open base+path in a fresh context; with `search`, type it into the header search box."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    context.route(
        "**/*", lambda route: route.continue_() if route.request.url.startswith(base) else route.abort()
    )
    page = context.new_page()
    responses: list[Any] = []
    page.on("response", lambda response: responses.append(response))
    page.goto(base + path)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)  # scripts that start work after load (workers, deferred fetches)
    load = Load(path, [r for r in (_request(x, base) for x in responses) if r])
    if search:
        seen = len(responses)
        page.keyboard.press("/")
        page.keyboard.type(search, delay=40)
        selector = f".fx-search-results {RESULT}, [data-md-component=search-result] {RESULT}"
        wanted = f"/errors/{expect}/" if expect else "/"
        page.wait_for_function(
            "([s, w]) => [...document.querySelectorAll(s)].some(a => a.href.includes(w))",
            arg=[selector, wanted],
            timeout=30_000,
        )
        page.wait_for_load_state("networkidle")
        load.first_result = page.locator(selector).first.get_attribute("href") or ""
        load.search = [r for r in (_request(x, base) for x in responses[seen:]) if r]
    context.close()
    return load


def measure(site: Path, pages: list[str], search: str = "", expect: str = "") -> list[Load]:
    from playwright.sync_api import sync_playwright

    from tests.conftest import serve_folder

    server, base = serve_folder(site)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            loads = [load_page(browser, base, path, search=search, expect=expect) for path in pages]
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return loads


LABELLED = Path(__file__).resolve().parent.parent / "tests" / "data" / "labelled" / "cases.yaml"


def labelled_cases(step: int) -> list[tuple[str, str]]:
    import yaml

    cases = yaml.safe_load(LABELLED.read_text(encoding="utf-8"))
    return [(case["text"], case["expected"]) for case in cases if case.get("expected")][::step]


def search_pasted(site: Path, cases: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(expected entry id, first result's URL or "") for each pasted text."""
    from playwright.sync_api import sync_playwright

    from tests.conftest import serve_folder

    server, base = serve_folder(site)
    found: list[tuple[str, str]] = []
    selector = f".fx-search-results {RESULT}, [data-md-component=search-result]:not([hidden]) {RESULT}"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            context = browser.new_context(viewport={"width": 1366, "height": 900})
            context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base.rstrip("/"))
            page = context.new_page()
            page.goto(base + "paste/")
            page.wait_for_load_state("networkidle")
            for text, expected in cases:
                page.keyboard.press("/")
                page.fill(".md-search__input", "")
                page.evaluate("text => navigator.clipboard.writeText(text)", text)
                page.keyboard.press("Control+V")
                page.wait_for_timeout(1500)
                links = page.locator(selector)
                found.append((expected, (links.first.get_attribute("href") or "") if links.count() else ""))
                page.keyboard.press("Escape")
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return found


def report(load: Load) -> str:
    lines = [f"{load.page}: {len(load.requests)} requests, {load.kb:.1f} KB gzip"]
    lines += [f"  {r.encoded / 1024:8.1f} KB  ({r.raw / 1024:7.1f} raw)  {r.url}" for r in load.requests]
    if load.first_result:
        lines.append(f"  search: {len(load.search)} requests, {load.search_kb:.1f} KB gzip to {load.first_result}")
        lines += [f"  {r.encoded / 1024:8.1f} KB  ({r.raw / 1024:7.1f} raw)  {r.url}" for r in load.search]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.page_weight", description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="a built site folder")
    parser.add_argument("--page", action="append", help="site path of a page (repeatable)")
    parser.add_argument("--search", default="", help="then type this into the header search box")
    parser.add_argument("--expect", default="", help="entry id the search must find")
    parser.add_argument("--entries", action="store_true", help="every entry page (errors/*/), then a summary")
    parser.add_argument("--labelled", type=int, default=0, metavar="N", help="paste every Nth labelled error text")
    args = parser.parse_args(argv)
    if not (args.site / "index.html").is_file():
        print(f"{args.site}: not a built site (no index.html)", file=sys.stderr)
        return 2
    if args.labelled:
        found = search_pasted(args.site, labelled_cases(args.labelled))
        right = sum(f"/errors/{expected}/" in url for expected, url in found)
        empty = sum(not url for _, url in found)
        for expected, url in found:
            print(f"{'ok ' if f'/errors/{expected}/' in url else '-- '} {expected:45} {url or '(no result)'}")
        print(f"right first result: {right} of {len(found)}; no result: {empty}")
        return 0
    if args.entries:
        pages = sorted(f"errors/{d.name}/" for d in (args.site / "errors").iterdir() if (d / "index.html").is_file())
        loads = measure(args.site, pages)
        sizes = sorted(load.kb for load in loads)
        requests = sorted(len(load.requests) for load in loads)
        print(report(loads[0]))
        print(
            f"{len(loads)} entry pages, KB gzip: median {statistics.median(sizes):.1f}, "
            f"smallest {sizes[0]:.1f}, largest {sizes[-1]:.1f}; requests: {requests[0]}-{requests[-1]}"
        )
        return 0
    for load in measure(args.site, args.page or list(DEFAULT_PAGES), args.search, args.expect):
        print(report(load))
    return 0


if __name__ == "__main__":
    sys.exit(main())
