"""`fixdex verify`: run each entry's reproduction and write down what happened.

An entry's claim "this code raises this error, that code fixes it" is checked
by running both snippets in a fresh virtual environment with the pinned
requirements. The outcome is a record (verification/<id>.json) that names the
interpreter and the versions actually installed; pages show it, and
`fixdex check` refuses a record whose reproduction block has changed since.
"""

from __future__ import annotations

import datetime as dt
import glob
import hashlib
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from fixdex.load import LoadedEntry
from fixdex.model import Entry, Reproduction
from fixdex.normalise import normalise
from fixdex.problems import Problem

RECORD_DIR = "verification"
CACHE_DIR = Path(".fixdex-cache") / "venvs"
HELPER_NAME = "fixdex_repro.py"
HELPER_SOURCE = Path(__file__).resolve().parent / "repro_support.py"
OUTPUT_LINES = 30
RECORD_VERSION = 1
_LOCKS: dict[str, threading.Lock] = {}

_PROBE = (
    "import json, platform, sys; print(json.dumps({'executable': sys.executable, "
    "'version': platform.python_version(), 'implementation': platform.python_implementation()}))"
)
# Runs inside the reproduction venv: every installed distribution and its version.
_INSTALLED = """
import json
try:
    from importlib.metadata import distributions
    found = {d.metadata["Name"]: d.version for d in distributions() if d.metadata["Name"]}
except ImportError:  # Python < 3.8
    import pkg_resources
    found = {d.project_name: d.version for d in pkg_resources.working_set}
print(json.dumps(found, sort_keys=True))
"""


class VerifyError(Exception):
    """Set-up failed before the snippets could run (no interpreter, pip failed)."""


# -- the reproduction block's identity ---------------------------------------------------------


def reproduction_hash(reproduction: Reproduction) -> str:
    """sha256 of the block's canonical JSON; defaults left out, so `timeout: 300` equals no timeout."""
    data = reproduction.model_dump(mode="json", exclude_defaults=True)
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def record_path(root: Path, entry_id: str) -> Path:
    return root / RECORD_DIR / f"{entry_id}.json"


# -- interpreters --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Interpreter:
    path: str
    version: str
    implementation: str

    @property
    def label(self) -> str:
        return f"{self.implementation} {self.version}"


def _candidates() -> list[str]:
    found = sorted(glob.glob("/root/.pyenv/versions/*/bin/python"))
    found += sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/*/bin/python")))
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        if os.sep + "shims" in folder:  # pyenv shims: the versions folder above has the real ones
            continue
        found += sorted(glob.glob(os.path.join(folder, "python3.[0-9]*")))
    found.append(sys.executable)
    return [p for p in found if re.search(r"python(3(\.\d+)?)?$", p)]


def find_interpreters(candidates: Iterable[str] | None = None) -> list[Interpreter]:
    """Every working Python on this machine, newest first, each once.

    Candidates are run rather than trusted: pyenv shims exist for versions
    that are not selected, and a broken install answers nothing.
    """
    seen: dict[str, Interpreter] = {}
    for candidate in candidates if candidates is not None else _candidates():
        try:
            result = subprocess.run([candidate, "-c", _PROBE], capture_output=True, text=True, timeout=30)
            info = json.loads(result.stdout)
            Version(info["version"])
        except (OSError, subprocess.SubprocessError, ValueError, KeyError, InvalidVersion):
            continue
        if result.returncode != 0:
            continue
        real = os.path.realpath(info["executable"])
        if real not in seen:  # a venv's python is its base interpreter: keep the first path found
            seen[real] = Interpreter(info["executable"], info["version"], info["implementation"])
    return sorted(seen.values(), key=lambda i: (Version(i.version), i.path), reverse=True)


def pick_interpreter(specifier: str, interpreters: Sequence[Interpreter]) -> Interpreter | None:
    """The newest interpreter whose version the reproduction's `python` accepts."""
    wanted = SpecifierSet(specifier)
    for interpreter in interpreters:
        if wanted.contains(interpreter.version, prereleases=True):
            return interpreter
    return None


# -- environments --------------------------------------------------------------------------------


def venv_key(interpreter: Interpreter, requirements: Sequence[str]) -> str:
    data = json.dumps([os.path.realpath(interpreter.path), interpreter.version, sorted(requirements)])
    return hashlib.sha256(data.encode()).hexdigest()[:16]


def _bin(venv: Path, name: str) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin") / name


def prepare_venv(root: Path, interpreter: Interpreter, requirements: Sequence[str], log: list[str]) -> Path:
    """A virtual environment with the requirements installed, reused while both stay the same.

    A marker file is written last, so an install that failed half-way is
    rebuilt on the next run instead of being trusted.
    """
    venv = root / CACHE_DIR / venv_key(interpreter, requirements)
    with _LOCKS.setdefault(str(venv), threading.Lock()):  # two jobs may share one venv
        return _build_venv(venv, interpreter, requirements, log)


def _build_venv(venv: Path, interpreter: Interpreter, requirements: Sequence[str], log: list[str]) -> Path:
    marker = venv / ".fixdex-ready"
    if marker.is_file():
        return venv
    if venv.exists():
        shutil.rmtree(venv)
    venv.parent.mkdir(parents=True, exist_ok=True)
    created = subprocess.run([interpreter.path, "-m", "venv", str(venv)], capture_output=True, text=True, timeout=600)
    if created.returncode != 0:
        output = _tail(created.stdout + created.stderr, 5)
        raise VerifyError(f"could not create a venv with {interpreter.path}: {output}")
    if requirements:
        command = [str(_bin(venv, "python")), "-m", "pip", "install", "--disable-pip-version-check",
                   "--no-input", "--quiet", *requirements]
        installed = subprocess.run(command, capture_output=True, text=True, timeout=1800)
        log.append(installed.stdout + installed.stderr)
        if installed.returncode != 0:
            shutil.rmtree(venv, ignore_errors=True)
            raise VerifyError(f"pip could not install {' '.join(requirements)}: "
                              f"{_tail(installed.stdout + installed.stderr, 8)}")
    marker.write_text(json.dumps({"interpreter": interpreter.path, "requirements": sorted(requirements)}) + "\n")
    return venv


def installed_versions(venv: Path) -> dict[str, str]:
    # -I: isolated, so the current folder (a checkout with its own egg-info) is not on sys.path
    result = subprocess.run([str(_bin(venv, "python")), "-I", "-c", _INSTALLED], capture_output=True, text=True,
                            timeout=120)
    try:
        data = json.loads(result.stdout)
    except json.JSONDecodeError:
        return {}
    return {str(k): str(v) for k, v in sorted(data.items(), key=lambda kv: str(kv[0]).lower())}


def snippet_environment(venv: Path, home: Path) -> dict[str, str]:
    """A scrubbed environment: no proxies, no credentials, offline hubs, no cloud metadata lookups.

    Built from an allow-list rather than by removing names, so a key the
    verifier happens to hold (OPENAI_API_KEY, AWS_*) never reaches a snippet.
    """
    path = os.pathsep.join([str(_bin(venv, "python").parent), "/usr/local/bin", "/usr/bin", "/bin"])
    return {
        "PATH": path,
        "HOME": str(home),
        "TMPDIR": str(home),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONIOENCODING": "utf-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONUNBUFFERED": "1",
        "VIRTUAL_ENV": str(venv),
        "NO_PROXY": "*",
        "no_proxy": "*",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
        "AWS_EC2_METADATA_DISABLED": "true",
        "NO_COLOR": "1",
        "TERM": "dumb",
        "COLUMNS": "120",
    }


# -- running and judging -------------------------------------------------------------------------


@dataclass
class Run:
    exit_code: int | None  # None: killed at the timeout
    output: str
    seconds: float
    timed_out: bool = False


def run_snippet(python: Path, script: Path, env: dict[str, str], timeout: int) -> Run:
    """Run one snippet in its own process group, so a timeout also ends what it started."""
    start = time.monotonic()
    process = subprocess.Popen([str(python), script.name], cwd=script.parent, env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        out, _ = process.communicate(timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, _ = process.communicate()
        timed_out = True
    text = out.decode("utf-8", errors="replace")
    return Run(None if timed_out else process.returncode, text, round(time.monotonic() - start, 2), timed_out)


def normalize(text: str) -> str:
    """The fixed parts of an error text, as the matcher sees them (fixdex.normalise: one normaliser)."""
    return normalise(text)


def message_pattern(message: str) -> re.Pattern[str]:
    """A pattern for one wording of the error: `...` and `{placeholder}` stand for anything.

    Normalised text holds only [a-z0-9_] words and single spaces, so the gaps cannot backtrack far.
    """
    pieces = re.split(r"\.\.\.|…|\{[A-Za-z_][\w]*\}", message)
    parts = [re.escape(normalise(piece)) for piece in pieces]
    return re.compile(".*?".join(p for p in parts if p), re.DOTALL)


def output_matches(entry: Entry, output: str) -> tuple[bool, str]:
    """Whether the broken run's output shows the entry's error, and what was looked for."""
    reproduction = entry.reproduction
    assert reproduction is not None
    if reproduction.expect:
        return re.search(reproduction.expect, output, re.MULTILINE) is not None, f"/{reproduction.expect}/"
    normalized = normalize(output)
    for wording in [*entry.messages, *entry.signatures]:
        if message_pattern(wording).search(normalized):
            return True, wording
    return False, "the entry's message or one of its variants"


def _tail(text: str, lines: int = OUTPUT_LINES) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


# -- records -------------------------------------------------------------------------------------


@dataclass
class Outcome:
    entry_id: str
    status: str  # reproduced | failed
    reason: str
    record: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0


def _requirement_versions(requirements: Sequence[str], installed: dict[str, str]) -> list[tuple[str, str]]:
    by_name = {canonicalize_name(name): (name, version) for name, version in installed.items()}
    found = []
    for text in requirements:
        try:
            name = canonicalize_name(Requirement(text).name)
        except InvalidRequirement:
            continue
        if name in by_name:
            found.append(by_name[name])
    return found


def summary(record: dict[str, Any]) -> str:
    """The sentence a page shows, e.g. 'Reproduced with pandas 2.2.3 on CPython 3.11.7, 2026-11-25: ...'."""
    interpreter = record["interpreter"]
    packages = ", ".join(f"{name} {version}" for name, version in record.get("packages", []))
    where = f"with {packages} on {interpreter['label']}" if packages else f"on {interpreter['label']}"
    if record["status"] == "reproduced":
        return (f"Reproduced {where}, {record['date']}: the broken code raises this error, "
                "the fixed code runs clean.")
    return f"Reproduction failed {where}, {record['date']}: {record['reason']}"


def _judge(broken: Run, fixed: Run, matched: bool, expected: str, timeout: int) -> tuple[str, str]:
    if broken.timed_out:
        return "failed", f"the broken code ran past the {timeout} s timeout"
    if broken.exit_code == 0:
        return "failed", "the broken code exited 0: it did not raise the error"
    if not matched:
        return "failed", f"the broken code failed, but its output does not match {expected}"
    if fixed.timed_out:
        return "failed", f"the fixed code ran past the {timeout} s timeout"
    if fixed.exit_code != 0:
        return "failed", f"the fixed code exited {fixed.exit_code}"
    return "reproduced", "the broken code raises this error, the fixed code runs clean"


def verify_entry(entry: Entry, root: Path, interpreters: Sequence[Interpreter],
                 today: dt.date | None = None) -> Outcome:
    """Run one reproduction and return its record (written by the caller)."""
    reproduction = entry.reproduction
    if reproduction is None:
        raise VerifyError(f"{entry.id}: the entry has no reproduction block")
    start = time.monotonic()
    interpreter = pick_interpreter(reproduction.python, interpreters)
    if interpreter is None:
        found = ", ".join(i.version for i in interpreters) or "none"
        raise VerifyError(f"{entry.id}: no interpreter satisfies python {reproduction.python!r} (found: {found}); "
                          "install one (e.g. with pyenv) or widen reproduction.python")
    log: list[str] = []
    venv = prepare_venv(root, interpreter, reproduction.requirements, log)
    python = _bin(venv, "python")
    with tempfile.TemporaryDirectory(prefix=f"fixdex-{entry.id}-") as folder:
        work = Path(folder) / "work"
        home = Path(folder) / "home"
        work.mkdir()
        home.mkdir()
        shutil.copyfile(HELPER_SOURCE, work / HELPER_NAME)
        (work / "broken.py").write_text(reproduction.broken, encoding="utf-8")
        (work / "fixed.py").write_text(reproduction.fixed, encoding="utf-8")
        env = snippet_environment(venv, home)
        broken = run_snippet(python, work / "broken.py", env, reproduction.timeout)
        fixed = run_snippet(python, work / "fixed.py", env, reproduction.timeout)
        # the temp folder's random name would make every record differ from the last
        for run in (broken, fixed):
            run.output = run.output.replace(str(work), "$WORK").replace(str(home), "$HOME")
    matched, expected = output_matches(entry, broken.output)
    status, reason = _judge(broken, fixed, matched, expected, reproduction.timeout)
    installed = installed_versions(venv)
    record: dict[str, Any] = {
        "format": RECORD_VERSION,
        "entry": entry.id,
        "reproduction_sha256": reproduction_hash(reproduction),
        "date": (today or dt.date.today()).isoformat(),
        "status": status,
        "reason": reason,
        "interpreter": {"path": interpreter.path, "version": interpreter.version,
                        "implementation": interpreter.implementation, "label": interpreter.label},
        "platform": platform.platform(),
        "requirements": list(reproduction.requirements),
        "packages": [list(p) for p in _requirement_versions(reproduction.requirements, installed)],
        "installed": installed,
        "broken": {"exit_code": broken.exit_code, "timed_out": broken.timed_out, "seconds": broken.seconds,
                   "expected": expected, "matched": matched, "output": _tail(broken.output)},
        "fixed": {"exit_code": fixed.exit_code, "timed_out": fixed.timed_out, "seconds": fixed.seconds,
                  "output": _tail(fixed.output)},
    }
    record["summary"] = summary(record)
    return Outcome(entry.id, status, reason, record, round(time.monotonic() - start, 1))


def write_record(root: Path, record: dict[str, Any]) -> Path:
    path = record_path(root, record["entry"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def read_record(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError("a record is a JSON object")
    return data


def verify_entries(entries: Sequence[Entry], root: Path, jobs: int = 1) -> list[Outcome]:
    """Verify each entry and write its record; set-up failures become failed outcomes without a record."""
    interpreters = find_interpreters()

    def one(entry: Entry) -> Outcome:
        try:
            outcome = verify_entry(entry, root, interpreters)
        except (VerifyError, OSError, subprocess.SubprocessError) as error:
            return Outcome(entry.id, "error", str(error))
        write_record(root, outcome.record)
        return outcome

    if jobs <= 1:
        return [one(e) for e in entries]
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(one, entries))


def format_table(outcomes: Sequence[Outcome]) -> str:
    """One line per entry, then a count: what `fixdex verify` prints."""
    width = max([len("entry"), *[len(o.entry_id) for o in outcomes]])
    lines = [f"{'entry':<{width}}  {'status':<10}  {'seconds':>7}  details", "-" * (width + 40)]
    for outcome in outcomes:
        where = ""
        if outcome.record:
            where = f"{outcome.record['interpreter']['label']}: "
        lines.append(f"{outcome.entry_id:<{width}}  {outcome.status:<10}  {outcome.seconds:>7.1f}  "
                     f"{where}{outcome.reason}")
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
    lines.append(", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "nothing to verify")
    return "\n".join(lines)


# -- the `fixdex check` rule and the page data ------------------------------------------------


def check_records(entries: Sequence[LoadedEntry], root: Path) -> list[Problem]:
    """Records must belong to an entry, match its current reproduction block, and say it reproduced."""
    problems: list[Problem] = []
    by_id = {item.entry.id: item for item in entries}
    folder = root / RECORD_DIR
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        shown = f"{RECORD_DIR}/{path.name}"
        entry_id = path.stem
        loaded = by_id.get(entry_id)
        if loaded is None:
            if not (root / "entries" / f"{entry_id}.yaml").exists():
                problems.append(Problem(shown, 1, 1, "", f"record for entry {entry_id!r}, which does not exist",
                                        f"delete {shown}, or restore entries/{entry_id}.yaml"))
            continue
        document = loaded.document
        try:
            record = read_record(path)
        except (ValueError, OSError) as error:
            problems.append(Problem(shown, 1, 1, "", f"not a verification record: {error}",
                                    f"run `fixdex verify {entry_id}` to write it again"))
            continue
        reproduction = loaded.entry.reproduction
        if reproduction is None:
            problems.append(Problem(shown, 1, 1, "", f"entry {entry_id!r} has no reproduction block any more",
                                    f"delete {shown}"))
            continue
        if record.get("reproduction_sha256") != reproduction_hash(reproduction):
            problems.append(document.problem(
                ("reproduction",), f"the block changed since {shown} was recorded",
                f"run `fixdex verify {entry_id}`", key=True))
            continue
        if record.get("status") != "reproduced":
            problems.append(document.problem(
                ("reproduction",), f"the last verification failed: {record.get('reason', 'no reason recorded')}",
                f"see {shown}; fix the reproduction, then run `fixdex verify {entry_id}`", key=True))
    return problems


def collect_records(entries: Sequence[LoadedEntry], root: Path) -> dict[str, dict[str, Any]]:
    """Entry id -> its record, shaped for templates/partials/reproduction.md.j2 (current records only)."""
    found: dict[str, dict[str, Any]] = {}
    for item in entries:
        reproduction = item.entry.reproduction
        path = record_path(root, item.entry.id)
        if reproduction is None or not path.is_file():
            continue
        try:
            record = read_record(path)
        except (ValueError, OSError):
            continue
        if record.get("reproduction_sha256") != reproduction_hash(reproduction):
            continue
        found[item.entry.id] = {
            "summary": summary(record),
            "status": record["status"],
            "date": record["date"],
            "interpreter": record["interpreter"]["label"],
            "platform": record.get("platform", ""),
            "packages": [f"{name} {version}" for name, version in record.get("packages", [])],
            "installed": [f"{name}=={version}" for name, version in record.get("installed", {}).items()],
            "broken_output": record["broken"]["output"],
            "broken_exit_code": record["broken"]["exit_code"],
            "fixed_output": record["fixed"]["output"],
        }
    return found
