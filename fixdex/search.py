"""Site search that scales: which engine a site uses, and the Pagefind step.

Material's own search downloads its whole index before the first result
(about 4 MB gzipped at 5,000 pages, and growing with every entry). Pagefind
splits its index into chunks that a query fetches on demand, so a large
knowledge base searches with a few hundred kilobytes. Small sites keep
Material's search; `search: auto` switches at AUTO_PAGEFIND_FROM entries.
Measurements behind this choice: docs/scale.md.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from fixdex.resources import templates_folder

AUTO_PAGEFIND_FROM = 500
ENGINES = ("auto", "material", "pagefind")
THEME_DIR = templates_folder() / "theme"
SEARCH_SCRIPT = "fixdex-search.js"

_ARTICLE = re.compile(r'<article class="md-content__inner md-typeset"')
_HEADERLINK = '<a class="headerlink"'


def choose_engine(option: str, entry_count: int) -> str:
    if option == "auto":
        return "pagefind" if entry_count >= AUTO_PAGEFIND_FROM else "material"
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
