"""The MkDocs adapter: thin glue between MkDocs' build events and fixdex.

Entries are checked when the configuration is read, so a bad entry stops the
build before the site folder is touched. Pages enter the build as generated
files (nothing is written into docs/), kept out of the sidebar so that no page
grows with the number of entries.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

from fixdex import search, site_swap
from fixdex.assets import link_page_assets
from fixdex.config import FixdexConfig
from fixdex.links import PUBLISHED_URLS_FILE
from fixdex.notes import comments_theme_dir, fill_placeholders, notes_folder
from fixdex.notes.load import entries_folders
from fixdex.reference_links import STATUS_FILE
from fixdex.retired import REGISTRY_PATH
from fixdex.site import Site, SiteError, load_site_for

log = get_plugin_logger(__name__)  # "INFO - fixdex: ...", under mkdocs.plugins like every plugin
# Material's repository link without its stars-and-forks request (the `repo_stars` option)
NO_REPO_STARS_THEME = Path(__file__).resolve().parent / "theme_overrides" / "no_repo_stars"
# Inputs beside mkdocs.yml that change pages, besides entries, notes and templates (watched by `mkdocs serve`)
DATA_INPUTS = (REGISTRY_PATH, Path("verification"), Path(PUBLISHED_URLS_FILE), STATUS_FILE)


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
        if not self.config.enabled:
            return config
        try:
            self.site = load_site_for(config, self.config)
        except SiteError as error:
            raise PluginError(f"fixdex: the knowledge base has problems, nothing was built:\n{error}") from None
        prefixed = bool(self.site.urls.prefix)
        # under a prefix only fixdex's own pages load its files (on_page_content): the team's pages stay as they are
        for stylesheet in [] if prefixed else self.site.stylesheets:
            if stylesheet not in config.extra_css:
                config.extra_css.append(stylesheet)
        for script in [] if prefixed else self.site.scripts:
            if script not in config.extra_javascript:
                config.extra_javascript.append(script)
        try:
            comments = comments_theme_dir(config.extra.get("giscus"))
        except ValueError as error:
            raise PluginError(f"fixdex: {error}") from None
        if comments is not None and str(comments) not in config.theme.dirs:
            config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(comments))
        if not self.config.repo_stars and str(NO_REPO_STARS_THEME) not in config.theme.dirs:
            config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(NO_REPO_STARS_THEME))
        self.engine = search.choose_engine(self.config.search, prefixed=prefixed)
        self.indexable: dict[str, bool] = {}
        # our search partial (no index fetched before the reader opens the search); a team's custom_dir still wins
        if (not prefixed or self.engine == "pagefind") and str(search.THEME_DIR) not in config.theme.dirs:
            config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(search.THEME_DIR))
        if self.engine == "pagefind":
            script = search.SEARCH_SCRIPT_PATH
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
            log.info("the build failed; the previous site in %s is untouched", self.final_site_dir)
        else:
            site_swap.finish(self.staging, self.final_site_dir)
        self.staging = None

    @event_priority(100)  # before plugins that look for our pages (redirects, search)
    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        if not self.config.enabled:
            return files
        assert self.site is not None
        docs_dir = Path(config.docs_dir)
        for page in self.site.pages:
            if files.get_file_from_path(page.path) is not None:
                log.info("docs/%s exists and replaces the generated page", page.path)
                continue
            # under a prefix the team's nav stays theirs (on_nav adds a section only when asked)
            in_nav = page.in_nav and not self.site.urls.prefix
            inclusion = InclusionLevel.INCLUDED if in_nav else InclusionLevel.NOT_IN_NAV
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
        if not self.config.enabled:
            return html
        assert self.site is not None
        html = fill_placeholders(html, self.site.notes_html)
        # scripts and stylesheets only for the pages that use them (fixdex.assets)
        error_page = page.file.src_uri == "404.md"
        urls = self.site.urls
        always = self.site.stylesheets if urls.prefix and self.site.owns(page.file.src_uri) else ()
        return link_page_assets(html, page.url, site_url=config.site_url or "", error_page=error_page, urls=urls,
                                always=always)

    def on_post_template(self, output: str, /, *, template_name: str, config: MkDocsConfig) -> str:
        if template_name == "404.html" and self.site is not None:  # a theme's 404 page, served at any address
            return link_page_assets(output, "", site_url=config.site_url or "", error_page=True, urls=self.site.urls)
        return output

    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        # under a prefix, one section of fixdex's pages at the end of the team's nav, when `nav_section` asks
        if not self.config.enabled:
            return nav
        assert self.site is not None
        if self.site.urls.prefix and self.config.nav_section:
            urls = self.site.urls
            pages = [file.page for path in (urls.home_page, urls.browse_page, urls.paste_page)
                     if (file := files.get_file_from_path(path)) is not None and file.page is not None]
            section = Section(self.config.nav_section, pages)  # type: ignore[arg-type]
            for page in pages:
                page.parent = section
            nav.items.append(section)
        return nav

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
        if not self.config.enabled:
            return server
        for path in self.inputs(config):
            if path.exists():  # one created later is seen after a restart of `mkdocs serve`
                server.watch(str(path))
        return server

    def inputs(self, config: MkDocsConfig) -> list[Path]:
        """What changes a page, beyond docs/ and mkdocs.yml (which MkDocs watches itself): every entries
        folder (layers included) and the notes beside it, the templates, and the data files fixdex reads."""
        root = self._root(config)
        folders = entries_folders(self.site.entries, root) if self.site else []
        entries = sorted({(root / self.config.entries).resolve(), *folders})
        return [*entries, *(notes_folder(folder) for folder in entries), root / self.config.templates,
                *(root / path for path in DATA_INPUTS)]
