"""Permalinks, alias redirects, the /api/ files, the paste page and the published-URL check, on real builds."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from fixdex.matcher import load_index_file, match_index
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
    # enough to show the fix without fetching the entry
    assert gemini["fix_title"] == "use a current Gemini model name"
    assert gemini["summary"].startswith("Python's json module was asked to decode")
    assert (gemini["severity"], gemini["category"], gemini["verified"]) == ("medium", "ValueError", "2026-11-25")
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
    paste = (site / "paste" / "index.html").read_text(encoding="utf-8")
    assert "Paste your error" in paste
    assert "prefilled request\nto write the entry (you need a git.example.test account)" in paste


def test_index_is_sharded_by_exception_type_past_the_limit() -> None:
    from fixdex.api import match_index_assets
    from fixdex.load import load_entries

    entries = [item.entry for item in load_entries([DATA / "match" / "entries", DATA / "kb" / "entries"]).entries]
    assets = match_index_assets(entries, "", shard_bytes=1_000)
    manifest = json.loads(assets["api/match-index.json"])
    assert "entries" not in manifest and len(manifest["shards"]) > 1
    listed = [name for shard in manifest["shards"] for name in shard["exceptions"]]
    assert sorted(listed) == sorted({e.error_name.rsplit(".", 1)[-1].lower() for e in entries})
    for shard in manifest["shards"]:
        records = json.loads(assets["api/" + shard["file"]])["entries"]
        names = {(r["exception"] or r["error_code"]).rsplit(".", 1)[-1].lower() for r in records}
        assert names == set(shard["exceptions"])
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


def test_a_renamed_entry_keeps_every_published_url_through_an_alias(make_kb: Callable[..., Path]) -> None:
    """The rename workflow end to end: new id, old id under `aliases:`, and nothing else to do."""
    kb = make_kb(*FIXTURES)
    assert _urls(kb, "--update").returncode == 0
    listed = (kb / "published-urls.txt").read_text(encoding="utf-8")
    old = kb / "entries" / "pandas-append-removed.yaml"
    text = old.read_text(encoding="utf-8").replace("id: pandas-append-removed", "id: pandas-dataframe-append")
    text = text.replace("aliases: []", "aliases: [pandas-append-removed]")
    old.unlink()
    (kb / "entries" / "pandas-dataframe-append.yaml").write_text(text, encoding="utf-8")

    check = _urls(kb)  # enforces the list, like the build
    assert check.returncode == 0, check.stdout + check.stderr
    result = run_mkdocs(kb)
    assert result.returncode == 0, result.stdout + result.stderr
    site = kb / "site"
    for stub, target in (("e/pandas-append-removed/index.html", "../../errors/pandas-dataframe-append/"),
                         ("errors/pandas-append-removed/index.html", "../pandas-dataframe-append/"),
                         ("e/pandas-dataframe-append/index.html", "../../errors/pandas-dataframe-append/")):
        assert f'content="0; url={target}"' in (site / stub).read_text(encoding="utf-8")
    # the old API address answers with the entry under its new id
    moved = json.loads((site / "api" / "e" / "pandas-append-removed.json").read_text(encoding="utf-8"))
    new = json.loads((site / "api" / "e" / "pandas-dataframe-append.json").read_text(encoding="utf-8"))
    assert moved["alias"] == "pandas-append-removed" and moved["id"] == "pandas-dataframe-append"
    assert {k: v for k, v in moved.items() if k != "alias"} == new
    assert "pandas-append-removed" not in [e["id"] for e in
                                           json.loads((site / "api" / "entries.json").read_text())["entries"]]
    # the list only grows: the new addresses are added, the old lines stay
    assert _urls(kb, "--update").returncode == 0
    updated = (kb / "published-urls.txt").read_text(encoding="utf-8")
    assert updated.startswith(listed) and "\nerrors/pandas-dataframe-append/\n" in updated


def test_urls_update_never_moves_the_list(make_kb: Callable[..., Path]) -> None:
    """Watched while it runs, and killed at several moments: the list is always there, old or new, whole."""
    import os
    import signal
    import time

    kb = make_kb(*FIXTURES)
    listed = kb / "published-urls.txt"
    old_text = "# kept\nerrors/json-expecting-value/\n"
    listed.write_text(old_text, encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "fixdex", "urls", "--update"], cwd=kb,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seen = set()
    while process.poll() is None:
        seen.add(listed.read_text(encoding="utf-8") if listed.exists() else None)
    _, errors = process.communicate()
    assert process.returncode == 0, errors
    new_text = listed.read_text(encoding="utf-8")
    assert new_text.startswith(old_text) and "\nerrors/gemini-model-not-found/\n" in new_text
    assert seen <= {old_text, new_text}, "the list disappeared or was seen half-written"
    assert sorted(p.name for p in kb.iterdir() if "published" in p.name) == ["published-urls.txt"]

    for delay in (0.2, 0.5, 0.8, 1.2, 2.0):
        listed.write_text(old_text, encoding="utf-8")
        process = subprocess.Popen([sys.executable, "-m", "fixdex", "urls", "--update"], cwd=kb,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
        process.wait()
        assert listed.read_text(encoding="utf-8") in (old_text, new_text), delay
        leftovers = [p.name for p in kb.iterdir() if "published" in p.name and p.name != "published-urls.txt"]
        for name in leftovers:  # a killed run may leave its temporary file, never in place of the list
            assert name.startswith(".published-urls.txt.") and name.endswith(".tmp"), name
            (kb / name).unlink()


def _redirect_rules(text: str) -> list[tuple[re.Pattern[str], str, int]]:
    """`_redirects` lines as Netlify and Cloudflare Pages read them: source, target, status; :name placeholders."""
    rules = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        source, target, status = line.split()
        pattern = re.sub(r":([a-z]+)", r"(?P<\1>[^/]+)", re.escape(source).replace("\\:", ":"))
        rules.append((re.compile(pattern + "$"), target, int(status)))
    return rules


def _follow_redirects(rules: list[tuple[re.Pattern[str], str, int]], path: str) -> tuple[str, int]:
    """Where a host that applies `rules` (first match wins) finally answers, and after how many 301s."""
    hops = 0
    while hops < 5:
        for pattern, target, status in rules:
            found = pattern.match(path)
            if found:
                assert status == 301
                path = re.sub(r":([a-z]+)", lambda m, found=found: found.group(m.group(1)), target)
                hops += 1
                break
        else:
            return path, hops
    raise AssertionError(f"redirect loop at {path}")


def _nginx_map(text: str) -> Callable[[str], str]:
    """The `map` in nginx-redirects.conf as nginx evaluates it: exact keys first, then regexes in order."""
    body = text[text.index("map $uri $fixdex_redirect {") :].splitlines()[1:]
    exact: dict[str, str] = {}
    regexes: list[tuple[re.Pattern[str], str]] = []
    for line in body:
        if line.strip() == "}":
            break
        key, value = re.fullmatch(r'\s*("[^"]*"|\S+)\s+("[^"]*")\s*;', line).groups()  # type: ignore[union-attr]
        key, value = key.strip('"'), value.strip('"')
        if key.startswith("~"):
            regexes.append((re.compile(key[1:].replace("(?<", "(?P<")), value))
        elif key != "default":
            exact[key] = value

    def lookup(uri: str) -> str:
        if uri in exact:
            return exact[uri]
        for pattern, value in regexes:
            found = pattern.search(uri)
            if found:
                return re.sub(r"\$([a-z_]+)", lambda m, found=found: found.group(m.group(1)), value)
        return ""

    return lookup


def test_redirect_maps_give_real_301s_to_the_canonical_page(matched_site: Path) -> None:
    site = matched_site / "site"
    rules = _redirect_rules((site / "_redirects").read_text(encoding="utf-8"))
    nginx = _nginx_map((site / "nginx-redirects.conf").read_text(encoding="utf-8"))
    cases = {
        "/e/gemini-model-not-found/": "/errors/gemini-model-not-found/",
        "/e/gemini-model-not-found": "/errors/gemini-model-not-found/",
        "/e/openai-model-does-not-exist/": "/errors/openai-model-not-found/",
        "/errors/openai-model-does-not-exist/": "/errors/openai-model-not-found/",
        "/errors/openai-model-does-not-exist": "/errors/openai-model-not-found/",
        "/e/fixture-old-name/": "/errors/fixture-second-error/",
        "/e/zz-unknown/": "/errors/zz-unknown/",  # then the host's 404 page, which offers a request
    }
    for source, target in cases.items():
        assert _follow_redirects(rules, source) == (target, 1), source
        assert nginx(source) == target, source
    for page in ("/errors/gemini-model-not-found/", "/paste/", "/api/e/gemini-model-not-found.json", "/"):
        assert _follow_redirects(rules, page) == (page, 0)
        assert nginx(page) == ""
    # every permalink and alias the site publishes is covered, and lands on a page that exists
    listing = json.loads((site / "api" / "entries.json").read_text(encoding="utf-8"))
    for entry in listing["entries"]:
        for source in [f"/e/{entry['id']}/"] + [f"/{d}/{a}/" for a in entry["aliases"] for d in ("e", "errors")]:
            target, hops = _follow_redirects(rules, source)
            assert hops == 1 and nginx(source) == target == f"/errors/{entry['id']}/"
            assert (site / target.strip("/") / "index.html").is_file()
    # the HTML stubs stay for hosts without redirect rules (GitHub Pages)
    assert (site / "e" / "gemini-model-not-found" / "index.html").is_file()


def test_redirect_maps_follow_the_site_path() -> None:
    from fixdex.links import netlify_redirects, nginx_redirects
    from fixdex.load import load_entries

    entries = [item.entry for item in load_entries([DATA / "match" / "entries"]).entries]
    rules = _redirect_rules(netlify_redirects(entries, "https://example.org/kb"))
    nginx = _nginx_map(nginx_redirects(entries, "https://example.org/kb/"))
    assert _follow_redirects(rules, "/kb/e/openai-model-does-not-exist/") == ("/kb/errors/openai-model-not-found/", 1)
    assert nginx("/kb/e/pandas-append-removed") == "/kb/errors/pandas-append-removed/"
    assert _follow_redirects(rules, "/e/pandas-append-removed/") == ("/e/pandas-append-removed/", 0)
    assert nginx("/e/pandas-append-removed/") == ""


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


@pytest.mark.parametrize(("repo_url", "expected"), [
    ("https://github.com/team/kb", {"url": "https://github.com/team/kb/issues/new?template=request.yml&title=",
                                    "host": "GitHub", "style": "form",
                                    "fields": {"entry": "Entry id", "error": "Error message"}}),
    ("https://gitlab.com/team/kb/", {"url": "https://gitlab.com/team/kb/-/issues/new", "host": "GitLab",
                                     "style": "description",
                                     "fields": {"entry": "Entry id", "error": "Error message"}}),
    ("", None),
])
def test_site_info_says_how_to_request_an_entry(repo_url: str, expected: dict[str, object] | None) -> None:
    from fixdex.links import site_info

    info = json.loads(site_info("https://kb.example.test/", "Test KB", repo_url))
    assert info == {"format": 1, "site_name": "Test KB", "site_url": "https://kb.example.test/", "request": expected}


def test_the_request_form_has_the_fields_the_links_fill() -> None:
    from fixdex.links import REQUEST_FIELDS, REQUEST_FORM

    for folder in (ROOT, ROOT / "fixdex" / "starter"):
        form = yaml.safe_load((folder / ".github" / "ISSUE_TEMPLATE" / REQUEST_FORM).read_text(encoding="utf-8"))
        fields = [(item["id"], item["attributes"]["label"]) for item in form["body"] if "id" in item]
        assert fields[: len(REQUEST_FIELDS)] == list(REQUEST_FIELDS)
        assert form["labels"] == ["request"]
