"""`fixdex match`, `fixdex explain`, `fixdex run` and `fixdex.install()`, run as users run them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import DATA

FIXTURES = sorted((DATA / "match" / "entries").glob("*.yaml"))
CRASH = """\
class NotFound(Exception):
    pass


def call_api():
    raise NotFound("404 models/gemini-pro-vision is not found for API version v1beta, "
                      "or is not supported for generateContent.")

call_api()
"""


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIXDEX_")}
    env.update(extra)
    return env


def _fixdex(cwd: Path, *args: str, stdin: str | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "fixdex", *args], cwd=cwd, input=stdin, capture_output=True,
                          text=True, env=_env(**env), timeout=120)


@pytest.fixture
def kb(make_kb: Callable[..., Path]) -> Path:
    return make_kb(*FIXTURES)


def test_match_json_from_stdin_names_the_entry_confidently(kb: Path) -> None:
    text = "openai.NotFoundError: Error code: 404 - {'error': {'message': 'The model `claude-9` does not exist or " \
           "you do not have access to it.', 'type': 'invalid_request_error'}}\n"
    result = _fixdex(kb, "match", "--json", stdin=text)
    assert result.returncode == 0, result.stderr
    candidates = json.loads(result.stdout)
    assert candidates[0] == {
        "id": "openai-model-not-found",
        "title": "openai.NotFoundError: The model does not exist",
        "url": "https://kb.example.test/errors/openai-model-not-found/",
        "score": 1.0,
        "confident": True,
        "captures": {"model": "claude-9"},
        "fix_title": "use a model your key can access",
    }


def test_match_text_argument_and_top(kb: Path) -> None:
    result = _fixdex(kb, "match", "--top", "2", "ZeroDivisionError: division by zero")
    assert result.returncode == 1  # nothing confident
    assert result.stdout == "no known error matches this text\n"
    result = _fixdex(kb, "match", "AttributeError: 'Series' object has no attribute 'append'")
    assert result.returncode == 0
    assert result.stdout.splitlines()[:5] == [
        "pandas-append-removed  [known error]",
        "  AttributeError: 'DataFrame' object has no attribute 'append'",
        "  fix: use pandas.concat",
        "  https://kb.example.test/errors/pandas-append-removed/",
        "  your kind: Series",
    ]


def test_match_finds_entries_through_the_environment(kb: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert _fixdex(elsewhere, "match", "x").returncode == 2
    result = _fixdex(elsewhere, "match", "--json", "Expecting value: line 1 column 1 (char 0)",
                     FIXDEX_ENTRIES=str(kb / "entries"), FIXDEX_BASE_URL="https://team.example/kb/")
    assert json.loads(result.stdout)[0]["url"] == "https://team.example/kb/errors/json-expecting-value/"


def test_explain_prints_the_entry(kb: Path) -> None:
    result = _fixdex(kb, "explain", "openai-model-does-not-exist")  # an alias works too
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "openai.NotFoundError: The model does not exist — use a model your key can access"
    assert "Quick fix" in lines and "Causes and fixes" in lines
    assert lines[-1] == "More: https://kb.example.test/errors/openai-model-not-found/"
    assert _fixdex(kb, "explain", "no-such-entry").returncode == 2


def _plain_traceback(script: Path) -> str:
    result = subprocess.run([sys.executable, str(script)], cwd=script.parent, capture_output=True, text=True,
                            env=_env())
    return result.stderr


def test_run_adds_one_line_under_an_unchanged_traceback(kb: Path) -> None:
    script = kb / "crash.py"
    script.write_text(CRASH, encoding="utf-8")
    original = _plain_traceback(script)
    result = _fixdex(kb, "run", "crash.py")
    assert result.returncode == 1
    assert result.stderr == original + (
        "Known error: Gemini: model is not found for API version: "
        "https://kb.example.test/errors/gemini-model-not-found/\n"
    )


def test_install_hook_with_base_url_from_the_environment(kb: Path) -> None:
    script = kb / "app.py"
    script.write_text("import fixdex\nfixdex.install()\n" + CRASH, encoding="utf-8")
    result = subprocess.run([sys.executable, "app.py"], cwd=kb, capture_output=True, text=True,
                            env=_env(FIXDEX_BASE_URL="https://errors.team.example/"))
    assert result.stderr.splitlines()[-1] == (
        "Known error: Gemini: model is not found for API version: "
        "https://errors.team.example/errors/gemini-model-not-found/")
    assert "Traceback (most recent call last):" in result.stderr


def test_hook_stays_silent_on_an_unknown_error_and_on_a_broken_index(kb: Path, tmp_path: Path) -> None:
    unknown = kb / "unknown.py"
    unknown.write_text("import fixdex\nfixdex.install()\n1 / 0\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "unknown.py"], cwd=kb, capture_output=True, text=True, env=_env())
    assert result.stderr.splitlines()[-1] == "ZeroDivisionError: division by zero"

    broken = tmp_path / "match-index.json"
    broken.write_text("{not json", encoding="utf-8")
    script = tmp_path / "crash.py"
    script.write_text("import fixdex\nfixdex.install()\n" + CRASH, encoding="utf-8")
    result = subprocess.run([sys.executable, "crash.py"], cwd=tmp_path, capture_output=True, text=True,
                            env=_env(FIXDEX_INDEX=str(broken)))
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1].startswith("NotFound: 404 models/gemini-pro-vision")
    assert "Known error" not in result.stderr and "JSONDecodeError" not in result.stderr


def test_hook_reads_a_published_index(kb: Path, tmp_path: Path) -> None:
    from tests.conftest import run_mkdocs

    assert run_mkdocs(kb).returncode == 0
    script = tmp_path / "crash.py"
    script.write_text(CRASH, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "fixdex", "run", str(script)], cwd=tmp_path, capture_output=True,
                            text=True, env=_env(FIXDEX_INDEX=str(kb / "site" / "api" / "match-index.json")))
    assert result.stderr.splitlines()[-1] == (
        "Known error: Gemini: model is not found for API version: "
        "https://kb.example.test/errors/gemini-model-not-found/")


# --- input limits (issue 14, item 8) ---------------------------------------------------------------


@pytest.mark.parametrize("top", ["0", "-1", "two"])
def test_top_must_be_at_least_one(kb: Path, top: str) -> None:
    result = _fixdex(kb, "match", "--top", top, "ValueError: x")
    assert result.returncode == 2
    assert "argument --top: expected a whole number of at least 1" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("encoding", ["utf-8", "ascii", ""])
def test_stdin_that_is_not_utf8_is_read_with_replacement(kb: Path, encoding: str) -> None:
    env = {**_env(), "PYTHONIOENCODING": encoding} if encoding else _env()
    text = b"openai.NotFoundError: The model `gpt-\xff\xfe` does not exist or you do not have access to it.\n"
    result = subprocess.run([sys.executable, "-m", "fixdex", "match"], cwd=kb, input=text, capture_output=True,
                            env=env, timeout=120)
    assert b"Traceback" not in result.stderr, result.stderr
    assert result.returncode == 0, result.stdout + result.stderr
    assert b"openai-model-not-found" in result.stdout


def test_a_long_text_is_matched_in_its_bounded_slice_and_says_so(kb: Path) -> None:
    noise = "".join(f"2026-01-01 12:00:{i % 60:02d} INFO step {i} done\n" for i in range(8000))
    text = noise + "openai.NotFoundError: The model `o9` does not exist or you do not have access to it.\n"
    result = _fixdex(kb, "match", "--top", "1", stdin=text)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "openai-model-not-found" in result.stdout
    assert "the text is long; matched its last 100,000 characters" in result.stderr
