"""Where errors are seen: the pytest plugin, `%load_ext fixdex`, the logging formatter and filter, the off switch.

Each runs as a user runs it (pytest and IPython in a subprocess, from inside a
knowledge base), against the fixture entries of tests/data/match. The same
integrations from a wheel in a clean environment: test_wheel.py.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from fixdex.logging_links import KnownErrorFilter, KnownErrorFormatter
from tests.conftest import DATA

FIXTURES = sorted((DATA / "match" / "entries").glob("*.yaml"))
MESSAGE = "404 models/gemini-pro-vision is not found for API version v1beta, or is not supported for generateContent."


class NotFound(Exception):
    """What google.api_core raises (the fixture entry's exception type)."""


SCRIPT = f"class NotFound(Exception):\n    pass\n\n\nraise NotFound({MESSAGE!r})\n"
LINE = ("Known error: Gemini: model is not found for API version: "
        "https://kb.example.test/errors/gemini-model-not-found/")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIXDEX_")}
    return {**env, **extra}


@pytest.fixture
def kb(make_kb: Callable[..., Path]) -> Path:
    kb = make_kb(*FIXTURES)
    (kb / "test_app.py").write_text(f"class NotFound(Exception):\n    pass\n\n\ndef test_known():\n"
                                    f"    raise NotFound({MESSAGE!r})\n\n\ndef test_unknown():\n    assert 1 / 0\n",
                                    encoding="utf-8")
    return kb


def _pytest(kb: Path, *args: str, **env: str) -> str:
    result = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "test_app.py", *args],
                            cwd=kb, capture_output=True, text=True, env=_env(**env), timeout=120)
    assert result.returncode == 1, result.stdout + result.stderr  # both tests fail
    return result.stdout


def test_pytest_plugin_adds_a_section_to_the_failing_test_it_recognises(kb: Path) -> None:
    out = _pytest(kb, "--fixdex")
    known, unknown = out.split("_ test_unknown _")
    assert known.count(LINE) == 1 and "- fixdex -" in known
    assert "NotFound: 404 models/gemini-pro-vision" in known.split(LINE)[0]  # under the real traceback
    assert "Known error" not in unknown and "- fixdex -" not in unknown


def test_pytest_plugin_is_off_unless_switched_on(kb: Path) -> None:
    assert "Known error" not in _pytest(kb)
    assert "Known error" not in _pytest(kb, "--fixdex", FIXDEX_LINKS="0")
    (kb / "pytest.ini").write_text("[pytest]\nfixdex = true\n", encoding="utf-8")
    assert _pytest(kb).count(LINE) == 1


IPYTHON_CELL = f"%load_ext fixdex\nclass NotFound(Exception): pass\nraise NotFound({MESSAGE!r})\n"


def _ipython(kb: Path, cell: str, **env: str) -> subprocess.CompletedProcess[str]:
    env.setdefault("IPYTHONDIR", str(kb.parent / "ipython"))  # IPython's profile, not the user's
    return subprocess.run([sys.executable, "-m", "IPython", "--quick", "--no-banner", "--colors=nocolor", "-c", cell],
                          cwd=kb, capture_output=True, text=True, env=_env(**env), timeout=120)


def test_ipython_extension_prints_the_line_under_the_traceback(kb: Path) -> None:
    result = _ipython(kb, IPYTHON_CELL)
    assert "NotFound: 404 models/gemini-pro-vision" in result.stdout  # IPython's own traceback, untouched
    assert "Traceback (most recent call last)" in result.stdout
    assert result.stderr.strip() == LINE


def test_ipython_extension_is_silent_for_unknown_errors_and_when_switched_off(kb: Path) -> None:
    result = _ipython(kb, "%load_ext fixdex\n1 / 0\n")
    assert "ZeroDivisionError" in result.stdout and "Known error" not in result.stdout + result.stderr
    result = _ipython(kb, IPYTHON_CELL, FIXDEX_LINKS="0")
    assert "NotFound" in result.stdout and "Known error" not in result.stdout + result.stderr


def test_ipython_handler_never_raises(kb: Path) -> None:
    """A broken index must not make IPython unregister the handler or print a second traceback."""
    broken = kb / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    result = _ipython(kb, IPYTHON_CELL, FIXDEX_INDEX=str(broken))
    assert "NotFound" in result.stdout
    assert "Custom TB Handler failed" not in result.stdout + result.stderr and "Known error" not in result.stderr


def _log_exception(error: BaseException, *handlers: logging.Handler) -> None:
    logger = logging.getLogger("fixdex-test")
    logger.propagate = False
    for handler in handlers:
        logger.addHandler(handler)
    try:
        try:
            raise error
        except BaseException:
            logger.exception("request failed")
        logger.error("no exception here")
    finally:
        for handler in handlers:
            logger.removeHandler(handler)


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def in_kb(kb: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in [k for k in os.environ if k.startswith("FIXDEX_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(kb)
    return kb


def test_logging_formatter_adds_the_line_after_the_traceback(in_kb: Path) -> None:
    records, other = _Records(), _Records()
    records.setFormatter(KnownErrorFormatter("%(levelname)s %(message)s"))
    other.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    _log_exception(NotFound(MESSAGE), records, other)
    logged, plain = records.lines
    assert logged.startswith("ERROR request failed\nTraceback (most recent call last):")
    assert logged.endswith(f"NotFound: {MESSAGE}\n{LINE}")
    assert plain == "ERROR no exception here"
    assert other.lines[0].endswith(f"NotFound: {MESSAGE}")  # other handlers' output is left alone


def test_logging_filter_sets_known_error_for_structured_logs(in_kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    records = _Records()
    records.addFilter(KnownErrorFilter())
    records.setFormatter(logging.Formatter("%(message)s|%(known_error)s"))
    _log_exception(NotFound(MESSAGE), records)
    assert records.lines[0].split("\n")[0] == f"request failed|{LINE}"
    assert records.lines[1] == "no exception here|"

    records.lines.clear()
    _log_exception(ZeroDivisionError("division by zero"), records)
    assert records.lines[0].split("\n")[0] == "request failed|"

    records.lines.clear()
    monkeypatch.setenv("FIXDEX_LINKS", "0")
    _log_exception(NotFound(MESSAGE), records)
    assert records.lines[0].split("\n")[0] == "request failed|"


def test_hook_is_silent_when_links_are_off(kb: Path) -> None:
    script = kb / "crash.py"
    script.write_text(SCRIPT, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "fixdex", "run", "crash.py"], cwd=kb, capture_output=True,
                            text=True, env=_env(FIXDEX_LINKS="0"), timeout=120)
    assert result.returncode == 1 and "NotFound: 404" in result.stderr and "Known error" not in result.stderr
    result = subprocess.run([sys.executable, "-m", "fixdex", "run", "crash.py"], cwd=kb, capture_output=True,
                            text=True, env=_env(), timeout=120)
    assert result.stderr.splitlines()[-1] == LINE


def test_install_reads_no_index_until_an_error_happens() -> None:
    """The 60 ms budget holds because nothing heavy happens before an error: no index is read.

    The cost itself is measured by scripts/benchmark_import.py (figures in docs/library-authors.md),
    not by a timed test.
    """
    code = (
        "import sys\n"
        "opened = []\n"
        "sys.addaudithook(lambda event, args: event == 'open' and str(args[0]).endswith(('.json', '.yaml'))"
        " and opened.append(str(args[0])))\n"
        "import fixdex; fixdex.install()\n"
        "heavy = [m for m in ('yaml', 'pydantic', 'jinja2', 'mkdocs') if m in sys.modules]\n"
        "print(len(opened), len(heavy))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_env(), check=True)
    assert result.stdout.split() == ["0", "0"], result.stdout


def test_fixdex_match_is_a_plain_function_whatever_was_imported_first() -> None:
    for first in ("import fixdex", "from fixdex.matcher import match_index", "import fixdex.matcher"):
        code = f"{first}\nimport inspect, fixdex\nprint(inspect.isfunction(fixdex.match), fixdex.match.__module__)"
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_env(), check=True)
        assert result.stdout.split() == ["True", "fixdex.matcher"], first
