"""Live comments (giscus): off unless mkdocs.yml sets `extra: giscus:`, and then checked.

Comments are not notes: they are not moderated before they appear. When they are
off, the theme's comments partial renders nothing, so pages make no request for them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

THEME_OVERRIDES = Path(__file__).resolve().parent.parent / "theme_overrides"
GISCUS_REQUIRED = ("repo", "repo_id", "category", "category_id")


def comments_theme_dir(giscus: Any) -> Path:
    """The plugin's theme folder, after checking the giscus settings when there are any."""
    if not giscus:
        return THEME_OVERRIDES
    if not isinstance(giscus, dict):
        raise ValueError("extra.giscus: expected a mapping with repo, repo_id, category and category_id "
                         "(copy them from https://giscus.app)")
    missing = [key for key in GISCUS_REQUIRED if not giscus.get(key)]
    if missing:
        raise ValueError(f"extra.giscus: missing {', '.join(missing)} (copy the values from https://giscus.app)")
    return THEME_OVERRIDES
