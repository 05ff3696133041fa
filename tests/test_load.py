"""The loader reports every problem, located, in one run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from fixdex.check import check
from fixdex.load import load_entries, parse_yaml, read_yaml

ROOT = Path(__file__).resolve().parent.parent
BAD = Path("tests/data/bad")

# One broken file per kind of problem: (file, line, column, field, message start).
EXPECTED = [
    ("yaml-syntax", 13, 9, "", "YAML syntax error: did not find expected ',' or ']'"),
    ("unknown-field", 14, 1, "dificulty", "unknown field"),
    ("missing-field", 44, 5, "causes[0].fix", "required field is missing"),
    ("wrong-type", 15, 17, "fix_time.min", "Input should be a valid integer, got 'five'"),
    ("wrong-type", 75, 32, "environment.tested_on[0].version", "Input should be a valid string"),
    ("bad-enum", 12, 11, "severity", "Input should be 'low', 'medium', 'high' or 'critical', got 'urgent'"),
    ("bad-specifier", 72, 17, "environment.packages[0].versions", "invalid PEP 440 version specifier '=>2.27'"),
    ("bad-date", 89, 12, "published", "invalid value '2026-02-30'"),
    ("duplicate-key", 14, 1, "category", "duplicate key (first set at line 13)"),
    ("duplicate-id", 2, 5, "id", "duplicate id 'valid-anchor'"),
    ("id-mismatch", 2, 5, "id", "id 'id-mismatched' does not match the file name 'id-mismatch.yaml'"),
    ("related-missing", 79, 11, "related[0]", "related entry 'valid-anchr' does not exist"),
    ("alias-clash", 88, 11, "aliases[0]", "alias 'valid-anchor' clashes with the id of"),
    ("alias-clash", 88, 25, "aliases[1]", "alias 'old-anchor' is also an alias in"),
    ("no-error-name", 2, 1, "exception", "missing, and there is no error_code"),
]


@pytest.fixture(scope="module")
def problems(request: pytest.FixtureRequest) -> list:
    request.config.rootpath  # noqa: B018 - paths below are relative to the repo root
    return load_entries([ROOT / BAD], root=ROOT).problems


@pytest.mark.parametrize(("name", "line", "column", "field", "message"), EXPECTED, ids=[e[0] for e in EXPECTED])
def test_each_kind_of_problem_is_located(
    problems: list, name: str, line: int, column: int, field: str, message: str
) -> None:
    path = f"{BAD}/{name}.yaml"
    found = [p for p in problems if p.path == path and p.field == field and p.message.startswith(message)]
    assert found, f"no problem {field}: {message} in {path}; got:\n" + "\n".join(map(str, problems))
    assert (found[0].line, found[0].column) == (line, column)


def test_unknown_field_suggests_the_closest_name(problems: list) -> None:
    (problem,) = [p for p in problems if p.field == "dificulty"]
    assert problem.hint == "did you mean `difficulty`?"


def test_every_broken_file_is_reported() -> None:
    result = check([ROOT / BAD], root=ROOT)
    reported = {Path(p.path).stem for p in result.problems}
    broken = {p.stem for p in (ROOT / BAD).glob("*.yaml")} - {"valid-anchor"}
    assert broken <= reported


def test_check_command_prints_the_whole_report_and_fails() -> None:
    """`fixdex check` on the bad folder prints exactly the reviewed report (tests/data/bad/expected.txt)."""
    result = subprocess.run(
        [sys.executable, "-m", "fixdex", "check", str(BAD)], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert result.stdout == (ROOT / BAD / "expected.txt").read_text()
    for line in result.stdout.splitlines()[:-1]:
        assert line.startswith(f"{BAD}/") and ": error: " in line


def test_only_safe_yaml_is_loaded(tmp_path: Path) -> None:
    entry = tmp_path / "evil.yaml"
    entry.write_text("id: !!python/object/apply:os.system ['echo pwned']\n")
    result = load_entries([entry], root=tmp_path)
    assert result.entries == []
    (problem,) = [p for p in result.problems if p.field == "id"]
    assert (problem.line, problem.column) == (1, 5)
    assert "could not determine a constructor" in problem.message


def test_real_catalogue_passes() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "fixdex", "check", "entries"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith("check passed: ")


ALIAS_FORMS = [
    "a: &x [1]\nb: *x\n", "a: {x: &n [1]}\nb: *n\n", "a: &s hi\nb: *s\n", "a: [&s hi, *s]\n", "&k key: 1\n*k : 2\n",
    "a: {x: &n 1}\nb: {y: *n}\n", "a: [[&n 1], [*n]]\n", "a: &m {x: 1}\nb: [*m]\n", "b: [{c: &q 1}]\nd: [[[*q]]]\n",
    "x: &r {y: *r}\n",
]


@pytest.mark.parametrize("text", ALIAS_FORMS)
def test_every_alias_is_refused_at_its_use(text: str) -> None:
    """The fast loader notices an alias wherever it stands; the slow path reports it where it is used."""
    document, problems = parse_yaml(text, "x.yaml")
    assert document is None
    (problem,) = problems
    line = text.count("\n", 0, text.index("*")) + 1
    assert (problem.line, problem.column) == (line, text.index("*") - text.rfind("\n", 0, text.index("*")))
    assert problem.message.startswith("YAML alias *")


@pytest.mark.parametrize(("raw", "where"), [
    (b"a: 1\nb: caf\xe9\n", (2, 7)),
    (b"a: 1\nb: \xc3\xa9\xff\n", (2, 5)),
    (b"\xff", (1, 1)),
])
def test_a_byte_that_is_not_utf8_is_located(tmp_path: Path, raw: bytes, where: tuple[int, int]) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes(raw)
    _, (problem,) = read_yaml(path, "x.yaml")
    assert (problem.line, problem.column) == where
    assert problem.message.startswith("not UTF-8 text: byte 0x")
