"""Entry requests ranked by demand: what readers asked for that the site does not explain yet.

Readers ask through the "Request an entry" issue form (.github/ISSUE_TEMPLATE/request.yml),
which the 404 page of a missing entry address prefills with the id and the paste box,
when nothing matches, with the pasted error's first exception line. This module reads
an exported issue list, offline:

    gh issue list --label request --state open --limit 1000 \\
        --json number,title,body,labels,createdAt,reactionGroups > requests.json
    fixdex requests requests.json

Requests for the same thing count together: the same entry id, or the same error line
once normalised by fixdex.normalise, as the matcher does (case, numbers, paths, URLs and
punctuation set aside). Demand is the number of requests plus their 👍 reactions.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from fixdex.links import REQUEST_FIELDS
from fixdex.model import ID_PATTERN
from fixdex.normalise import EXCEPTION_LINE, clean, normalise

LABEL = "request"
TITLE_PREFIX = "request:"
# The "### Label" blocks of the form (field id -> label), as GitHub writes them into the issue body.
FIELDS = dict(REQUEST_FIELDS)
NO_RESPONSE = "_No response_"
LINE_CAP = 300
_ID = re.compile(ID_PATTERN)
_EXCEPTION_LINE = re.compile(EXCEPTION_LINE, re.ASCII)
_BLOCK = re.compile(r"^###[ \t]+(.+?)[ \t]*$", re.MULTILINE)
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})[^\n]*\n(.*?)\n\s*\1\s*$", re.DOTALL)


class RequestsError(Exception):
    """The file is not an exported issue list; the message says where and why."""


@dataclass
class Demand:
    """Everything asked for one entry id or one error line."""

    key: str
    kind: str  # "entry" or "error"
    request: str  # the id, or the error line as first asked
    issues: list[int] = field(default_factory=list)
    thumbs_up: int = 0
    first_requested: str = ""
    last_requested: str = ""

    @property
    def requests(self) -> int:
        return len(self.issues)

    @property
    def demand(self) -> int:
        return self.requests + self.thumbs_up

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "request": self.request, "demand": self.demand, "requests": self.requests,
                "thumbs_up": self.thumbs_up, "issues": self.issues, "first_requested": self.first_requested,
                "last_requested": self.last_requested}


def form_fields(body: str) -> dict[str, str]:
    """The form's answers in an issue body: label -> text, without GitHub's fences or "_No response_"."""
    heads = list(_BLOCK.finditer(body))
    answers = {}
    for number, head in enumerate(heads):
        end = heads[number + 1].start() if number + 1 < len(heads) else len(body)
        text = body[head.end():end].strip()
        fenced = _FENCE.match(text)
        if fenced:
            text = fenced.group(2).strip()
        answers[head.group(1).strip()] = "" if text == NO_RESPONSE else text
    return answers


def error_line(text: str) -> str:
    """The line a request names: the first exception line of the text (else its last line), capped."""
    lines = [" ".join(line.split()) for line in clean(text).split("\n")]
    lines = [line for line in lines if line]
    line = next((line for line in lines if _EXCEPTION_LINE.match(line)), lines[-1] if lines else "")
    return line if len(line) <= LINE_CAP else line[: LINE_CAP - 1] + "…"


def is_request(issue: dict[str, Any]) -> bool:
    labels = {str(label.get("name", "")).lower() for label in issue.get("labels") or [] if isinstance(label, dict)}
    return LABEL in labels or str(issue.get("title", "")).lower().startswith(TITLE_PREFIX)


def request_key(issue: dict[str, Any]) -> tuple[str, str, str] | None:
    """(key, kind, shown text) of what an issue asks for; None when it names nothing."""
    answers = form_fields(str(issue.get("body") or ""))
    entry_id = answers.get(FIELDS["entry"], "").strip().lower()
    if _ID.fullmatch(entry_id):
        return f"entry:{entry_id}", "entry", entry_id
    text = answers.get(FIELDS["error"], "")
    if not text.strip():  # an issue written by hand: "Request: <id or error line>"
        title = str(issue.get("title", ""))
        text = title[len(TITLE_PREFIX):].strip() if title.lower().startswith(TITLE_PREFIX) else ""
        if _ID.fullmatch(text.lower()):
            return f"entry:{text.lower()}", "entry", text.lower()
    line = error_line(text)
    key = normalise(line)
    return (f"error:{key}", "error", line) if key else None


def thumbs_up(issue: dict[str, Any]) -> int:
    for group in issue.get("reactionGroups") or []:
        if isinstance(group, dict) and group.get("content") == "THUMBS_UP":
            users = group.get("users")
            count = users.get("totalCount", 0) if isinstance(users, dict) else group.get("totalCount", 0)
            return int(count) if isinstance(count, int) else 0
    return 0


def parse_issues(text: str, source: str = "<stdin>") -> list[dict[str, Any]]:
    """The issues in `gh issue list --json ...` output, checked enough to rank them."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        message = (f"{source}:{error.lineno}:{error.colno}: error: not JSON ({error.msg}); "
                   "export with `gh issue list --json number,title,body,labels,createdAt,reactionGroups`")
        raise RequestsError(message) from None
    if not isinstance(data, list):
        raise RequestsError(f"{source}: error: expected a JSON list of issues (the output of `gh issue list --json "
                            f"...`), got {type(data).__name__}")
    problems = []
    for position, issue in enumerate(data):
        if not isinstance(issue, dict):
            problems.append(f"{source}: error: [{position}]: expected an issue object, got {type(issue).__name__}")
        elif not isinstance(issue.get("number"), int):
            problems.append(f"{source}: error: [{position}].number: required (add `number` to --json)")
        elif not isinstance(issue.get("title", ""), str) or not isinstance(issue.get("body") or "", str):
            problems.append(f"{source}: error: [{position}]: title and body must be text")
    if problems:
        raise RequestsError("\n".join(problems))
    return data


def rank_requests(issues: Iterable[dict[str, Any]]) -> list[Demand]:
    """Request issues grouped by what they ask for, highest demand first."""
    found: dict[str, Demand] = {}
    for issue in sorted(issues, key=lambda i: (str(i.get("createdAt") or ""), i["number"])):
        if not is_request(issue):
            continue
        named = request_key(issue)
        if named is None:
            continue
        key, kind, shown = named
        demand = found.setdefault(key, Demand(key, kind, shown))
        demand.issues.append(issue["number"])
        demand.thumbs_up += thumbs_up(issue)
        created = str(issue.get("createdAt") or "")[:10]
        demand.first_requested = demand.first_requested or created
        demand.last_requested = created or demand.last_requested
    return sorted(found.values(), key=lambda d: (-d.demand, -d.requests, d.first_requested, d.key))


def format_table(ranked: Sequence[Demand], width: int = 72) -> str:
    if not ranked:
        return "no entry requests in this list"
    rows = [("rank", "demand", "requests", "+1", "first", "requested", "issues")]
    for rank, demand in enumerate(ranked, start=1):
        shown = demand.request if len(demand.request) <= width else demand.request[: width - 1] + "…"
        rows.append((str(rank), str(demand.demand), str(demand.requests), str(demand.thumbs_up),
                     demand.first_requested or "-", shown, " ".join(f"#{n}" for n in demand.issues)))
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows)
