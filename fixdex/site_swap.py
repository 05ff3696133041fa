"""Build beside the site, then swap: an interrupted or failed `mkdocs build` leaves the previous site whole.

MkDocs empties `site_dir` first and writes into it page by page, so a build
that is killed, or that `--strict` aborts after writing, leaves a half site or
none. The plugin points MkDocs at a staging folder next to the site and moves
it into place only when the whole build succeeded; anything else removes the
staging folder and leaves the previous site untouched.
"""

from __future__ import annotations

import shutil
from pathlib import Path


def staging_dir(site_dir: Path) -> Path:
    """Where the next site is written: beside the site, on the same file system, so the swap is a rename."""
    return site_dir.with_name(f".{site_dir.name}.fixdex-building")


def begin(site_dir: Path) -> Path:
    """A fresh, empty staging folder (what a killed earlier build left there is removed first)."""
    staging = staging_dir(site_dir)
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    return staging


def finish(staging: Path, site_dir: Path) -> None:
    """Put the new site in place of the old one: two renames, then the old copy is removed."""
    old = site_dir.with_name(f".{site_dir.name}.fixdex-old")
    shutil.rmtree(old, ignore_errors=True)
    if site_dir.exists():
        site_dir.rename(old)
    staging.rename(site_dir)
    shutil.rmtree(old, ignore_errors=True)


def abandon(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)
