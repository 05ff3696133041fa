"""Options of the fixdex MkDocs plugin, as set under `plugins: - fixdex:` in mkdocs.yml."""

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
    # Site search: "material" (one index, fine for small sites), "pagefind" (an index split
    # into chunks fetched per query), or "auto" (pagefind from fixdex.search.AUTO_PAGEFIND_FROM entries).
    search = c.Choice(("auto", "material", "pagefind"), default="auto")
