"""New things from nothing: `fixdex new` (an entry) and `fixdex init` (a knowledge base).

Both write files that pass `fixdex check` as they are, so a newcomer starts
from something that builds and edits towards something true.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

from fixdex.model import ID_PATTERN, entry_json_schema

STARTER = Path(__file__).resolve().parent / "starter"
# Where a knowledge base keeps the entry JSON Schema for editors; entries point at it relatively
# (`# yaml-language-server: $schema=../schema/entry.schema.json`), so completion works offline.
SCHEMA_FILE = Path("schema") / "entry.schema.json"
PUBLISHED_SCHEMA = "https://raw.githubusercontent.com/fixdex/fixdex/main/schema/entry.schema.json"

SKELETON = """\
# yaml-language-server: $schema={schema}
# Fill in every field, then run `fixdex check`. Field guide: docs/contributing/writing-entries.md
id: {id}
title: "TODO: the error as people name it"
fix_title: "TODO: what fixes it, in a few words"
exception: TODO.ExceptionType
# Not a Python exception? Give error_code (e.g. ERR_MODULE_NOT_FOUND, HTTP 402) instead of or as well as
# exception, with language (Go, Node.js, HTTP; Python when absent) and raised_by (a service, library, CLI).
message: "TODO: the message exactly as users see it"
variants:
  - "TODO: another wording (another version, another name in the same slot)"
# The message with {{placeholders}} where it varies, e.g. "The model `{{model}}` does not exist"
signatures: []
severity: medium            # low | medium | high | critical
category: TODO              # e.g. ImportError, HTTP 404
difficulty: beginner        # beginner | intermediate | advanced
fix_time: {{min: 5, max: 15}} # minutes
summary: >-
  TODO: one paragraph on what this error means. It is also the page's meta
  description, so say it plainly.
stack_trace: |
  Traceback (most recent call last):
    File "app.py", line 1, in <module>
  TODO: paste a real traceback
quick_fix: |
  TODO: the shortest fix that works for most readers.
why: |
  TODO: why it happens.
detection: |
  TODO: how to find every occurrence in a codebase (a grep, a linter rule, `pip show`).
causes:
  - cause: "TODO: the most common cause"
    fix: "TODO: its fix"
code:
  - title: TODO
    language: python
    broken: |
      raise RuntimeError("TODO: code that raises the error")
    fixed: |
      print("TODO: the same code, fixed")
    note: TODO
workaround: |
  TODO: what to do when the fix can't be applied yet.
prevention: |
  TODO: how to keep it from coming back.
environment:
  runtime: {{name: Python, versions: ">=3.9"}}
  packages:
    - name: TODO
      versions: ">=1.0"     # PEP 440 specifier: the versions that raise the error
  tested_on:
    - {{name: TODO, version: "1.0"}}
  verified:
    date: {today}
    how: "TODO: what you checked, against which sources"
related: []
tags: []
references:
  - url: https://example.org/TODO
    title: "TODO: the library's docs, changelog, source or maintainers' thread"
    kind: docs              # docs | changelog | release-notes | source | issue | pep | article
aliases: []
published: {today}
updated: {today}
"""


def write_entry_skeleton(entry_id: str, entries_dir: Path, *, today: dt.date | None = None) -> Path:
    if not re.match(ID_PATTERN, entry_id):
        raise ValueError(
            f"{entry_id!r} is not a valid id: use lowercase words joined by hyphens, e.g. pandas-append-removed"
        )
    path = entries_dir / f"{entry_id}.yaml"
    if path.exists():
        raise FileExistsError(f"{path} already exists")
    schema = _schema_reference(entries_dir)
    entries_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(
        SKELETON.format(id=entry_id, today=(today or dt.date.today()).isoformat(), schema=schema), encoding="utf-8"
    )
    return path


def _schema_reference(entries_dir: Path) -> str:
    """The schema beside the entries folder (`fixdex init` writes one), else the published one."""
    if (entries_dir.resolve().parent / SCHEMA_FILE).exists():
        return f"../{SCHEMA_FILE.as_posix()}"
    return PUBLISHED_SCHEMA


def schema_text() -> str:
    """The entry JSON Schema as `fixdex schema` and `fixdex init` write it, generated from the model."""
    return json.dumps(entry_json_schema(), indent=2, ensure_ascii=False) + "\n"


def write_knowledge_base(target: Path) -> list[Path]:
    """A team's own knowledge base: mkdocs.yml with the plugin, an example entry, the schema, a README, workflows."""
    if target.exists() and any(target.iterdir()):
        raise FileExistsError(f"{target} is not empty: pick a new folder")
    written: list[Path] = []
    for source in sorted(STARTER.rglob("*")):
        if source.is_file() and "__pycache__" not in source.parts:
            destination = target / source.relative_to(STARTER)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, destination)
            written.append(destination)
    schema = target / SCHEMA_FILE
    schema.parent.mkdir(parents=True, exist_ok=True)
    schema.write_text(schema_text(), encoding="utf-8")
    written.append(schema)
    return written
