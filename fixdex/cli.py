"""The `fixdex` command: thin wrappers over the library, one function per subcommand.

Exit codes: 0 clean, 1 problems found, 2 misuse.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from fixdex import __version__

Handler = Callable[[argparse.Namespace], int]


def _check(args: argparse.Namespace) -> int:
    from fixdex.check import check
    from fixdex.problems import format_report

    paths = [Path(p) for p in args.paths] or [Path("entries")]
    result = check(paths)
    report = format_report(result.problems)
    if result.problems:
        print(report)
        return 1
    print(f"check passed: {len(result.entries)} entries")
    return 0


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
    print(f"next: cd {args.dir} && mkdocs serve")
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
    from fixdex.model import entry_json_schema

    text = json.dumps(entry_json_schema(), indent=2, ensure_ascii=False) + "\n"
    if args.output == "-":
        sys.stdout.write(text)
    else:
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wrote {args.output}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fixdex", description="Error-diagnosis knowledge base tools.")
    parser.add_argument("--version", action="version", version=f"fixdex {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser("check", help="validate entries (all problems at once, located)")
    check.add_argument("paths", nargs="*", help="entry files or folders (default: entries/)")
    check.set_defaults(handler=_check)

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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    return handler(args)
