"""Where a user's fixdex settings come from: today, the base URL that links point at.

A team points the hook and `fixdex match` at its own site without touching
code: `FIXDEX_BASE_URL`, else `base_url` under `[tool.fixdex]` in the nearest
pyproject.toml, else `site_url` from the knowledge base's mkdocs.yml.
"""

from __future__ import annotations

import os
from pathlib import Path


def _from_pyproject(start: Path) -> str | None:
    try:
        import tomllib
    except ImportError:  # Python 3.10: no reader in the standard library, skip this source
        return None
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                data = tomllib.loads(candidate.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return None
            value = data.get("tool", {}).get("fixdex", {}).get("base_url")
            return str(value) if value else None
    return None


def _from_mkdocs(start: Path) -> str | None:
    for folder in (start, *start.parents):
        candidate = folder / "mkdocs.yml"
        if candidate.is_file() and (folder / "entries").is_dir():
            from mkdocs.utils.yaml import yaml_load  # resolves !ENV like a build does

            try:
                with candidate.open(encoding="utf-8") as stream:
                    data = yaml_load(stream)
            except Exception:  # noqa: BLE001 - a broken mkdocs.yml only means no default
                return None
            value = (data or {}).get("site_url")
            return str(value) if value else None
    return None


def configured_base_url(start: Path | None = None) -> str:
    """The site that entry links point at; "" means links stay site-relative."""
    value = os.environ.get("FIXDEX_BASE_URL")
    if value:
        return value
    folder = (start or Path.cwd()).resolve()
    return _from_pyproject(folder) or _from_mkdocs(folder) or ""
