"""Entries in, pages out: every page of a knowledge base as (path, Markdown).

This is a plain function of the entries and the templates, so the MkDocs
plugin, `fixdex export` and the tests all share it. Data is shaped here, in
Python; templates only loop, branch and format.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from fixdex.feedback import host_name, report_outdated_url
from fixdex.model import DIFFICULTIES, SEVERITIES, Entry
from fixdex.resources import templates_folder
from fixdex.urls import DEFAULT, Urls, absolute, relative
from fixdex.urls import entry_url as entry_url  # the default site's entry URL, for callers that link to one

DEFAULT_TEMPLATES = templates_folder()


@dataclass(frozen=True)
class Page:
    """One generated page: where it goes, what it says, and where it came from."""

    path: str  # relative to docs_dir, e.g. "errors/pandas-append-removed.md"
    markdown: str
    kind: str  # "entry", "browse" or "home"
    source: str | None = None  # the YAML file an edit link should open
    in_nav: bool = False


@dataclass
class RenderOptions:
    site_url: str = ""
    stale_after_days: int = 365
    today: dt.date = field(default_factory=dt.date.today)
    template_dirs: Sequence[Path] = ()  # a team's overrides, searched before the defaults
    site_name: str = "fixdex"
    repo_url: str = ""
    urls: Urls = DEFAULT  # where pages go (fixdex.urls): the whole site, or under a prefix


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "other"


def make_environment(template_dirs: Sequence[Path] = ()) -> jinja2.Environment:
    loaders = [jinja2.FileSystemLoader(str(d)) for d in template_dirs if Path(d).is_dir()]
    loaders.append(jinja2.FileSystemLoader(str(DEFAULT_TEMPLATES)))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # the output is Markdown: code must reach it unescaped
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        fence=fence, yaml_string=yaml_string, indent_block=indent_block, html=html_escape, attribute=attribute_value
    )
    return env


def fence(code: str, language: str = "") -> str:
    """A fenced code block whose fence can't be closed by the code itself."""
    ticks = max([3, *[len(m) + 1 for m in re.findall(r"`{3,}", code)]])
    marker = "`" * ticks
    return f"{marker}{language}\n{code.rstrip()}\n{marker}"


def yaml_string(text: str) -> str:
    """A value safe to put in YAML front matter (JSON strings are YAML)."""
    return json.dumps(" ".join(text.split()), ensure_ascii=False)


def attribute_value(text: str) -> str:
    """Front-matter text that the theme prints unescaped into HTML (`<title>`, `<meta content="...">`).

    MkDocs' theme environment does not autoescape, so a `"` in a summary would
    end the description attribute early and `</title>` would end the title:
    escape for an attribute here, once, as a YAML string.
    """
    return yaml_string(html.escape(" ".join(text.split()), quote=True))


def indent_block(text: str, width: int = 4) -> str:
    """Indent every line after the first (for content inside tabs and admonitions)."""
    pad = " " * width
    return "\n".join(pad + line if line.strip() else "" for line in text.rstrip().splitlines()).lstrip()


def html_escape(text: str) -> str:
    return str(jinja2.utils.markupsafe.escape(text))


def months_between(start: dt.date, end: dt.date) -> int:
    return max(0, (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day))


def json_ld(entry: Entry, options: RenderOptions) -> str:
    """schema.org TechArticle, as a script element safe to embed anywhere in HTML."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "TechArticle",
        "headline": f"{entry.title} — {entry.fix_title}"[:110],
        "description": entry.summary,
        "datePublished": entry.published.isoformat(),
        "dateModified": entry.updated.isoformat(),
        "keywords": ", ".join([*filter(None, [entry.exception, entry.error_code]), entry.category, *entry.tags]),
        "proficiencyLevel": "Expert" if entry.difficulty == "advanced" else "Beginner",
        "about": {"@type": "Thing", "name": entry.error_name},
        "isPartOf": {"@type": "WebSite", "name": options.site_name},
    }
    if entry.environment.packages:
        data["dependencies"] = ", ".join(f"{p.name} {p.versions}" for p in entry.environment.packages)
    if options.site_url:
        url = absolute(options.site_url, options.urls.entry_url(entry.id))
        data["url"] = url
        data["mainEntityOfPage"] = url
    text = json.dumps(data, ensure_ascii=False, indent=None)
    # "</" inside a script element would end it early
    text = text.replace("</", "<\\/")
    return f'<script type="application/ld+json">{text}</script>'


@dataclass
class EntryLink:
    id: str
    title: str
    url: str  # relative to the page that links
    severity: str
    category: str
    updated: dt.date


def _link(entry: Entry, from_path: str, urls: Urls) -> EntryLink:
    rel = relative(urls.entry_page(entry.id), from_path)
    return EntryLink(entry.id, entry.title, rel, entry.severity, entry.category, entry.updated)



@dataclass
class Group:
    """A browse page: entries sharing one category, package, severity or tag."""

    axis: str  # category | package | severity | tag
    name: str
    slug: str
    entries: list[Entry]
    path: str  # the page, e.g. "browse/tag/pandas.md" (fixdex.urls)


AXES: dict[str, Callable[[Entry], Iterable[str]]] = {
    "category": lambda e: [e.category],
    "package": lambda e: sorted({p.name.lower() for p in e.environment.packages}),
    "severity": lambda e: [e.severity],
    "tag": lambda e: e.tags,
}
AXIS_TITLES = {"category": "Category", "package": "Package", "severity": "Severity", "tag": "Tag"}


def group_entries(entries: Sequence[Entry], urls: Urls = DEFAULT) -> dict[str, list[Group]]:
    groups: dict[str, list[Group]] = {}
    for axis, keys in AXES.items():
        buckets: dict[str, list[Entry]] = defaultdict(list)
        for entry in entries:
            for key in keys(entry):
                buckets[key].append(entry)
        order = (lambda k: SEVERITIES.index(k)) if axis == "severity" else (lambda k: k.lower())
        groups[axis] = [
            Group(axis, name, slugify(name), sorted(members, key=lambda e: e.title.lower()),
                  urls.group_page(axis, slugify(name)))
            for name, members in sorted(buckets.items(), key=lambda kv: order(kv[0]))
        ]
    return groups


def render_pages(
    entries: Sequence[Entry],
    options: RenderOptions | None = None,
    *,
    sources: Mapping[str, str] | None = None,
    extras: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[Page]:
    """Every generated page of the site.

    `sources` maps entry id to the YAML path an edit link should open;
    `extras` maps entry id to extra template data (verification records,
    community notes) that other modules shape.
    """
    options = options or RenderOptions()
    env = make_environment(options.template_dirs)
    by_id = {e.id: e for e in entries}
    pages: list[Page] = []
    entry_template = env.get_template("entry.md.j2")
    for entry in sorted(entries, key=lambda e: e.id):
        path = options.urls.entry_page(entry.id)
        context = entry_context(entry, path, by_id, options)
        context.update((extras or {}).get(entry.id, {}))
        context["trust"] = trust_line(entry, context["record"], options.today)
        markdown = _render(entry_template, context, f"entry {entry.id!r}")
        pages.append(Page(path, markdown, "entry", (sources or {}).get(entry.id)))
    pages += render_browse(entries, options, env)
    return pages


def _render(template: jinja2.Template, context: dict[str, Any], what: str) -> str:
    try:
        return template.render(context)
    except jinja2.TemplateError as error:
        raise jinja2.TemplateError(f"template {template.name} failed for {what}: {error}") from error


def entry_context(entry: Entry, path: str, by_id: Mapping[str, Entry], options: RenderOptions) -> dict[str, Any]:
    env = entry.environment
    urls = options.urls
    age = months_between(env.verified.date, options.today)
    stale = (options.today - env.verified.date).days > options.stale_after_days
    trace_lines = len(entry.stack_trace.strip().splitlines())
    groups = {
        "category": (entry.category, relative(urls.group_page("category", slugify(entry.category)), path)),
        "severity": (entry.severity, relative(urls.group_page("severity", entry.severity), path)),
    }
    return {
        "entry": entry,
        "page_title": f"{entry.title} — {entry.fix_title}",
        "stack_trace_lines": trace_lines,
        "stack_trace_open": trace_lines <= STACK_TRACE_OPEN_LINES,
        "feedback_host": host_name(options.repo_url),
        "report_outdated_url": report_outdated_url(
            options.repo_url,
            entry.id,
            absolute(options.site_url, urls.entry_url(entry.id)) if options.site_url else "",
        ),
        "json_ld": json_ld(entry, options),
        "severity_label": entry.severity.capitalize(),
        "difficulty_label": entry.difficulty.capitalize(),
        "fix_time": f"{entry.fix_time.min}–{entry.fix_time.max} min",
        "groups": groups,
        "tags": [(tag, relative(urls.group_page("tag", slugify(tag)), path)) for tag in entry.tags],
        "packages": [(p, relative(urls.group_page("package", slugify(p.name.lower())), path)) for p in env.packages],
        "verified_age_months": age,
        "verified_age_text": _age_text(age),
        "stale": stale,
        "related": [_link(by_id[r], path, urls) for r in entry.related if r in by_id],
        "notes": [],
        "notes_empty_text": "No community notes yet.",
        "add_note_url": "",
        "record": None,
        "retired": [],
        "layer": None,  # which catalogue layer the entry comes from, when the site has more than one
        "reference_status": {},  # reference URL -> why it is dead (fixdex.reference_links)
    }


STACK_TRACE_OPEN_LINES = 12  # a longer stack trace starts folded: the reader came for the fix


@dataclass(frozen=True)
class Trust:
    """The one line under the fix that says how far to trust it."""

    date: dt.date
    subjects: str  # "anthropic 2.14.0, CPython 3.13.0"
    ran: bool  # a current `fixdex verify` record backs it (not only a person's reading)
    age_text: str


def trust_line(entry: Entry, record: Mapping[str, Any] | None, today: dt.date) -> Trust:
    """What the first screen says about verification, from the record the tooling wrote when there is one."""
    if record:
        date = dt.date.fromisoformat(str(record["date"]))
        # the packages the entry is about first: a record also pins their dependencies
        named = {p.name.lower() for p in entry.environment.packages}
        packages = list(record.get("packages", []))
        about = [p for p in packages if p.split(" ")[0].lower() in named] or packages
        subjects = [*about[:2], record["interpreter"]]
        return Trust(date, ", ".join(subjects), True, _age_text(months_between(date, today)))
    verified = entry.environment.verified.date
    runtime = entry.environment.runtime.name.lower()
    tested = [f"{t.name} {t.version}" for t in entry.environment.tested_on if t.name.lower() != runtime][:3]
    return Trust(verified, ", ".join(tested), False, _age_text(months_between(verified, today)))


def _age_text(months: int) -> str:
    if months == 0:
        return "this month"
    if months < 12:
        return f"{months} month{'s' if months != 1 else ''} ago"
    years = months // 12
    return f"{years} year{'s' if years != 1 else ''} ago"


# --- browse pages and home ------------------------------------------------------------------

BROWSE_ALL_UP_TO = 500  # /browse/ lists every entry up to this many; above, the latest (group pages list all)
LATEST_COUNT = 10
FILTER_FROM = 6  # a group page with this many entries gets the text filter


@dataclass(frozen=True)
class EntryItem:
    """An entry as a list shows it: enough to pick the right page without opening it."""

    id: str
    title: str
    url: str  # relative to the page that lists it
    fix_title: str
    severity: str
    category: str
    packages: tuple[str, ...]
    date: dt.date
    date_label: str  # "verified" or "updated": what happened on `date`
    words: str = ""  # more words the browse filter matches: exception, id, tags


@dataclass(frozen=True)
class GroupLink:
    name: str
    url: str
    count: int


def latest_date(entry: Entry) -> tuple[dt.date, str]:
    """The entry's last meaningful date and what it was: the later of its last edit and its last verification."""
    verified = entry.environment.verified.date
    return (verified, "verified") if verified >= entry.updated else (entry.updated, "updated")


def entry_item(entry: Entry, from_path: str, urls: Urls = DEFAULT) -> EntryItem:
    date, label = latest_date(entry)
    packages = tuple(sorted({p.name for p in entry.environment.packages}, key=str.lower))
    names = [name for name in (entry.exception, entry.error_code) if name]
    words = re.sub(r'["{}<>&]', " ", " ".join([*names, entry.id, *entry.tags]))
    return EntryItem(
        entry.id,
        entry.title,
        relative(urls.entry_page(entry.id), from_path),
        entry.fix_title,
        entry.severity,
        entry.category,
        packages,
        date,
        label,
        words,
    )


def by_latest(entries: Iterable[Entry]) -> list[Entry]:
    return sorted(entries, key=lambda e: (latest_date(e)[0], e.published, e.title.lower()), reverse=True)


def by_title(entries: Iterable[Entry]) -> list[Entry]:
    return sorted(entries, key=lambda e: (e.title.lower(), e.id))


def coverage_sentence(entries: Sequence[Entry], groups: Mapping[str, list[Group]], browse_url: str,
                      home_page: str = DEFAULT.home_page) -> str:
    """One Markdown sentence saying what the site covers, from the data: counts that link, the main packages."""
    packages = sorted(groups["package"], key=lambda g: (-len(g.entries), g.name))
    top = [f"[{g.name}]({relative(g.path, home_page)})" for g in packages[:5]]
    stdlib = sum(1 for e in entries if not e.environment.packages)
    count = len(entries)
    sentence = f"[{count} known {'error' if count == 1 else 'errors'}]({browse_url}#entries)"
    if packages:
        named = ", ".join(top) + (" and others" if len(packages) > len(top) else "")
        sentence += f" from [{len(packages)} {'package' if len(packages) == 1 else 'packages'}]({browse_url}#packages)"
        sentence += f" (most often {named})"
        if stdlib:
            sentence += " and Python itself"
    categories = len(groups["category"])
    sentence += f", in [{categories} {'category' if categories == 1 else 'categories'}]({browse_url}#categories)"
    return sentence + ": each with its causes, a fix, and the versions it was verified with."


def render_browse(entries: Sequence[Entry], options: RenderOptions, env: jinja2.Environment) -> list[Page]:
    """The browse index, one page per category, package, severity and tag, and the home page."""
    urls = options.urls
    groups = group_entries(entries, urls)
    pages: list[Page] = []
    group_template = env.get_template("browse/group.md.j2")
    for axis, axis_groups in groups.items():
        for group in axis_groups:
            context = {
                "group": group,
                "axis_title": AXIS_TITLES[axis],
                "items": [entry_item(e, group.path, urls) for e in group.entries],
                "filter": len(group.entries) >= FILTER_FROM,
                "browse_url": relative(urls.browse_page, group.path),
            }
            pages.append(Page(group.path, _render(group_template, context, group.path), "browse"))

    index_path = urls.browse_page

    def links(axis_groups: Iterable[Group]) -> list[GroupLink]:
        return [GroupLink(g.name, relative(g.path, index_path), len(g.entries)) for g in axis_groups]

    listed = by_title(entries) if len(entries) <= BROWSE_ALL_UP_TO else by_latest(entries)[:BROWSE_ALL_UP_TO]
    context = {
        "total": len(entries),
        "axis_titles": AXIS_TITLES,
        "categories": links(groups["category"]),
        "packages": links(groups["package"]),
        "severities": links(groups["severity"]),
        "tags_shared": links(g for g in groups["tag"] if len(g.entries) > 1),
        "tags_single": links(g for g in groups["tag"] if len(g.entries) == 1),
        "items": [entry_item(e, index_path, urls) for e in listed],
        "all_listed": len(listed) == len(entries),
    }
    pages.append(
        Page(index_path, _render(env.get_template("browse/index.md.j2"), context, index_path), "browse", in_nav=True)
    )

    home = urls.home_page
    browse_url = relative(index_path, home)
    severity_counts = Counter(e.severity for e in entries)
    context = {
        "total": len(entries),
        "coverage": coverage_sentence(entries, groups, browse_url, home),
        "counts": {axis: len(g) for axis, g in groups.items()},
        "severity_counts": [
            (s, severity_counts.get(s, 0), relative(urls.group_page("severity", s), home)) for s in SEVERITIES
        ],
        "latest": [entry_item(e, home, urls) for e in by_latest(entries)[:LATEST_COUNT]],
        "browse_url": browse_url,
        "site_name": options.site_name,
        "difficulties": DIFFICULTIES,
    }
    pages.append(Page(home, _render(env.get_template("home.md.j2"), context, home), "home", in_nav=True))
    return pages
