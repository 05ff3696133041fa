"""A whole knowledge base, checked and rendered: what every output is built from.

The MkDocs plugin and `fixdex export` both call `load_site`, so a site built by
MkDocs and pages exported for another engine cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fixdex.assets import ASSET_DIR, PAGE_ONLY
from fixdex.check import check
from fixdex.load import LoadedEntry
from fixdex.problems import format_report
from fixdex.render import Page, RenderOptions, make_environment, render_pages

# Files under templates/assets/ that are published with every site. Every page loads the
# stylesheets and scripts among them except those in PAGE_ASSETS, which only the pages
# that ask for them load (fixdex.assets).
ASSETS = (
    "fixdex.css", "fixdex-match.js", "fixdex-paste.js", "fixdex-paste.css", "fixdex-browse.css", "fixdex-browse.js",
    "fixdex-match-worker.js",  # started by fixdex-paste.js as a Web Worker, never loaded by a page
)
WORKERS = frozenset({f"{ASSET_DIR}/fixdex-match-worker.js"})


class SiteError(Exception):
    """The knowledge base has problems; the message lists every one."""


@dataclass
class Site:
    entries: list[LoadedEntry]
    pages: list[Page]
    assets: dict[str, str] = field(default_factory=dict)  # site path -> text
    # entry id -> sanitised notes HTML, put into the page after Markdown conversion (fixdex.notes)
    notes_html: dict[str, str] = field(default_factory=dict)
    # the body of 404.html (fixdex.links.not_found_html), handed to the theme by the plugin
    not_found_html: str = ""

    @property
    def stylesheets(self) -> list[str]:
        """Stylesheets every page loads."""
        return [path for path in self.assets if path.endswith(".css") and path not in PAGE_ONLY]

    @property
    def scripts(self) -> list[str]:
        """Scripts every page loads (none today: each script is loaded by the pages that use it)."""
        return [path for path in self.assets if path.endswith(".js") and path not in PAGE_ONLY | WORKERS]


def collect_extras(entries: Sequence[LoadedEntry], root: Path, options: RenderOptions) -> dict[str, dict[str, Any]]:
    """Per-entry template data owned by other modules (verification records, notes)."""
    extras: dict[str, dict[str, Any]] = {item.entry.id: {} for item in entries}
    from fixdex.notes import note_extras

    for entry_id, data in note_extras(entries, root, options).items():
        extras[entry_id].update(data)
    from fixdex.retired import collect_retired
    from fixdex.verify import collect_records

    for entry_id, record in collect_records(entries, root).items():
        extras[entry_id]["record"] = record
    for entry_id, retired in collect_retired(entries, root).items():
        extras[entry_id]["retired"] = retired
    return extras


def load_site(
    root: Path,
    *,
    entries_dir: Path | None = None,
    templates_dir: Path | None = None,
    stale_after_days: int = 365,
    site_url: str = "",
    site_name: str = "fixdex",
    repo_url: str = "",
    today: dt.date | None = None,
    check_published: bool = True,
) -> Site:
    entries_dir = entries_dir or root / "entries"
    if not entries_dir.is_dir():
        raise SiteError(
            f"{entries_dir}: entries folder not found (set `entries:` under the fixdex plugin in mkdocs.yml)"
        )
    result = check([entries_dir], root)
    if result.problems:
        raise SiteError(format_report(result.problems))
    template_dirs = [templates_dir] if templates_dir and templates_dir.is_dir() else []
    options = RenderOptions(
        site_url=site_url,
        stale_after_days=stale_after_days,
        template_dirs=template_dirs,
        site_name=site_name,
        repo_url=repo_url,
        **({"today": today} if today else {}),
    )
    entries = [item.entry for item in result.entries]
    sources = {item.entry.id: str(root / item.path) for item in result.entries}
    extras = collect_extras(result.entries, root, options)
    pages = render_pages(entries, options, sources=sources, extras=extras)
    env = make_environment(template_dirs)
    assets = {}
    for name in ASSETS:
        source, _, _ = env.loader.get_source(env, f"assets/{name}")  # type: ignore[union-attr]
        assets[f"{ASSET_DIR}/{name}"] = source
    notes_html = {entry_id: data["notes_html"] for entry_id, data in extras.items() if data.get("notes_html")}
    site = Site(result.entries, pages, assets, notes_html=notes_html)
    from fixdex.links import add_addresses

    problems = add_addresses(site, root, env, site_url, check_published=check_published, repo_url=repo_url,
                             site_name=site_name)
    if problems:
        raise SiteError("\n".join(problems))
    return site


def load_site_for(config: Any, options: Any, *, check_published: bool = True) -> Site:
    """The site as the fixdex plugin configured with `options` builds it from this MkDocs config."""
    root = Path(config.config_file_path or ".").resolve().parent
    return load_site(
        root,
        entries_dir=root / options.entries,
        templates_dir=root / options.templates,
        stale_after_days=options.stale_after_days,
        site_url=config.site_url or "",
        site_name=config.site_name,
        repo_url=config.repo_url or "",
        check_published=check_published,
    )


def load_site_from_config(config_file: Path, *, check_published: bool = True) -> Site:
    """The site as the fixdex plugin in this mkdocs.yml would build it (defaults when it is not listed).

    `check_published=False` skips the published-URL check (for `fixdex urls --update`).
    """
    from mkdocs.config import load_config

    from fixdex.config import FixdexConfig

    config = load_config(str(config_file))
    plugin = config.plugins.get("fixdex")
    options = getattr(plugin, "config", None)
    if options is None:
        options = FixdexConfig()
        options.load_dict({})
        options.validate()
    return load_site_for(config, options, check_published=check_published)
