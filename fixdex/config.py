"""Options of the fixdex MkDocs plugin, as set under `plugins: - fixdex:` in mkdocs.yml.

Site-building code only (fixdex.plugin, fixdex.site.load_site_from_config): it imports
MkDocs, which `pip install fixdex` leaves out (it comes with `fixdex[site]`).
"""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class FixdexConfig(base.Config):
    # false: the plugin does nothing at all (no pages, no assets, no theme changes), e.g. to build
    # the rest of a site quickly (`enabled: !ENV [FIXDEX, true]`).
    enabled = c.Type(bool, default=True)
    # Folder of entry files, relative to mkdocs.yml.
    entries = c.Type(str, default="entries")
    # A team's template folder, searched before the built-in templates.
    templates = c.Type(str, default="templates")
    # Past this many days since an entry was verified, its page warns readers.
    stale_after_days = c.Type(int, default=365)
    # Inside a team's existing site: every page and file fixdex makes goes under this site path
    # ("errors" -> /errors/, entries at /errors/ID/; fixdex.urls). Empty: fixdex owns the whole site.
    prefix = c.Type(str, default="")
    # Under a prefix, the title of one nav section holding fixdex's home, browse and paste pages
    # (appended to the team's nav); empty adds nothing to the nav.
    nav_section = c.Type(str, default="")
    # Catalogue layers in order, later ones overriding earlier ones by id (fixdex.layers), e.g.
    # [{catalogue: public}, {path: kb}]. Empty: the `entries` folder is the one layer.
    sources = c.ListOfItems(c.Type(dict), default=[])
    # Site search: "pagefind" (an index split into chunks fetched per query), "material" (one
    # index of every page, fetched when the reader opens the search), or "auto" (Pagefind).
    search = c.Choice(("auto", "material", "pagefind"), default="auto")
    # Material's repository link asks the GitHub or GitLab API for stars and forks from every page:
    # a third-party request that fails offline and behind firewalls. false (default) shows the
    # link without them; true lets Material fetch them.
    repo_stars = c.Type(bool, default=False)
    # `mkdocs build` writes into a folder beside site_dir and swaps it in only when the whole build
    # succeeded, so a failed or killed build leaves the previous site whole (fixdex.site_swap).
    atomic_build = c.Type(bool, default=True)
