"""The matching subcommands: `fixdex match`, `fixdex explain`, `fixdex run`, `fixdex urls`.

Kept out of cli.py so that file stays a table of contents; each handler is a
thin wrapper over fixdex.matcher, fixdex.hook and fixdex.links.
"""

from __future__ import annotations

import argparse
import json
import os
import runpy
import sys
import textwrap
from pathlib import Path
from typing import Any


def _index(args: argparse.Namespace) -> Any:
    from fixdex.matcher import default_index

    return default_index(args.base_url)


def _read_text(args: argparse.Namespace) -> str:
    """The error text: the argument, or stdin as bytes decoded as UTF-8 (undecodable bytes become U+FFFD)."""
    if args.text not in (None, "-"):
        # an argument with bytes that are not UTF-8 arrives with surrogate escapes; make them U+FFFD too
        return str(args.text).encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:  # a replaced sys.stdin (tests, embedding) that only has text
        return sys.stdin.read()
    return bytes(stream.read()).decode("utf-8", "replace")


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {number}")
    return number


def _match(args: argparse.Namespace) -> int:
    from fixdex.matcher import match_result
    from fixdex.normalise import LINE_LIMIT, TEXT_LIMIT

    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")  # a title or capture the terminal cannot show is not a crash
    text = _read_text(args)
    if not text.strip():
        print("fixdex match: no error text (pass it as an argument, or pipe it: python app.py 2>&1 | fixdex match)",
              file=sys.stderr)
        return 2
    try:
        index = _index(args)
    except (FileNotFoundError, ValueError) as error:
        print(f"fixdex match: {error}", file=sys.stderr)
        return 2
    result = match_result(text, index, top=args.top)
    candidates = result.candidates
    if result.cut:
        print(f"fixdex match: the text is long; matched its last {TEXT_LIMIT:,} characters, each line up to its "
              f"first {LINE_LIMIT:,}", file=sys.stderr)
    if args.json:
        print(json.dumps([c.to_json() for c in candidates], indent=2, ensure_ascii=False))
        return 0 if candidates and candidates[0].confident else 1
    if not candidates:
        print("no known error matches this text")
        return 1
    for candidate in candidates:
        verdict = "known error" if candidate.confident else f"similar ({candidate.score:.0%})"
        print(f"{candidate.id}  [{verdict}]\n  {candidate.title}")
        if candidate.fix_title:
            print(f"  fix: {candidate.fix_title}")
        print(f"  {candidate.url}")
        for name, value in candidate.captures.items():
            print(f"  your {name.replace('_', ' ')}: {value}")
    return 0 if candidates[0].confident else 1


def _load_entry(entry_id: str) -> dict[str, Any] | None:
    """The entry as JSON-like data, from the entries folder or from a site's api/ beside FIXDEX_INDEX."""
    from fixdex.matcher import find_entries_dir, load_valid_entries

    index_file = os.environ.get("FIXDEX_INDEX")
    if index_file:
        folder = Path(index_file).parent
        for path in sorted((folder / "e").glob("*.json")):
            data = json.loads(path.read_text(encoding="utf-8"))
            if entry_id == data["id"] or entry_id in data.get("aliases", []):
                return dict(data["entry"])
        return None
    entries_dir = find_entries_dir()
    if entries_dir is None:
        return None
    for entry in load_valid_entries(entries_dir):
        if entry_id == entry.id or entry_id in entry.aliases:
            return entry.model_dump(mode="json")
    return None


def explain_text(entry: dict[str, Any], url: str, width: int = 80) -> str:
    """An entry for the terminal: what `rustc --explain` does for an error code."""

    def para(text: str, indent: str = "") -> str:
        blocks = [b for b in text.strip().split("\n\n") if b.strip()]
        wrapped = []
        for block in blocks:
            # lists, tables, code and indented blocks keep their lines; prose is re-wrapped
            if block.lstrip().startswith(("```", "- ", "* ", "1. ", "|")) or "\n    " in block:
                wrapped.append(textwrap.indent(block, indent))
            else:
                wrapped.append(textwrap.fill(" ".join(block.split()), width, initial_indent=indent,
                                             subsequent_indent=indent))
        return "\n\n".join(wrapped)

    heading = f"{entry['title']} — {entry['fix_title']}"
    raised_as = entry["exception"] or entry.get("error_code", "")
    lines = [heading, "=" * min(width, len(heading)), "", f"    {entry['message']}", f"    ({raised_as})",
             "", para(entry["summary"]), "", "Quick fix", "---------", para(entry["quick_fix"]), "",
             "Causes and fixes", "----------------"]
    for number, cause in enumerate(entry["causes"], start=1):
        lines += [para(f"{number}. {cause['cause']}"), "   Fix: " + para(cause["fix"], "        ").lstrip(), ""]
    example = entry["code"][0]
    lines += ["Broken", "------", textwrap.indent(example["broken"].rstrip(), "    "), "",
              "Fixed", "-----", textwrap.indent(example["fixed"].rstrip(), "    "), "", f"More: {url}"]
    return "\n".join(lines) + "\n"


def _explain(args: argparse.Namespace) -> int:
    from fixdex.settings import configured_base_url
    from fixdex.urls import entry_url

    entry = _load_entry(args.id)
    if entry is None:
        print(f"fixdex explain: no entry {args.id!r} (run it inside a knowledge base, or set FIXDEX_ENTRIES or "
              "FIXDEX_INDEX; `fixdex match TEXT` finds an entry from an error text)", file=sys.stderr)
        return 2
    base = args.base_url if args.base_url is not None else configured_base_url()
    url = (base.rstrip("/") + "/" if base else "") + entry_url(entry["id"])
    sys.stdout.write(explain_text(entry, url))
    return 0


def _run(args: argparse.Namespace) -> int:
    """Run a script like `python script.py`, with the hook installed."""
    from fixdex.hook import install

    script = Path(args.script)
    if not script.is_file():
        print(f"fixdex run: {script}: no such file", file=sys.stderr)
        return 2
    install(base_url=args.base_url)
    path = os.path.abspath(script)  # what `python script.py` shows in tracebacks since 3.9
    sys.argv = [str(script), *args.args]
    sys.path.insert(0, os.path.dirname(path))
    try:
        runpy.run_path(path, run_name="__main__")
    except SystemExit:
        raise
    except BaseException as error:  # noqa: B036 - handed on to the hook exactly like an uncaught error
        tb = error.__traceback__
        # drop our own frames (this function, runpy) so the traceback reads as `python script.py` prints it
        while tb is not None and tb.tb_frame.f_code.co_filename != path:
            tb = tb.tb_next
        if tb is not None:
            error.with_traceback(tb)  # the default hook prints the exception's own __traceback__
        sys.excepthook(type(error), error, error.__traceback__)
        return 1
    return 0


def _urls(args: argparse.Namespace) -> int:
    from fixdex.links import PUBLISHED_URLS_FILE, published_candidates, update_published
    from fixdex.site import SiteError, load_site_from_config

    config = Path(args.config)
    list_file = config.resolve().parent / PUBLISHED_URLS_FILE
    try:
        # --update reads the list instead of enforcing it: the user's file is never moved or hidden
        site = load_site_from_config(config, check_published=not args.update)
    except SiteError as error:
        print(error)
        return 1
    if not args.update:
        print("\n".join(published_candidates(site)))
        return 0
    added = update_published(site, list_file)
    print(f"{list_file}: added {len(added)} URL{'s' if len(added) != 1 else ''}")
    for url in added:
        print(f"  {url}")
    return 0


def add_commands(commands: Any) -> None:
    """Register the subcommands on cli.py's subparsers."""
    match = commands.add_parser("match", help="find the entry for an error text (argument or stdin)")
    match.add_argument("text", nargs="?", help="the error text, or - (default) to read stdin")
    match.add_argument("--json", action="store_true", help="print the candidates as JSON")
    match.add_argument("--top", type=_positive, default=5, help="how many candidates, 1 or more (default 5)")
    match.add_argument("--base-url", default=None, help="site the URLs point at (default: FIXDEX_BASE_URL, config)")
    match.set_defaults(handler=_match)

    explain = commands.add_parser("explain", help="print an entry in the terminal")
    explain.add_argument("id", help="entry id or alias")
    explain.add_argument("--base-url", default=None, help="site the link points at")
    explain.set_defaults(handler=_explain)

    run = commands.add_parser("run", help="run a Python script; name a known error under its traceback")
    run.add_argument("script")
    run.add_argument("args", nargs=argparse.REMAINDER, help="arguments for the script")
    run.add_argument("--base-url", default=None, help="site the link points at")
    run.set_defaults(handler=_run)

    urls = commands.add_parser("urls", help="list the URLs that must live forever, or add new ones to the list")
    urls.add_argument("--update", action="store_true", help="add new URLs to published-urls.txt")
    urls.add_argument("--config", default="mkdocs.yml", help="the site's mkdocs.yml (default: mkdocs.yml)")
    urls.set_defaults(handler=_urls)
