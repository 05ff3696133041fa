"""The `fixdex` command: thin wrappers over the library, one function per subcommand.

Exit codes: 0 clean, 1 problems found, 2 misuse.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from fixdex import __version__

Handler = Callable[[argparse.Namespace], int]


def _positive_count(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {value}")
    return value


def _check(args: argparse.Namespace) -> int:
    from fixdex.check import check
    from fixdex.problems import format_report

    if not args.paths and Path("mkdocs.yml").is_file():
        from fixdex.layers import SourcesError, configured_layers

        try:
            layers = configured_layers(Path("mkdocs.yml"))
        except SourcesError as error:
            print(f"mkdocs.yml: fixdex plugin option {error}")
            return 2
        if layers is not None:
            return _check_layers(layers)
    paths = [Path(p) for p in args.paths] or [Path("entries")]
    result = check(paths)
    report = format_report(result.problems)
    if result.problems:
        print(report)
        return 1
    print(f"check passed: {len(result.entries)} entries")
    return 0


def _check_layers(layers: Sequence[Any]) -> int:
    """`fixdex check` on a site whose mkdocs.yml lists `sources:`: every layer, then each override as a note."""
    from fixdex.layers import load_layers
    from fixdex.problems import format_report

    layered = load_layers(layers, Path.cwd())
    for line in layered.notes(Path.cwd()):
        print(line)
    if layered.problems:
        print(format_report(layered.problems))
        return 1
    names = ", ".join(layer.name for layer in layers)
    overrides = len(layered.overrides)
    print(f"check passed: {len(layered.entries)} entries from {len(layers)} layers ({names}), "
          f"{overrides} override{'' if overrides == 1 else 's'}")
    return 0


def _verify(args: argparse.Namespace) -> int:
    from fixdex.load import load_entries
    from fixdex.verify import drift_report, format_table, has_checks, latest_entries, verify_entries

    if args.latest and not args.ids:
        args.all = True
    if bool(args.ids) == bool(args.all):
        print("fixdex verify: name entry ids, or pass --all (not both)", file=sys.stderr)
        return 2
    entries_dir = Path(args.entries)
    loaded = load_entries([entries_dir], root=Path.cwd())
    by_id = {item.entry.id: item.entry for item in loaded.entries}
    if args.all:
        chosen = [entry for entry_id, entry in sorted(by_id.items())
                  if (entry.reproduction is not None if args.latest else has_checks(entry))]
        invalid = sorted({p.path for p in loaded.problems if Path(p.path).stem not in by_id})
        if invalid:
            print(f"skipped {len(invalid)} file(s) with problems (run `fixdex check`): {', '.join(invalid)}")
    else:
        chosen = []
        for entry_id in args.ids:
            entry = by_id.get(entry_id)
            if entry is None:
                found = [p for p in loaded.problems if Path(p.path).stem == entry_id]
                reason = "has problems:\n" + "\n".join(map(str, found)) if found else f"not found in {entries_dir}/"
                print(f"fixdex verify: entry {entry_id!r} {reason}", file=sys.stderr)
                return 2
            if entry.reproduction is None and (args.latest or not has_checks(entry)):
                print(f"fixdex verify: entry {entry_id!r} has no reproduction block", file=sys.stderr)
                return 2
            chosen.append(entry)
    if args.latest:
        results = latest_entries(chosen, Path.cwd(), jobs=args.jobs)
        report = drift_report(results)
        Path(args.report).parent.mkdir(parents=True, exist_ok=True)
        Path(args.report).write_text(report, encoding="utf-8")
        print(report)
        print(f"wrote {args.report}")
        return 0
    outcomes = verify_entries(chosen, Path.cwd(), jobs=args.jobs, edges=not args.no_edges)
    print(format_table(outcomes))
    return 0 if all(o.status in ("reproduced", "checked") for o in outcomes) else 1


def _links(args: argparse.Namespace) -> int:
    from fixdex.load import load_entries
    from fixdex.reference_links import check_urls, format_report, read_status, reference_urls, write_status

    loaded = load_entries([Path(args.entries)], root=Path.cwd())
    urls = reference_urls(loaded.entries)
    output = Path(args.output)
    results = check_urls(urls, timeout=args.timeout, workers=args.jobs, previous=read_status(output))
    write_status(output, results)
    print(format_report(results))
    print(f"wrote {output}")
    return 1 if any(r.status == "dead" for r in results) else 0


def _new(args: argparse.Namespace) -> int:
    from fixdex.scaffold import write_entry_skeleton

    try:
        path = write_entry_skeleton(args.id, Path(args.entries))
    except (ValueError, FileExistsError) as error:
        print(f"fixdex new: {error}", file=sys.stderr)
        return 2
    print(f"wrote {path}: fill in every field, then run `fixdex check {path}`")
    return 0


def _init(args: argparse.Namespace) -> int:
    from fixdex.scaffold import write_knowledge_base

    try:
        written = write_knowledge_base(Path(args.dir))
    except FileExistsError as error:
        print(f"fixdex init: {error}", file=sys.stderr)
        return 2
    for path in written:
        print(f"wrote {path}")
    site_tools = "" if importlib.util.find_spec("mkdocs") else " (after pip install 'fixdex[site]')"
    print(f"next: cd {args.dir} && mkdocs serve{site_tools}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from fixdex.export import export_pages
    from fixdex.site import SiteError

    try:
        written = export_pages(Path(args.config), Path(args.dir))
    except SiteError as error:
        print(error)
        return 1
    print(f"exported {len(written)} files to {args.dir}")
    return 0


def _schema(args: argparse.Namespace) -> int:
    from fixdex.scaffold import schema_text

    text = schema_text()
    if args.output == "-":
        sys.stdout.write(text)
    else:
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wrote {args.output}")
    return 0


def _notes_import(args: argparse.Namespace) -> int:
    import datetime as dt

    from fixdex.notes import SubmissionError, import_submission, notes_folder

    entries = Path(args.entries)
    if not entries.is_dir():
        print(f"fixdex notes import: {entries}: entries folder not found (pass --entries)", file=sys.stderr)
        return 2
    try:
        raw = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        print(f"fixdex notes import: {args.file}: cannot read the issue body: {error}", file=sys.stderr)
        return 2
    try:
        date = dt.date.fromisoformat(args.date) if args.date else None
    except ValueError:
        print(f"fixdex notes import: --date {args.date!r}: write the date as YYYY-MM-DD", file=sys.stderr)
        return 2
    notes = Path(args.notes) if args.notes else notes_folder(entries)
    try:
        path = import_submission(text, notes, entries, author=args.author, date=date)
    except SubmissionError as error:
        source = "<stdin>" if args.file == "-" else args.file
        for reason in error.reasons:
            print(f"{source}: error: {reason}")
        count = len(error.reasons)
        print(f"import failed: nothing was written ({count} problem{'s' if count != 1 else ''})")
        return 1
    print(f"wrote {path} (status: pending): review it, then "
          f"`fixdex notes approve {path}` or `fixdex notes reject {path}`")
    return 0


def _notes_moderate(args: argparse.Namespace) -> int:
    from fixdex.notes import ModerationError, set_status

    status = {"approve": "approved", "reject": "rejected"}[args.notes_command]
    if not Path(args.path).is_file() and not Path(args.path).is_symlink():
        print(f"fixdex notes {args.notes_command}: {args.path}: no such note file", file=sys.stderr)
        return 2
    try:
        old, new = set_status(Path(args.path), status, notes_dir=Path(args.notes), change=args.change)
    except ModerationError as error:
        print(f"fixdex notes {args.notes_command}: {error}", file=sys.stderr)
        return 1
    if old == new:
        print(f"{args.path} is already {new}: nothing changed")
    elif new == "approved":
        print(f"approved {args.path}: it appears on the entry page at the next build")
    else:
        print(f"rejected {args.path}: it is kept for the record and never shown")
    return 0


def _notes_from_issue(args: argparse.Namespace) -> int:
    """The approve-note workflow's step: GitHub's event file in, an approved note file out."""
    from fixdex.notes import ModerationError, SubmissionError, approve_issue, notes_folder

    entries = Path(args.entries)
    if not entries.is_dir():
        print(f"fixdex notes from-issue: {entries}: entries folder not found (pass --entries)", file=sys.stderr)
        return 2
    try:
        event = json.loads(Path(args.event).read_bytes())
    except (OSError, ValueError) as error:
        print(f"fixdex notes from-issue: {args.event}: cannot read the event: {error}", file=sys.stderr)
        return 2
    notes = Path(args.notes) if args.notes else notes_folder(entries)
    try:
        done = approve_issue(event, notes, entries)
    except (SubmissionError, ModerationError) as error:
        reasons = error.reasons if isinstance(error, SubmissionError) else str(error).splitlines()
        for reason in reasons:
            print(f"{args.event}: error: {reason}")
        if args.report:
            # Indented: GitHub shows it as a code block, so nothing quoted from the issue renders or mentions
            quoted = "\n".join(f"    {line}" for reason in reasons for line in reason.splitlines())
            Path(args.report).write_text("fixdex could not approve this note; nothing was written:\n\n"
                                         f"{quoted}\n\nEdit the issue, then remove the `approved` label and add it "
                                         "again.\n", encoding="utf-8")
        count = len(reasons)
        print(f"from-issue failed: nothing was written ({count} problem{'s' if count != 1 else ''})")
        return 1
    if done.changed:
        print(f"approved {done.path} (issue #{done.number} by @{done.author})")
    else:
        print(f"{done.path} is already approved (issue #{done.number}): nothing changed")
    if args.output:
        # key=value lines for $GITHUB_OUTPUT; each value matches a strict pattern (entry id, handle, path of them)
        with open(args.output, "a", encoding="utf-8") as output:
            output.write(f"path={done.path}\nentry={done.entry}\nauthor={done.author}\nnumber={done.number}\n"
                         f"changed={'true' if done.changed else 'false'}\n")
    return 0


def _requests(args: argparse.Namespace) -> int:
    from fixdex.requests import RequestsError, format_table, parse_issues, rank_requests

    source = "<stdin>" if args.file == "-" else args.file
    try:
        text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
        issues = parse_issues(text, source)
    except (OSError, UnicodeDecodeError) as error:
        print(f"fixdex requests: {source}: cannot read the issue list: {error}", file=sys.stderr)
        return 2
    except RequestsError as error:
        print(error, file=sys.stderr)
        return 2
    ranked = rank_requests(issues)[: args.top] if args.top else rank_requests(issues)
    if args.json:
        print(json.dumps([d.to_json() for d in ranked], indent=2, ensure_ascii=False))
    else:
        print(format_table(ranked))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fixdex", description="Error-diagnosis knowledge base tools.")
    parser.add_argument("--version", action="version", version=f"fixdex {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser("check", help="validate entries (all problems at once, located)")
    check.add_argument("paths", nargs="*", help="entry files or folders (default: entries/)")
    check.set_defaults(handler=_check)

    verify = commands.add_parser("verify", help="run reproductions in fresh venvs and write verification/ID.json")
    verify.add_argument("ids", nargs="*", metavar="ID", help="entry ids to verify")
    verify.add_argument("--all", action="store_true", help="every entry that has a reproduction block")
    verify.add_argument("--jobs", type=int, default=1, help="entries verified at once (default: 1)")
    verify.add_argument("--entries", default="entries", help="entries folder (default: entries)")
    verify.add_argument("--latest", action="store_true",
                        help="re-run reproductions with the newest releases and write the drift report")
    verify.add_argument("--report", default="docs/drift.md", help="where --latest writes (default: docs/drift.md)")
    verify.add_argument("--no-edges", action="store_true",
                        help="skip running the reproduction at the edges of environment.packages ranges")
    verify.set_defaults(handler=_verify)

    links = commands.add_parser("links", help="check every reference URL and write data/link-status.json")
    links.add_argument("--entries", default="entries", help="entries folder (default: entries)")
    links.add_argument("--output", default="data/link-status.json", help="results file (default: %(default)s)")
    links.add_argument("--timeout", type=float, default=15.0, help="seconds per request (default: 15)")
    links.add_argument("--jobs", type=_positive_count, default=8, help="requests at once (default: 8)")
    links.set_defaults(handler=_links)

    new = commands.add_parser("new", help="write a valid skeleton entry")
    new.add_argument("id", help="lowercase words joined by hyphens, e.g. pandas-append-removed")
    new.add_argument("--entries", default="entries", help="entries folder (default: entries)")
    new.set_defaults(handler=_new)

    init = commands.add_parser("init", help="create a new knowledge base for a team")
    init.add_argument("dir")
    init.set_defaults(handler=_init)

    export = commands.add_parser("export", help="write the generated pages as Markdown files, for other engines")
    export.add_argument("dir", help="output folder (a docs folder)")
    export.add_argument("--config", default="mkdocs.yml", help="the site's mkdocs.yml (default: mkdocs.yml)")
    export.set_defaults(handler=_export)

    schema = commands.add_parser("schema", help="write the entry JSON Schema for editors")
    schema.add_argument("--output", default="schema/entry.schema.json", help="file, or - for stdout")
    schema.set_defaults(handler=_schema)

    notes = commands.add_parser("notes", help="take in and moderate community notes")
    notes_commands = notes.add_subparsers(dest="notes_command", required=True, metavar="ACTION")
    note_import = notes_commands.add_parser("import", help="turn a submitted issue body into a pending note file")
    note_import.add_argument("file", help="the issue body as a file, or - for stdin")
    note_import.add_argument("--entries", default="entries", help="entries folder (default: entries)")
    note_import.add_argument("--notes", help="notes folder (default: notes/ beside the entries folder)")
    note_import.add_argument("--author", help="the issue author's handle; overrides the form's handle field")
    note_import.add_argument("--date", help="the note's date, YYYY-MM-DD (default: today)")
    note_import.set_defaults(handler=_notes_import)
    for action, verb in (("approve", "show a note on its entry page"), ("reject", "keep a note out of the site")):
        moderate = notes_commands.add_parser(action, help=verb)
        moderate.add_argument("path", help="the note file, e.g. notes/ENTRY-ID/2026-01-31-handle.yaml")
        moderate.add_argument("--notes", default="notes", help="notes folder (default: notes)")
        moderate.add_argument("--change", action="store_true", help="change a decision already taken")
        moderate.set_defaults(handler=_notes_moderate)
    from_issue = notes_commands.add_parser(
        "from-issue", help="import and approve the note of an issue labelled `approved` (GitHub's event file)")
    from_issue.add_argument("event", help="the event payload, e.g. \"$GITHUB_EVENT_PATH\" in a workflow")
    from_issue.add_argument("--entries", default="entries", help="entries folder (default: entries)")
    from_issue.add_argument("--notes", help="notes folder (default: notes/ beside the entries folder)")
    from_issue.add_argument("--output", help="append path=, entry=, author=, number=, changed= lines here "
                                             "(\"$GITHUB_OUTPUT\" in a workflow)")
    from_issue.add_argument("--report", help="on failure, write the reasons here as an issue comment (Markdown)")
    from_issue.set_defaults(handler=_notes_from_issue)
    requests = commands.add_parser("requests", help="rank requested entries by demand, from an exported issue list")
    requests.add_argument("file", help="`gh issue list --json number,title,body,labels,createdAt,reactionGroups` "
                                       "output, or - for stdin")
    requests.add_argument("--json", action="store_true", help="print the ranking as JSON")
    requests.add_argument("--top", type=_positive_count, default=0, help="only the N most requested (default: all)")
    requests.set_defaults(handler=_requests)
    from fixdex.match_cli import add_commands

    add_commands(commands)
    return parser


# What `pip install fixdex` leaves out: the commands that build the site need `fixdex[site]`.
SITE_TOOLS = frozenset({"mkdocs", "material", "pagefind"})


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except BrokenPipeError:
        # `fixdex check | head`: the reader has seen enough; say nothing more, as `cat` would
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except ModuleNotFoundError as error:
        if (error.name or "").partition(".")[0] not in SITE_TOOLS:
            raise
        print(f"fixdex {args.command}: this command needs the site tools ({error.name} is not installed): "
              "pip install 'fixdex[site]'", file=sys.stderr)
        return 2
