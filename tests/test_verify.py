"""`fixdex verify` for real: venvs, snippets, records, and the check that keeps records honest."""

from __future__ import annotations

import ast
import base64
import datetime as dt
import hashlib
import html
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet

from fixdex import repro_support
from fixdex.load import load_entries
from fixdex.render import RenderOptions, entry_context, make_environment, trust_line
from fixdex.verify import (
    Interpreter,
    collect_records,
    drift_report,
    find_interpreters,
    latest_summary,
    message_pattern,
    normalize,
    pick_interpreter,
    reproduction_hash,
)
from tests.conftest import DATA, copy_kb, run_mkdocs

VERIFY = DATA / "verify"
ENTRY = "http-404-repro"
REPRODUCTION_LINE = 91  # `reproduction:` in tests/data/verify/*.yaml


def fixdex(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "fixdex", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=900)


@pytest.fixture(scope="module")
def verified_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test knowledge base plus one stdlib-only reproduction, verified once for the module."""
    kb = copy_kb(tmp_path_factory.mktemp("verified"))
    shutil.copy(VERIFY / f"{ENTRY}.yaml", kb / "entries")
    result = fixdex(kb, "verify", ENTRY)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{ENTRY}  reproduced" in result.stdout
    return kb


def _copy(kb: Path, target: Path) -> Path:
    shutil.copytree(kb, target, symlinks=True, ignore=shutil.ignore_patterns("site"))
    return target


def test_record_says_what_ran(verified_kb: Path) -> None:
    record = json.loads((verified_kb / "verification" / f"{ENTRY}.json").read_text())
    entry = load_entries([verified_kb / "entries" / f"{ENTRY}.yaml"]).entries[0].entry
    assert entry.reproduction is not None
    assert record["entry"] == ENTRY
    assert record["reproduction_sha256"] == reproduction_hash(entry.reproduction)
    assert record["status"] == "reproduced"
    assert SpecifierSet(">=3.8").contains(record["interpreter"]["version"])
    assert Path(record["interpreter"]["path"]).exists()
    assert record["requirements"] == [] and record["packages"] == []
    assert "pip" in record["installed"]  # what the fresh venv actually held
    assert record["broken"]["exit_code"] == 1 and record["broken"]["matched"] is True
    assert record["broken"]["expected"] == "urllib.error.HTTPError: HTTP Error 404: Not Found"
    assert record["broken"]["output"].endswith("urllib.error.HTTPError: HTTP Error 404: Not Found")
    assert "$WORK/broken.py" in record["broken"]["output"]  # no random temp folder names in records
    assert record["fixed"] == {**record["fixed"], "exit_code": 0, "timed_out": False,
                               "output": "status 404 {'error': 'no such model'}"}
    assert record["summary"] == (f"Reproduced on {record['interpreter']['label']}, {record['date']}: "
                                 "the broken code raises this error, the fixed code runs clean.")


def test_check_passes_with_a_current_record(verified_kb: Path) -> None:
    result = fixdex(verified_kb, "check")
    assert result.returncode == 0, result.stdout


def test_page_shows_the_record(verified_kb: Path) -> None:
    result = run_mkdocs(verified_kb)
    assert result.returncode == 0, result.stdout + result.stderr
    html = (verified_kb / "site" / "errors" / ENTRY / "index.html").read_text()
    record = json.loads((verified_kb / "verification" / f"{ENTRY}.json").read_text())
    assert f'<p class="fx-reproduced">{record["summary"]}</p>' in html
    assert "<summary>How it was reproduced</summary>" in html
    assert "urllib.error.HTTPError: HTTP Error 404: Not Found</code></pre>" in html
    assert "status 404 {&#39;error&#39;: &#39;no such model&#39;}" in html


def test_a_changed_block_fails_check_until_verified_again(verified_kb: Path, tmp_path: Path) -> None:
    kb = _copy(verified_kb, tmp_path / "kb")
    entry = kb / "entries" / f"{ENTRY}.yaml"
    entry.write_text(entry.read_text().replace("  timeout: 60\n", "  timeout: 61\n"))
    result = fixdex(kb, "check")
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        f"entries/{ENTRY}.yaml:{REPRODUCTION_LINE}:1: error: reproduction: the block changed since "
        f"verification/{ENTRY}.json was recorded (run `fixdex verify {ENTRY}`)")
    assert fixdex(kb, "verify", ENTRY).returncode == 0  # the cached venv makes this quick
    assert fixdex(kb, "check").returncode == 0


def test_a_record_without_its_entry_fails_check(verified_kb: Path, tmp_path: Path) -> None:
    kb = _copy(verified_kb, tmp_path / "kb")
    (kb / "entries" / f"{ENTRY}.yaml").unlink()
    result = fixdex(kb, "check")
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        f"verification/{ENTRY}.json:1:1: error: <file>: record for entry '{ENTRY}', which does not exist "
        f"(delete verification/{ENTRY}.json, or restore entries/{ENTRY}.yaml)")


def test_a_failed_reproduction_is_recorded_and_reported(verified_kb: Path, tmp_path: Path) -> None:
    kb = _copy(verified_kb, tmp_path / "kb")
    (kb / "entries" / f"{ENTRY}.yaml").unlink()
    (kb / "verification" / f"{ENTRY}.json").unlink()
    shutil.copy(VERIFY / "http-404-fails.yaml", kb / "entries")
    result = fixdex(kb, "verify", "--all")
    assert result.returncode == 1
    # --all also checks the advice of the entries without a reproduction: the table is as wide as their ids
    assert re.search(r"^http-404-fails +failed ", result.stdout, re.MULTILINE)
    assert "the fixed code exited 1" in result.stdout
    record = json.loads((kb / "verification" / "http-404-fails.json").read_text())
    assert (record["status"], record["reason"]) == ("failed", "the fixed code exited 1")
    assert record["fixed"]["output"].endswith("still failing: 404")
    check = fixdex(kb, "check")
    assert check.stdout.splitlines()[0] == (
        f"entries/http-404-fails.yaml:{REPRODUCTION_LINE}:1: error: reproduction: the last verification failed: "
        "the fixed code exited 1 (see verification/http-404-fails.json; fix the reproduction, then run "
        "`fixdex verify http-404-fails`)")


def test_verify_needs_ids_or_all(tmp_path: Path) -> None:
    (tmp_path / "entries").mkdir()
    result = fixdex(tmp_path, "verify")
    assert result.returncode == 2
    assert "name entry ids, or pass --all" in result.stderr


# -- judging output -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wording", "output"),
    [
        ("KeyError: 'a'", 'KeyError: "a"'),
        ("HTTP Error 404: Not Found", "urllib.error.HTTPError: HTTP Error 410: Not Found"),
        ("No such file: /home/me/data.csv", "No such file: /tmp/x/y/other.csv"),
        ("<Foo object at 0x7f00aa>", "<Foo object at 0x55d1c0ffee>"),
        ("Could not find a version that satisfies ... (from versions: none)",
         "ERROR: Could not find a version that satisfies the requirement torch==9 (from versions: none)"),
        ("You tried to access openai.{symbol}, but", "You tried to access openai.Completion, but"),
    ],
)
def test_messages_match_with_variable_parts(wording: str, output: str) -> None:
    assert message_pattern(wording).search(normalize(output))


def test_messages_do_not_match_other_errors() -> None:
    assert not message_pattern("KeyError: 'a'").search(normalize("IndexError: list index out of range"))


def test_the_newest_satisfying_interpreter_is_picked() -> None:
    found = [Interpreter("/p/3.13", "3.13.0", "CPython"), Interpreter("/p/3.11", "3.11.7", "CPython"),
             Interpreter("/p/3.8", "3.8.18", "CPython")]
    assert pick_interpreter(">=3.8", found) == found[0]
    assert pick_interpreter("<3.12", found) == found[1]
    assert pick_interpreter("==3.8.*", found) == found[2]
    assert pick_interpreter("<3.0", found) is None


def test_interpreters_are_found_and_run() -> None:
    found = find_interpreters()
    versions = [i.version for i in found]
    assert ".".join(map(str, sys.version_info[:3])) in versions
    assert versions == sorted(versions, key=lambda v: tuple(map(int, v.split("."))), reverse=True)


# -- fixdex_repro, the helper copied next to every snippet ---------------------------------------


def test_helper_is_python_38_syntax() -> None:
    source = Path(repro_support.__file__).read_text()
    ast.parse(source, feature_version=(3, 8))


def test_serve_json_answers_every_method_and_path() -> None:
    with repro_support.serve_json(429, {"error": {"message": "slow down"}}, {"Retry-After": "7"}) as url:
        assert url.startswith("http://127.0.0.1:")
        for method, path in (("GET", "/"), ("POST", "/v1/chat/completions"), ("DELETE", "/x?y=1")):
            request = urllib.request.Request(url + path, data=b"{}" if method == "POST" else None, method=method)
            with pytest.raises(urllib.error.HTTPError) as raised:
                urllib.request.urlopen(request, timeout=10)
            assert raised.value.code == 429
            assert raised.value.headers["Retry-After"] == "7"
            assert json.loads(raised.value.read()) == {"error": {"message": "slow down"}}
    with repro_support.serve_json(200, "") as url, urllib.request.urlopen(url, timeout=10) as reply:
        assert reply.read() == b""


def test_serve_tls_is_untrusted_until_given_its_cafile() -> None:
    with repro_support.serve_tls() as (url, cafile):
        assert url.startswith("https://127.0.0.1:")
        with pytest.raises(urllib.error.URLError) as raised:
            urllib.request.urlopen(url, timeout=10)
        assert isinstance(raised.value.reason, ssl.SSLCertVerificationError)
        context = ssl.create_default_context(cafile=cafile)
        with urllib.request.urlopen(url, context=context, timeout=10) as reply:
            assert reply.read() == b"ok"


def test_closed_port_refuses_connections() -> None:
    port = repro_support.closed_port()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=5)


# -- claims, range edges and drift, against a local package index ------------------------------------------

DEMO = "demo-pin-repro"


def _wheel(folder: Path, version: str, source: str) -> None:
    """A one-module wheel of `fixdex-demo`, written by hand: no build backend, no network."""
    dist = f"fixdex_demo-{version}"
    files = {"fixdex_demo.py": source,
             f"{dist}.dist-info/METADATA": f"Metadata-Version: 2.1\nName: fixdex-demo\nVersion: {version}\n",
             f"{dist}.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\n"
                                        "Tag: py3-none-any\n"}
    lines = []
    with zipfile.ZipFile(folder / f"{dist}-py3-none-any.whl", "w") as archive:
        for name, text in files.items():
            data = text.encode()
            archive.writestr(name, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            lines.append(f"{name},sha256={digest},{len(data)}")
        archive.writestr(f"{dist}.dist-info/RECORD", "\n".join([*lines, f"{dist}.dist-info/RECORD,,"]) + "\n")


@pytest.fixture(scope="module")
def demo_kb(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A knowledge base with the demo entry and a package index of three wheels that pip reads instead of PyPI."""
    wheels = tmp_path_factory.mktemp("wheels")
    _wheel(wheels, "0.9", "import sys\nif sys.version_info >= (3, 13):\n"
                          "    raise ImportError('0.9 needs Python < 3.13')\ndef old_api():\n    return 0\n")
    _wheel(wheels, "1.0", "def old_api():\n    return 1\n")
    _wheel(wheels, "2.0", "def new_api():\n    return 2\n")
    kb = copy_kb(tmp_path_factory.mktemp("demo"))
    shutil.copy(VERIFY / f"{DEMO}.yaml", kb / "entries")
    env = {**os.environ, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheels)}
    result = subprocess.run([sys.executable, "-m", "fixdex", "verify", DEMO], cwd=kb, capture_output=True,
                            text=True, timeout=900, env=env)
    assert result.returncode == 1, result.stdout + result.stderr  # one claim cannot install
    return kb, env


def test_claims_are_run_and_recorded(demo_kb: tuple[Path, dict[str, str]]) -> None:
    kb, _ = demo_kb
    record = json.loads((kb / "verification" / f"{DEMO}.json").read_text())
    assert record["format"] == 2
    claims = {c["text"]: c for c in record["claims"]}
    assert list(claims) == ['pip install "fixdex-demo<2"', "fixdex-demo<0.1", "pip install -r requirements.txt",
                            'pip install "fixdex-demo==0.9"']
    works = claims['pip install "fixdex-demo<2"']
    assert (works["location"], works["status"], works["ran_with"]) == ("quick_fix", "behaves", ["fixdex-demo==1.0"])
    assert works["detail"].startswith("installs fixdex-demo 1.0 on CPython ")
    assert works["detail"].endswith("; the broken code then runs clean")
    broken_pin = claims["fixdex-demo<0.1"]
    assert (broken_pin["location"], broken_pin["status"]) == ("causes[0].fix", "fails")
    assert "ERROR: Could not find a version that satisfies the requirement fixdex-demo<0.1" in broken_pin["detail"]
    assert claims["pip install -r requirements.txt"]["status"] == "skipped"
    # 0.9 fails to import on Python 3.13: the claim is run again on the next older Python
    older = claims['pip install "fixdex-demo==0.9"']
    assert older["status"] == "behaves" and "; the broken code then runs clean" in older["detail"]
    if any(i.version.startswith("3.13.") for i in find_interpreters()):
        assert "(on CPython 3.13." in older["detail"] and "ImportError: 0.9 needs Python < 3.13" in older["detail"]
        assert older["interpreter"] != "CPython 3.13.0"
    # the failing claim fails the whole record, with the resolver's words
    assert record["status"] == "failed"
    assert record["reason"].startswith("causes[0].fix: `fixdex-demo<0.1` does not install on CPython ")


def test_range_edges_run_the_reproduction(demo_kb: tuple[Path, dict[str, str]]) -> None:
    kb, _ = demo_kb
    record = json.loads((kb / "verification" / f"{DEMO}.json").read_text())
    [package] = record["ranges"]
    edges = [(e["edge"], e["version"], e["affected"], e["raises"]) for e in package["edges"]]
    assert edges == [("lowest affected", "2.0", True, True), ("last unaffected before", "1.0", False, False)]
    assert not any(e.get("contradicts") for e in package["edges"])


def test_check_reports_the_failed_claim_and_a_changed_pin(demo_kb: tuple[Path, dict[str, str]],
                                                         tmp_path: Path) -> None:
    kb = _copy(demo_kb[0], tmp_path / "kb")
    check = fixdex(kb, "check")
    assert check.returncode == 1
    assert f"entries/{DEMO}.yaml:" in check.stdout and "the last verification failed: causes[0].fix" in check.stdout
    entry = kb / "entries" / f"{DEMO}.yaml"
    entry.write_text(entry.read_text().replace("pin `fixdex-demo<0.1` (this pin cannot install)", "see above"))
    check = fixdex(kb, "check")
    assert "the advice's install commands, pins or version ranges changed since" in check.stdout


def test_latest_writes_the_drift_report_and_the_page_line(demo_kb: tuple[Path, dict[str, str]],
                                                          tmp_path: Path) -> None:
    kb, env = demo_kb
    kb = _copy(kb, tmp_path / "kb")
    result = subprocess.run([sys.executable, "-m", "fixdex", "verify", "--latest", DEMO, "--report", "drift.md"],
                            cwd=kb, capture_output=True, text=True, timeout=900, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    report = (kb / "drift.md").read_text()
    assert "Summary: 1 still reproduces." in report
    assert f"| [{DEMO}](errors/{DEMO}.md) | still reproduces | fixdex-demo 2.0 on CPython " in report
    record = json.loads((kb / "verification" / f"{DEMO}.json").read_text())
    assert record["latest"]["outcome"] == "reproduces" and record["latest"]["packages"] == [["fixdex-demo", "2.0"]]
    loaded = load_entries([kb / "entries"], root=kb).entries
    shown = collect_records(loaded, kb)[DEMO]
    assert shown["latest"] == f"Last checked against fixdex-demo 2.0 on {record['latest']['date']}: still reproduces."
    assert shown["claims"][0] == {"text": 'pip install "fixdex-demo<2"', "location": "quick_fix", "status": "works",
                                  "detail": record["claims"][0]["detail"]}
    # the page: the drift line under the summary, the claims and the edges in "How it was reproduced"
    by_id = {item.entry.id: item.entry for item in loaded}
    context = entry_context(by_id[DEMO], f"errors/{DEMO}.md", by_id, RenderOptions())
    context["record"] = shown
    context["trust"] = trust_line(by_id[DEMO], shown, RenderOptions().today)
    page = make_environment().get_template("entry.md.j2").render(context)
    assert f'<p class="fx-latest">{html.escape(shown["latest"])}</p>\n' in page
    assert ('<li><code>pip install &#34;fixdex-demo&lt;2&#34;</code> (quick_fix): works: '
            '<samp>installs fixdex-demo 1.0 on '
            in page.replace("&quot;", "&#34;"))
    assert "<li><samp>fixdex-demo &gt;=2.0: lowest affected 2.0 raises the error on CPython " in page


def test_format_1_records_stay_readable(verified_kb: Path, tmp_path: Path) -> None:
    kb = _copy(verified_kb, tmp_path / "kb")
    path = kb / "verification" / f"{ENTRY}.json"
    record = json.loads(path.read_text())
    for key in ("claims", "ranges", "claims_sha256", "latest"):
        record.pop(key, None)
    path.write_text(json.dumps({**record, "format": 1}))
    shown = collect_records(load_entries([kb / "entries"], root=kb).entries, kb)[ENTRY]
    assert (shown["claims"], shown["ranges"], shown["latest"]) == ([], [], "")
    assert fixdex(kb, "check").returncode == 0


@pytest.mark.parametrize(
    ("broken_exit", "matched", "fixed_exit", "outcome"),
    [(1, True, 0, "still reproduces"), (1, False, 0, "message changed (a variant to add)"),
     (0, False, 0, "no longer raises (a range end to record)"), (1, True, 1, "the fixed code fails (the fix broke)")],
)
def test_drift_outcomes_read_as_actions(broken_exit: int, matched: bool, fixed_exit: int, outcome: str) -> None:
    kinds = {"still reproduces": "reproduces", "message changed (a variant to add)": "message-changed",
             "no longer raises (a range end to record)": "no-longer-raises",
             "the fixed code fails (the fix broke)": "fix-broke"}
    latest = {"date": "2026-12-02", "outcome": kinds[outcome], "packages": [["pandas", "3.1.1"]], "detail": "x | y"}
    assert latest_summary(latest) == f"Last checked against pandas 3.1.1 on 2026-12-02: {outcome}."
    report = drift_report([("pandas-append-removed", latest)], dt.date(2026, 12, 2))
    assert f"Summary: 1 {outcome}." in report
    assert "| x \\| y |" in report


def test_an_entry_without_reproduction_gets_its_advice_checked(demo_kb: tuple[Path, dict[str, str]],
                                                               tmp_path: Path) -> None:
    kb, env = demo_kb
    kb = _copy(kb, tmp_path / "kb")
    entry = kb / "entries" / f"{DEMO}.yaml"
    text = entry.read_text()
    entry.write_text(text[:text.index("reproduction:")] + "not_reproducible: a demo without a reproduction\n")
    (kb / "verification" / f"{DEMO}.json").unlink()
    result = subprocess.run([sys.executable, "-m", "fixdex", "verify", DEMO], cwd=kb, capture_output=True,
                            text=True, timeout=900, env=env)
    assert result.returncode == 1, result.stdout + result.stderr
    record = json.loads((kb / "verification" / f"{DEMO}.json").read_text())
    assert (record["reproduction_sha256"], record["status"]) == (None, "failed")
    assert [c["status"] for c in record["claims"]] == ["installs", "fails", "skipped", "installs"]
    assert [e["version"] for e in record["ranges"][0]["edges"]] == ["2.0", "1.0"]
    check = fixdex(kb, "check")
    assert f"entries/{DEMO}.yaml:" in check.stdout and ": error: environment: the last verification failed: " \
        "causes[0].fix: `fixdex-demo<0.1` does not install on CPython " in check.stdout
