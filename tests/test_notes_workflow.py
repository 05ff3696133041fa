"""Moderation without a terminal: .github/workflows/approve-note.yml and `fixdex notes from-issue`.

The steps run here are the workflow's own `run:` scripts, under bash as the
runner runs them, with GitHub's variables pointing at a sample event file
(tests/data/community-notes/event-approved.json, shaped like the payload of an
`issues` event with action `labeled`). `gh` is a stand-in that records its
arguments; git is real, pushing to a bare repository.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from fixdex.notes import import_submission
from tests.conftest import DATA, ROOT, copy_kb

EVENT = DATA / "community-notes" / "event-approved.json"
WORKFLOW = ROOT / ".github" / "workflows" / "approve-note.yml"
NOTE = "notes/json-expecting-value/2026-11-20-octo-cat.yaml"

FAKE_GH = """#!/bin/sh
# records every call, one argument per line, then answers like gh would
printf '%s\\n' "$@" "--" >> "$GH_LOG"
case "$1 $2" in
  "pr create") echo "https://github.com/team/kb/pull/124" ;;
  "api "*) echo "${GH_PERMISSION:-write}" ;;
esac
"""


def workflow() -> dict[Any, Any]:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def steps() -> list[dict[str, Any]]:
    return workflow()["jobs"]["approve"]["steps"]


def step(name_or_id: str) -> dict[str, Any]:
    return next(s for s in steps() if name_or_id in (s.get("id"), s.get("name")))


def sample_event(**issue: Any) -> dict[str, Any]:
    event = copy.deepcopy(json.loads(EVENT.read_text(encoding="utf-8")))
    event["issue"].update(issue)
    return event


class Runner:
    """A knowledge base checked out as the workflow's job sees it, and a way to run the job's steps."""

    def __init__(self, tmp_path: Path) -> None:
        self.kb = copy_kb(tmp_path)
        self.temp = tmp_path / "runner-temp"
        self.temp.mkdir()
        self.output = self.temp / "github-output"
        self.output.touch()
        self.gh_log = self.temp / "gh.log"
        bin_dir = self.temp / "bin"
        bin_dir.mkdir()
        (bin_dir / "gh").write_text(FAKE_GH)
        (bin_dir / "gh").chmod(0o755)
        self.path = f"{bin_dir}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"

    def run(self, name: str, event: dict[str, Any],
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        event_file = self.temp / "event.json"
        event_file.write_text(json.dumps(event), encoding="utf-8")
        variables = {**os.environ, "PATH": self.path, "GITHUB_EVENT_PATH": str(event_file), "GH_LOG": str(self.gh_log),
                     "GITHUB_OUTPUT": str(self.output), "RUNNER_TEMP": str(self.temp),
                     "GITHUB_REPOSITORY": "team/kb", **(env or {})}
        # the runner's default shell for `run:` on Linux: bash --noprofile --norc -eo pipefail {0}
        return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step(name)["run"]],
                              cwd=self.kb, env=variables, capture_output=True, text=True, timeout=120)

    def outputs(self) -> dict[str, str]:
        lines = self.output.read_text(encoding="utf-8").splitlines()
        return dict(line.split("=", 1) for line in lines)


@pytest.fixture
def runner(tmp_path: Path) -> Runner:
    return Runner(tmp_path)


def test_labelled_issue_becomes_an_approved_note_and_a_pull_request(runner: Runner, tmp_path: Path) -> None:
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(origin)], check=True)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.test"]
    for command in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "kb"],
                    ["remote", "add", "origin", str(origin)], ["push", "-q", "origin", "main"]):
        subprocess.run([*git, *command], cwd=runner.kb, check=True)
    event = sample_event()

    imported = runner.run("note", event)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert imported.stdout == f"approved {NOTE} (issue #123 by @octo-cat)\n"
    note = yaml.safe_load((runner.kb / NOTE).read_text(encoding="utf-8"))
    assert (note["status"], note["author"], str(note["date"])) == ("approved", "octo-cat", "2026-11-20")
    assert runner.outputs() == {"path": NOTE, "entry": "json-expecting-value", "author": "octo-cat",
                                "number": "123", "changed": "true"}
    assert runner.run("Check the knowledge base with the note", event).returncode == 0

    pr_env = {"NOTE_PATH": NOTE, "ENTRY": "json-expecting-value", "AUTHOR": "octo-cat", "NUMBER": "123",
              "SENDER": "kb-maintainer", "BASE": "main"}
    opened = runner.run("Open a pull request", event, pr_env)
    assert opened.returncode == 0, opened.stdout + opened.stderr
    pushed = subprocess.run(["git", "show", "--stat", "--format=%s", "fixdex-note-123"], cwd=origin,
                            capture_output=True, text=True, check=True).stdout
    assert pushed.startswith("Note on json-expecting-value by @octo-cat (closes #123)\n")
    assert NOTE in pushed and "1 file changed" in pushed
    calls = runner.gh_log.read_text(encoding="utf-8").split("--\n")
    assert calls[1].splitlines() == ["pr", "create", "--base", "main", "--head", "fixdex-note-123", "--title",
                                     "Note on json-expecting-value by @octo-cat", "--body",
                                     "Approved by @kb-maintainer by labelling #123. Closes #123."]
    assert calls[2].splitlines()[:3] == ["issue", "comment", "123"]
    assert "https://github.com/team/kb/pull/124 adds the note" in calls[2]


HOSTILE = ("$(touch {marker}-1) `touch {marker}-2` ${{{{ github.token }}}} '; touch {marker}-3; ' "
           "\"$(touch {marker}-4)\"")


def test_a_hostile_body_is_text_in_the_note_file(runner: Runner, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = HOSTILE.format(marker=marker)
    body = (DATA / "community-notes" / "issue-good.md").read_text(encoding="utf-8")
    body = body.replace("Set `NO_PROXY` for the API host", f"Set `NO_PROXY` for the API host {text}")
    result = runner.run("note", sample_event(body=body, title=text))
    assert result.returncode == 0, result.stdout + result.stderr
    assert text in yaml.safe_load((runner.kb / NOTE).read_text(encoding="utf-8"))["body"]
    assert list(tmp_path.glob("pwned*")) == []


def test_a_hostile_login_is_refused_and_reported_as_a_code_block(runner: Runner, tmp_path: Path) -> None:
    login = "$(touch pwned-1)`touch pwned-2`"  # relative: the step runs in the checkout
    event = sample_event(user={"login": login})
    event["sender"]["login"] = login
    result = runner.run("note", event)
    assert result.returncode == 1
    assert "error: Your handle: '$(touch pwned-1)`touch pwned-2`' is not a handle" in result.stdout
    assert not (runner.kb / "notes").exists()
    report = (runner.temp / "report.md").read_text(encoding="utf-8")
    assert report.startswith("fixdex could not approve this note; nothing was written:\n\n    ")
    told = runner.run("Tell the issue why not", event, {"NUMBER": "123"})
    assert told.returncode == 0, told.stderr
    assert runner.gh_log.read_text(encoding="utf-8").splitlines() == [
        "issue", "comment", "123", "--body-file", str(runner.temp / "report.md"), "--"]
    assert list(runner.kb.glob("pwned*")) == [] and list(tmp_path.glob("pwned*")) == []


@pytest.mark.parametrize(("change", "reason"), [
    ({"label": {"name": "bug"}}, "the label added is 'bug', not 'approved'"),
    ({"action": "unlabeled"}, "action is 'unlabeled', not 'labeled'"),
    ({"issue": {"labels": [{"name": "approved"}]}},
     "the issue has no 'note' label: only issues opened with the note form are imported"),
    ({"issue": {"body": None}}, "the issue body is empty"),
    ({"issue": {"pull_request": {"url": "x"}}}, "this is a pull request, not a note issue"),
])
def test_an_event_that_is_not_an_approved_note_writes_nothing(runner: Runner, change: dict[str, Any],
                                                              reason: str) -> None:
    event = sample_event(**change.pop("issue", {}))
    event.update(change)
    result = runner.run("note", event)
    assert result.returncode == 1
    assert f"{runner.temp / 'event.json'}: error: {reason}" in result.stdout.splitlines()
    assert not (runner.kb / "notes").exists() and runner.output.read_text() == ""


def test_a_note_on_file_is_approved_once_and_a_rejected_one_stays_rejected(runner: Runner) -> None:
    body = json.loads(EVENT.read_text(encoding="utf-8"))["issue"]["body"]
    pending = import_submission(body, runner.kb / "notes", runner.kb / "entries", author="octo-cat")
    first = runner.run("note", sample_event())
    assert first.returncode == 0, first.stdout
    assert first.stdout == f"approved notes/json-expecting-value/{pending.name} (issue #123 by @octo-cat)\n"
    assert "status: approved" in pending.read_text() and len(list(pending.parent.iterdir())) == 1
    again = runner.run("note", sample_event())
    assert again.returncode == 0 and again.stdout.endswith("is already approved (issue #123): nothing changed\n")
    assert runner.outputs()["changed"] == "false"  # the last run's lines come last

    pending.write_text(pending.read_text().replace("status: approved", "status: rejected"))
    rejected = runner.run("note", sample_event())
    assert rejected.returncode == 1
    assert "was rejected: to approve it after all, run `fixdex notes approve --change" in rejected.stdout


@pytest.mark.parametrize(("permission", "allowed"), [("admin", True), ("write", True), ("read", False),
                                                    ("none", False)])
def test_only_a_writer_s_label_approves(runner: Runner, permission: str, allowed: bool) -> None:
    """Triage can label too: the first step asks the API for the labeller's permission on the repository."""
    checked = runner.run("Only maintainers approve (write or admin permission)", sample_event(),
                         {"SENDER": "kb-maintainer", "GH_PERMISSION": permission})
    assert (checked.returncode == 0) is allowed, checked.stdout + checked.stderr
    assert runner.gh_log.read_text(encoding="utf-8").splitlines() == [
        "api", "repos/team/kb/collaborators/kb-maintainer/permission", "--jq", ".permission", "--"]
    if not allowed:
        assert f"::error::kb-maintainer has {permission} permission; only maintainers" in checked.stdout


def test_the_workflow_keeps_issue_text_out_of_the_shell() -> None:
    flow = workflow()
    assert flow[True] == {"issues": {"types": ["labeled"]}}  # PyYAML reads the key `on` as True
    assert flow["permissions"] == {"contents": "write", "pull-requests": "write", "issues": "write"}
    job = flow["jobs"]["approve"]
    assert "github.event.label.name == 'approved'" in job["if"]
    for item in job["steps"]:
        assert "${{" not in item.get("run", ""), item.get("name")
        for name, value in (item.get("env") or {}).items():
            assert "issue.body" not in value and "issue.title" not in value, name
    assert "collaborators/$SENDER/permission" in job["steps"][0]["run"]  # write permission, asked of the API
    assert step("note")["run"].startswith('fixdex notes from-issue "$GITHUB_EVENT_PATH"')
    assert "secrets." not in WORKFLOW.read_text()  # GITHUB_TOKEN only


def test_init_ships_the_same_workflow(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "fixdex", "init", str(tmp_path / "kb")], capture_output=True,
                            text=True, check=True)
    assert result.returncode == 0
    shipped = tmp_path / "kb" / ".github" / "workflows" / "approve-note.yml"
    assert shipped.read_text() == WORKFLOW.read_text()
