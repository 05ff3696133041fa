"""A whole knowledge base, checked and rendered: what every output is built from.

The MkDocs plugin and `fixdex export` both call `load_site`, so a site built by
MkDocs and pages exported for another engine cannot drift apart. Where pages
and files go is fixdex.urls' business (the whole site, or under a prefix);
which entries a site holds, fixdex.layers' (one folder, or layers over the
public catalogue).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fixdex.assets import PAGE_ONLY_NAMES
from fixdex.layers import Layer, Layered, SourcesError, layers_from_sources, load_layers
from fixdex.load import LoadedEntry
from fixdex.problems import Problem, format_report
from fixdex.render import Page, RenderOptions, make_environment, render_pages
from fixdex.urls import DEFAULT, RESERVED, PrefixError, Urls, clean_prefix

# Files under templates/assets/ that are published with every site. Every page loads the
# stylesheets and scripts among them except those in PAGE_ASSETS, which only the pages
# that ask for them load (fixdex.assets).
ASSETS = (
    "fixdex.css", "fixdex-match.js", "fixdex-paste.js", "fixdex-paste.css", "fixdex-browse.css", "fixdex-browse.js",
    "fixdex-match-worker.js",  # started by fixdex-paste.js as a Web Worker, never loaded by a page
)
WORKERS = frozenset({"fixdex-match-worker.js"})


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
    urls: Urls = DEFAULT
    # entry id -> the name of the layer it comes from, on a site with more than one (fixdex.layers)
    layer_names: dict[str, str] = field(default_factory=dict)
    layered: Layered | None = None

    def _own_files(self, suffix: str, leave_out: frozenset[str]) -> list[str]:
        folder = self.urls.asset_dir + "/"
        return [path for path in self.assets if path.startswith(folder) and path.endswith(suffix)
                and path.removeprefix(folder) not in leave_out]

    @property
    def stylesheets(self) -> list[str]:
        """Stylesheets every fixdex page loads."""
        return self._own_files(".css", PAGE_ONLY_NAMES)

    @property
    def scripts(self) -> list[str]:
        """Scripts every fixdex page loads (none today: each script is loaded by the pages that use it)."""
        return self._own_files(".js", PAGE_ONLY_NAMES | WORKERS)

    def owns(self, src_uri: str) -> bool:
        """Whether a page of the build is fixdex's: everything under the prefix, or every page without one."""
        return not self.urls.prefix or src_uri.startswith(self.urls.root)


def reserved_problems(entries: Sequence[LoadedEntry], urls: Urls) -> list[Problem]:
    """Ids and aliases whose address would be one of fixdex's own folders under the prefix."""
    problems = []
    for item in entries:
        for where, name in [(("id",), item.entry.id), *((("aliases", n), a) for n, a in enumerate(item.entry.aliases))]:
            if urls.reserved_id(name):
                problems.append(item.document.problem(
                    where, f"{name!r} is the name of a folder fixdex makes under {urls.root} "
                           f"({', '.join(sorted(RESERVED))}): no entry can live there",
                    "choose a longer id"))
    return problems


def layer_line(layer: Layer, replaced: Layer | None = None) -> dict[str, str]:
    """What an entry page says about where its entry comes from (templates/entry.md.j2)."""
    text = f"From {layer.description}"
    if replaced is not None:
        text += f", in place of the entry of the same id in {replaced.description}"
    return {"name": layer.name, "text": text + "."}


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
    from fixdex.reference_links import reference_extras

    for entry_id, data in reference_extras(entries, root).items():
        extras[entry_id].update(data)
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
    prefix: str = "",
    sources: Sequence[Any] | None = None,
) -> Site:
    """Check and render a knowledge base.

    `prefix` puts every page and file under that site path (fixdex.urls); `sources`
    lists catalogue layers in order (fixdex.layers), else `entries_dir` is the one layer.
    """
    entries_dir = entries_dir or root / "entries"
    try:
        urls = Urls(clean_prefix(prefix))
        layers = layers_from_sources(sources, entries_dir.name, root) if sources else None
    except (PrefixError, SourcesError) as error:
        raise SiteError(f"fixdex plugin option {error}") from None
    if layers is None:
        if not entries_dir.is_dir():
            raise SiteError(
                f"{entries_dir}: entries folder not found (set `entries:` under the fixdex plugin in mkdocs.yml)"
            )
        layers = [Layer(entries_dir.name, entries_dir, root)]
    layered = load_layers(layers, root)
    located = layered.problems + reserved_problems(layered.entries, urls)
    if located:
        raise SiteError(format_report(sorted(set(located))))
    template_dirs = [templates_dir] if templates_dir and templates_dir.is_dir() else []
    options = RenderOptions(
        site_url=site_url,
        stale_after_days=stale_after_days,
        template_dirs=template_dirs,
        site_name=site_name,
        repo_url=repo_url,
        urls=urls,
        **({"today": today} if today else {}),
    )
    several = len(layers) > 1
    entries = [item.entry for item in layered.entries]
    # the edit link opens the YAML file; a public entry's file is in the installed package, not the team's repo
    sources_of = {item.entry.id: str(layered.layer_of[item.entry.id].root / item.path) for item in layered.entries
                  if not (several and layered.layer_of[item.entry.id].public)}
    extras: dict[str, dict[str, Any]] = {}
    for layer in layers:
        mine = [item for item in layered.entries if layered.layer_of[item.entry.id] is layer]
        extras.update(collect_extras(mine, layer.root, options))
    if several:
        replaced = {override.entry.entry.id: override.replaced_layer for override in layered.overrides}
        for entry_id, layer in layered.layer_of.items():
            extras[entry_id]["layer"] = layer_line(layer, replaced.get(entry_id))
    pages = render_pages(entries, options, sources=sources_of, extras=extras)
    env = make_environment(template_dirs)
    assets = {}
    for name in ASSETS:
        source, _, _ = env.loader.get_source(env, f"assets/{name}")  # type: ignore[union-attr]
        assets[urls.asset(name)] = source
    notes_html = {entry_id: data["notes_html"] for entry_id, data in extras.items() if data.get("notes_html")}
    site = Site(layered.entries, pages, assets, notes_html=notes_html, urls=urls, layered=layered,
                layer_names={i: layer.name for i, layer in layered.layer_of.items()} if several else {})
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
        prefix=getattr(options, "prefix", ""),
        sources=getattr(options, "sources", None),
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
