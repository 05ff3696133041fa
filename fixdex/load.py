"""YAML entry files in, validated entries out, with every problem located.

Parsing keeps the position of every key and value, so a schema error deep in
an entry still points at its line and column. Loading never stops at the
first problem: a run reports everything it finds, then callers decide.

Entry files come from strangers' pull requests, so reading is bounded and
never leaves the folder: a file is at most MAX_FILE_BYTES, YAML aliases are
refused (a few kilobytes of them expand past any memory), keys must be text,
tags other than YAML's own are refused, invisible and control characters are
reported at their line and column, and a symbolic link that points out of the
folder is reported without being opened. `scan_folder` lists every file below
a folder as either loaded or reported: nothing is skipped without a word
except hidden names (`.git`, editor swap files) and notes for people (`*.md`,
`*.txt`).
"""

from __future__ import annotations

import difflib
import os
import re
import stat
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError

from fixdex.model import Entry
from fixdex.problems import Problem, format_path

FieldPath = tuple[str | int, ...]
Position = tuple[int, int]

try:  # the C loader parses several times faster; fall back when libyaml is absent
    _SafeLoader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover
    _SafeLoader = yaml.SafeLoader


@dataclass
class Document:
    """A parsed YAML file: plain data plus where each part of it stands.

    Positions are worked out only when a problem needs one: a clean file never
    pays for them (see read_yaml).
    """

    path: str
    data: Any
    text: str | None = None  # the source, to find positions in on demand
    invalid: set[FieldPath] = field(default_factory=set)  # already reported while parsing
    _values: dict[FieldPath, Position] | None = None
    _keys: dict[FieldPath, Position] | None = None

    @property
    def values(self) -> dict[FieldPath, Position]:
        self._find_positions()
        assert self._values is not None
        return self._values

    @property
    def keys(self) -> dict[FieldPath, Position]:
        self._find_positions()
        assert self._keys is not None
        return self._keys

    def _find_positions(self) -> None:
        if self._values is not None:
            return
        self._values, self._keys = {}, {}
        node = yaml.compose(self.text, Loader=_SafeLoader) if self.text else None
        if node is not None:
            _build(node, (), self, [], yaml.SafeLoader(""))

    def locate(self, path: FieldPath, *, key: bool = False) -> Position:
        """Position of the deepest existing part of `path` (the key itself when asked)."""
        for end in range(len(path), -1, -1):
            prefix = tuple(path[:end])
            if key and prefix in self.keys:
                return self.keys[prefix]
            if prefix in self.values:
                return self.values[prefix]
        return (1, 1)

    def problem(self, path: FieldPath, message: str, hint: str | None = None, *, key: bool = False) -> Problem:
        line, column = self.locate(path, key=key)
        return Problem(self.path, line, column, format_path(path), message, hint)


_STR_TAG = "tag:yaml.org,2002:str"


class _SlowPath(Exception):
    """The fast loader met something the slow path reports with its position."""


class _FastLoader(_SafeLoader):  # type: ignore[valid-type,misc]
    # An alias is a node reached twice: either twice in one collection, or in a
    # second collection after the first has constructed it. Either way the slow
    # path refuses it, located. (Checked per collection, not per node: cheaper.)
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[str] = set()
        done = self.constructed_objects
        for key_node, value in node.value:
            if key_node.tag != _STR_TAG or key_node.value in seen or value in done or key_node in done:
                raise _SlowPath  # duplicate, merge (<<) or non-text key, or an alias: the slow path locates it
            seen.add(key_node.value)
        if len({id(value) for _, value in node.value}) != len(node.value):
            raise _SlowPath
        return super().construct_mapping(node, deep=deep)  # type: ignore[no-any-return]

    def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> list[Any]:
        done = self.constructed_objects
        if any(item in done for item in node.value) or len({id(item) for item in node.value}) != len(node.value):
            raise _SlowPath
        return super().construct_sequence(node, deep=deep)  # type: ignore[no-any-return]


@dataclass
class LoadedEntry:
    entry: Entry
    document: Document
    folder: Path | None = None  # the entries folder it was found in (its notes sit beside that folder)

    @property
    def path(self) -> str:
        return self.document.path


@dataclass
class LoadResult:
    entries: list[LoadedEntry]
    problems: list[Problem]


def _mark(node: yaml.Node) -> Position:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


# Large enough for any real entry (the longest shipped one is 17 KB), small
# enough that a hostile file cannot make a run slow.
MAX_FILE_BYTES = 256 * 1024
MAX_DEPTH = 32  # entries nest 4 levels deep; anything far deeper is not an entry
MAX_CHARACTER_PROBLEMS = 10

# Characters no entry or note needs, reported wherever they stand: control
# characters (tab, newline and carriage return aside), bidirectional overrides
# and isolates (the "Trojan Source" trick), invisible separators, and YAML's
# extra line breaks (NEL, U+2028, U+2029), which would make every line number
# after them disagree with the reader's editor.
_UNSAFE_CHARACTERS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028-\u202e\u2060\u2066-\u2069\ufeff]"
)


def position_in_text(text: str, index: int) -> Position:
    """(line, column), both from 1, of the character at `index`."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def character_name(char: str) -> str:
    return f"U+{ord(char):04X} {unicodedata.name(char, 'control character')}"


def read_yaml(
    path: Path, display: str | None = None, *, max_bytes: int = MAX_FILE_BYTES
) -> tuple[Document | None, list[Problem]]:
    """Read one YAML file safely and parse it, keeping positions.

    The caller decides whether the path may be read at all (see scan_folder);
    here the file must be a regular file of at most `max_bytes`.
    """
    shown = display or str(path)
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None, [Problem(shown, 1, 1, "", "not a regular file", "entries and notes are plain files")]
        with open(path, "rb") as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as error:
        return None, [Problem(shown, 1, 1, "", f"cannot read the file: {error.strerror}")]
    if len(raw) > max_bytes:
        size = os.stat(path).st_size
        return None, [Problem(shown, 1, 1, "", f"file is {size:,} bytes, the limit is {max_bytes:,}",
                              "an entry describes one error: keep long material in its references")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        line_start = raw.rfind(b"\n", 0, error.start) + 1
        column = len(raw[line_start : error.start].decode("utf-8", "replace")) + 1
        return None, [Problem(shown, line, column, "", f"not UTF-8 text: byte 0x{raw[error.start]:02x} "
                              f"cannot be decoded ({error.reason})", "save the file as UTF-8")]
    return parse_yaml(text.removeprefix("\ufeff"), shown)


def parse_yaml(text: str, shown: str) -> tuple[Document | None, list[Problem]]:
    """Parse YAML text: the fast C path for clean files, the located slow path for the rest."""
    problems = [
        Problem(shown, *position_in_text(text, found.start()), "",
                f"contains {character_name(found.group())}", "remove it: it hides or reorders what the text says")
        for _, found in zip(range(MAX_CHARACTER_PROBLEMS), _UNSAFE_CHARACTERS.finditer(text), strict=False)
    ]
    if problems:
        return None, problems
    try:
        # the fast path: C parser, no positions; anything unusual takes the slow path below
        data = yaml.load(text, Loader=_FastLoader)  # noqa: S506 - a SafeLoader subclass
        if isinstance(data, dict):
            return Document(shown, data, text), []
    except (_SlowPath, ValueError, yaml.YAMLError, RecursionError):
        pass
    try:
        problems = _alias_problems(text, shown)
        if problems:
            return None, problems
        node = yaml.compose(text, Loader=_SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = f"YAML syntax error: {error.problem or error.context}"
        return None, [Problem(shown, line, column, "", message, "check indentation and quoting")]
    except yaml.reader.ReaderError as error:
        line, column = position_in_text(text, error.position)
        return None, [Problem(shown, line, column, "", f"YAML error: {error.reason}")]
    except yaml.YAMLError as error:
        return None, [Problem(shown, 1, 1, "", f"YAML error: {error}")]
    document = Document(shown, None, text, _values={}, _keys={})
    if node is None:
        return None, [Problem(shown, 1, 1, "", "file is empty", "an entry is a mapping of fields (key: value)")]
    constructor = yaml.SafeLoader("")
    document.data = _build(node, (), document, problems, constructor)
    return document, problems


def _alias_problems(text: str, shown: str) -> list[Problem]:
    """One problem per aliased anchor, at its first alias: aliases let a small file expand into a huge one.

    Reading events never expands an alias, so this is linear in the file size.
    A lone anchor is harmless and left alone.
    """
    anchors: dict[str, Position] = {}
    reported: set[str] = set()
    problems: list[Problem] = []
    for event in yaml.parse(text, Loader=_SafeLoader):
        mark = event.start_mark
        here = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        if isinstance(event, yaml.AliasEvent) and event.anchor is not None:
            if event.anchor not in reported:
                reported.add(event.anchor)
                where = anchors.get(event.anchor)
                at = f" (anchored at line {where[0]})" if where else ""
                problems.append(Problem(shown, *here, "", f"YAML alias *{event.anchor}{at}: aliases are not allowed",
                                        "write the value out where it is needed"))
        elif isinstance(event, yaml.NodeEvent) and event.anchor is not None:
            anchors.setdefault(event.anchor, here)
    return problems


_PLAIN_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:omap"}
_KEY_KINDS = {
    "tag:yaml.org,2002:int": "a number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:bool": "true/false",
    "tag:yaml.org,2002:null": "null",
    "tag:yaml.org,2002:timestamp": "a date",
}
_KEY_HINT = "field names are lowercase words, e.g. `published:`"


def _key_problem(doc: Document, key_node: yaml.Node, path: FieldPath) -> Problem:
    """Why a mapping key is not a field name: merge keys, numbers, dates, null, lists."""
    where = _mark(key_node)
    if key_node.tag == "tag:yaml.org,2002:merge":
        return Problem(doc.path, *where, format_path(path), "merge keys (<<) are not allowed",
                       "write the fields out")
    if isinstance(key_node, yaml.ScalarNode):
        kind = _KEY_KINDS.get(key_node.tag, f"the tag {key_node.tag.replace('tag:yaml.org,2002:', '!!')}")
        message = f"key {key_node.value[:40]!r} is not a field name: YAML reads it as {kind}"
        return Problem(doc.path, *where, format_path(path), message, _KEY_HINT)
    shape = "a list" if isinstance(key_node, yaml.SequenceNode) else "a mapping"
    return Problem(doc.path, *where, format_path(path), f"a key must be a field name, not {shape}", _KEY_HINT)


def _build(
    node: yaml.Node, path: FieldPath, doc: Document, problems: list[Problem], constructor: yaml.SafeLoader
) -> Any:
    doc.values[path] = _mark(node)
    if len(path) > MAX_DEPTH:
        doc.invalid.add(path)
        problems.append(Problem(doc.path, *_mark(node), format_path(path[:MAX_DEPTH]),
                                f"nested more than {MAX_DEPTH} levels deep", "entries nest a few levels at most"))
        return None
    if isinstance(node, yaml.CollectionNode) and node.tag not in _PLAIN_TAGS:
        doc.invalid.add(path)
        problems.append(
            Problem(
                doc.path,
                *_mark(node),
                format_path(path),
                f"could not determine a constructor for the tag {node.tag!r}",
                "entries are plain YAML: remove the tag",
            )
        )
        return None
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR_TAG:
                doc.invalid.add(path)
                problems.append(_key_problem(doc, key_node, path))
                continue
            key = key_node.value
            child = (*path, key)
            if key in result:
                first = doc.keys[child]
                problems.append(
                    Problem(
                        doc.path,
                        *_mark(key_node),
                        format_path(child),
                        f"duplicate key (first set at line {first[0]})",
                        "remove one of them",
                    )
                )
                continue
            doc.keys[child] = _mark(key_node)
            result[key] = _build(value_node, child, doc, problems, constructor)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, index), doc, problems, constructor) for index, item in enumerate(node.value)]
    try:
        return constructor.construct_object(node, deep=True)
    except (ValueError, OverflowError, yaml.YAMLError) as error:
        # e.g. 2026-13-01 looks like a date but is none; keep the text, report once
        doc.invalid.add(path)
        reason = error.problem if isinstance(error, yaml.MarkedYAMLError) and error.problem else str(error)
        if "constructor for the tag" in reason:
            hint: str | None = "entries are plain YAML: remove the tag"
        else:
            hint = "write dates as YYYY-MM-DD" if "month" in reason or "day" in reason else None
        problems.append(Problem(doc.path, *_mark(node), format_path(path),
                                f"invalid value {shorten(node.value)}: {reason}", hint))
        return node.value


def _model_fields_at(model: type[BaseModel], path: FieldPath) -> list[str]:
    """Field names of the model reached by following `path` from `model`."""
    current: Any = model
    for part in path:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)) or part not in current.model_fields:
            return []
        current = _unwrap(current.model_fields[part].annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _unwrap(annotation: Any) -> Any:
    """list[X] -> X, X | None -> X: the model a nested value must match."""
    while True:
        args = [a for a in get_args(annotation) if a is not type(None)]
        if get_origin(annotation) is list or (args and len(args) == 1 and get_origin(annotation) is not None):
            annotation = args[0]
            continue
        return annotation


def validate_document(document: Document) -> tuple[Entry | None, list[Problem]]:
    """Check a parsed file against the schema; every error becomes a located problem."""
    if not isinstance(document.data, dict):
        return None, [document.problem((), "an entry must be a mapping of fields (key: value)")]
    try:
        return Entry.model_validate(document.data), []
    except ValidationError as error:
        details = [d for d in error.errors() if tuple(d["loc"]) not in document.invalid]
        return None, [_to_problem(document, detail) for detail in details]


def _to_problem(document: Document, detail: Any) -> Problem:
    path: FieldPath = tuple(detail["loc"])
    kind = detail["type"]
    message = detail["msg"]
    hint = None
    if kind == "missing":
        return document.problem(path, "required field is missing", f"add `{path[-1]}:`")
    if kind == "extra_forbidden":
        known = _model_fields_at(Entry, path[:-1])
        close = difflib.get_close_matches(str(path[-1]), known, n=1, cutoff=0.6)
        hint = f"did you mean `{close[0]}`?" if close else f"known fields: {', '.join(known)}"
        return document.problem(path, "unknown field", hint, key=True)
    if message.startswith("Value error, "):
        message = message.removeprefix("Value error, ")
        head, sep, rest = message.partition(": ")
        if sep and head.isidentifier() and head in _model_fields_at(Entry, path):
            path, message = (*path, head), rest
    value = detail.get("input")
    if kind == "string_type" and isinstance(value, (int, float, bool)):
        hint = f"YAML read {value!r} as a {type(value).__name__}: put the value in quotes"
    elif kind in ("date_type", "date_from_datetime_parsing", "date_parsing"):
        hint = "write the date as YYYY-MM-DD"
    elif isinstance(value, (str, int, float, bool)) and kind != "value_error":
        message = f"{message}, got {shorten(value)}"
    return document.problem(path, message, hint)


def shorten(value: object, limit: int = 60) -> str:
    """repr() of a value, cut to `limit` characters: a report never echoes a whole field."""
    if isinstance(value, str) and len(value) > limit:
        return f"{value[:limit]!r}... ({len(value):,} characters)"
    return repr(value)


ENTRY_SUFFIXES = (".yaml", ".yml")
# Files people keep beside entries for people: never loaded, never reported.
PEOPLE_SUFFIXES = (".md", ".txt")


@dataclass
class FolderScan:
    """Every file below a folder: the ones to load, and the ones refused with the reason."""

    files: list[Path] = field(default_factory=list)
    refused: list[tuple[Path, str, str | None]] = field(default_factory=list)


def scan_folder(folder: Path, suffixes: tuple[str, ...] = ENTRY_SUFFIXES, *, links: bool = True) -> FolderScan:
    """Walk `folder` without following anything out of it.

    A file is loaded when its name ends in one of `suffixes`; hidden names
    (starting with '.') and notes for people (*.md, *.txt) are left alone;
    anything else is refused, so nothing is skipped silently. A symbolic link
    is refused without being opened when it dangles, points to a folder, or
    points outside `folder`; with `links=False` every link is refused.
    """
    boundary = folder.resolve()
    scan = FolderScan()
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            items = sorted(os.scandir(current), key=lambda item: item.name)
        except OSError as error:
            scan.refused.append((current, f"cannot read the folder: {error.strerror}", None))
            continue
        for item in items:
            path = Path(item.path)
            if item.name.startswith("."):
                continue
            if item.is_symlink():
                refusal = link_refusal(path, boundary, allowed=links)
                if refusal is not None:
                    scan.refused.append((path, *refusal))
                    continue
            elif item.is_dir(follow_symlinks=False):
                pending.append(path)
                continue
            suffix = path.suffix
            if suffix in suffixes:
                scan.files.append(path)
            elif suffix not in PEOPLE_SUFFIXES:
                scan.refused.append((path, f"not a {' or '.join(suffixes)} file: it would be ignored",
                                     f"rename it to {path.stem}{suffixes[0]}, or move it out of {folder.name}/"))
    scan.files.sort()
    return scan


def link_refusal(path: Path, boundary: Path, *, allowed: bool = True) -> tuple[str, str | None] | None:
    """Why the symbolic link `path` may not be read, or None; the target is never opened."""
    if not allowed:
        return "symbolic link: not read here", "put the file itself here"
    if not os.path.exists(path):
        return "dangling symbolic link: its target does not exist", "remove the link or restore its target"
    target = path.resolve()
    if not target.is_relative_to(boundary):
        return (f"symbolic link pointing outside {boundary.name}/: not read",
                "copy the file into the folder instead of linking to it")
    if target.is_dir():
        return "symbolic link to a folder: not followed", "move the folder here instead of linking to it"
    return None


def _found_files(paths: Iterable[Path], root: Path | None) -> tuple[dict[Path, Path], list[Problem]]:
    """Each file to load, with the folder it was found in; and the problems of the files refused."""
    files: dict[Path, Path] = {}
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            scan = scan_folder(path)
            files.update((file, path) for file in scan.files)
            problems += [Problem(_display(p, root), 1, 1, "", why, hint) for p, why, hint in scan.refused]
        elif path.is_symlink() and (refusal := link_refusal(path, path.absolute().parent.resolve())):
            problems.append(Problem(_display(path, root), 1, 1, "", *refusal))
        elif not path.exists():
            problems.append(Problem(_display(path, root), 1, 1, "", "no such file"))
        else:
            files[path] = path.parent
    return files, problems


def load_entries(paths: Iterable[Path], *, root: Path | None = None, known_ids: Iterable[str] = ()) -> LoadResult:
    """Load and validate entry files, then check them against each other.

    `known_ids` are ids that exist elsewhere (the other layers of a layered site,
    fixdex.layers): `related:` may name them.
    """
    paths = list(paths)
    loaded: list[LoadedEntry] = []
    files, problems = _found_files(paths, root)
    for file, folder in files.items():
        display = _display(file, root)
        document, found = read_yaml(file, display)
        problems += found
        if document is None:
            continue
        entry, found = validate_document(document)
        problems += found
        if entry is None:
            continue
        if entry.id != file.stem:
            problems.append(
                document.problem(
                    ("id",),
                    f"id {entry.id!r} does not match the file name {file.name!r}",
                    f"rename the file to {entry.id}{file.suffix} or set id: {file.stem}",
                )
            )
        loaded.append(LoadedEntry(entry, document, folder))
    # A file checked on its own may relate to its neighbours: they count as existing.
    neighbours = {
        p.stem for folder in {f.parent for f in files} for p in folder.iterdir() if p.suffix in ENTRY_SUFFIXES
    }
    problems += check_collection(loaded, neighbours | set(known_ids))
    return LoadResult(loaded, sorted(set(problems)))


def _display(path: Path, root: Path | None) -> str:
    """The path as the reader knows it: relative to root, a link shown as the link (never its target)."""
    base = root or Path.cwd()
    try:
        return str((path.absolute().parent.resolve() / path.name).relative_to(base.resolve()))
    except ValueError:
        return str(path)


def check_collection(loaded: list[LoadedEntry], other_ids: Iterable[str] = ()) -> list[Problem]:
    """Rules that need every entry at once: unique ids, related ids, aliases."""
    problems: list[Problem] = []
    owner: dict[str, LoadedEntry] = {}
    # The file named after the id owns it; any other file claiming it is the one to fix.
    for item in sorted(loaded, key=lambda i: Path(i.path).stem != i.entry.id):
        first = owner.setdefault(item.entry.id, item)
        if first is not item:
            problems.append(
                item.document.problem(("id",), f"duplicate id {item.entry.id!r}, also used by {first.path}")
            )
    holders: dict[str, list[tuple[LoadedEntry, int]]] = {}
    for item in loaded:
        for index, alias in enumerate(item.entry.aliases):
            where = ("aliases", index)
            if alias in owner:
                other = owner[alias].path
                problems.append(item.document.problem(where, f"alias {alias!r} clashes with the id of {other}"))
            else:
                holders.setdefault(alias, []).append((item, index))
    alias_owner: dict[str, LoadedEntry] = {}
    for alias, places in holders.items():
        alias_owner[alias] = places[0][0]
        if len(places) > 1:
            for item, index in places:
                elsewhere = ", ".join(other.path for other, _ in places if other is not item)
                problems.append(
                    item.document.problem(("aliases", index), f"alias {alias!r} is also an alias in {elsewhere}")
                )
    ids = sorted(owner)
    neighbours = set(other_ids) - set(owner)
    for item in loaded:
        for index, related in enumerate(item.entry.related):
            if related == item.entry.id:
                problems.append(item.document.problem(("related", index), "an entry cannot be related to itself"))
            elif related not in owner and related not in neighbours:
                target = alias_owner.get(related)
                if target is not None:
                    hint: str | None = f"{related!r} is an old alias: use {target.entry.id!r}"
                else:
                    close = difflib.get_close_matches(related, ids, n=1)
                    hint = f"did you mean {close[0]!r}?" if close else None
                problems.append(
                    item.document.problem(("related", index), f"related entry {related!r} does not exist", hint)
                )
    return problems
