"""Plugin manners: `enabled`, `repo_stars`, and logging through MkDocs' plugin logger, on real builds."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import fixdex.plugin
from tests.conftest import ROOT, copy_kb, run_mkdocs


def set_options(kb: Path, options: str) -> None:
    config = (kb / "mkdocs.yml").read_text(encoding="utf-8")
    (kb / "mkdocs.yml").write_text(config.replace("  - fixdex\n", f"  - fixdex: {options}\n"), encoding="utf-8")


def test_disabled_plugin_does_nothing_at_all(tmp_path: Path) -> None:
    kb = copy_kb(tmp_path)
    set_options(kb, "{enabled: false}")
    result = run_mkdocs(kb)
    assert result.returncode == 0, result.stdout + result.stderr
    site = kb / "site"
    files = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    assert not [f for f in files if f.startswith(("errors/", "e/", "browse/", "paste/", "api/", "assets/fixdex/"))]
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "fixdex" not in html and "fx-" not in html, page
    # not even the theme is touched: Material's own repository partial, stars request and all
    assert 'data-md-component="source"' in (site / "404.html").read_text(encoding="utf-8")


def test_repo_stars_are_off_unless_asked_for(tmp_path: Path) -> None:
    def source_link(kb: Path) -> str:
        result = run_mkdocs(kb)
        assert result.returncode == 0, result.stdout + result.stderr
        html = (kb / "site" / "errors" / "json-expecting-value" / "index.html").read_text(encoding="utf-8")
        found = re.search(r'<a href="https://git.example.test/team/kb" [^>]*class="md-source"[^>]*>', html)
        assert found, "no repository link"
        return found.group(0)

    default = copy_kb(tmp_path / "default")
    assert "data-md-component" not in source_link(default)  # no request to the host's API
    asked = copy_kb(tmp_path / "asked")
    set_options(asked, "{repo_stars: true}")
    assert 'data-md-component="source"' in source_link(asked)  # Material's own partial fetches them


def test_plugin_logs_through_the_mkdocs_plugin_logger(tmp_path: Path) -> None:
    assert isinstance(fixdex.plugin.log, logging.LoggerAdapter)
    assert fixdex.plugin.log.logger.name == "mkdocs.plugins.fixdex.plugin"
    plugin_code = (ROOT / "fixdex" / "plugin.py").read_text(encoding="utf-8")
    assert "getLogger" not in plugin_code and "print(" not in plugin_code
    kb = copy_kb(tmp_path)
    (kb / "docs" / "errors").mkdir(parents=True)
    (kb / "docs" / "errors" / "json-expecting-value.md").write_text("# Our own page\n", encoding="utf-8")
    result = run_mkdocs(kb)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "INFO    -  fixdex: docs/errors/json-expecting-value.md exists and replaces the generated page" in \
        result.stderr
