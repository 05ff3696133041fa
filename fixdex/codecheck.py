"""The code lint: every code block of an entry must parse in its own language.

A reader copies the fixed code; if it does not even parse, the entry is wrong.
Python goes through `ast.parse`, shell through `bash -n`, JSON, YAML and TOML
through their parsers. A syntax error is located at its own line inside the
YAML file, not just at the start of the block.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

try:  # Python 3.11+; on 3.10 TOML blocks go unchecked rather than adding a dependency
    import tomllib
except ModuleNotFoundError:  # pragma: no cover
    tomllib = None  # type: ignore[assignment]

from fixdex.load import Document, FieldPath, LoadedEntry
from fixdex.problems import Problem, format_path

PYTHON = frozenset({"python", "py", "python3"})
SHELL = frozenset({"bash", "sh", "shell", "console", "shell-session"})
JSON = frozenset({"json"})
YAML = frozenset({"yaml", "yml"})
TOML = frozenset({"toml"})


@dataclass(frozen=True)
class SyntaxProblem:
    """Where a block fails to parse: 1-based line and column inside the block."""

    line: int
    column: int
    message: str


Parser = Callable[[str], SyntaxProblem | None]


def parse_python(code: str) -> SyntaxProblem | None:
    try:
        ast.parse(code)
    except SyntaxError as error:
        return SyntaxProblem(error.lineno or 1, error.offset or 1, f"{error.msg}")
    return None


def parse_shell(code: str) -> SyntaxProblem | None:
    bash = shutil.which("bash")
    if bash is None:  # pragma: no cover - every supported system has bash
        return None
    result = subprocess.run([bash, "-n"], input=code, capture_output=True, text=True, timeout=30)
    if result.returncode == 0:
        return None
    first = next((line for line in result.stderr.splitlines() if line.strip()), "syntax error")
    found = re.match(r"^.*?line (\d+): (.*)$", first)
    if found:
        return SyntaxProblem(int(found.group(1)), 1, found.group(2))
    return SyntaxProblem(1, 1, first)


def parse_console(code: str) -> SyntaxProblem | None:
    """A terminal session: only the commands after a `$ ` prompt are shell; the rest is output."""
    lines = code.splitlines()
    if not any(line.startswith("$ ") for line in lines):
        return parse_shell(code)
    commands = [line[2:] if line.startswith("$ ") else "" for line in lines]
    return parse_shell("\n".join(commands) + "\n")


def parse_json(code: str) -> SyntaxProblem | None:
    try:
        json.loads(code)
    except json.JSONDecodeError as error:
        return SyntaxProblem(error.lineno, error.colno, error.msg)
    return None


def parse_yaml(code: str) -> SyntaxProblem | None:
    try:
        list(yaml.safe_load_all(code))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return SyntaxProblem(line, column, str(error.problem or error.context))
    except yaml.YAMLError as error:
        return SyntaxProblem(1, 1, str(error))
    return None


def parse_toml(code: str) -> SyntaxProblem | None:
    if tomllib is None:  # pragma: no cover
        return None
    try:
        tomllib.loads(code)
    except tomllib.TOMLDecodeError as error:
        text = str(error)
        found = re.search(r"\(at line (\d+), column (\d+)\)", text)
        message = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", text)
        if found:
            return SyntaxProblem(int(found.group(1)), int(found.group(2)), message)
        return SyntaxProblem(code.count("\n") or 1, 1, message)
    return None


def parser_for(language: str) -> tuple[str, Parser] | None:
    """The parser for a fence language, with the name used in messages; None when not checked."""
    language = language.lower()
    if language in PYTHON:
        return "Python", parse_python
    if language == "console":
        return "shell (bash -n)", parse_console
    if language in SHELL:
        return "shell (bash -n)", parse_shell
    if language in JSON:
        return "JSON", parse_json
    if language in YAML:
        return "YAML", parse_yaml
    if language in TOML:
        return "TOML", parse_toml
    return None


def block_start(document: Document, path: FieldPath, source: list[str] | None) -> tuple[int, int]:
    """Line and column in the YAML file of the first character of a string value.

    A block scalar (`|` or `>`) starts on the line after its indicator; a
    plain or quoted scalar starts where its value does.
    """
    line, column = document.locate(path)
    if not source or line > len(source):
        return line, column
    indicator = source[line - 1][column - 1:column]
    if indicator in ("|", ">"):
        for number in range(line + 1, len(source) + 1):
            text = source[number - 1]
            if text.strip():
                return number, len(text) - len(text.lstrip()) + 1
        return line + 1, 1
    if indicator in ("'", '"'):
        return line, column + 1
    return line, column


def _blocks(loaded: LoadedEntry) -> Iterator[tuple[FieldPath, str, str, bool]]:
    """(path, code, language, must_fail) for every code block an entry carries."""
    entry = loaded.entry
    for index, example in enumerate(entry.code):
        yield ("code", index, "broken"), example.broken, example.language, example.broken_is_syntax_error
        yield ("code", index, "fixed"), example.fixed, example.language, False
    if entry.reproduction is not None:
        yield ("reproduction", "broken"), entry.reproduction.broken, "python", False
        yield ("reproduction", "fixed"), entry.reproduction.fixed, "python", False


def _source_lines(loaded: LoadedEntry, root: Path) -> list[str] | None:
    for candidate in (root / loaded.path, Path(loaded.path)):
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8").splitlines()
    return None


def check_entry_code(loaded: LoadedEntry, root: Path) -> list[Problem]:
    document = loaded.document
    source = _source_lines(loaded, root)
    problems: list[Problem] = []
    for path, code, language, must_fail in _blocks(loaded):
        found = parser_for(language)
        if found is None:
            continue
        name, parse = found
        failure = parse(code)
        if must_fail:
            if failure is None:
                flag: FieldPath = (*path[:-1], "broken_is_syntax_error")
                problems.append(document.problem(
                    flag, f"broken_is_syntax_error is true but the broken {name} code parses",
                    "remove the flag, or make the broken code the syntax error the entry is about"))
            continue
        if failure is None:
            continue
        line, column = block_start(document, path, source)
        # "unexpected end of file" points one line past the block: keep it inside
        offset = min(failure.line, code.rstrip("\n").count("\n") + 1)
        hint = "fix the code so it parses"
        if path[0] == "code" and path[-1] == "broken":
            hint = "fix the code, or set broken_is_syntax_error: true if the broken example is meant not to parse"
        problems.append(Problem(
            document.path, line + offset - 1, column + max(failure.column, 1) - 1, format_path(path),
            f"{name} code does not parse: line {offset} of the block: {failure.message}", hint))
    return problems


def check_code(entries: Sequence[LoadedEntry], root: Path) -> list[Problem]:
    """The `fixdex check` rule: every code block parses (or, when flagged, fails to)."""
    problems: list[Problem] = []
    for loaded in entries:
        problems += check_entry_code(loaded, root)
    return problems
