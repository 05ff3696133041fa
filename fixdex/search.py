"""Site search that scales: which engine a site uses, and the Pagefind step.

Material's own search downloads its whole index before the first result
(147 KB gzipped for today's 41 entries, about 4 MB at 5,000 pages, and growing
with every entry). Pagefind splits its index into chunks that a query fetches
on demand, so a knowledge base of any size searches with a few hundred
kilobytes, and fixdex-search.js turns a pasted traceback into a query. So
`search: auto` (the default) means Pagefind at every size; `search: material`
keeps Material's search for a team that wants no extra build step.

Whichever engine answers, no page view fetches a search index: the theme
partial (templates/theme/partials/search.html) holds Material's index request
and search worker until the reader opens the search. Measurements behind
these choices: docs/scale.md.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from fixdex.resources import templates_folder
from fixdex.urls import DEFAULT

ENGINES = ("auto", "material", "pagefind")
THEME_DIR = templates_folder() / "theme"
SEARCH_SCRIPT = "fixdex-search.js"
# a theme file (templates/theme/assets/fixdex/), so always at the site root, prefix or not: search is site-wide
SEARCH_SCRIPT_PATH = DEFAULT.asset(SEARCH_SCRIPT)

_ARTICLE = re.compile(r'<article class="md-content__inner md-typeset"')
_HEADERLINK = '<a class="headerlink"'


def choose_engine(option: str, *, prefixed: bool = False) -> str:
    """The engine behind `search: OPTION`; "auto" is Pagefind at every size (docs/scale.md says why).

    Under a prefix fixdex is a guest in a team's site, whose search belongs to the
    team: "auto" leaves Material's search (and its theme partial) alone there.
    """
    if option == "auto":
        return "material" if prefixed else "pagefind"
    return option


def mark_indexable(html: str) -> str:
    """Let Pagefind index the article only, not the theme's navigation and chrome.

    The permalink signs after headings would otherwise end every result title with a pilcrow.
    """
    html = _ARTICLE.sub('<article data-pagefind-body class="md-content__inner md-typeset"', html, count=1)
    return html.replace(_HEADERLINK, '<a data-pagefind-ignore="all" class="headerlink"')


# Parts of an entry page that repeat what the page says elsewhere (badges, the stack trace around
# the message, versions) or name other entries (related links, tags): indexed, they make a query
# match the wrong page and every common word's index chunk larger.
NOT_INDEXED = (
    ".fx-badges",
    "[data-pagefind-body] > .highlight",
    ".fx-versions",
    ".fx-verified",
    ".fx-not-reproduced",
    "ul > li > a[href^='../']",
    ".fx-tags",
    ".fx-notes-empty",
    ".fx-add-note-pr",
)


def run_pagefind(site_dir: Path) -> None:
    """Index the built site; the bundle lands in SITE/pagefind/."""
    command = [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--output-subdir", "pagefind", "--silent"]
    for selector in NOT_INDEXED:
        command += ["--exclude-selectors", selector]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"pagefind failed ({' '.join(command)}):\n{result.stdout}{result.stderr}")
