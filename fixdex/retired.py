"""The registry of retired identifiers (data/retired.yaml) and the rule that uses it.

Models get shut down, APIs and modules get removed. An entry may name a
retired identifier where it explains the error (the broken code, the message,
why), but never where it tells the reader what to do (the fixed code, the
quick fix, a cause's fix): that advice would send people into the next error.
Each registry item cites a primary source and says when it was last checked,
so a page can say "current as of" that date.
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import re
import tokenize
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, ValidationError, model_validator

from fixdex.load import Document, FieldPath, LoadedEntry, read_yaml
from fixdex.model import PRIMARY_REFERENCE_KINDS, REFERENCE_KINDS, Strict, Text, Url
from fixdex.problems import Problem

REGISTRY_PATH = Path("data") / "retired.yaml"
KINDS = ("model", "api", "python", "package-version")
KIND_LABELS = {"model": "model", "api": "API", "python": "Python version or module",
               "package-version": "package version"}

# A sentence that names a retired identifier is still good advice when it
# tells the reader to move away from it ("replace X with Y", "X was removed").
MOVING_AWAY = re.compile(
    r"\b(replac\w*|instead|rather than|remov\w*|deprecat\w*|retir\w*|shut\s?down|shuts down|sunset\w*|"
    r"discontinu\w*|no longer|migrat\w*|switch\w*|chang\w*|upgrad\w*|from|old|older|legacy|avoid|stop\w*|"
    r"drop\w*|gone|obsolete)\b|→|->|⇒",  # an arrow maps the old name to the new one
    re.IGNORECASE,
)
BEFORE_AFTER = re.compile(
    r"^\s*(#|//|--)\s*(?P<side>before|after|old|new|broken|fixed|wrong|right|bad|good)\b", re.IGNORECASE)
OLD_SIDE = frozenset({"before", "old", "broken", "wrong", "bad"})
FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})[ \t]*(?P<language>[\w+#-]*)[^\n]*\n(?P<code>.*?)^(?P=fence)[ \t]*$",
                   re.MULTILINE | re.DOTALL)


def _check_pattern(value: str) -> str:
    try:
        re.compile(value)
    except re.error as error:
        raise ValueError(f"invalid regular expression {value!r}: {error}") from None
    return value


class Source(Strict):
    url: Url
    title: Text
    kind: Literal[REFERENCE_KINDS] = Field(  # type: ignore[valid-type]
        description="docs, changelog, release-notes, source, issue or pep: the maintainers' own word."
    )

    @model_validator(mode="after")
    def _primary(self) -> Source:
        if self.kind not in PRIMARY_REFERENCE_KINDS:
            raise ValueError(
                f"kind: {self.kind!r} is not a primary source; cite the maintainers' own page "
                "(docs, changelog, release-notes, source, issue or pep)"
            )
        return self


class RetiredIdentifier(Strict):
    """One name that no longer works, and what to use instead."""

    name: Text = Field(description="The identifier as code writes it, e.g. 'gemini-pro-vision', 'np.float'.")
    kind: Literal[KINDS]  # type: ignore[valid-type]
    retired: dt.date | None = Field(
        default=None,
        description="When it stopped working (shut down, removed). Leave out when no primary source gives the date.",
    )
    removed_in: Text | None = Field(default=None, description="The release that removed it, e.g. 'openai 1.0.0'.")
    replacement: Text
    source: Source
    checked: dt.date = Field(description="When someone last confirmed this item against its source.")
    note: Text | None = None
    patterns: list[Annotated[str, AfterValidator(_check_pattern)]] = Field(
        default_factory=list,
        description="Regular expressions that find it in text; default: the name, not inside a longer identifier.",
    )

    @cached_property
    def matchers(self) -> list[re.Pattern[str]]:
        if self.patterns:
            return [re.compile(p) for p in self.patterns]
        return [re.compile(r"(?<![\w.-])" + re.escape(self.name) + r"(?![\w-])")]

    def found_in(self, text: str) -> bool:
        return any(m.search(text) for m in self.matchers)

    @property
    def status(self) -> str:
        """'shut down 2024-07-12', 'removed in openai 1.0.0', or 'retired' when no date is known."""
        verb = "shut down" if self.kind == "model" else "removed"
        if self.retired is not None:
            text = f"{verb} {self.retired.isoformat()}"
            return f"{text} ({self.removed_in})" if self.removed_in else text
        return f"removed in {self.removed_in}" if self.removed_in else "retired"


class Registry(Strict):
    identifiers: list[RetiredIdentifier] = Field(default_factory=list)


@dataclass
class LoadedRegistry:
    registry: Registry
    document: Document | None

    @property
    def identifiers(self) -> list[RetiredIdentifier]:
        return self.registry.identifiers


def load_registry(root: Path, path: Path | None = None) -> tuple[LoadedRegistry, list[Problem]]:
    """Read and validate the registry; a knowledge base without one has nothing retired."""
    file = path or root / REGISTRY_PATH
    if not file.is_file():
        return LoadedRegistry(Registry(), None), []
    try:
        display = str(file.resolve().relative_to(root.resolve()))
    except ValueError:
        display = str(file)
    document, problems = read_yaml(file, display)
    if document is None:
        return LoadedRegistry(Registry(), None), problems
    if not isinstance(document.data, dict):
        return LoadedRegistry(Registry(), document), [
            document.problem((), "the registry must be a mapping with an `identifiers:` list")]
    try:
        registry = Registry.model_validate(document.data)
    except ValidationError as error:
        details = [d for d in error.errors() if tuple(d["loc"]) not in document.invalid]
        return LoadedRegistry(Registry(), document), problems + [_to_problem(document, d) for d in details]
    first: dict[str, int] = {}
    for index, item in enumerate(registry.identifiers):
        seen = first.setdefault(item.name, index)
        if seen != index:
            line = document.locate(("identifiers", seen, "name"))[0]
            problems.append(document.problem(("identifiers", index, "name"),
                                             f"{item.name!r} is already listed (line {line})", "keep one of them"))
    return LoadedRegistry(registry, document), problems


def _to_problem(document: Document, detail: Any) -> Problem:
    path: FieldPath = tuple(detail["loc"])
    kind = detail["type"]
    message = str(detail["msg"]).removeprefix("Value error, ")
    if kind == "missing":
        return document.problem(path, "required field is missing", f"add `{path[-1]}:`")
    if kind == "extra_forbidden":
        known = list(RetiredIdentifier.model_fields) + list(Source.model_fields)
        close = difflib.get_close_matches(str(path[-1]), known, n=1, cutoff=0.6)
        hint = f"did you mean `{close[0]}`?" if close else None
        return document.problem(path, "unknown field", hint, key=True)
    head, sep, rest = message.partition(": ")
    if sep and head in Source.model_fields and path and path[-1] == "source":
        return document.problem((*path, head), rest)
    hint = "write the date as YYYY-MM-DD" if "date" in kind else None
    if kind == "literal_error":
        message = f"{message}, got {detail.get('input')!r}"
    return document.problem(path, message, hint)


# -- where an entry gives advice, and what it merely mentions ---------------------------------


def strip_comments(code: str, language: str) -> str:
    """Code without its comments: a comment may say what was removed without recommending it."""
    language = language.lower()
    if language in ("python", "py", "python3", "pycon"):
        try:
            tokens = [t for t in tokenize.generate_tokens(io.StringIO(code).readline) if t.type != tokenize.COMMENT]
            return tokenize.untokenize(tokens)
        except (tokenize.TokenError, SyntaxError, IndentationError):
            return re.sub(r"(?m)(^|\s)#.*$", r"\1", code)
    if language in ("bash", "sh", "shell", "console", "shell-session", "toml", "yaml", "yml", "dockerfile", "ini"):
        return re.sub(r"(?m)(^|\s)#.*$", r"\1", code)
    return code


def _advice(loaded: LoadedEntry) -> Iterator[tuple[FieldPath, str, str]]:
    """(path, text, how) for every part of an entry that tells the reader what to do.

    `how` is "code" (every mention counts, comments aside) or "prose"
    (a mention counts unless its sentence moves the reader away from it).
    """
    entry = loaded.entry
    for index, example in enumerate(entry.code):
        yield ("code", index, "fixed"), strip_comments(example.fixed, example.language), "code"
    if entry.reproduction is not None:
        yield ("reproduction", "fixed"), strip_comments(entry.reproduction.fixed, "python"), "code"
    yield ("quick_fix",), entry.quick_fix, "prose"
    for index, cause in enumerate(entry.causes):
        yield ("causes", index, "fix"), cause.fix, "prose"


def without_before_lines(code: str) -> str:
    """A snippet in prose often shows `# before` then `# after`: only what follows `# after` is advice."""
    kept: list[str] = []
    showing_old = False
    for line in code.splitlines():
        marker = BEFORE_AFTER.match(line)
        if marker:
            showing_old = marker.group("side").lower() in OLD_SIDE
            continue
        kept.append("" if showing_old else line)
    return "\n".join(kept)


def _prose_sentences(prose: str) -> Iterator[str]:
    """Sentences, and table rows without their first cell (a correspondence table maps old -> new)."""
    rest: list[str] = []
    for line in prose.splitlines():
        if line.lstrip().startswith("|"):
            cells = line.strip().strip("|").split("|")
            yield "|".join(cells[1:])
        else:
            rest.append(line)
    yield from re.split(r"(?<=[.!?])\s+|\n\s*\n", "\n".join(rest))


def _recommended(item: RetiredIdentifier, text: str, how: str) -> bool:
    if how == "code":
        return item.found_in(text)
    for block in FENCE.finditer(text):
        language = block.group("language") or ""
        if item.found_in(strip_comments(without_before_lines(block.group("code")), language)):
            return True
    for sentence in _prose_sentences(FENCE.sub(" ", text)):
        if item.found_in(sentence) and not MOVING_AWAY.search(sentence):
            return True
    return False


def check_entry(loaded: LoadedEntry, identifiers: Sequence[RetiredIdentifier]) -> list[Problem]:
    problems: list[Problem] = []
    for path, text, how in _advice(loaded):
        for item in identifiers:
            if _recommended(item, text, how):
                where = "code" if how == "code" else "advice"
                hint = f"use {item.replacement}"
                if how == "prose":
                    hint += "; if the sentence moves readers away from it, say so (replace, instead of, removed)"
                problems.append(loaded.document.problem(
                    path, f"{where} recommends retired {KIND_LABELS[item.kind]} `{item.name}` ({item.status})", hint))
    return problems


def check_retired(entries: Sequence[LoadedEntry], root: Path) -> list[Problem]:
    """The `fixdex check` rule: the registry is valid, and no advice uses what it lists."""
    loaded, problems = load_registry(root)
    for entry in entries:
        problems += check_entry(entry, loaded.identifiers)
    return problems


# -- what a page shows --------------------------------------------------------------------------


def _all_text(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _all_text(item)
    elif isinstance(value, list):
        for item in value:
            yield from _all_text(item)


def mentioned(loaded: LoadedEntry, identifiers: Sequence[RetiredIdentifier]) -> list[RetiredIdentifier]:
    """Registry items an entry names anywhere, in registry order."""
    text = "\n".join(_all_text(loaded.entry.model_dump(mode="json")))
    return [item for item in identifiers if item.found_in(text)]


def page_data(item: RetiredIdentifier) -> dict[str, Any]:
    """What templates/partials/retired.md.j2 shows for one item."""
    return {
        "name": item.name,
        "kind": KIND_LABELS[item.kind],
        "status": item.status,
        "replacement": item.replacement,
        "note": item.note,
        "checked": item.checked.isoformat(),
        "source_url": item.source.url,
        "source_title": item.source.title,
    }


def collect_retired(entries: Sequence[LoadedEntry], root: Path) -> dict[str, list[dict[str, Any]]]:
    """Entry id -> the retired identifiers its page explains (for site.collect_extras)."""
    loaded, _ = load_registry(root)
    return {item.entry.id: [page_data(r) for r in mentioned(item, loaded.identifiers)] for item in entries}
