"""Addresses for life: short permalinks, alias redirects and the list of published URLs.

Every entry gets /e/ID/ (what error messages print) and, for each alias,
/e/ALIAS/ and /errors/ALIAS/ (its old canonical page): static HTML stubs that
redirect to the canonical page, keeping any #anchor. They are plain site
files, so static hosts and `fixdex export` carry them too.

published-urls.txt, next to mkdocs.yml, lists every address fixdex has
published. A build that would drop one fails; `fixdex urls --update` adds new
ones. Removing a line is a decision a reviewer sees in the diff.
"""

from __future__ import annotations

import html
import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from fixdex.api import permalink
from fixdex.render import ENTRY_DIR, entry_url

PUBLISHED_URLS_FILE = "published-urls.txt"
_HEADER = (
    "# Every URL this site has published. The build fails when one would disappear.\n"
    "# Add new ones with `fixdex urls --update`; remove one only on purpose.\n"
)


def redirect_page(target: str, title: str, canonical: str) -> str:
    """A static page that sends browsers (and the #anchor) to `target`, relative to itself."""
    href = html.escape(target, quote=True)
    return (
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>Redirecting to {html.escape(title)}</title>\n"
        f'<link rel="canonical" href="{html.escape(canonical, quote=True)}">\n'
        '<meta name="robots" content="noindex">\n'
        f"<script>location.replace({json.dumps(target)} + location.hash)</script>\n"
        f'<meta http-equiv="refresh" content="0; url={href}">\n'
        "</head>\n<body>\n"
        f'<p>This page has moved to <a href="{href}">{html.escape(title)}</a>.</p>\n'
        "</body>\n</html>\n"
    )


def redirect_sources(entry: Any) -> list[str]:
    """Directory URLs that redirect to this entry: its permalink, and both addresses of each alias."""
    sources = [permalink(entry.id)]
    for alias in entry.aliases:
        sources += [permalink(alias), f"{ENTRY_DIR}/{alias}/"]
    return sources


def redirect_assets(entries: Sequence[Any], site_url: str = "") -> dict[str, str]:
    """Site path -> HTML stub for every redirect of every entry."""
    assets: dict[str, str] = {}
    for entry in entries:
        target_path = entry_url(entry.id)
        canonical = site_url.rstrip("/") + "/" + target_path if site_url else "/" + target_path
        for source in redirect_sources(entry):
            relative = os.path.relpath(target_path, source).replace(os.sep, "/") + "/"
            assets[f"{source}index.html"] = redirect_page(relative, entry.title, canonical)
    return assets


def site_urls(page_paths: Iterable[str], asset_paths: Iterable[str]) -> set[str]:
    """The URLs (as in published-urls.txt) that pages and files get with directory URLs."""
    urls: set[str] = set()
    for path in page_paths:
        stem = path.removesuffix(".md")
        if stem == "index":
            urls.add("")
        elif stem.endswith("/index"):
            urls.add(stem.removesuffix("index"))
        else:
            urls.add(stem + "/")
    for path in asset_paths:
        urls.add(path.removesuffix("index.html") if path.endswith("/index.html") else path)
    return urls


def published_candidates(site: Any) -> list[str]:
    """The URLs of a site that must live forever: entry pages, redirects, the API, the paste page."""
    urls = site_urls([p.path for p in site.pages if p.kind in ("entry", "paste")],
                     [a for a in site.assets if a.startswith(("e/", f"{ENTRY_DIR}/", "api/e/", "api/entries.json"))])
    return sorted(urls)


def read_published(path: Path) -> list[tuple[int, str]]:
    """(line number, URL) for every listed URL; blank lines and # comments are skipped."""
    listed = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text = line.strip()
        if text and not text.startswith("#"):
            listed.append((number, text))
    return listed


def missing_published(site: Any, list_file: Path) -> list[str]:
    """One located message per published URL the site no longer has."""
    if not list_file.is_file():
        return []
    have = site_urls([p.path for p in site.pages], site.assets)
    return [
        f"{list_file.name}:{number}: error: {url} was published but this build no longer has it "
        f"(keep the entry or add its old id to another entry's `aliases:`; delete the line only on purpose)"
        for number, url in read_published(list_file)
        if url not in have
    ]


def update_published(site: Any, list_file: Path) -> list[str]:
    """Add the site's new lasting URLs to the list; returns the added ones. Never removes a line."""
    existing = {url for _, url in read_published(list_file)} if list_file.is_file() else set()
    added = [url for url in published_candidates(site) if url not in existing]
    if added or not list_file.is_file():
        text = list_file.read_text(encoding="utf-8") if list_file.is_file() else _HEADER
        if text and not text.endswith("\n"):
            text += "\n"
        list_file.write_text(text + "".join(url + "\n" for url in added), encoding="utf-8")
    return added


def add_addresses(site: Any, root: Path, env: Any, site_url: str) -> list[str]:
    """Add the paste page, the API files and the redirects to a site, then check no published URL is lost."""
    from fixdex.api import api_assets
    from fixdex.render import Page

    entries = [item.entry for item in site.entries]
    paste = env.get_template("paste.md.j2").render(total=len(entries))
    site.pages.append(Page("paste.md", paste, "paste", in_nav=True))
    site.assets.update(api_assets(entries, site_url))
    site.assets.update(redirect_assets(entries, site_url))
    return missing_published(site, root / PUBLISHED_URLS_FILE)
