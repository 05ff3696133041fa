"""Files that ship inside the package, found the same way in a source checkout and in a wheel.

- The default templates and theme files. A checkout keeps them in the top-level
  `templates/` folder, where teams look for them; a wheel carries them as
  `fixdex/templates/` (pyproject.toml maps one to the other). The package's own
  copy is looked up first, through `importlib.resources`, so an unrelated
  `templates` folder next to the installed package is never taken for ours.
- The published catalogue's match index, `fixdex/data/match-index.json`. Only a
  built wheel has it: setup.py writes it from `entries/` at build time, with
  links to `PUBLIC_SITE_URL`. `fixdex.matcher.default_index` falls back to it when
  there is no local knowledge base, so `pip install fixdex` links errors to the
  public site from any folder, offline.
- The published catalogue's entries, for a team site that layers its own entries
  over them (`sources: [{catalogue: public}, {path: kb}]`, fixdex.layers), with
  their verification records (the trust line). A wheel carries `entries/` and
  `verification/` under `fixdex/catalogue/`; a checkout reads its own. Only this
  repository's entries ever ship: nothing of a team's is packaged.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

# Where the published catalogue lives (the GitHub Pages site of github.com/fixdex/fixdex,
# built by .github/workflows/pages.yml). Links in the wheel's match index point here;
# a fork that publishes its own catalogue changes this one line.
PUBLIC_SITE_URL = "https://fixdex.github.io/fixdex/"

CATALOGUE_INDEX = ("data", "match-index.json")  # inside the package, written by setup.py


def _package_path(*parts: str) -> Path | None:
    found = resources.files("fixdex").joinpath(*parts)
    return Path(str(found)) if found.is_dir() or found.is_file() else None


def templates_folder() -> Path:
    """The built-in templates: the package's copy when installed, else the checkout's templates/."""
    return _package_path("templates") or _checkout() / "templates"


def catalogue_entries_folder() -> Path | None:
    """The published catalogue's entries: the package's copy when installed, else the checkout's entries/."""
    packaged = _package_path("catalogue", "entries")
    if packaged is not None:
        return packaged
    checkout = _checkout() / "entries"
    return checkout if checkout.is_dir() else None


def catalogue_root() -> Path:
    """The folder that holds the published catalogue's entries/ and verification/ (a checkout, or the wheel's copy)."""
    return _package_path("catalogue") or _checkout()


def _checkout() -> Path:
    return Path(__file__).resolve().parent.parent


def catalogue_index_file() -> Path | None:
    """The match index of the published catalogue, when this is an installed wheel (else None)."""
    return _package_path(*CATALOGUE_INDEX)
