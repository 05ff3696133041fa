"""Addresses for life: short permalinks, alias redirects and the list of published URLs.

Every entry gets /e/ID/ (what error messages print) and, for each alias,
/e/ALIAS/ and /errors/ALIAS/ (its old canonical page): static HTML stubs that
redirect to the canonical page, keeping any #anchor. They are plain site
files, so static hosts and `fixdex export` carry them too. Hosts that read a
redirect map answer the same addresses with a real 301: `_redirects` (Netlify,
Cloudflare Pages) and `nginx-redirects.conf` (an nginx `map`), both at the site
root; docs/deploy.md says which host does what. Under a prefix (fixdex.urls)
every address here, and both maps, move under it: a team merges the maps into
its host's own.

published-urls.txt, next to mkdocs.yml, lists every address fixdex has
published. A build that would drop one fails; `fixdex urls --update` adds new
ones. Removing a line is a decision a reviewer sees in the diff.
"""

from __future__ import annotations

import html
import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from fixdex.api import API_FORMAT, api_assets
from fixdex.feedback import host_name, issue_form_url
from fixdex.render import Page
from fixdex.urls import DEFAULT, Urls, relative
from fixdex.urls import site_path as site_path  # where it always was, for callers

PUBLISHED_URLS_FILE = "published-urls.txt"
SITE_INFO = DEFAULT.site_info
# The "Request this entry" form (.github/ISSUE_TEMPLATE/request.yml): field id -> label.
REQUEST_FORM = "request.yml"
REQUEST_FIELDS = (("entry", "Entry id"), ("error", "Error message"))
NETLIFY_REDIRECTS = "_redirects"
NGINX_REDIRECTS = "nginx-redirects.conf"
# What the short-link rules accept as an id: the entry id rule (fixdex.model.ID_PATTERN), loosely.
_ID_REGEX = "[a-z0-9][a-z0-9-]*"
_HEADER = (
    "# Every URL this site has published. The build fails when one would disappear.\n"
    "# Add new ones with `fixdex urls --update`; remove one only on purpose.\n"
)


def redirect_page(target: str, title: str, canonical: str) -> str:
    """A static page that sends browsers (and the #anchor) to `target`, relative to itself."""
    href = html.escape(target, quote=True)
    return (
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>Redirecting to {html.escape(title)}</title>\n"
        f'<link rel="canonical" href="{html.escape(canonical, quote=True)}">\n'
        '<meta name="robots" content="noindex">\n'
        f"<script>location.replace({json.dumps(target)} + location.hash)</script>\n"
        f'<meta http-equiv="refresh" content="0; url={href}">\n'
        "</head>\n<body>\n"
        f'<p>This page has moved to <a href="{href}">{html.escape(title)}</a>.</p>\n'
        "</body>\n</html>\n"
    )


def redirect_sources(entry: Any, urls: Urls = DEFAULT) -> list[str]:
    """Directory URLs that redirect to this entry: its permalink, and both addresses of each alias."""
    sources = [urls.permalink(entry.id)]
    for alias in entry.aliases:
        sources += urls.alias_urls(alias)
    return sources


def redirect_assets(entries: Sequence[Any], site_url: str = "", urls: Urls = DEFAULT) -> dict[str, str]:
    """Site path -> HTML stub for every redirect of every entry."""
    assets: dict[str, str] = {}
    for entry in entries:
        target_path = urls.entry_url(entry.id)
        canonical = site_url.rstrip("/") + "/" + target_path if site_url else "/" + target_path
        for source in redirect_sources(entry, urls):
            assets[f"{source}index.html"] = redirect_page(relative(target_path, source), entry.title, canonical)
    return assets


def redirect_rules(entries: Sequence[Any], urls: Urls = DEFAULT) -> list[tuple[str, str]]:
    """(source, target) site-relative directory URLs of every alias redirect, sorted by source."""
    rules = []
    for entry in entries:
        for alias in entry.aliases:
            rules += [(source, urls.entry_url(entry.id)) for source in urls.alias_urls(alias)]
    return sorted(rules)


def netlify_redirects(entries: Sequence[Any], site_url: str = "", urls: Urls = DEFAULT) -> str:
    """A `_redirects` file: alias addresses first (static rules), then /e/:id/ for every permalink.

    Cloudflare Pages applies a rule even where a file exists, so its answer is a
    301; Netlify serves an existing file instead unless the status ends in `!`,
    which Cloudflare refuses, so the stubs answer there (docs/deploy.md).
    """
    base = site_path(site_url)
    lines = ["# Real redirects for hosts that read this file (Netlify, Cloudflare Pages). Written by fixdex.\n"]
    short, entry = base + urls.permalink(":id"), base + urls.entry_url(":id")
    for source, target in redirect_rules(entries, urls):
        lines += [f"{base}{source} {base}{target} 301\n", f"{base}{source.rstrip('/')} {base}{target} 301\n"]
    lines += [f"{short} {entry} 301\n", f"{short.rstrip('/')} {entry} 301\n"]
    return "".join(lines)


def nginx_redirects(entries: Sequence[Any], site_url: str = "", urls: Urls = DEFAULT) -> str:
    """An nginx `map` from the request path to its redirect target ('' for none)."""
    base = site_path(site_url)
    lines = [
        "# fixdex redirects for nginx. In the http {} block:   include /path/to/site/nginx-redirects.conf;\n",
        "# then in the server {} block:   if ($fixdex_redirect) { return 301 $fixdex_redirect; }\n",
        "map $uri $fixdex_redirect {\n",
        '    default "";\n',
    ]
    for source, target in redirect_rules(entries, urls):
        for path in (f"{base}{source}", f"{base}{source.rstrip('/')}"):
            lines.append(f'    "{path}" "{base}{target}";\n')
    # exact paths win over regular expressions in a map, so aliases go first whatever the order
    short = urls.at("e/")
    lines.append(f'    "~^{base}{short}(?<fixdex_id>{_ID_REGEX})/?$" "{base}{urls.entry_url("$fixdex_id")}";\n')
    lines.append("}\n")
    return "".join(lines)


def site_urls(page_paths: Iterable[str], asset_paths: Iterable[str]) -> set[str]:
    """The URLs (as in published-urls.txt) that pages and files get with directory URLs."""
    urls: set[str] = set()
    for path in page_paths:
        stem = path.removesuffix(".md")
        if stem == "index":
            urls.add("")
        elif stem.endswith("/index"):
            urls.add(stem.removesuffix("index"))
        else:
            urls.add(stem + "/")
    for path in asset_paths:
        urls.add(path.removesuffix("index.html") if path.endswith("/index.html") else path)
    return urls


def published_candidates(site: Any) -> list[str]:
    """The URLs of a site that must live forever: entry pages, redirects, the API, the paste page."""
    entry_api = site.urls.entry_api("")
    lasting = [a for a in site.assets
               if a.endswith("/index.html")  # redirect stubs: short links and aliases
               or (a.startswith(entry_api.removesuffix(".json")) and a.endswith(".json"))
               or a == site.urls.entries_json]
    return sorted(site_urls([p.path for p in site.pages if p.kind in ("entry", "paste")], lasting))


def read_published(path: Path) -> list[tuple[int, str]]:
    """(line number, URL) for every listed URL; blank lines and # comments are skipped."""
    listed = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text = line.strip()
        if text and not text.startswith("#"):
            listed.append((number, text))
    return listed


def missing_published(site: Any, list_file: Path) -> list[str]:
    """One located message per published URL the site no longer has."""
    if not list_file.is_file():
        return []
    have = site_urls([p.path for p in site.pages], site.assets)
    return [
        f"{list_file.name}:{number}: error: {url} was published but this build no longer has it "
        f"(keep the entry or add its old id to another entry's `aliases:`; delete the line only on purpose)"
        for number, url in read_published(list_file)
        if url not in have
    ]


def update_published(site: Any, list_file: Path) -> list[str]:
    """Add the site's new lasting URLs to the list; returns the added ones. Never removes a line.

    The new list is written to a temporary file beside the old one and moved
    over it in one step, so a run killed at any moment leaves the old list or
    the new one, never none and never half of one.
    """
    existing = {url for _, url in read_published(list_file)} if list_file.is_file() else set()
    added = [url for url in published_candidates(site) if url not in existing]
    if added or not list_file.is_file():
        text = list_file.read_text(encoding="utf-8") if list_file.is_file() else _HEADER
        if text and not text.endswith("\n"):
            text += "\n"
        write_atomically(list_file, text + "".join(url + "\n" for url in added))
    return added


def write_atomically(path: Path, text: str) -> None:
    """Replace `path` with `text` in one rename: readers and killed runs see the old file or the new one."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o777)
        else:
            os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def request_form(repo_url: str) -> dict[str, Any] | None:
    """How the browser opens a prefilled "Request this entry" issue; None without a repository.

    The paste box and the 404 page add the title and the fields (id, error line) in
    the reader's browser; `style` says whether the host fills form fields from the
    query (GitHub) or only a description (GitLab).
    """
    url = issue_form_url(repo_url, REQUEST_FORM, "", [])
    if not url:
        return None
    gitlab = "/-/issues/new" in url
    return {
        "url": url.split("?", 1)[0] if gitlab else url,
        "host": host_name(repo_url),
        "style": "description" if gitlab else "form",
        "fields": dict(REQUEST_FIELDS),
    }


def site_info(site_url: str, site_name: str, repo_url: str) -> str:
    """api/site.json: what the site's scripts (and other tools) need to know about the site itself."""
    data = {"format": API_FORMAT, "site_name": site_name, "site_url": site_url, "request": request_form(repo_url)}
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def not_found_html(env: Any, site_url: str, urls: Urls = DEFAULT) -> str:
    """The body of 404.html; absolute links, because a host serves it at any missing address.

    `entry_dirs` tells fixdex-paste.js where, below fixdex's root, a missing address names an entry.
    """
    base = site_path(site_url)
    return str(env.get_template("not-found.html.j2").render(
        home_url=base, browse_url=base + urls.browse_url, paste_url=base + urls.paste_url,
        entry_dirs=" ".join(directory or "." for directory in urls.missing_entry_dirs)))


def add_addresses(site: Any, root: Path, env: Any, site_url: str, *, check_published: bool = True,
                  repo_url: str = "", site_name: str = "fixdex") -> list[str]:
    """Add the paste page, the 404 page, the API files and the redirects, then check no published URL is lost.

    `check_published=False` is for `fixdex urls --update`, which reads the list instead of enforcing it.
    """
    urls = site.urls
    entries = [item.entry for item in site.entries]
    paste = env.get_template("paste.md.j2").render(total=len(entries),
                                                   request_host=host_name(repo_url) if repo_url else "")
    site.pages.append(Page(urls.paste_page, paste, "paste", in_nav=True))
    site.not_found_html = not_found_html(env, site_url, urls)
    site.assets.update(api_assets(entries, site_url, urls=urls, layers=site.layer_names or None))
    site.assets[urls.site_info] = site_info(site_url, site_name, repo_url)
    site.assets.update(redirect_assets(entries, site_url, urls))
    site.assets[urls.netlify_redirects] = netlify_redirects(entries, site_url, urls)
    site.assets[urls.nginx_redirects] = nginx_redirects(entries, site_url, urls)
    return missing_published(site, root / PUBLISHED_URLS_FILE) if check_published else []
