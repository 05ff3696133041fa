"""`fixdex export DIR`: the generated pages as plain files, for engines without our plugin.

Zensical reads the same mkdocs.yml as MkDocs but runs no third-party plugins;
exporting the pages into a docs folder lets it (or anything else) build them.

Approved community notes are in the exported pages. The plugin puts a note
into the page after Markdown conversion; an exported page is Markdown source
for another engine, so each entry's notes are written as one line of raw HTML
in which no character means anything to Markdown (fixdex.notes.render.markdown_proof).
"""

from __future__ import annotations

from pathlib import Path

from fixdex.notes import export_placeholders
from fixdex.site import load_site_from_config


def export_pages(config_file: Path, out_dir: Path) -> list[Path]:
    """Write every generated page and asset under out_dir; returns the paths written."""
    site = load_site_from_config(config_file)
    written: list[Path] = []
    pages = {page.path: export_placeholders(page.markdown, site.notes_html) for page in site.pages}
    outputs = pages | site.assets
    for relative, text in sorted(outputs.items()):
        target = out_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written
