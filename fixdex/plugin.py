"""The MkDocs adapter: thin glue between MkDocs' build events and fixdex.

Entries are checked when the configuration is read, so a bad entry stops the
build before the site folder is touched. Pages enter the build as generated
files (nothing is written into docs/), kept out of the sidebar so that no page
grows with the number of entries.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from fixdex import search, site_swap
from fixdex.assets import link_page_assets
from fixdex.config import FixdexConfig
from fixdex.notes import comments_theme_dir, fill_placeholders, notes_folder
from fixdex.site import Site, SiteError, load_site_for

log = logging.getLogger("mkdocs.plugins.fixdex")


class FixdexPlugin(BasePlugin[FixdexConfig]):
    site: Site | None = None
    engine: str = "material"
    command: str | None = None
    # `mkdocs build` writes into a staging folder that replaces the site only on success (fixdex.site_swap)
    final_site_dir: Path | None = None
    staging: Path | None = None
    failed: bool = False

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command if not dirty else None  # a dirty build reuses the site folder's files

    def _root(self, config: MkDocsConfig) -> Path:
        return Path(config.config_file_path or ".").resolve().parent

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        try:
            self.site = load_site_for(config, self.config)
        except SiteError as error:
            raise PluginError(f"fixdex: the knowledge base has problems, nothing was built:\n{error}") from None
        for stylesheet in self.site.stylesheets:
            if stylesheet not in config.extra_css:
                config.extra_css.append(stylesheet)
        for script in self.site.scripts:
            if script not in config.extra_javascript:
                config.extra_javascript.append(script)
        try:
            comments = comments_theme_dir(config.extra.get("giscus"))
        except ValueError as error:
            raise PluginError(f"fixdex: {error}") from None
        if comments is not None and str(comments) not in config.theme.dirs:
            config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(comments))
        self.engine = search.choose_engine(self.config.search)
        self.indexable: dict[str, bool] = {}
        # our search partial (no index fetched before the reader opens the search); a team's custom_dir still wins
        if str(search.THEME_DIR) not in config.theme.dirs:
            config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(search.THEME_DIR))
        if self.engine == "pagefind":
            script = f"assets/fixdex/{search.SEARCH_SCRIPT}"
            if script not in config.extra_javascript:
                config.extra_javascript.append(script)
        if self.command == "build" and self.config.atomic_build and self.staging is None:
            self.final_site_dir = Path(config.site_dir)
            self.staging = site_swap.begin(self.final_site_dir)
            config.site_dir = str(self.staging)
        return config

    def on_build_error(self, *, error: Exception) -> None:
        self.failed = True

    def on_shutdown(self) -> None:
        if self.staging is None or self.final_site_dir is None:
            return
        if self.failed:
            site_swap.abandon(self.staging)
            log.info("fixdex: the build failed; the previous site in %s is untouched", self.final_site_dir)
        else:
            site_swap.finish(self.staging, self.final_site_dir)
        self.staging = None

    @event_priority(100)  # before plugins that look for our pages (redirects, search)
    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        assert self.site is not None
        docs_dir = Path(config.docs_dir)
        for page in self.site.pages:
            if files.get_file_from_path(page.path) is not None:
                log.info("fixdex: docs/%s exists and replaces the generated page", page.path)
                continue
            inclusion = InclusionLevel.INCLUDED if page.in_nav else InclusionLevel.NOT_IN_NAV
            file = File.generated(config, page.path, content=page.markdown, inclusion=inclusion)
            if page.source:
                file.edit_uri = os.path.relpath(page.source, docs_dir).replace(os.sep, "/")
            files.append(file)
        for path, content in self.site.assets.items():
            if files.get_file_from_path(path) is None:
                files.append(File.generated(config, path, content=content))
        return files

    def on_template_context(self, context: Any, /, *, template_name: str, config: MkDocsConfig) -> Any:
        # the 404 page's body (fixdex/theme_overrides/404.html shows it); HTML rendered by fixdex
        if template_name == "404.html" and self.site is not None:
            context["fixdex_not_found"] = Markup(self.site.not_found_html)
        return context

    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        # after Markdown conversion, so no Markdown extension ever reads a note
        assert self.site is not None
        html = fill_placeholders(html, self.site.notes_html)
        # scripts and stylesheets only for the pages that use them (fixdex.assets)
        error_page = page.file.src_uri == "404.md"
        return link_page_assets(html, page.url, site_url=config.site_url or "", error_page=error_page)

    def on_post_template(self, output: str, /, *, template_name: str, config: MkDocsConfig) -> str:
        if template_name == "404.html":  # a theme's 404 page, served at any address
            return link_page_assets(output, "", site_url=config.site_url or "", error_page=True)
        return output

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if self.engine == "pagefind":
            # Pagefind indexes the page instead; Material's index stays empty and tiny
            self.indexable[page.url] = not (page.meta.get("search") or {}).get("exclude")
            page.meta["search"] = {"exclude": True}
        return markdown

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        if self.engine == "pagefind" and self.indexable.get(page.url):
            return search.mark_indexable(output)
        return output

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.engine == "pagefind":
            try:
                search.run_pagefind(Path(config.site_dir))
            except RuntimeError as error:
                raise PluginError(f"fixdex: {error}") from None

    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        root = self._root(config)
        notes = notes_folder(root / self.config.entries)
        for folder in (self.config.entries, self.config.templates, notes):
            if (root / folder).is_dir():
                server.watch(str(root / folder))
        return server
