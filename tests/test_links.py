"""Permalinks, alias redirects, the /api/ files, the paste page and the published-URL check, on real builds."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from fixdex.match import load_index_file, match_index
from tests.conftest import DATA, ROOT, run_mkdocs

FIXTURES = sorted((DATA / "match" / "entries").glob("*.yaml"))


@pytest.fixture(scope="module")
def matched_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/data/kb plus the matcher fixtures, built once; returns the project folder."""
    import shutil

    kb = tmp_path_factory.mktemp("links") / "kb"
    shutil.copytree(DATA / "kb", kb)
    for entry in FIXTURES:
        shutil.copy(entry, kb / "entries" / entry.name)
    result = run_mkdocs(kb)
    assert result.returncode == 0, result.stdout + result.stderr
    return kb


def test_permalinks_and_aliases_redirect_to_the_canonical_page(matched_site: Path) -> None:
    site = matched_site / "site"
    stub = (site / "e" / "openai-model-not-found" / "index.html").read_text(encoding="utf-8")
    assert 'content="0; url=../../errors/openai-model-not-found/"' in stub
    assert '<link rel="canonical" href="https://kb.example.test/errors/openai-model-not-found/">' in stub
    assert 'location.replace("../../errors/openai-model-not-found/" + location.hash)' in stub
    for alias_page, target in (("e/openai-model-does-not-exist/index.html", "../../errors/openai-model-not-found/"),
                               ("errors/openai-model-does-not-exist/index.html", "../openai-model-not-found/")):
        assert f'content="0; url={target}"' in (site / alias_page).read_text(encoding="utf-8")
    assert (site / "errors" / "openai-model-not-found" / "index.html").is_file()


def test_api_files_are_valid_json(matched_site: Path) -> None:
    site = matched_site / "site"
    listing = json.loads((site / "api" / "entries.json").read_text(encoding="utf-8"))
    ids = [e["id"] for e in listing["entries"]]
    assert ids == sorted(ids) and "gemini-model-not-found" in ids
    gemini = next(e for e in listing["entries"] if e["id"] == "gemini-model-not-found")
    assert gemini["url"] == "https://kb.example.test/errors/gemini-model-not-found/"
    assert gemini["permalink"] == "https://kb.example.test/e/gemini-model-not-found/"
    assert gemini["signatures"] == [
        "models/{model} is not found for API version {api_version}, or is not supported for {method}."]
    assert gemini["messages"][0].startswith("google.api_core.exceptions.NotFound: 404 models/gemini-pro-vision")
    assert gemini["updated"] == "2026-11-25"
    for entry_id in ids:
        one = json.loads((site / "api" / "e" / f"{entry_id}.json").read_text(encoding="utf-8"))
        assert one["id"] == entry_id and one["entry"]["id"] == entry_id


def test_the_published_match_index_matches(matched_site: Path) -> None:
    index = load_index_file(matched_site / "site" / "api" / "match-index.json")
    found = match_index("404 models/gemini-1.5-flash-001 is not found for API version v1, "
                        "or is not supported for generateContent.", index)
    assert found[0].id == "gemini-model-not-found" and found[0].confident
    assert found[0].url == "https://kb.example.test/errors/gemini-model-not-found/"
    assert found[0].captures["model"] == "gemini-1.5-flash-001"


def test_paste_box_on_home_and_its_own_page(matched_site: Path) -> None:
    site = matched_site / "site"
    for page in ("index.html", "paste/index.html"):
        html = (site / page).read_text(encoding="utf-8")
        assert 'data-fixdex-paste' in html and 'id="fx-paste-input"' in html
        assert "assets/fixdex/fixdex-match.js" in html and "assets/fixdex/fixdex-paste.js" in html
    assert "Paste your error" in (site / "paste" / "index.html").read_text(encoding="utf-8")


def test_index_is_sharded_by_exception_type_past_the_limit() -> None:
    from fixdex.api import match_index_assets
    from fixdex.load import load_entries

    entries = [item.entry for item in load_entries([DATA / "match" / "entries", DATA / "kb" / "entries"]).entries]
    assets = match_index_assets(entries, "", shard_bytes=1_000)
    manifest = json.loads(assets["api/match-index.json"])
    assert "entries" not in manifest and len(manifest["shards"]) > 1
    listed = [name for shard in manifest["shards"] for name in shard["exceptions"]]
    assert sorted(listed) == sorted({e.exception.rsplit(".", 1)[-1].lower() for e in entries})
    for shard in manifest["shards"]:
        records = json.loads(assets["api/" + shard["file"]])["entries"]
        assert {r["exception"].rsplit(".", 1)[-1].lower() for r in records} == set(shard["exceptions"])
        assert shard["bytes"] <= 1_000 or len(shard["exceptions"]) == 1


def _urls(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "fixdex", "urls", *args], cwd=project,
                          capture_output=True, text=True)


def test_a_build_that_drops_a_published_url_fails(make_kb: Callable[..., Path]) -> None:
    kb = make_kb(*FIXTURES)
    result = _urls(kb, "--update")
    assert result.returncode == 0, result.stdout + result.stderr
    listed = (kb / "published-urls.txt").read_text(encoding="utf-8")
    for url in ("errors/gemini-model-not-found/", "e/gemini-model-not-found/", "e/openai-model-does-not-exist/",
                "errors/openai-model-does-not-exist/", "api/e/gemini-model-not-found.json", "api/entries.json",
                "paste/"):
        assert f"\n{url}\n" in listed
    assert _urls(kb, "--update").stdout.strip().endswith("added 0 URLs")
    assert run_mkdocs(kb).returncode == 0

    (kb / "entries" / "gemini-model-not-found.yaml").unlink()
    result = run_mkdocs(kb)
    assert result.returncode != 0
    lines = listed.splitlines()
    number = lines.index("errors/gemini-model-not-found/") + 1
    assert (f"published-urls.txt:{number}: error: errors/gemini-model-not-found/ was published but this build "
            "no longer has it") in result.stdout + result.stderr


def test_a_renamed_entry_keeps_its_urls_through_an_alias(make_kb: Callable[..., Path]) -> None:
    kb = make_kb(*FIXTURES)
    assert _urls(kb, "--update").returncode == 0
    old = kb / "entries" / "pandas-append-removed.yaml"
    text = old.read_text(encoding="utf-8").replace("id: pandas-append-removed", "id: pandas-dataframe-append")
    text = text.replace("aliases: []", "aliases: [pandas-append-removed]")
    old.unlink()
    (kb / "entries" / "pandas-dataframe-append.yaml").write_text(text, encoding="utf-8")
    result = run_mkdocs(kb)
    # the old API file is gone: that is a URL too, and the check names it
    assert "api/e/pandas-append-removed.json was published" in result.stdout + result.stderr
    assert "errors/pandas-append-removed/ was published" not in result.stdout + result.stderr


def test_search_separator_splits_error_text() -> None:
    """The repository's mkdocs.yml search separator, applied to a pasted fragment, keeps the words."""
    import re

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor("!ENV", lambda loader, node: None)
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)  # noqa: S506
    search = next(p["search"] for p in config["plugins"] if isinstance(p, dict) and "search" in p)
    words = [w for w in re.split(search["separator"], "models/gemini-pro-vision is not found: 'x.y' v3.12") if w]
    assert words == ["models", "gemini", "pro", "vision", "is", "not", "found", "x", "y", "v3.12"]
