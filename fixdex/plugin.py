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

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel

from fixdex.config import FixdexConfig
from fixdex.site import Site, SiteError, load_site_for

log = logging.getLogger("mkdocs.plugins.fixdex")


class FixdexPlugin(BasePlugin[FixdexConfig]):
    site: Site | None = None

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
        return config

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

    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        root = self._root(config)
        for folder in (self.config.entries, self.config.templates):
            if (root / folder).is_dir():
                server.watch(str(root / folder))
        return server
