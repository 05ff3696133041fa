"""The one build step pyproject.toml cannot declare: the published catalogue's match index.

`build_py` writes fixdex/data/match-index.json into the wheel, made from
entries/ by fixdex's own loader and matcher (`fixdex.matcher.load_valid_entries`,
`fixdex.api.match_index_assets`, whatever index format they write today),
with links to `fixdex.resources.PUBLIC_SITE_URL`. Nothing generated is
committed, and MkDocs is never imported (the build environment does not have
it). An editable install skips the step: a checkout matches its own entries/.
"""

from __future__ import annotations

import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildPyWithCatalogueIndex(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        sys.path.insert(0, str(ROOT))
        from fixdex.api import MATCH_INDEX, match_index_assets
        from fixdex.matcher import load_valid_entries
        from fixdex.resources import CATALOGUE_INDEX, PUBLIC_SITE_URL

        entries = load_valid_entries(ROOT / "entries")
        if not entries:
            raise SystemExit(f"setup.py: no valid entries in {ROOT / 'entries'}: the wheel would link nothing")
        if "mkdocs" in sys.modules:
            raise SystemExit("setup.py: building the match index imported MkDocs; the core must not need it")
        # one file, never shards: it is read from disk, not fetched by a browser
        text = match_index_assets(entries, PUBLIC_SITE_URL, shard_bytes=sys.maxsize)[MATCH_INDEX]
        target = Path(self.build_lib, "fixdex", *CATALOGUE_INDEX)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        print(f"setup.py: wrote {target} ({len(entries)} entries, links to {PUBLIC_SITE_URL})")


setup(cmdclass={"build_py": BuildPyWithCatalogueIndex})
