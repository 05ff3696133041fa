"""YAML entry files in, validated entries out, with every problem located.

Parsing keeps the position of every key and value, so a schema error deep in
an entry still points at its line and column. Loading never stops at the
first problem: a run reports everything it finds, then callers decide.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
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
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[str] = set()
        for key_node, _value in node.value:
            if key_node.tag != _STR_TAG or key_node.value in seen:
                raise _SlowPath  # duplicate or non-text key: reported, located, by the slow path
            seen.add(key_node.value)
        return super().construct_mapping(node, deep=deep)  # type: ignore[no-any-return]


@dataclass
class LoadedEntry:
    entry: Entry
    document: Document

    @property
    def path(self) -> str:
        return self.document.path


@dataclass
class LoadResult:
    entries: list[LoadedEntry]
    problems: list[Problem]


def _mark(node: yaml.Node) -> Position:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def read_yaml(path: Path, display: str | None = None) -> tuple[Document | None, list[Problem]]:
    """Parse one YAML file with safe loading only, keeping positions.

    PyYAML silently keeps the last of two equal keys; here both are reported.
    """
    shown = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        return None, [Problem(shown, 1, 1, "", f"file is not UTF-8 text: {error.reason} at byte {error.start}")]
    try:
        # the fast path: C parser, no positions; anything unusual takes the slow path below
        data = yaml.load(text, Loader=_FastLoader)  # noqa: S506 - a SafeLoader subclass
        if isinstance(data, dict):
            return Document(shown, data, text), []
    except (_SlowPath, ValueError, yaml.YAMLError):
        pass
    try:
        node = yaml.compose(text, Loader=_SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = f"YAML syntax error: {error.problem or error.context}"
        return None, [Problem(shown, line, column, "", message, "check indentation and quoting")]
    except yaml.YAMLError as error:
        return None, [Problem(shown, 1, 1, "", f"YAML error: {error}")]
    document = Document(shown, None, text, _values={}, _keys={})
    problems: list[Problem] = []
    if node is None:
        return None, [Problem(shown, 1, 1, "", "file is empty")]
    constructor = yaml.SafeLoader("")
    document.data = _build(node, (), document, problems, constructor)
    return document, problems


_PLAIN_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:omap"}


def _build(
    node: yaml.Node, path: FieldPath, doc: Document, problems: list[Problem], constructor: yaml.SafeLoader
) -> Any:
    doc.values[path] = _mark(node)
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
            key = constructor.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                key = str(key)
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
    except (ValueError, yaml.YAMLError) as error:
        # e.g. 2026-13-01 looks like a date but is none; keep the text, report once
        doc.invalid.add(path)
        problems.append(
            Problem(
                doc.path,
                *_mark(node),
                format_path(path),
                f"invalid value {node.value!r}: {error}",
                "write dates as YYYY-MM-DD" if "month" in str(error) or "day" in str(error) else None,
            )
        )
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
        message = f"{message}, got {value!r}"
    return document.problem(path, message, hint)


def entry_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Files named directly, and the *.yaml files of folders, in a stable order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.glob("*.yaml") if p.is_file())
        else:
            yield path


def load_entries(paths: Iterable[Path], *, root: Path | None = None) -> LoadResult:
    """Load and validate entry files, then check them against each other."""
    paths = list(paths)
    loaded: list[LoadedEntry] = []
    problems: list[Problem] = []
    for file in entry_files(paths):
        display = _display(file, root)
        if not file.exists():
            problems.append(Problem(display, 1, 1, "", "no such file"))
            continue
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
                    f"rename the file to {entry.id}.yaml or set id: {file.stem}",
                )
            )
        loaded.append(LoadedEntry(entry, document))
    # A file checked on its own may relate to its neighbours: they count as existing.
    neighbours = {p.stem for folder in {f.parent for f in entry_files(paths)} for p in folder.glob("*.yaml")}
    problems += check_collection(loaded, neighbours)
    return LoadResult(loaded, sorted(set(problems)))


def _display(path: Path, root: Path | None) -> str:
    base = root or Path.cwd()
    try:
        return str(path.resolve().relative_to(base.resolve()))
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
