"""Which page loads which of fixdex's scripts and stylesheets.

Most pages need no script of ours, so none is loaded everywhere. A page that
needs one says so in its own HTML: an element carrying a marker attribute.

How it works, for anyone writing a page or a partial:

- `templates/partials/paste-box.md.j2` renders `<div ... data-fixdex-paste>`.
  Any page whose content includes that partial (home, /paste/, the 404 page)
  gets fixdex-paste.css, fixdex-match.js and fixdex-paste.js; no other page
  requests them. Include the partial, add nothing else.
- Entry lists (`templates/browse/macros.md.j2`) carry `data-fixdex-entries` and get
  fixdex-browse.css; the browse filter carries `data-fixdex-filter` and also gets
  fixdex-browse.js.

`link_page_assets` runs on a page's HTML after Markdown conversion (the plugin's
`on_page_content`): stylesheets go first in the content, scripts (`defer`, so
they run after Material's bundle, in order) last. Both sit inside Material's
content container, whose scripts Material runs again after an instant
navigation. URLs are relative to the page, except on the 404 page, which a
static host serves at any address: there they start at the site's root path
(from `site_url`). The files live in fixdex's asset folder (fixdex.urls:
assets/fixdex/, or PREFIX/assets/fixdex/ under a prefix).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from fixdex.urls import DEFAULT, Urls, site_path

ASSET_DIR = DEFAULT.asset_dir

# marker attribute -> files under ASSET_DIR that a page carrying it loads
PAGE_ASSETS: dict[str, tuple[str, ...]] = {
    "data-fixdex-paste": ("fixdex-paste.css", "fixdex-match.js", "fixdex-paste.js"),
    "data-fixdex-entries": ("fixdex-browse.css",),  # entry lists (browse pages, home)
    "data-fixdex-filter": ("fixdex-browse.css", "fixdex-browse.js"),  # the browse filter
}
PAGE_ONLY_NAMES = frozenset(name for names in PAGE_ASSETS.values() for name in names)
PAGE_ONLY = frozenset(DEFAULT.asset(name) for name in PAGE_ONLY_NAMES)


def _marked(html: str, marker: str) -> bool:
    return re.search(rf"<[a-z][^>]*\s{re.escape(marker)}[\s>=/]", html) is not None


def page_assets(html: str, urls: Urls = DEFAULT) -> list[str]:
    """Site paths of the page-only assets this HTML asks for, in load order, each once."""
    wanted: list[str] = []
    for marker, names in PAGE_ASSETS.items():
        if _marked(html, marker):
            wanted += [urls.asset(name) for name in names if urls.asset(name) not in wanted]
    return wanted


def asset_url(path: str, page_url: str, *, site_url: str = "", error_page: bool = False) -> str:
    """The URL of a site path as written in a page at `page_url` (MkDocs' page.url)."""
    if error_page:
        return site_path(site_url) + path
    return "../" * page_url.count("/") + path


def link_page_assets(html: str, page_url: str, *, site_url: str = "", error_page: bool = False,
                     urls: Urls = DEFAULT, always: Sequence[str] = ()) -> str:
    """The page's HTML with the stylesheets and scripts its markers ask for.

    `always`: site paths this page loads whatever it holds (under a prefix, fixdex's own
    pages load fixdex.css this way instead of every page of the team's site).
    """
    paths = [*always, *(path for path in page_assets(html, urls) if path not in always)]
    if not paths:
        return html
    href = {path: asset_url(path, page_url, site_url=site_url, error_page=error_page) for path in paths}
    links = "".join(f'<link rel="stylesheet" href="{href[p]}">' for p in paths if p.endswith(".css"))
    scripts = "".join(f'<script defer src="{href[p]}"></script>' for p in paths if p.endswith(".js"))
    if "</head>" in html and "</body>" in html:  # a whole document (a theme template's output)
        html = html.replace("</head>", f"{links}</head>", 1)
        head, _, tail = html.rpartition("</body>")
        return f"{head}{scripts}</body>{tail}"
    return f"{links}\n{html}\n{scripts}"
