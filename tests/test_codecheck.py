"""The code lint: every code block parses in its language, each failure located inside the block."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixdex.codecheck import check_code, parse_console, parse_python, parse_shell
from fixdex.load import load_entries

ROOT = Path(__file__).resolve().parent.parent
DATA = Path("tests/data/codecheck")

# Every problem tests/data/codecheck/code-errors.yaml must produce, in order.
EXPECTED = [
    "tests/data/codecheck/code-errors.yaml:54:24: error: code[0].broken: Python code does not parse: line 3 of the "
    "block: '(' was never closed (fix the code, or set broken_is_syntax_error: true if the broken example is meant "
    "not to parse)",
    "tests/data/codecheck/code-errors.yaml:59:7: error: code[0].fixed: Python code does not parse: line 4 of the "
    "block: expected an indented block after function definition on line 3 (fix the code so it parses)",
    "tests/data/codecheck/code-errors.yaml:62:29: error: code[1].broken_is_syntax_error: broken_is_syntax_error is "
    "true but the broken Python code parses (remove the flag, or make the broken code the syntax error the entry "
    "is about)",
    "tests/data/codecheck/code-errors.yaml:74:7: error: code[2].fixed: shell (bash -n) code does not parse: line 3 "
    "of the block: syntax error: unexpected end of file (fix the code so it parses)",
    "tests/data/codecheck/code-errors.yaml:81:7: error: code[3].fixed: JSON code does not parse: line 3 of the "
    "block: Expecting property name enclosed in double quotes (fix the code so it parses)",
    "tests/data/codecheck/code-errors.yaml:86:7: error: code[4].fixed: YAML code does not parse: line 1 of the "
    "block: expected ',' or ']', but got '<stream end>' (fix the code so it parses)",
    "tests/data/codecheck/code-errors.yaml:92:16: error: code[5].fixed: TOML code does not parse: line 2 of the "
    "block: Illegal character '\\n' (fix the code so it parses)",
    "tests/data/codecheck/code-errors.yaml:131:34: error: reproduction.fixed: Python code does not parse: line 1 of "
    "the block: '(' was never closed (fix the code so it parses)",
]


def _problems(name: str) -> list[str]:
    loaded = load_entries([ROOT / DATA / f"{name}.yaml"], root=ROOT)
    assert not loaded.problems, loaded.problems
    return [str(p) for p in sorted(check_code(loaded.entries, ROOT))]


def test_every_broken_block_is_reported_at_its_line() -> None:
    assert _problems("code-errors") == EXPECTED


def test_clean_blocks_pass() -> None:
    # a flagged syntax error that does not parse, a console session with output lines, TOML
    assert _problems("code-clean") == []


def test_the_reported_line_is_the_broken_line(request: pytest.FixtureRequest) -> None:
    lines = (ROOT / DATA / "code-errors.yaml").read_text().splitlines()
    assert lines[54 - 1].strip() == "data = json.loads(body"
    assert lines[54 - 1][24 - 1] == "("
    assert lines[131 - 1].startswith("  fixed: \"import json; json.loads('[1]'")


@pytest.mark.parametrize(
    ("code", "line"),
    [("x = (1,\n", 1), ("def f():\nreturn 1\n", 2), ("a = 1\nb = 'unclosed\n", 2)],
)
def test_python_errors_name_the_line(code: str, line: int) -> None:
    failure = parse_python(code)
    assert failure is not None and failure.line == line


def test_shell_and_console() -> None:
    assert parse_shell("echo ok\n") is None
    assert parse_shell("if true; then\n") is not None
    # output lines of a console session are not shell; the `$ ` commands are
    assert parse_console("$ pip install x\nerror: externally-managed-environment (see PEP 668)\n") is None
    assert parse_console("$ echo (\n") is not None
