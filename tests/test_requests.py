"""`fixdex requests`: entry requests from an exported issue list, ranked by demand."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from fixdex.requests import error_line, form_fields, rank_requests
from tests.conftest import DATA

ISSUES = DATA / "requests" / "issues.json"


def _requests(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "fixdex", "requests", *args], input=stdin,
                          capture_output=True, text=True)


def test_the_table_ranks_by_requests_plus_thumbs_up() -> None:
    result = _requests(str(ISSUES))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "rank  demand  requests  +1  first       requested"
        "                                                                 issues",
        "1     7       2         5   2026-11-05  "
        "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 20.00 MiB…  #44 #60",
        "2     4       2         2   2026-11-03  zz-unknown"
        "                                                                #41 #57",
        "3     2       1         1   2026-11-10  httpx-readtimeout"
        "                                                         #48",
        "4     1       1         0   2026-11-15  ValueError: invalid literal for int() with base 10: 'abc'"
        "                 #53",
    ]


def test_json_from_stdin_and_top() -> None:
    result = _requests("-", "--json", "--top", "2", stdin=ISSUES.read_text(encoding="utf-8"))
    assert result.returncode == 0, result.stderr
    ranked = json.loads(result.stdout)
    assert [(d["kind"], d["request"], d["demand"], d["issues"]) for d in ranked] == [
        ("error", "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 20.00 MiB. GPU 0 has a total "
                  "capacity of 7.79 GiB", 7, [44, 60]),
        ("entry", "zz-unknown", 4, [41, 57]),
    ]
    assert ranked[1] == {"kind": "entry", "request": "zz-unknown", "demand": 4, "requests": 2, "thumbs_up": 2,
                         "issues": [41, 57], "first_requested": "2026-11-03", "last_requested": "2026-11-20"}


def test_what_is_not_a_request_is_left_out() -> None:
    issues = json.loads(ISSUES.read_text(encoding="utf-8"))
    numbers = [n for demand in rank_requests(issues) for n in demand.issues]
    assert 45 not in numbers  # a note, however many thumbs it has
    assert 52 not in numbers  # a request form left empty names nothing
    assert sorted(numbers) == [41, 44, 48, 53, 57, 60]


def test_form_answers_and_error_lines() -> None:
    body = ("### Entry id\n\n_No response_\n\n### Error message\n\n```text\nTraceback (most recent call last):\n"
            '  File "a.py", line 1\nKeyError: \'x\'\n```\n\n### What you were doing\n\n_No response_')
    assert form_fields(body) == {"Entry id": "", "Error message": "Traceback (most recent call last):\n"
                                 '  File "a.py", line 1\nKeyError: \'x\'', "What you were doing": ""}
    assert error_line(form_fields(body)["Error message"]) == "KeyError: 'x'"
    assert error_line("\x1b[31mValueError:   a\tb\x1b[0m\nTypeError: later") == "ValueError: a b"
    assert error_line("no exception named here\nlast line") == "last line"
    assert error_line("ValueError: " + "x" * 1000) == "ValueError: " + "x" * 287 + "…"


@pytest.mark.parametrize(("text", "message"), [
    ("{not json", "<stdin>:1:2: error: not JSON (Expecting property name enclosed in double quotes)"),
    ('{"number": 1}', "<stdin>: error: expected a JSON list of issues (the output of `gh issue list --json ...`), "
                      "got dict"),
    ('[{"title": "Request: x"}, 3]', "<stdin>: error: [0].number: required (add `number` to --json)\n"
                                     "<stdin>: error: [1]: expected an issue object, got int"),
])
def test_a_file_that_is_not_an_issue_list_is_refused(text: str, message: str) -> None:
    result = _requests("-", stdin=text)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith(message)


def test_misuse(tmp_path: Path) -> None:
    missing = _requests(str(tmp_path / "nope.json"))
    assert missing.returncode == 2 and "cannot read the issue list" in missing.stderr
    assert _requests(str(ISSUES), "--top", "0").returncode == 2
    empty = _requests("-", stdin="[]")
    assert empty.returncode == 0 and empty.stdout == "no entry requests in this list\n"
