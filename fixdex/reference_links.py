"""`fixdex links`: whether every reference URL still answers, kept in data/link-status.json.

Entries cite primary sources; sources move and disappear. Each URL is asked
with HEAD (and GET when HEAD is refused or fails), redirects are followed by
hand so the record names each hop, and the answer becomes one status:

| status | when |
| --- | --- |
| `ok` | 2xx, straight away |
| `redirected` | 2xx at the end of one or more redirects (`final_url` says where) |
| `dead` | 404 or 410 |
| `error` | any other HTTP status (403 from bot protection, 429, 5xx): the server answered, the page may well exist |
| `unknown` | no answer: no network, DNS failure, refused connection, timeout, TLS failure |

No network is never "dead": a check run without it records `unknown` and
keeps the last known answer beside it (`last_known`), so a sandboxed run
does not erase what a networked run found.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from fixdex import __version__
from fixdex.load import LoadedEntry
from fixdex.model import PRIMARY_REFERENCE_KINDS
from fixdex.problems import Problem

STATUS_FILE = Path("data") / "link-status.json"
FORMAT = 1
USER_AGENT = f"fixdex-link-check/{__version__} (reference checker; one request per URL per run)"
TIMEOUT = 15.0
MAX_WORKERS = 8
MAX_REDIRECTS = 10
DEAD_CODES = frozenset({404, 410})


@dataclass
class LinkStatus:
    url: str
    status: str  # ok | redirected | dead | error | unknown
    checked: str  # ISO date
    code: int | None = None
    final_url: str = ""
    redirects: list[list[Any]] = field(default_factory=list)  # [[status code, location], ...]
    detail: str = ""
    entries: list[str] = field(default_factory=list)
    last_known: dict[str, Any] | None = None  # the last answer a server gave, kept while the status is unknown

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        if data["last_known"] is None:
            del data["last_known"]
        return data


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects come back as responses, so each hop is recorded and followed here."""

    def redirect_request(self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: Any,
                         newurl: str) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects())


def _ask(url: str, method: str, timeout: float) -> tuple[int, str]:
    """(HTTP status, Location header) for one request; raises OSError subclasses when nothing answered."""
    request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            if method == "GET":
                response.read(1024)  # a little of the body, then close: enough to know the server answers
            return response.status, response.headers.get("Location", "")
    except urllib.error.HTTPError as error:  # 3xx (redirects are not followed), 4xx, 5xx
        location = error.headers.get("Location", "") if error.headers else ""
        error.close()
        return error.code, location


def probe_url(url: str) -> str:
    """The URL to ask for `url`: PyPI project pages are asked through PyPI's JSON API.

    pypi.org's HTML pages sit behind bot protection, and a mirror that serves
    only the package index answers 404 for every one of them; the JSON API
    (`/pypi/NAME[/VERSION]/json`) answers 404 only for a project or release
    that does not exist.
    """
    name, _ = pypi_project(url) or (None, None)
    return urlunsplit(("https", "pypi.org", f"/pypi/{name}/json", "", "")) if name else url


def pypi_project(url: str) -> tuple[str, str] | None:
    """(name, version or "") for a pypi.org project page URL."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    if parts.hostname == "pypi.org" and segments[:1] == ["project"] and 2 <= len(segments) <= 3:
        return segments[1], segments[2] if len(segments) == 3 else ""
    return None


def _pypi_release_listed(url: str, version: str, timeout: float) -> bool | None:
    """Whether PyPI's JSON for the project lists `version` (a release page answers through it); None: no answer."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data = json.loads(response.read(64 * 1024 * 1024))
    except (OSError, http.client.HTTPException, ValueError):
        return None
    releases = data.get("releases", {}) if isinstance(data, dict) else {}
    return version in releases


def check_url(url: str, timeout: float = TIMEOUT, today: dt.date | None = None) -> LinkStatus:
    """Ask one URL: HEAD first, GET when HEAD gets no useful answer; follow redirects by hand."""
    day = (today or dt.date.today()).isoformat()
    redirects: list[list[Any]] = []
    current = probe_url(url)
    method = "HEAD"
    for _ in range(MAX_REDIRECTS + 1):
        try:
            code, location = _ask(current, method, timeout)
        except (OSError, http.client.HTTPException, ValueError) as error:  # URLError, timeouts, TLS: no answer
            if method == "HEAD":  # some servers drop HEAD; GET decides
                method = "GET"
                continue
            reason = getattr(error, "reason", error)
            return LinkStatus(url, "unknown", day, None, current, redirects, f"no answer: {reason}")
        if 300 <= code < 400 and location:
            redirects.append([code, urljoin(current, location)])
            current = urljoin(current, location)
            continue
        if code >= 400 and method == "HEAD":  # 405, 403, or a server that only mishandles HEAD: ask with GET
            method = "GET"
            continue
        if 200 <= code < 300:
            status = "redirected" if redirects else "ok"
            version = (pypi_project(url) or ("", ""))[1]
            if version and current == probe_url(url):
                listed = _pypi_release_listed(current, version, timeout)
                if listed is None:
                    return LinkStatus(url, "unknown", day, None, current, redirects,
                                      "no answer: PyPI's JSON for the project could not be read")
                if not listed:
                    return LinkStatus(url, "dead", day, 404, current, redirects,
                                      f"HTTP 404: PyPI lists no release {version}")
            return LinkStatus(url, status, day, code, current if redirects else url, redirects)
        if code in DEAD_CODES:
            return LinkStatus(url, "dead", day, code, current, redirects, f"HTTP {code}")
        return LinkStatus(url, "error", day, code, current, redirects, f"HTTP {code}")
    return LinkStatus(url, "error", day, None, current, redirects, f"more than {MAX_REDIRECTS} redirects")


def reference_urls(entries: Iterable[LoadedEntry]) -> dict[str, list[str]]:
    """Every reference URL, with the ids of the entries that cite it."""
    found: dict[str, list[str]] = {}
    for item in entries:
        for reference in item.entry.references:
            found.setdefault(reference.url, [])
            if item.entry.id not in found[reference.url]:
                found[reference.url].append(item.entry.id)
    return dict(sorted(found.items()))


def check_urls(urls: Mapping[str, list[str]], *, timeout: float = TIMEOUT, workers: int = MAX_WORKERS,
               today: dt.date | None = None, previous: Mapping[str, LinkStatus] | None = None) -> list[LinkStatus]:
    """Check every URL, at most `workers` at once; an unknown answer keeps the previous known one beside it."""
    def one(url: str) -> LinkStatus:
        result = check_url(url, timeout, today)
        result.entries = list(urls[url])
        old = (previous or {}).get(url)
        if result.status == "unknown" and old is not None:
            result.last_known = (old.last_known if old.status == "unknown"
                                 else {"status": old.status, "code": old.code, "checked": old.checked,
                                       "final_url": old.final_url})
        return result

    with ThreadPoolExecutor(max_workers=max(1, min(workers, MAX_WORKERS * 4))) as pool:
        return list(pool.map(one, list(urls)))


def read_status(path: Path) -> dict[str, LinkStatus]:
    """The committed results by URL; an absent or unreadable file is no results."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    found: dict[str, LinkStatus] = {}
    for item in data.get("links", []) if isinstance(data, dict) else []:
        try:
            found[item["url"]] = LinkStatus(**item)
        except (TypeError, KeyError):
            continue
    return found


def write_status(path: Path, results: Sequence[LinkStatus], today: dt.date | None = None) -> None:
    counts = status_counts(results)
    data = {"format": FORMAT, "checked": (today or dt.date.today()).isoformat(), "counts": counts,
            "links": [r.to_json() for r in sorted(results, key=lambda r: r.url)]}
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    temporary.replace(path)


def status_counts(results: Iterable[LinkStatus]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for result in results:
        counts[result.status] = counts.get(result.status, 0) + 1
    return dict(sorted(counts.items()))


def format_report(results: Sequence[LinkStatus]) -> str:
    """What `fixdex links` prints: the links that need a person, then one count line."""
    lines = []
    for result in sorted(results, key=lambda r: (r.status, r.url)):
        if result.status in ("dead", "error"):
            lines.append(f"{result.status}: {result.url} ({result.detail}; cited by {', '.join(result.entries)})")
        elif result.status == "redirected":
            lines.append(f"redirected: {result.url} -> {result.final_url}")
    counts = status_counts(results)
    lines.append(", ".join(f"{n} {status}" for status, n in counts.items()) or "no reference URLs")
    if counts.get("unknown") == len(results) and results:
        lines.append("no URL answered: is there a network? unknown is not dead; nothing was marked dead")
    return "\n".join(lines)


# -- what pages and `fixdex check` use --------------------------------------------------------------


def dead_references(root: Path) -> dict[str, str]:
    """URL -> the page's note for each reference found dead, e.g. 'HTTP 404 on 2026-12-02'."""
    return {url: f"{status.detail} on {status.checked}"
            for url, status in read_status(root / STATUS_FILE).items() if status.status == "dead"}


def reference_extras(entries: Sequence[LoadedEntry], root: Path) -> dict[str, dict[str, Any]]:
    """Per-entry template data: `reference_status` maps each of its dead reference URLs to a note."""
    dead = dead_references(root)
    return {item.entry.id: {"reference_status": {r.url: dead[r.url] for r in item.entry.references if r.url in dead}}
            for item in entries}


def check_dead_primary_sources(entries: Sequence[LoadedEntry], root: Path) -> list[Problem]:
    """An entry whose every primary source is dead cites none; one dead primary source is reported too."""
    dead = dead_references(root)
    problems: list[Problem] = []
    for item in entries:
        for index, reference in enumerate(item.entry.references):
            if reference.url in dead and reference.kind in PRIMARY_REFERENCE_KINDS:
                problems.append(item.document.problem(
                    ("references", index, "url"), f"the primary source is dead ({dead[reference.url]}, "
                    f"{STATUS_FILE.as_posix()})", "cite where it moved, or an archived copy, then run `fixdex links`"))
    return problems
