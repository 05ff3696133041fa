"""The package as a new user gets it: the built wheel in a clean venv, used from an empty folder.

Only the wheel, pytest and IPython are installed (from PyPI, through pip's
cache); MkDocs must not be. The published catalogue's match index inside the
wheel links a real traceback to the public site, from the hook, `fixdex
match`, `pytest --fixdex` and `%load_ext fixdex`; an error no entry covers
and FIXDEX_LINKS=0 print nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from fixdex.resources import PUBLIC_SITE_URL
from fixdex.urls import entry_url

ROOT = Path(__file__).resolve().parent.parent
NAN_ERROR = "cannot import name 'NaN' from 'numpy' (/usr/lib/python3/dist-packages/numpy/__init__.py)"
NAN_URL = PUBLIC_SITE_URL + entry_url("numpy-nan-removed")
SCRIPT = f"import json\n\n\ndef load():\n    raise ImportError({NAN_ERROR!r})\n\n\nload()\n"
UNKNOWN_SCRIPT = "raise ZeroDivisionError('division by zero')\n"
TESTS = f"def test_nan():\n    raise ImportError({NAN_ERROR!r})\n\n\ndef test_unknown():\n    assert 1 / 0\n"
CELL = f"%load_ext fixdex\nraise ImportError({NAN_ERROR!r})\n"

# Builds a wheel and a venv: 30 to 70 s with pip's cache warm. scripts/test and CI run every
# test, slow ones included; `-m "not slow"` skips it on a laptop.
pytestmark = pytest.mark.slow

class Wheel:
    """A clean venv holding the built wheel, pytest and IPython, and an empty folder to run in."""

    def __init__(self, folder: Path) -> None:
        dist = folder / "dist"
        built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", str(ROOT), "-w", str(dist)],
                               capture_output=True, text=True, timeout=600)
        assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
        (self.wheel,) = dist.glob("fixdex-*.whl")
        venv.create(folder / "venv", with_pip=True)
        self.bin = folder / "venv" / "bin"
        installed = subprocess.run([str(self.bin / "python"), "-m", "pip", "install", "-q", "--find-links", str(dist),
                                    str(self.wheel), "pytest", "ipython"], capture_output=True, text=True, timeout=600)
        assert installed.returncode == 0, installed.stdout[-3000:] + installed.stderr[-3000:]
        self.empty = folder / "empty"
        self.empty.mkdir()

    def run(self, *command: str, **env: str) -> subprocess.CompletedProcess[str]:
        clean = {k: v for k, v in os.environ.items()
                 if not k.startswith(("FIXDEX_", "PYTHON", "VIRTUAL_ENV", "PYTEST_"))}
        clean["PATH"] = f"{self.bin}{os.pathsep}{clean.get('PATH', '')}"
        clean["IPYTHONDIR"] = str(self.empty.parent / "ipython")  # IPython's profile, not the user's
        return subprocess.run(list(command), cwd=self.empty, capture_output=True, text=True, timeout=300,
                              env={**clean, **env})

    def write(self, name: str, text: str) -> str:
        (self.empty / name).write_text(text, encoding="utf-8")
        return name


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Wheel:
    return Wheel(tmp_path_factory.mktemp("wheel"))


def _line() -> str:
    return f"Known error: AttributeError: `np.NaN` was removed in the NumPy 2.0 release: {NAN_URL}"


def test_mkdocs_is_not_installed(wheel: Wheel) -> None:
    result = wheel.run("python", "-c", "import mkdocs")
    assert result.returncode == 1 and "No module named 'mkdocs'" in result.stderr
    assert "fixdex/data/match-index.json" in wheel.run("python", "-m", "zipfile", "-l", str(wheel.wheel)).stdout
    result = wheel.run("fixdex", "export", "out")
    assert result.returncode == 2 and "pip install 'fixdex[site]'" in result.stderr


def test_the_wheel_ships_the_public_catalogue_and_nothing_else(wheel: Wheel) -> None:
    # what a team site layers under its own entries (`sources: [{catalogue: public}, ...]`, fixdex.layers)
    listing = wheel.run("python", "-m", "zipfile", "-l", str(wheel.wheel)).stdout
    shipped = {line.split()[0].removeprefix("fixdex/catalogue/") for line in listing.splitlines()
               if line.startswith("fixdex/catalogue/")}
    published = {path.relative_to(ROOT).as_posix() for folder, pattern in (("entries", "*.y*ml"),
                                                                           ("verification", "*.json"))
                 for path in (ROOT / folder).rglob(pattern)}
    assert shipped == published
    found = wheel.run("python", "-c", "from fixdex.resources import catalogue_entries_folder as f; print(f())")
    assert found.stdout.strip().endswith("site-packages/fixdex/catalogue/entries"), found.stdout + found.stderr


def test_python_m_fixdex_run_links_to_the_public_site(wheel: Wheel) -> None:
    result = wheel.run("python", "-m", "fixdex", "run", wheel.write("script.py", SCRIPT))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0] == "Traceback (most recent call last):"
    assert lines[-2:] == [f"ImportError: {NAN_ERROR}", _line()]


def test_the_hook_says_nothing_for_an_unknown_error_or_when_switched_off(wheel: Wheel) -> None:
    result = wheel.run("python", "-m", "fixdex", "run", wheel.write("unknown.py", UNKNOWN_SCRIPT))
    assert result.stderr.splitlines()[-1] == "ZeroDivisionError: division by zero"
    result = wheel.run("python", "-m", "fixdex", "run", wheel.write("script.py", SCRIPT), FIXDEX_LINKS="0")
    assert result.stderr.splitlines()[-1] == f"ImportError: {NAN_ERROR}"
    hooked = "import fixdex\nfixdex.install()\n" + SCRIPT
    result = wheel.run("python", wheel.write("app.py", hooked))
    assert result.stderr.splitlines()[-1] == _line()


def test_fixdex_match_links_to_the_public_site(wheel: Wheel) -> None:
    result = wheel.run("fixdex", "match", f"ImportError: {NAN_ERROR}")
    assert result.returncode == 0
    assert result.stdout.splitlines()[:4] == ["numpy-nan-removed  [known error]",
                                              "  AttributeError: `np.NaN` was removed in the NumPy 2.0 release",
                                              "  fix: use np.nan (and np.inf, np.float64)",
                                              f"  {NAN_URL}"]


def test_pytest_fixdex(wheel: Wheel) -> None:
    tests = wheel.write("test_app.py", TESTS)
    result = wheel.run("python", "-m", "pytest", "-p", "no:cacheprovider", "--fixdex", tests)
    assert result.returncode == 1
    known, unknown = result.stdout.split("_ test_unknown _")
    assert f"E       ImportError: {NAN_ERROR}" in known.split(_line())[0]  # under the real traceback
    assert known.count(_line()) == 1 and "Known error" not in unknown
    for off in (wheel.run("python", "-m", "pytest", "-p", "no:cacheprovider", tests),
                wheel.run("python", "-m", "pytest", "-p", "no:cacheprovider", "--fixdex", tests, FIXDEX_LINKS="0")):
        assert off.returncode == 1 and "ImportError" in off.stdout and "Known error" not in off.stdout


def test_ipython_load_ext_fixdex(wheel: Wheel) -> None:
    result = wheel.run("ipython", "--quick", "--no-banner", "--colors=nocolor", "-c", CELL)
    assert "Traceback (most recent call last)" in result.stdout and f"ImportError: {NAN_ERROR}" in result.stdout
    assert result.stderr.strip() == _line()
    for quiet in (wheel.run("ipython", "--quick", "--colors=nocolor", "-c", "%load_ext fixdex\n1 / 0\n"),
                  wheel.run("ipython", "--quick", "--colors=nocolor", "-c", CELL, FIXDEX_LINKS="0")):
        assert "Traceback" in quiet.stdout and "Known error" not in quiet.stdout + quiet.stderr
