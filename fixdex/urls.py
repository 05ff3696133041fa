"""Where every page and file fixdex makes lives: the one place that builds its URLs.

A site has one `Urls`. Its paths are relative to the site root (MkDocs' docs
folder for pages, the site folder for files); a page URL ends in "/".

Without a prefix (the published catalogue, `fixdex init` sites) fixdex owns the
whole site, and these addresses are published for life (published-urls.txt):

    index.md            home                    errors/ID/      an entry
    browse/...          browse pages            e/ID/           its short link (a redirect)
    paste/              the paste box           api/...         the JSON API and match index
    assets/fixdex/...   scripts, stylesheets    _redirects, nginx-redirects.conf

With `prefix: errors` (fixdex inside a team's existing site) everything moves
under errors/, and entries sit at the top of it:

    errors/             fixdex's home           errors/ID/      an entry
    errors/browse/...   browse pages            errors/e/ID/    its short link
    errors/paste/       the paste box           errors/api/...  API and match index
    errors/assets/fixdex/...                    errors/_redirects, errors/nginx-redirects.conf

so an entry keeps the address it has on a default site (errors/ID/), and the
names of fixdex's own folders there (RESERVED) can't be entry ids. Scripts find
the fixdex root from their own address (assets/fixdex/ -> ../../), so the same
scripts serve both layouts; links in the match index are relative to that root.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

DEFAULT_ENTRY_DIR = "errors"
# Folder and file names fixdex uses at the top of its root; under a prefix no entry id may take one.
RESERVED = frozenset({"e", "browse", "paste", "api", "assets", "pagefind", "search"})
_PREFIX = re.compile(r"^[a-z0-9][a-z0-9._-]*(/[a-z0-9][a-z0-9._-]*)*$")


class PrefixError(ValueError):
    """A `prefix:` option that is not a site path of lowercase words."""


def clean_prefix(prefix: str) -> str:
    """'/errors/' -> 'errors'; '' stays ''. Refuses anything but lowercase path words."""
    text = prefix.strip().strip("/")
    if text and not _PREFIX.match(text):
        raise PrefixError(f"prefix: expected a site path such as 'errors' or 'help/errors' "
                          f"(lowercase letters, digits, '-', '_', '.'), got {prefix!r}")
    return text


def site_path(site_url: str) -> str:
    """The path the site is served under, as MkDocs reads it from site_url: '/' or '/kb/'."""
    path = urlsplit(site_url).path if site_url else "/"
    return path if path.endswith("/") else path + "/"


def absolute(site_url: str, path: str) -> str:
    """A site path as an absolute URL on `site_url`; the path itself without one."""
    return site_url.rstrip("/") + "/" + path if site_url else path


def relative(target: str, from_path: str) -> str:
    """`os.path.relpath(target, dirname(from_path))` for the site's own clean relative paths.

    Written out because relpath resolves against the working directory on every
    call, which a build of 10,000 pages makes hundreds of thousands of times.
    """
    base = from_path.split("/")[:-1]
    parts = target.split("/")
    common = 0
    while common < len(base) and common < len(parts) - 1 and base[common] == parts[common]:
        common += 1
    return "/".join([".."] * (len(base) - common) + parts[common:])


@dataclass(frozen=True)
class Urls:
    """Every address of one fixdex site; `prefix` is '' (the whole site) or a path such as 'errors'."""

    prefix: str = ""

    # --- the root everything else hangs from

    @property
    def root(self) -> str:
        """fixdex's root as a site path: '' or 'errors/'."""
        return f"{self.prefix}/" if self.prefix else ""

    def at(self, path: str) -> str:
        """A path under fixdex's root."""
        return self.root + path

    def from_root(self, path: str) -> str:
        """A site path relative to fixdex's root (the match index's links are)."""
        return path.removeprefix(self.root)

    # --- pages (docs-relative Markdown paths) and their URLs

    @property
    def entry_dir(self) -> str:
        return self.prefix or DEFAULT_ENTRY_DIR

    def entry_page(self, entry_id: str) -> str:
        return f"{self.entry_dir}/{entry_id}.md"

    def entry_url(self, entry_id: str) -> str:
        """Site-relative URL of an entry page; its address for life."""
        return f"{self.entry_dir}/{entry_id}/"

    def permalink(self, entry_id: str) -> str:
        """The short address an error message can print: e/ID/ (a redirect to the entry page)."""
        return self.at(f"e/{entry_id}/")

    def alias_urls(self, alias: str) -> list[str]:
        """The addresses an old id keeps: its short link and its old entry page."""
        return [self.permalink(alias), self.entry_url(alias)]

    @property
    def home_page(self) -> str:
        return self.at("index.md")

    @property
    def home_url(self) -> str:
        return self.root

    @property
    def browse_dir(self) -> str:
        return self.at("browse")

    @property
    def browse_page(self) -> str:
        return f"{self.browse_dir}/index.md"

    def group_page(self, axis: str, slug: str) -> str:
        return f"{self.browse_dir}/{axis}/{slug}.md"

    @property
    def browse_url(self) -> str:
        return f"{self.browse_dir}/"

    @property
    def paste_page(self) -> str:
        return self.at("paste.md")

    @property
    def paste_url(self) -> str:
        return self.at("paste/")

    # --- files

    @property
    def api_dir(self) -> str:
        return self.at("api")

    @property
    def entries_json(self) -> str:
        return f"{self.api_dir}/entries.json"

    def entry_api(self, entry_id: str) -> str:
        return f"{self.api_dir}/e/{entry_id}.json"

    @property
    def match_index(self) -> str:
        return f"{self.api_dir}/match-index.json"

    @property
    def match_rules(self) -> str:
        return f"{self.api_dir}/match-rules.json"

    def match_shard(self, file: str) -> str:
        """A shard named in the match index manifest (`match/N.json`, relative to api/)."""
        return f"{self.api_dir}/{file}"

    @property
    def site_info(self) -> str:
        return f"{self.api_dir}/site.json"

    @property
    def asset_dir(self) -> str:
        return self.at("assets/fixdex")

    def asset(self, name: str) -> str:
        return f"{self.asset_dir}/{name}"

    @property
    def netlify_redirects(self) -> str:
        return self.at("_redirects")

    @property
    def nginx_redirects(self) -> str:
        return self.at("nginx-redirects.conf")

    # --- what the 404 page reads from a missing address

    @property
    def missing_entry_dirs(self) -> list[str]:
        """Folders, relative to fixdex's root, where a missing last path segment is an entry id."""
        return ["e/", ""] if self.prefix else ["e/", f"{DEFAULT_ENTRY_DIR}/"]

    def reserved_id(self, entry_id: str) -> bool:
        """True when an entry (or alias) with this id would share its address with one of fixdex's folders."""
        return bool(self.prefix) and entry_id in RESERVED


DEFAULT = Urls()


def entry_url(entry_id: str) -> str:
    """An entry's URL on a site without a prefix (the published catalogue, and what the hook prints)."""
    return DEFAULT.entry_url(entry_id)


def permalink(entry_id: str) -> str:
    """An entry's short link on a site without a prefix."""
    return DEFAULT.permalink(entry_id)
