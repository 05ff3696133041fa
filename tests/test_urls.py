"""fixdex.urls: every address of a site, without a prefix (published for life) and under one."""

from __future__ import annotations

import pytest

from fixdex.urls import DEFAULT, PrefixError, Urls, absolute, clean_prefix, relative, site_path

ID = "pandas-append-removed"


def _addresses(urls: Urls) -> dict[str, str]:
    return {
        "entry page": urls.entry_page(ID),
        "entry": urls.entry_url(ID),
        "short link": urls.permalink(ID),
        "home page": urls.home_page,
        "browse page": urls.browse_page,
        "group page": urls.group_page("tag", "pandas"),
        "paste page": urls.paste_page,
        "paste": urls.paste_url,
        "entries.json": urls.entries_json,
        "entry api": urls.entry_api(ID),
        "match index": urls.match_index,
        "match rules": urls.match_rules,
        "site info": urls.site_info,
        "asset": urls.asset("fixdex.css"),
        "netlify": urls.netlify_redirects,
        "nginx": urls.nginx_redirects,
    }


def test_without_a_prefix_every_address_is_the_published_one() -> None:
    assert _addresses(DEFAULT) == {
        "entry page": f"errors/{ID}.md", "entry": f"errors/{ID}/", "short link": f"e/{ID}/",
        "home page": "index.md", "browse page": "browse/index.md", "group page": "browse/tag/pandas.md",
        "paste page": "paste.md", "paste": "paste/", "entries.json": "api/entries.json",
        "entry api": f"api/e/{ID}.json", "match index": "api/match-index.json",
        "match rules": "api/match-rules.json", "site info": "api/site.json",
        "asset": "assets/fixdex/fixdex.css", "netlify": "_redirects", "nginx": "nginx-redirects.conf",
    }
    assert DEFAULT.alias_urls("old-id") == ["e/old-id/", "errors/old-id/"]
    assert not DEFAULT.reserved_id("browse")


@pytest.mark.parametrize("prefix", ["errors", "help/errors"])
def test_under_a_prefix_everything_moves_under_it_and_entries_sit_at_its_top(prefix: str) -> None:
    urls = Urls(prefix)
    addresses = _addresses(urls)
    assert all(path.startswith(prefix + "/") for path in addresses.values()), addresses
    assert addresses["entry"] == f"{prefix}/{ID}/" and addresses["short link"] == f"{prefix}/e/{ID}/"
    assert addresses["home page"] == f"{prefix}/index.md" and addresses["paste"] == f"{prefix}/paste/"
    assert urls.from_root(urls.entry_url(ID)) == f"{ID}/"
    assert urls.alias_urls("old-id") == [f"{prefix}/e/old-id/", f"{prefix}/old-id/"]
    assert urls.reserved_id("browse") and urls.reserved_id("e") and not urls.reserved_id("browse-old")


def test_prefix_errors_keeps_the_entry_addresses_of_a_whole_site() -> None:
    # so `fixdex run` and the hook, which print SITE/errors/ID/, reach a team's entries
    assert Urls("errors").entry_url(ID) == DEFAULT.entry_url(ID)


@pytest.mark.parametrize(("written", "clean"), [("", ""), ("errors", "errors"), ("/errors/", "errors"),
                                                 ("help/errors/", "help/errors")])
def test_a_prefix_is_a_site_path(written: str, clean: str) -> None:
    assert clean_prefix(written) == clean


@pytest.mark.parametrize("written", ["Errors", "errors/../x", "a b", "errors//x", "?"])
def test_a_prefix_that_is_not_a_site_path_is_refused_with_its_value(written: str) -> None:
    with pytest.raises(PrefixError, match=r"prefix: expected a site path such as 'errors'.*got"):
        clean_prefix(written)


def test_site_paths_and_relative_links() -> None:
    assert site_path("https://docs.example.test/team") == "/team/" and site_path("") == "/"
    assert absolute("https://docs.example.test/team/", "errors/x/") == "https://docs.example.test/team/errors/x/"
    assert absolute("", "errors/x/") == "errors/x/"
    assert relative("errors/browse/index.md", "errors/index.md") == "browse/index.md"
    assert relative("errors/x/", "errors/e/x/") == "../../x/"
