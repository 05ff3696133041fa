"""Options of the fixdex MkDocs plugin, as set under `plugins: - fixdex:` in mkdocs.yml.

Site-building code only (fixdex.plugin, fixdex.site.load_site_from_config): it imports
MkDocs, which `pip install fixdex` leaves out (it comes with `fixdex[site]`).
"""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class FixdexConfig(base.Config):
    # Folder of entry files, relative to mkdocs.yml.
    entries = c.Type(str, default="entries")
    # A team's template folder, searched before the built-in templates.
    templates = c.Type(str, default="templates")
    # Past this many days since an entry was verified, its page warns readers.
    stale_after_days = c.Type(int, default=365)
    # Site search: "pagefind" (an index split into chunks fetched per query), "material" (one
    # index of every page, fetched when the reader opens the search), or "auto" (Pagefind).
    search = c.Choice(("auto", "material", "pagefind"), default="auto")
    # `mkdocs build` writes into a folder beside site_dir and swaps it in only when the whole build
    # succeeded, so a failed or killed build leaves the previous site whole (fixdex.site_swap).
    atomic_build = c.Type(bool, default=True)
