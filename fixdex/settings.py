"""Where a user's fixdex settings come from: the base URL that links point at, and the off switch.

A team points the hook and `fixdex match` at its own site without touching
code: `FIXDEX_BASE_URL`, else `base_url` under `[tool.fixdex]` in the nearest
pyproject.toml, else `site_url` from the knowledge base's mkdocs.yml. The
published catalogue that ships in the wheel carries its own address
(fixdex.resources.PUBLIC_SITE_URL).

Read without MkDocs: the core package does not depend on it, so mkdocs.yml is
read with PyYAML and a resolver for MkDocs' `!ENV` tag.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import yaml

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: the same reader, from PyPI (a dependency on 3.10 only)
    import tomli as tomllib

def _from_pyproject(start: Path) -> str | None:
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


class _MkDocsLoader(yaml.SafeLoader):
    """mkdocs.yml as MkDocs reads it for `site_url`: `!ENV` resolved, other tags read as null."""


def _environment_value(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    """`!ENV NAME` or `!ENV [NAME, OTHER, default]`: the first variable set, else the default."""
    if isinstance(node, yaml.ScalarNode):
        return os.environ.get(str(loader.construct_scalar(node)))
    if not isinstance(node, yaml.SequenceNode):
        return None
    items = loader.construct_sequence(node, deep=True)
    names, default = (items[:-1], items[-1]) if len(items) > 1 else (items, None)
    return next((os.environ[str(name)] for name in names if str(name) in os.environ), default)


def _unknown_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> None:
    return None  # !!python/name:... and plugin tags: not needed for site_url


_MkDocsLoader.add_constructor("!ENV", _environment_value)
_MkDocsLoader.add_multi_constructor("", _unknown_tag)


def read_mkdocs_config(config_file: Path) -> Any:
    """mkdocs.yml as plain data, `!ENV` resolved, without MkDocs (raises OSError or yaml.YAMLError)."""
    return yaml.load(config_file.read_text(encoding="utf-8"), Loader=_MkDocsLoader)


def _from_mkdocs(start: Path) -> str | None:
    for folder in (start, *start.parents):
        candidate = folder / "mkdocs.yml"
        if candidate.is_file() and (folder / "entries").is_dir():
            try:
                data = yaml.load(candidate.read_text(encoding="utf-8"), Loader=_MkDocsLoader)
            except (OSError, ValueError, yaml.YAMLError):  # a broken mkdocs.yml only means no default
                return None
            value = data.get("site_url") if isinstance(data, dict) else None
            return str(value) if value else None
    return None


def configured_base_url(start: Path | None = None) -> str:
    """The site that entry links point at; "" means links stay site-relative."""
    value = os.environ.get("FIXDEX_BASE_URL")
    if value:
        return value
    folder = (start or Path.cwd()).resolve()
    return _from_pyproject(folder) or _from_mkdocs(folder) or ""
