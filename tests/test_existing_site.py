"""fixdex inside a team's existing site: tests/data/existing-site, the example of add-to-your-docs.md.

The team's site has its own nav and pages and a `site_url` with a sub-path;
fixdex goes under /errors/ with `prefix: errors`, layering the public catalogue
under the team's entries (two subfolders, one `.yml`, one override of a public
id). The site is built with `--strict` next to the same site without fixdex,
and the two are compared file by file.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import pytest
import yaml

from fixdex.load import scan_folder
from fixdex.resources import catalogue_entries_folder
from fixdex.site import SiteError, load_site
from tests.conftest import DATA, ROOT, run_mkdocs

FIXTURE = DATA / "existing-site"
SITE_URL = "https://docs.example.test/team/"
TEAM_IDS = {"deploy-migration-lock-held", "payments-gateway-timeout"}  # new ids (deploy/ and services/, a .yml)
OVERRIDDEN = "json-expecting-value"  # a public id the team's kb/ defines again
PUBLIC_ONLY = "pandas-append-removed"
# files of the site without fixdex that adding fixdex may change: the site-wide 404 page (it gains the
# paste box and the entry request), the search index (it holds fixdex's pages too) and the sitemap
SHARED_FILES = {"404.html", "search/search_index.json", "sitemap.xml", "sitemap.xml.gz"}


def _project(tmp: Path, name: str, options: dict[str, Any] | None = None, *, fixdex: bool = True) -> Path:
    project = tmp / name
    shutil.copytree(FIXTURE, project)
    config_file = project / "mkdocs.yml"
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    plugins = []
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "fixdex" in plugin:
            if not fixdex:
                continue
            plugin["fixdex"].update(options or {})
        plugins.append(plugin)
    config["plugins"] = plugins
    config_file.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return project


def _build(project: Path) -> Path:
    result = run_mkdocs(project)
    assert result.returncode == 0, result.stdout + result.stderr
    return project / "site"


def _files(site: Path) -> set[str]:
    return {path.relative_to(site).as_posix() for path in site.rglob("*") if path.is_file()}


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the team's site with fixdex, the same site without it), both built with --strict."""
    tmp = tmp_path_factory.mktemp("existing-site")
    return _build(_project(tmp, "with")), _build(_project(tmp, "without", fixdex=False))


def _read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def _public_ids() -> set[str]:
    folder = catalogue_entries_folder()
    assert folder is not None
    return {path.stem for path in scan_folder(folder).files}


def test_the_teams_pages_and_nav_are_unchanged(sites: tuple[Path, Path]) -> None:
    with_fixdex, without = sites
    for path in sorted(_files(without) - SHARED_FILES):
        before, after = (without / path).read_bytes(), (with_fixdex / path).read_bytes()
        if path.endswith(".html"):
            # the same page, up to blank lines that theme partials leave (fixdex's comments partial renders none)
            before, after = (re.sub(rb"\s+", b" ", text) for text in (before, after))
        assert before == after, f"{path} changed when fixdex was added"
    home = _read(with_fixdex, "index.html")
    assert ">Deploying<" in home and ">On call<" in home
    assert "errors/" not in home, "fixdex adds nothing to the team's nav unless nav_section asks"


def test_nothing_fixdex_makes_lands_outside_errors(sites: tuple[Path, Path]) -> None:
    with_fixdex, without = sites
    new = _files(with_fixdex) - _files(without)
    assert new and all(path.startswith("errors/") for path in new), sorted(p for p in new if "errors/" not in p)
    for page in ("errors/index.html", "errors/browse/index.html", "errors/paste/index.html",
                 "errors/api/entries.json", "errors/api/match-index.json", "errors/e/pandas-append-removed/index.html",
                 "errors/assets/fixdex/fixdex.css", "errors/_redirects", "errors/nginx-redirects.conf"):
        assert (with_fixdex / page).is_file(), page
    sitemap = _read(with_fixdex, "sitemap.xml")
    assert f"<loc>{SITE_URL}errors/{PUBLIC_ONLY}/</loc>" in sitemap
    # redirect maps and short links carry the site's sub-path and the prefix
    assert "/team/errors/e/:id/ /team/errors/:id/ 301" in _read(with_fixdex, "errors/_redirects")
    assert '"../../pandas-append-removed/"' in _read(with_fixdex, "errors/e/pandas-append-removed/index.html")


def test_the_team_entry_overrides_the_public_one_on_its_page_and_in_the_api(sites: tuple[Path, Path]) -> None:
    site = sites[0]
    page = _read(site, f"errors/{OVERRIDDEN}/index.html")
    assert "Expecting value (from our API gateway)" in page
    assert "Our API gateway answers a 502 with an HTML page" in page
    assert 'data-fixdex-layer="kb"' in page
    assert "From this site&#39;s entries in kb/, in place of the entry of the same id in the public fixdex" in page
    summary = json.loads(_read(site, "errors/api/entries.json"))
    by_id = {record["id"]: record for record in summary["entries"]}
    assert by_id[OVERRIDDEN]["title"].endswith("(from our API gateway)") and by_id[OVERRIDDEN]["layer"] == "kb"
    assert by_id[OVERRIDDEN]["url"] == f"{SITE_URL}errors/{OVERRIDDEN}/"
    assert by_id[OVERRIDDEN]["permalink"] == f"{SITE_URL}errors/e/{OVERRIDDEN}/"
    full = json.loads(_read(site, f"errors/api/e/{OVERRIDDEN}.json"))
    assert full["entry"]["title"].endswith("(from our API gateway)")


def test_public_and_team_entries_are_all_there(sites: tuple[Path, Path]) -> None:
    site = sites[0]
    public = _public_ids()
    records = json.loads(_read(site, "errors/api/entries.json"))["entries"]
    assert {record["id"] for record in records} == public | TEAM_IDS
    assert {record["id"] for record in records if record["layer"] == "kb"} == TEAM_IDS | {OVERRIDDEN}
    assert 'data-fixdex-layer="public"' in _read(site, f"errors/{PUBLIC_ONLY}/index.html")
    for entry_id in TEAM_IDS:  # from kb/deploy/ and kb/services/*.yml
        assert 'data-fixdex-layer="kb"' in _read(site, f"errors/{entry_id}/index.html")
    browse = _read(site, "errors/browse/index.html")
    assert 'href="../deploy-migration-lock-held/"' in browse and f'href="../{PUBLIC_ONLY}/"' in browse
    index = json.loads(_read(site, "errors/api/match-index.json"))
    assert index["site_url"] == f"{SITE_URL}errors/"  # links in the index are relative to fixdex's root
    records = index.get("entries") or [record for shard in index["shards"]  # sharded past 100 KB
                                        for record in json.loads(_read(site, f"errors/api/{shard['file']}"))["entries"]]
    urls = {record["id"]: record["url"] for record in records}
    assert urls["payments-gateway-timeout"] == "payments-gateway-timeout/" and PUBLIC_ONLY in urls


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.links += [value for name, value in attrs if name in ("href", "src") and value]


def test_links_in_fixdex_pages_resolve(sites: tuple[Path, Path]) -> None:
    site = sites[0]
    host = urlsplit(SITE_URL)
    missing: dict[str, str] = {}
    checked = 0
    for page in sorted(site.glob("errors/**/*.html")):
        path = page.relative_to(site).as_posix()
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for link in parser.links:
            target = urlsplit(urljoin(SITE_URL + path.removesuffix("index.html"), link))
            if target.scheme not in ("http", "https") or target.netloc != host.netloc:
                continue  # another site's address, #anchors resolve to the page itself
            checked += 1
            local = unquote(target.path)
            file = site / local.removeprefix(host.path)
            if not local.startswith(host.path) or not (file / "index.html" if local.endswith("/") else file).is_file():
                missing.setdefault(link, path)
    assert checked > 1000 and not missing, missing


def test_a_nav_section_only_when_asked(tmp_path: Path) -> None:
    site = _build(_project(tmp_path, "section", {"nav_section": "Errors"}))
    home = re.sub(r"\s+", " ", _read(site, "index.html"))
    for link in ("errors/", "errors/browse/", "errors/paste/"):  # one section, after the team's own
        assert f'<a href="{link}" class="md-nav__link">' in home, link
    assert home.index('<a href="guides/deploy/" class="md-nav__link">') < home.index(" Errors ") < home.index(
        '<a href="errors/browse/" class="md-nav__link">')
    browse = re.sub(r"\s+", " ", _read(site, "errors/browse/index.html"))
    assert '<a href="./" class="md-nav__link md-nav__link--active">' in browse


def test_the_docs_show_this_fixture_as_their_example() -> None:
    page = (ROOT / "docs" / "contributing" / "add-to-your-docs.md").read_text(encoding="utf-8")
    assert "```yaml\n" + (FIXTURE / "mkdocs.yml").read_text(encoding="utf-8") + "```" in page


def test_check_reports_the_override_with_both_locations() -> None:
    result = subprocess.run([sys.executable, "-m", "fixdex", "check"], cwd=FIXTURE, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    public = catalogue_entries_folder()
    assert public is not None
    note = (f"kb/{OVERRIDDEN}.yaml:2:5: note: id '{OVERRIDDEN}' overrides the entry in layer 'public' at "
            f"{public}/{OVERRIDDEN}.yaml:2:5; the site shows this one")
    assert note in result.stdout, result.stdout
    assert "entries from 2 layers (public, kb), 1 override" in result.stdout


def _team_copy(tmp_path: Path) -> Path:
    root = tmp_path / "team"
    shutil.copytree(FIXTURE, root)
    return root


def test_a_team_site_without_the_public_layer_has_only_its_own_entries(tmp_path: Path) -> None:
    root = _team_copy(tmp_path)
    site = load_site(root, prefix="errors", sources=[{"path": "kb"}], site_url=SITE_URL)
    records = json.loads(site.assets["errors/api/entries.json"])["entries"]
    assert {record["id"] for record in records} == TEAM_IDS | {OVERRIDDEN}
    index = json.loads(site.assets["errors/api/match-index.json"])
    assert {record["id"] for record in index["entries"]} == TEAM_IDS | {OVERRIDDEN}
    assert "layer" not in records[0], "a one-layer site says nothing about layers"


def test_the_public_catalogue_never_holds_a_teams_entries(tmp_path: Path) -> None:
    # what the wheel ships (fixdex/catalogue/, from entries/) and what this repository's site builds from
    assert not (_public_ids() & TEAM_IDS)
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"fixdex.catalogue.entries" = "entries"' in pyproject
    root = _team_copy(tmp_path)
    site = load_site(root, prefix="errors", sources=[{"catalogue": "public"}], site_url=SITE_URL)
    ids = {record["id"] for record in json.loads(site.assets["errors/api/entries.json"])["entries"]}
    assert ids == _public_ids() and not (ids & TEAM_IDS)


def test_an_entry_cannot_take_the_name_of_a_fixdex_folder(tmp_path: Path) -> None:
    root = _team_copy(tmp_path)
    source = root / "kb" / "services" / "payments-gateway-timeout.yml"
    text = source.read_text(encoding="utf-8").replace("id: payments-gateway-timeout", "id: browse")
    (root / "kb" / "services" / "browse.yml").write_text(text, encoding="utf-8")
    source.unlink()
    with pytest.raises(SiteError, match=r"kb/services/browse.yml:1:5: error: id: 'browse' is the name of a folder"):
        load_site(root, prefix="errors", sources=[{"path": "kb"}])
    load_site(root, sources=[{"path": "kb"}])  # without a prefix, browse/ and errors/browse/ are apart


def test_an_alias_may_not_take_an_id_of_another_layer(tmp_path: Path) -> None:
    root = _team_copy(tmp_path)
    entry = root / "kb" / "deploy" / "deploy-migration-lock-held.yaml"
    entry.write_text(entry.read_text(encoding="utf-8").replace("aliases: []", f"aliases: [{PUBLIC_ONLY}]"),
                     encoding="utf-8")
    with pytest.raises(SiteError, match=f"alias '{PUBLIC_ONLY}' clashes with the id of"):
        load_site(root, prefix="errors", sources=[{"catalogue": "public"}, {"path": "kb"}])


@pytest.mark.parametrize(("sources", "message"), [
    ([{"catalogue": "private"}], r"sources\[0\].catalogue: expected one of public, got 'private'"),
    ([{"path": "nowhere"}], r"sources\[0\].path: nowhere: no such folder"),
    ([{"path": "kb", "catalogue": "public"}], r"sources\[0\]: expected \{catalogue: public\} or \{path: FOLDER\}"),
    ([{"path": "kb"}, {"path": "kb/"}], "two layers are named 'kb'"),
])
def test_sources_are_checked_with_a_message_naming_the_option(tmp_path: Path, sources: Any, message: str) -> None:
    with pytest.raises(SiteError, match=message):
        load_site(_team_copy(tmp_path), prefix="errors", sources=sources)


# --- in a real browser, served under /team/ as the site_url says --------------------------------------------------


@pytest.fixture(scope="module")
def team_host(sites: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory, serve: Any) -> str:
    """The site at /team/ of a static host that answers missing addresses with the site's 404 page."""
    host = tmp_path_factory.mktemp("host")
    shutil.copytree(sites[0], host / "team")
    shutil.copy(sites[0] / "404.html", host / "404.html")
    return str(serve(host, static_host=True)) + "team/"


@pytest.mark.browser
def test_chromium_opens_an_entry_under_the_prefix_without_errors(page: Any, team_host: str) -> None:
    for entry_id in ("deploy-migration-lock-held", OVERRIDDEN, PUBLIC_ONLY):
        page.goto(team_host + f"errors/{entry_id}/")
        assert page.locator("h1").first.inner_text(), entry_id
        styled = page.evaluate("() => [...document.styleSheets].some(s => (s.href || '').endsWith('fixdex.css'))")
        assert styled, "fixdex pages load fixdex.css from errors/assets/fixdex/"
    assert page.console_errors == [] and page.outside_requests == []


@pytest.mark.browser
def test_the_paste_box_under_the_prefix_finds_a_team_entry(page: Any, team_host: str) -> None:
    page.goto(team_host + "errors/paste/")
    page.fill("#fx-paste-input", "payments.gateway.GatewayTimeout: card network did not answer within 10 seconds")
    first = page.locator(".fx-paste-result a").first
    first.wait_for(timeout=10_000)
    assert (first.get_attribute("href") or "").endswith("/team/errors/payments-gateway-timeout/")
    assert page.console_errors == [] and page.outside_requests == []


@pytest.mark.browser
def test_a_missing_short_link_under_the_prefix_names_the_entry(page: Any, team_host: str) -> None:
    page.goto(team_host + "errors/e/zz-unknown/")
    page.locator(".fx-not-found-id").wait_for(timeout=10_000)
    assert page.locator(".fx-not-found-id").inner_text() == "zz-unknown"
    page.goto(team_host + "errors/zz-other/")
    page.locator(".fx-not-found-entry").wait_for(timeout=10_000)
    assert page.locator(".fx-not-found-id").inner_text() == "zz-other"
    # Chromium reports the 404 status of the page itself as a console error; that one is the point here
    assert [e for e in page.console_errors if "status of 404" not in e] == [] and page.outside_requests == []
