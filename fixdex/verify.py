"""`fixdex verify`: run each entry's reproduction and write down what happened.

An entry's claim "this code raises this error, that code fixes it" is checked
by running both snippets in a fresh virtual environment with the pinned
requirements. The outcome is a record (verification/<id>.json) that names the
interpreter and the versions actually installed; pages show it, and
`fixdex check` refuses a record whose reproduction block has changed since.
"""

from __future__ import annotations

import contextlib
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
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from fixdex.claims import Claim, extract_claims, requirement_name
from fixdex.load import LoadedEntry
from fixdex.model import Entry, Reproduction
from fixdex.normalise import normalise
from fixdex.problems import Problem
from fixdex.reference_links import check_dead_primary_sources

RECORD_DIR = "verification"
CACHE_DIR = Path(".fixdex-cache") / "venvs"
HELPER_NAME = "fixdex_repro.py"
HELPER_SOURCE = Path(__file__).resolve().parent / "repro_support.py"
OUTPUT_LINES = 30
# 2: records also hold `claims` (install commands and pins in the advice), `ranges` (environment.packages
# checked at their edges), `claims_sha256`, and `latest` (the last `fixdex verify --latest`).
# Format 1 records (without them) are still read.
RECORD_VERSION = 2
INDEX_CACHE = Path(".fixdex-cache") / "index"
RESOLVE_CACHE = Path(".fixdex-cache") / "resolve"
RESOLVE_TIMEOUT = 300
EDGE_RESOLVE_TIMEOUT = 90  # an old edge release beside unpinned neighbours can send pip backtracking for hours
RESOLVE_TIMED_OUT = "pip did not finish resolving within"
# Older interpreters tried when a claim or an edge has no wheel for the newest one.
MAX_INTERPRETERS_TRIED = 3
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
    venv.parent.mkdir(parents=True, exist_ok=True)
    # two jobs may share one venv, and so may two `fixdex verify` runs in one checkout
    with _LOCKS.setdefault(str(venv), threading.Lock()), _file_lock(venv.with_name(venv.name + ".lock")):
        return _build_venv(venv, interpreter, requirements, log)


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock between processes (POSIX flock; elsewhere only the thread lock applies)."""
    with open(path, "a", encoding="utf-8") as handle:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(handle, fcntl.LOCK_UN)


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


def run_snippets(entry: Entry, venv: Path) -> tuple[Run, Run]:
    """Run the reproduction's broken and fixed code in `venv`, each in a fresh temp folder and home."""
    reproduction = entry.reproduction
    assert reproduction is not None
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
    return broken, fixed


def verify_entry(entry: Entry, root: Path, interpreters: Sequence[Interpreter],
                 today: dt.date | None = None, *, edges: bool = True) -> Outcome:
    """Run one reproduction, then the advice's install claims and the version ranges' edges; return the record."""
    reproduction = entry.reproduction
    if reproduction is None:
        return verify_advice(entry, root, interpreters, today, edges=edges)
    start = time.monotonic()
    interpreter = pick_interpreter(reproduction.python, interpreters)
    if interpreter is None:
        found = ", ".join(i.version for i in interpreters) or "none"
        raise VerifyError(f"{entry.id}: no interpreter satisfies python {reproduction.python!r} (found: {found}); "
                          "install one (e.g. with pyenv) or widen reproduction.python")
    log: list[str] = []
    venv = prepare_venv(root, interpreter, reproduction.requirements, log)
    broken, fixed = run_snippets(entry, venv)
    matched, expected = output_matches(entry, broken.output)
    status, reason = _judge(broken, fixed, matched, expected, reproduction.timeout)
    installed = installed_versions(venv)
    claims = [check_claim(entry, claim, root, interpreters) for claim in extract_claims(entry)]
    ranges = check_ranges(entry, root, interpreters, base=(interpreter, installed, broken, matched)) if edges else []
    if status == "reproduced":
        status, reason = _judge_advice(claims, ranges)
    record: dict[str, Any] = {
        "format": RECORD_VERSION,
        "entry": entry.id,
        "reproduction_sha256": reproduction_hash(reproduction),
        "claims_sha256": claims_hash(entry),
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
        "claims": claims,
        "ranges": ranges,
    }
    record["summary"] = summary(record)
    previous = record_path(root, entry.id)
    if previous.is_file():  # `fixdex verify --latest` results stay until the next drift run replaces them
        try:
            latest = read_record(previous).get("latest")
        except (ValueError, OSError):
            latest = None
        if latest:
            record["latest"] = latest
    return Outcome(entry.id, status, reason, record, round(time.monotonic() - start, 1))


def has_checks(entry: Entry) -> bool:
    """Whether `fixdex verify` has something to run for the entry: a reproduction, a claim or a range."""
    return entry.reproduction is not None or bool(entry.environment.packages) or bool(extract_claims(entry))


def verify_advice(entry: Entry, root: Path, interpreters: Sequence[Interpreter], today: dt.date | None = None,
                  *, edges: bool = True) -> Outcome:
    """An entry without a reproduction still has advice to check: its claims install (or not) and its
    ranges' edge releases exist. The record has `reproduction_sha256: null` and no snippet runs."""
    start = time.monotonic()
    claims = [check_claim(entry, claim, root, interpreters) for claim in extract_claims(entry)]
    ranges = check_ranges(entry, root, interpreters) if edges else []
    status, reason = _judge_advice(claims, ranges)
    if status == "reproduced":
        ran = [c for c in claims if c["status"] != "skipped"]
        parts = [f"{len(ran)} install command(s) and pin(s) install" if ran else "no install command or pin to run"]
        if len(ran) < len(claims):
            parts.append(f"{len(claims) - len(ran)} not run (placeholders, files or other indexes)")
        parts.append(f"{sum(1 for r in ranges if r.get('edges'))} version range(s) found on the package index")
        status, reason = "checked", "; ".join(parts)
    candidates = supported_interpreters(entry, interpreters)
    record: dict[str, Any] = {
        "format": RECORD_VERSION,
        "entry": entry.id,
        "reproduction_sha256": None,
        "claims_sha256": claims_hash(entry),
        "date": (today or dt.date.today()).isoformat(),
        "status": status,
        "reason": reason,
        "interpreter": ({"path": candidates[0].path, "version": candidates[0].version,
                         "implementation": candidates[0].implementation, "label": candidates[0].label}
                        if candidates else None),
        "platform": platform.platform(),
        "claims": claims,
        "ranges": ranges,
    }
    record["summary"] = (f"Advice checked {record['date']}: {reason}." if status == "checked"
                         else f"Advice check failed {record['date']}: {reason}")
    return Outcome(entry.id, status, reason, record, round(time.monotonic() - start, 1))


def _judge_advice(claims: Sequence[dict[str, Any]], ranges: Sequence[dict[str, Any]]) -> tuple[str, str]:
    """A reproduction that passed still fails when a claim does not install or behave, or a range edge contradicts."""
    for claim in claims:
        if claim["status"] in CLAIM_FAILURES:
            return "failed", f"{claim['location']}: `{_one_line(claim['text'])}` {claim['detail']}"
    for package in ranges:
        if not package.get("decisive"):
            continue
        for edge in package.get("edges", []):
            if edge.get("contradicts"):
                return "failed", (f"environment.packages {package['name']} {package['versions']}: "
                                  f"{edge['edge']} {edge['version']} {edge['detail']}")
    return "reproduced", "the broken code raises this error, the fixed code runs clean"


def _one_line(text: str) -> str:
    return " ; ".join(line for line in text.splitlines() if line.strip())


def claims_hash(entry: Entry) -> str:
    """sha256 of what the advice claims: its install commands and pins, and environment.packages."""
    # what each claim installs and where the advice gives it; not its wording or line, which prose edits move
    data = {
        "claims": [[c.location, list(c.requirements), c.upgrade, c.skipped] for c in extract_claims(entry)],
        "packages": [[p.name, p.versions] for p in entry.environment.packages],
        "runtime": entry.environment.runtime.versions,
    }
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# -- the package index: versions and resolution ------------------------------------------------------


def index_versions(root: Path, name: str, today: dt.date | None = None) -> list[str]:
    """Every release of `name` that pip sees on the package index, oldest first; cached for the day."""
    day = (today or dt.date.today()).isoformat()
    cache = root / INDEX_CACHE / f"{canonicalize_name(name)}.json"
    if cache.is_file():
        try:
            data = json.loads(cache.read_text(encoding="utf-8"))
            if data.get("date") == day:
                return [str(v) for v in data["versions"]]
        except (ValueError, KeyError, OSError):
            pass
    result = subprocess.run([sys.executable, "-m", "pip", "index", "versions", name, "--disable-pip-version-check"],
                            capture_output=True, text=True, timeout=180)
    versions: list[str] = []
    for line in result.stdout.splitlines():
        if line.startswith("Available versions:"):
            versions = [v.strip() for v in line.partition(":")[2].split(",") if v.strip()]
    if result.returncode != 0 or not versions:
        raise VerifyError(f"pip index versions {name} found nothing: {_tail(result.stdout + result.stderr, 3)}")
    ordered = sorted(versions, key=_version_key)
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps({"date": day, "name": name, "versions": ordered}) + "\n", encoding="utf-8")
    return ordered


def _version_key(text: str) -> Version:
    try:
        return Version(text)
    except InvalidVersion:
        return Version("0")


@dataclass
class Resolution:
    """What `pip install --dry-run --report` would install, or why it cannot."""

    ok: bool
    installs: dict[str, str]  # name -> version
    built: list[str]  # "name version" of each package pip would build from a source archive
    message: str  # the resolver's error, when not ok

    def pins(self) -> list[str]:
        return [f"{name}=={version}" for name, version in sorted(self.installs.items())]


_RESOLVED: dict[str, Resolution] = {}


def resolve(root: Path, interpreter: Interpreter, requirements: Sequence[str], *, wheels_only: bool = True,
            timeout: int = RESOLVE_TIMEOUT, today: dt.date | None = None) -> Resolution:
    """Ask the interpreter's own pip what installing `requirements` together would do; nothing is installed.

    Wheels only by default: a source build is slow, may need a compiler, and
    pip builds metadata only, so a dry run that "resolves" an old C extension
    says nothing about whether it compiles. Cached for the day.
    """
    day = (today or dt.date.today()).isoformat()
    key = hashlib.sha256(json.dumps([os.path.realpath(interpreter.path), interpreter.version, sorted(requirements),
                                     wheels_only, day]).encode()).hexdigest()[:20]
    if key in _RESOLVED:
        return _RESOLVED[key]
    cache = root / RESOLVE_CACHE / f"{key}.json"
    if cache.is_file():
        try:
            data = json.loads(cache.read_text(encoding="utf-8"))
            found = Resolution(bool(data["ok"]), dict(data["installs"]), list(data["built"]), str(data["message"]))
            _RESOLVED[key] = found
            return found
        except (ValueError, KeyError, OSError, TypeError):
            pass
    with tempfile.TemporaryDirectory(prefix="fixdex-resolve-") as folder:
        report = Path(folder) / "report.json"
        command = [interpreter.path, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--no-input",
                   "--disable-pip-version-check", "--quiet", "--report", str(report)]
        if wheels_only:
            command += ["--only-binary", ":all:"]
        command += list(requirements)
        env = {**os.environ, "PYTHONNOUSERSITE": "1", "PIP_NO_INPUT": "1"}
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=folder, env=env)
        except subprocess.TimeoutExpired:
            result = None
        if result is None:  # pip backtracking through every release of an unpinned neighbour
            found = Resolution(False, {}, [], f"{RESOLVE_TIMED_OUT} {timeout} s")
        elif result.returncode != 0 or not report.is_file():
            found = Resolution(False, {}, [], _resolver_message(result.stdout + result.stderr))
        else:
            data = json.loads(report.read_text(encoding="utf-8"))
            installs: dict[str, str] = {}
            built: list[str] = []
            for item in data.get("install", []):
                name, version = item["metadata"]["name"], item["metadata"]["version"]
                installs[name] = version
                url = str(item.get("download_info", {}).get("url", ""))
                if not url.endswith(".whl"):
                    built.append(f"{name} {version}")
            found = Resolution(True, installs, built, "")
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps({"ok": found.ok, "installs": found.installs, "built": found.built,
                                 "message": found.message}) + "\n", encoding="utf-8")
    _RESOLVED[key] = found
    return found


def _short(message: str, limit: int = 400) -> str:
    """A resolver message cut for a record: its first lines, at most `limit` characters."""
    text = "\n".join(message.splitlines()[:4])
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _resolver_message(output: str) -> str:
    """pip's own explanation: its ERROR lines and what follows them, without the progress noise."""
    lines = [line.rstrip() for line in output.splitlines() if line.strip()]
    errors = [i for i, line in enumerate(lines) if line.startswith("ERROR:")]
    kept = lines[errors[0]:] if errors else lines[-6:]
    return "\n".join(kept[:12])


def supported_interpreters(entry: Entry, interpreters: Sequence[Interpreter]) -> list[Interpreter]:
    """Interpreters the entry is about, newest first: its runtime range and, with a reproduction, that range too."""
    wanted = SpecifierSet()
    if entry.environment.runtime.name.strip().lower() in ("python", "cpython"):
        wanted &= SpecifierSet(entry.environment.runtime.versions)
    if entry.reproduction is not None:
        wanted &= SpecifierSet(entry.reproduction.python)
    return [i for i in interpreters if wanted.contains(i.version, prereleases=True)]


def _resolve_newest(root: Path, candidates: Sequence[Interpreter], requirements: Sequence[str]
                    ) -> tuple[Interpreter | None, Resolution, list[dict[str, str]]]:
    """The newest candidate on which the requirements install from wheels; the failures on newer ones."""
    refused: list[dict[str, str]] = []
    resolution = Resolution(False, {}, [], "no supported interpreter on this machine")
    for interpreter in candidates[:MAX_INTERPRETERS_TRIED]:
        resolution = resolve(root, interpreter, requirements)
        if resolution.ok:
            return interpreter, resolution, refused
        refused.append({"interpreter": interpreter.label, "message": _short(resolution.message)})
    return None, resolution, refused


# -- claims: the advice's install commands and pins ---------------------------------------------------

CLAIM_FAILURES = frozenset({"fails", "misbehaves"})
# What a snippet prints when it tried a real host name: an older release of a client may not use the
# reproduction's local stand-in server (openai 0.28 ignores the v1 `base_url`).
NETWORK_MARKERS = ("Name or service not known", "Temporary failure in name resolution", "getaddrinfo failed",
                   "Failed to resolve", "nodename nor servname provided")


def check_claim(entry: Entry, claim: Claim, root: Path, interpreters: Sequence[Interpreter]) -> dict[str, Any]:
    """Whether a claim installs on the entry's newest Python, and whether the error then goes away.

    The claim is resolved beside the packages the entry names
    (environment.packages, by name, unpinned: the resolver picks what fits
    next to the claim, as it would for a reader), from wheels, on the newest
    supported Python, or else the next older ones (the record says which
    refused it). When the claim changes a package the reproduction installs,
    both snippets run against it: the claim behaves when the broken code now
    runs clean (the pin alone is enough) or the fixed code does (the pin
    supports the fix).
    """
    result: dict[str, Any] = {**claim.to_json()}
    if claim.skipped:
        return {**result, "status": "skipped", "detail": f"not run: {claim.skipped}"}
    named = [str(canonicalize_name(p.name)) for p in entry.environment.packages]
    requirements = [*claim.requirements, *[n for n in dict.fromkeys(named) if n not in claim.names]]
    result["resolved_with"] = requirements
    candidates = supported_interpreters(entry, interpreters)
    if not candidates:
        return {**result, "status": "skipped", "detail": "not run: no supported Python on this machine"}
    interpreter, resolution, refused = _resolve_newest(root, candidates, requirements)
    if interpreter is None:
        newest = candidates[0]
        message = refused[0]["message"] if refused else resolution.message
        if "ResolutionImpossible" not in message:  # no wheel anywhere: would a source build at least resolve?
            source = resolve(root, newest, requirements, wheels_only=False)
            if source.ok:
                return {**result, "status": "needs-build", "interpreter": newest.label, "installs": source.installs,
                        "refused": refused,
                        "detail": (f"has no wheel for {newest.label}: pip would build {', '.join(source.built)} "
                                   "from source (not attempted here)")}
        return {**result, "status": "fails", "interpreter": newest.label, "refused": refused,
                "detail": f"does not install on {newest.label}: {message}"}
    result.update(interpreter=interpreter.label, installs=resolution.installs, refused=refused)
    older = f" (not on {', '.join(r['interpreter'] for r in refused)})" if refused else ""
    reproduction = entry.reproduction
    context = [requirement_name(text) for text in (reproduction.requirements if reproduction else [])]
    if reproduction is None or not set(context) & claim.names:
        return {**result, "status": "installs", "detail": f"installs on {interpreter.label}{older}"}
    if not SpecifierSet(reproduction.python).contains(interpreter.version, prereleases=True):
        return {**result, "status": "installs",
                "detail": f"installs on {interpreter.label}{older}; the reproduction does not run there"}
    # An old release pinned back may need an older Python too (Django 3.2 imports `cgi`, gone in 3.13):
    # when both snippets fail, the next older Pythons the reproduction accepts get their turn.
    runnable = [i for i in candidates if SpecifierSet(reproduction.python).contains(i.version, prereleases=True)
                and Version(i.version) <= Version(interpreter.version)][:MAX_INTERPRETERS_TRIED]
    failed_on: list[str] = []
    outcome: dict[str, Any] = {}
    for candidate in runnable:
        outcome = _run_claim(entry, claim, root, candidate, context, named)
        if outcome["status"] != "misbehaves":
            break
        failed_on.append(f"{candidate.label}: {outcome['last']}")
    status = outcome.pop("status")
    where = outcome.pop("where", interpreter.label)
    last = outcome.pop("last", "")
    versions = outcome.pop("versions", "")
    result.update(outcome)
    skipped_newer = f" (on {'; '.join(failed_on)}, both the broken and the fixed code fail)" if failed_on else ""
    if status == "behaves-broken":
        return {**result, "status": "behaves", "interpreter": where,
                "detail": f"installs {versions} on {where}{older}; the broken code then runs clean{skipped_newer}"}
    if status == "behaves-fixed":
        return {**result, "status": "behaves", "interpreter": where,
                "detail": f"installs {versions} on {where}{older}; the fixed code runs clean with it{skipped_newer}"}
    if status == "not-judged":
        return {**result, "status": "not-judged", "interpreter": where,
                "detail": f"installs {versions} on {where}{older}; not judged: with it the broken code reaches for "
                          f"the network, which reproductions never get ({last})"}
    if status in ("installs", "fails"):
        return {**result, "status": status, "detail": outcome.get("detail", "")}
    return {**result, "status": "misbehaves",
            "detail": f"installs {versions}, but then both the broken and the fixed code fail on "
                      f"{'; '.join(failed_on)}"}


def _run_claim(entry: Entry, claim: Claim, root: Path, interpreter: Interpreter, context: Sequence[str],
               named: Sequence[str]) -> dict[str, Any]:
    """Both snippets against the claim on one interpreter; `status` says which of them ran clean, if any."""
    # the reproduction's own packages beside the claim; when they clash with it (a pin back to an old
    # major release that the fix's new package needs), the packages the entry names are enough
    run_with = _resolve_beside(root, interpreter, list(claim.requirements), context, named)
    if run_with is None:
        return {"status": "installs", "detail": f"installs on {interpreter.label}; not run: no set of the "
                                                 "reproduction's packages installs beside it"}
    try:
        venv = prepare_venv(root, interpreter, run_with.pins(), [])
    except VerifyError as error:
        return {"status": "fails", "detail": f"resolves on {interpreter.label} but does not install: {error}"}
    broken, fixed = run_snippets(entry, venv)
    matched, _ = output_matches(entry, broken.output)
    versions = ", ".join(f"{n} {v}" for n, v in sorted(run_with.installs.items())
                         if canonicalize_name(n) in claim.names)
    found: dict[str, Any] = {
        "where": interpreter.label, "versions": versions, "ran_with": run_with.pins(),
        "broken": {"exit_code": broken.exit_code, "matched": matched, "output": _tail(broken.output, 8)},
        "fixed": {"exit_code": fixed.exit_code, "output": _tail(fixed.output, 8)},
        "last": _last_line(fixed.output) or _last_line(broken.output),
    }
    if broken.exit_code == 0:
        return {**found, "status": "behaves-broken"}
    if fixed.exit_code == 0:
        return {**found, "status": "behaves-fixed"}
    if any(marker in broken.output for marker in NETWORK_MARKERS):
        return {**found, "status": "not-judged", "last": _last_line(broken.output)}
    return {**found, "status": "misbehaves"}


def _resolve_beside(root: Path, interpreter: Interpreter, pinned: list[str], context: Sequence[str],
                    named: Sequence[str], timeout: int = RESOLVE_TIMEOUT) -> Resolution | None:
    """`pinned` with the reproduction's packages, else with those of them the entry names, else alone.

    A try that runs out of time ends the search: the smaller sets would only
    install code the reproduction cannot import.
    """
    taken = {requirement_name(text) for text in pinned}
    tries = [[n for n in dict.fromkeys(context) if n not in taken],
             [n for n in dict.fromkeys(context) if n in named and n not in taken], []]
    for others in dict.fromkeys(tuple(t) for t in tries):
        resolution = resolve(root, interpreter, [*pinned, *others], timeout=timeout)
        if resolution.ok:
            return resolution
        if resolution.message.startswith(RESOLVE_TIMED_OUT):
            return None
    return None


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


# -- environment.packages at their edges -----------------------------------------------------------------


def range_edges(specifier: str, versions: Sequence[str]) -> list[tuple[str, str, bool]]:
    """(edge, version, affected) at the borders of a range: the lowest and highest release it covers, and the
    nearest releases outside it on either side, where the index has them. Pre-releases are left out."""
    wanted = SpecifierSet(specifier)
    releases = sorted({Version(v) for v in versions if not _version_key(v).is_prerelease}, key=lambda v: v)
    affected = [v for v in releases if wanted.contains(v, prereleases=False)]
    if not affected:
        return []
    lowest, highest = affected[0], affected[-1]
    edges = [("lowest affected", str(lowest), True)]
    if highest != lowest:
        edges.append(("highest affected", str(highest), True))
    above = [v for v in releases if v > highest]
    if above:
        edges.append(("first unaffected", str(above[0]), False))
    below = [v for v in releases if v < lowest]
    if below:
        edges.append(("last unaffected before", str(below[-1]), False))
    return edges


def check_ranges(entry: Entry, root: Path, interpreters: Sequence[Interpreter],
                 base: tuple[Interpreter, dict[str, str], Run, bool] | None = None) -> list[dict[str, Any]]:
    """Each environment.packages range at its edges: affected releases must raise the error, the others not.

    An edge runs only for a package the reproduction installs (the edge
    replaces its pin; the reproduction's other packages are resolved beside
    it by name). Otherwise the record says which releases the edges are.
    """
    reproduction = entry.reproduction
    context = [requirement_name(text) for text in (reproduction.requirements if reproduction else [])]
    checked: list[dict[str, Any]] = []
    for package in entry.environment.packages:
        item: dict[str, Any] = {"name": package.name, "versions": package.versions}
        name = canonicalize_name(package.name)
        try:
            versions = index_versions(root, package.name)
        except (VerifyError, OSError, subprocess.SubprocessError) as error:
            checked.append({**item, "detail": f"not checked: {error}", "edges": []})
            continue
        edges = range_edges(package.versions, versions)
        if not edges:
            checked.append({**item, "edges": [], "detail": "no release on the package index is in this range"})
            continue
        runs = reproduction is not None and name in context
        # with one package of the entry in the reproduction, its edges decide; with several, the broken code
        # may not exercise this one (an entry about two SDKs), so a contradiction is shown but not a failure
        subjects = {str(canonicalize_name(p.name)) for p in entry.environment.packages} & set(context)
        item["decisive"] = runs and len(subjects) == 1
        item["edges"] = [_check_edge(entry, root, interpreters, name, context, edge, version, affected, base)
                         if runs else {"edge": edge, "version": version, "affected": affected,
                                       "detail": "exists on the index (not run: the reproduction does not "
                                                 f"install {package.name})"}
                         for edge, version, affected in edges]
        checked.append(item)
    return checked


def _check_edge(entry: Entry, root: Path, interpreters: Sequence[Interpreter], name: str, context: Sequence[str],
                edge: str, version: str, affected: bool,
                base: tuple[Interpreter, dict[str, str], Run, bool] | None) -> dict[str, Any]:
    """Run the broken code with one edge release. An old release often fails on a new Python for reasons of
    its own (a module the stdlib dropped), so when the code fails with another error the next older
    supported Python is tried, three at most."""
    result: dict[str, Any] = {"edge": edge, "version": version, "affected": affected}
    if base is not None and {str(canonicalize_name(k)): v for k, v in base[1].items()}.get(name) == version:
        interpreter, _, broken, matched = base  # the reproduction itself ran this release
        raised = broken.exit_code not in (0, None) and matched
        return _edge_verdict({**result, "interpreter": interpreter.label, "exit_code": broken.exit_code,
                              "output": ""}, affected, raised)
    named = [str(canonicalize_name(p.name)) for p in entry.environment.packages]
    verdict: dict[str, Any] | None = None
    started = time.monotonic()
    for candidate in supported_interpreters(entry, interpreters)[:MAX_INTERPRETERS_TRIED]:
        if time.monotonic() - started > 2 * EDGE_RESOLVE_TIMEOUT:
            break  # this edge has had its share of time
        resolution = _resolve_beside(root, candidate, [f"{name}=={version}"], context, named,
                                     timeout=EDGE_RESOLVE_TIMEOUT)
        if resolution is None:
            continue
        try:
            venv = prepare_venv(root, candidate, resolution.pins(), [])
        except VerifyError as error:
            verdict = verdict or {**result, "detail": f"not run: {error}"}
            continue
        broken, _ = run_snippets(entry, venv)
        matched, _ = output_matches(entry, broken.output)
        raised = broken.exit_code not in (0, None) and matched
        verdict = _edge_verdict({**result, "interpreter": candidate.label, "exit_code": broken.exit_code,
                                 "output": _tail(broken.output, 6)}, affected, raised)
        if raised or broken.exit_code == 0:
            return verdict
    return verdict or {**result, "detail": "not run: it does not install from wheels on a supported Python"}


def _edge_verdict(result: dict[str, Any], affected: bool, raised: bool) -> dict[str, Any]:
    where = f"on {result['interpreter']}"
    exit_code = result.get("exit_code", 1)
    other = f" (it fails with another error: {_last_line(result.get('output', ''))})" if exit_code != 0 else ""
    if affected and raised:
        return {**result, "raises": True, "detail": f"raises the error {where}"}
    if not affected and not raised:
        return {**result, "raises": False, "detail": f"does not raise the error {where}{other}"}
    if affected and exit_code != 0:  # another error first (an incompatible dependency): the edge says nothing
        return {**result, "raises": False, "detail": f"was not judged {where}: the broken code fails with "
                                                     f"another error: {_last_line(result.get('output', ''))}"}
    if affected:
        return {**result, "raises": False, "contradicts": True,
                "detail": f"is in the range but the broken code runs clean {where}"}
    return {**result, "raises": True, "contradicts": True,
            "detail": f"is outside the range but raises the error {where}"}


# -- drift: the newest releases --------------------------------------------------------------------

DRIFT_OUTCOMES = {
    "reproduces": "still reproduces",
    "message-changed": "message changed (a variant to add)",
    "no-longer-raises": "no longer raises (a range end to record)",
    "outside-range": "no longer raises, as the entry's range says",
    "fix-broke": "the fixed code fails (the fix broke)",
    "does-not-install": "the newest releases do not install together",
    "not-run": "not run",
}


def verify_latest(entry: Entry, root: Path, interpreters: Sequence[Interpreter],
                  today: dt.date | None = None) -> dict[str, Any]:
    """Run the reproduction with the newest releases of every package it names: what changed since the pin."""
    reproduction = entry.reproduction
    assert reproduction is not None
    day = (today or dt.date.today()).isoformat()
    names = list(dict.fromkeys(requirement_name(text) for text in reproduction.requirements))
    result: dict[str, Any] = {"date": day, "requirements": names}
    if not names:
        return {**result, "outcome": "not-run", "packages": [],
                "detail": "the reproduction names no package (standard library only)"}
    interpreter = pick_interpreter(reproduction.python, interpreters)
    if interpreter is None:
        return {**result, "outcome": "not-run", "packages": [], "detail": "no interpreter for reproduction.python"}
    result["interpreter"] = interpreter.label
    resolution = resolve(root, interpreter, names, today=today)
    if not resolution.ok:
        return {**result, "outcome": "does-not-install", "packages": [], "detail": resolution.message}
    by_name = {str(canonicalize_name(n)): (n, v) for n, v in resolution.installs.items()}
    result["packages"] = [list(by_name[n]) for n in names if n in by_name]
    try:
        venv = prepare_venv(root, interpreter, resolution.pins(), [])
    except VerifyError as error:
        return {**result, "outcome": "does-not-install", "detail": str(error)}
    broken, fixed = run_snippets(entry, venv)
    matched, _ = output_matches(entry, broken.output)
    result["broken"] = {"exit_code": broken.exit_code, "matched": matched, "output": _tail(broken.output, 8)}
    result["fixed"] = {"exit_code": fixed.exit_code, "output": _tail(fixed.output, 8)}
    outside = _outside_ranges(entry, result["packages"])
    if broken.exit_code == 0 and outside:
        outcome, detail = "outside-range", f"the broken code exits 0, as the entry's range says ({outside})"
    elif broken.exit_code == 0:
        outcome, detail = "no-longer-raises", "the broken code exits 0"
    elif not matched:
        outcome, detail = "message-changed", f"the broken code fails with: {_last_line(broken.output)}"
    elif fixed.exit_code != 0:
        outcome, detail = "fix-broke", f"the fixed code fails with: {_last_line(fixed.output)}"
    else:
        outcome, detail = "reproduces", "the broken code raises this error, the fixed code runs clean"
    return {**result, "outcome": outcome, "detail": detail}


def _outside_ranges(entry: Entry, packages: Sequence[Sequence[str]]) -> str:
    """'pandas 3.1.1 is outside <3.0' for each newest release that environment.packages says is not affected."""
    newest = {str(canonicalize_name(name)): version for name, version in packages}
    found = []
    for package in entry.environment.packages:
        version = newest.get(str(canonicalize_name(package.name)))
        if version and not SpecifierSet(package.versions).contains(version, prereleases=True):
            found.append(f"{package.name} {version} is outside {package.versions}")
    return "; ".join(found)


def latest_summary(latest: dict[str, Any]) -> str:
    """The page's line: 'Last checked against pandas 3.1.1 on 2026-12-02: still reproduces.'"""
    packages = ", ".join(f"{name} {version}" for name, version in latest.get("packages", []))
    against = f"against {packages} " if packages else ""
    return f"Last checked {against}on {latest['date']}: {DRIFT_OUTCOMES.get(latest['outcome'], latest['outcome'])}."


def record_latest(root: Path, entry_id: str, latest: dict[str, Any]) -> bool:
    """Store a drift result in the entry's record (`latest`); False when the entry has no record yet."""
    path = record_path(root, entry_id)
    if not path.is_file():
        return False
    record = read_record(path)
    record["latest"] = latest
    write_record(root, record)
    return True


def latest_entries(entries: Sequence[Entry], root: Path, jobs: int = 1,
                   today: dt.date | None = None) -> list[tuple[str, dict[str, Any]]]:
    interpreters = find_interpreters()

    def one(entry: Entry) -> tuple[str, dict[str, Any]]:
        try:
            latest = verify_latest(entry, root, interpreters, today)
        except (VerifyError, OSError, subprocess.SubprocessError) as error:
            latest = {"date": (today or dt.date.today()).isoformat(), "outcome": "not-run", "packages": [],
                      "detail": str(error)}
        record_latest(root, entry.id, latest)
        return entry.id, latest

    if jobs <= 1:
        return [one(e) for e in entries]
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(one, entries))


def drift_report(results: Sequence[tuple[str, dict[str, Any]]], today: dt.date | None = None) -> str:
    """docs/drift.md: each reproduction against the newest releases, the changes first."""
    day = (today or dt.date.today()).isoformat()
    counts: dict[str, int] = {}
    for _, latest in results:
        counts[latest["outcome"]] = counts.get(latest["outcome"], 0) + 1
    order = ["message-changed", "no-longer-raises", "fix-broke", "does-not-install", "outside-range", "reproduces",
             "not-run"]
    lines = [
        "# Drift: the reproductions against the newest releases",
        "",
        f"Written by `fixdex verify --latest` on {day}. Each entry's reproduction ran with the newest release of "
        "every package it names (its pins lifted), on the newest Python it accepts. What to do:",
        "",
        "- **message changed**: add the new wording to the entry's `variants`;",
        "- **no longer raises**: the newest release does not raise the error: record where the range ends "
        "(`environment.packages`);",
        "- **the fixed code fails**: the fix broke: update it;",
        "- **do not install**: the newest releases conflict with each other or have no wheel for that Python;",
        "- **as the entry's range says**: the newest release is outside `environment.packages` (the reproduction "
        "pins an old release on purpose): nothing to do.",
        "",
        "Summary: " + (", ".join(f"{counts[o]} {DRIFT_OUTCOMES[o]}" for o in order if o in counts) or "nothing ran")
        + ".",
        "",
        "| entry | outcome | checked against | details |",
        "| --- | --- | --- | --- |",
    ]
    rank = {outcome: index for index, outcome in enumerate(order)}
    for entry_id, latest in sorted(results, key=lambda item: (rank.get(item[1]["outcome"], 99), item[0])):
        packages = ", ".join(f"{n} {v}" for n, v in latest.get("packages", []))
        if latest.get("interpreter"):
            packages = f"{packages} on {latest['interpreter']}" if packages else latest["interpreter"]
        detail = _one_line(str(latest.get("detail", ""))).replace("|", "\\|").replace("`", "'")[:300]
        lines.append(f"| [{entry_id}](errors/{entry_id}.md) | {DRIFT_OUTCOMES.get(latest['outcome'])} | "
                     f"{packages or '—'} | {detail} |")
    return "\n".join(lines) + "\n"


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


def verify_entries(entries: Sequence[Entry], root: Path, jobs: int = 1, *, edges: bool = True) -> list[Outcome]:
    """Verify each entry and write its record; set-up failures become failed outcomes without a record."""
    interpreters = find_interpreters()

    def one(entry: Entry) -> Outcome:
        try:
            outcome = verify_entry(entry, root, interpreters, edges=edges)
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
        if outcome.record and outcome.record.get("interpreter"):
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
    """Records must belong to an entry, match its current reproduction block and advice, and say it reproduced;
    and no entry may cite a primary source that data/link-status.json found dead."""
    problems: list[Problem] = check_dead_primary_sources(entries, root)
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
        advice_only = "reproduction_sha256" in record and record["reproduction_sha256"] is None
        if reproduction is None and not advice_only:
            problems.append(Problem(shown, 1, 1, "", f"entry {entry_id!r} has no reproduction block any more",
                                    f"delete {shown}"))
            continue
        if reproduction is not None and advice_only:
            problems.append(document.problem(
                ("reproduction",), f"{shown} was recorded before the entry had a reproduction",
                f"run `fixdex verify {entry_id}`", key=True))
            continue
        if reproduction is not None and record.get("reproduction_sha256") != reproduction_hash(reproduction):
            problems.append(document.problem(
                ("reproduction",), f"the block changed since {shown} was recorded",
                f"run `fixdex verify {entry_id}`", key=True))
            continue
        where = ("reproduction",) if reproduction is not None else ("environment",)
        if "claims_sha256" in record and record["claims_sha256"] != claims_hash(loaded.entry):
            problems.append(document.problem(
                where, f"the advice's install commands, pins or version ranges changed since {shown} "
                "was recorded", f"run `fixdex verify {entry_id}`", key=True))
            continue
        if record.get("status") not in ("reproduced", "checked"):
            problems.append(document.problem(
                where, f"the last verification failed: {record.get('reason', 'no reason recorded')}",
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
            "claims": [_claim_line(claim) for claim in record.get("claims", [])],
            "ranges": [_range_line(item) for item in record.get("ranges", [])],
            "latest": latest_summary(record["latest"]) if record.get("latest") else "",
        }
    return found


CLAIM_WORDS = {
    "behaves": "works",
    "installs": "installs",
    "needs-build": "needs a source build",
    "skipped": "not run",
    "fails": "does not install",
    "misbehaves": "installs, but does not work",
    "not-judged": "installs; not judged",
}


def _claim_line(claim: dict[str, Any]) -> dict[str, str]:
    """One claim as the page lists it: the command, where the advice gives it, and what happened."""
    return {"text": _one_line(str(claim["text"])), "location": str(claim["location"]),
            "status": CLAIM_WORDS.get(str(claim["status"]), str(claim["status"])), "detail": str(claim["detail"])}


def _range_line(item: dict[str, Any]) -> str:
    """'pandas >=2.0: lowest affected 2.0.0 raises the error on CPython 3.11.7; ...'."""
    edges = item.get("edges", [])
    if not edges:
        return f"{item['name']} {item['versions']}: {item.get('detail', 'not checked')}"
    return f"{item['name']} {item['versions']}: " + "; ".join(
        f"{edge['edge']} {edge['version']} {edge['detail']}" for edge in edges)
