"""Synthetic but realistic entries, for benchmarks and scale tests.

Every field is filled and the words vary (packages, exception types, messages,
causes), so page sizes, search indexes and the matcher's index behave as they
would with real content. The data is invented and says so: every entry is
tagged `synthetic` and lives only in temporary folders.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import yaml

PACKAGES = [
    "numpy",
    "pandas",
    "requests",
    "urllib3",
    "django",
    "flask",
    "sqlalchemy",
    "pydantic",
    "boto3",
    "celery",
    "redis",
    "psycopg",
    "httpx",
    "aiohttp",
    "fastapi",
    "starlette",
    "jinja2",
    "pyyaml",
    "lxml",
    "pillow",
    "scipy",
    "matplotlib",
    "torch",
    "transformers",
    "openai",
    "anthropic",
    "grpcio",
    "protobuf",
    "cryptography",
    "paramiko",
    "kafka-python",
    "pymongo",
    "elasticsearch",
    "alembic",
    "marshmallow",
    "click",
    "typer",
    "rich",
]
EXCEPTIONS = [
    ("ImportError", "cannot import name '{name}' from '{module}'"),
    ("AttributeError", "module '{module}' has no attribute '{name}'"),
    ("TypeError", "{name}() got an unexpected keyword argument '{arg}'"),
    ("ValueError", "invalid literal for {name}() with base {number}: '{value}'"),
    ("KeyError", "'{name}' not found in {module} settings"),
    ("RuntimeError", "{name} cannot be called while {module} is {state}"),
    ("ConnectionError", "{module} could not reach {host}:{number} for {name} after {count} retries"),
    ("PermissionError", "[Errno 13] Permission denied: '/var/lib/{module}/{name}'"),
    ("TimeoutError", "{module} timed out after {number} seconds waiting for {name}"),
    ("OSError", "{module}: shared library lib{name}.so.{number} cannot be opened"),
]
WORDS = (
    "session engine client loader cache worker pool schema config token buffer cursor channel driver "
    "index backend adapter handler router queue batch stream socket parser encoder"
).split()
STATES = ["closed", "locked", "shutting down", "not initialised", "read-only"]
SENTENCES = [
    "The {pkg} release changed how {word} objects are created, and code written for the older API still calls the removed path.",
    "A {word} created at import time is reused after a fork, so the child process sees a handle that the parent already closed.",
    "Configuration for the {word} is read once at start-up; a value set later in the environment never reaches it.",
    "Two versions of {pkg} are installed side by side and the interpreter picks up the older one first on sys.path.",
    "The {word} is shared between threads without a lock, and a second caller finds it half-initialised.",
    "A transitive dependency pins {pkg} to a release that predates the feature this code relies on.",
]


def _entry(index: int, total: int, rng: random.Random) -> dict[str, object]:
    pkg = PACKAGES[index % len(PACKAGES)]
    exc, template = EXCEPTIONS[(index // len(PACKAGES)) % len(EXCEPTIONS)]
    word, other = rng.sample(WORDS, 2)
    letters = "".join(
        "abcdefghij"[int(digit)] for digit in f"{index:05d}"
    )  # numbers get normalised away by the matcher
    slots = {
        "name": f"{word}_{letters}",
        "module": pkg.replace("-", "_"),
        "arg": f"{other}_mode",
        "number": rng.randint(2, 64),
        "value": f"{other}{index}",
        "state": rng.choice(STATES),
        "host": f"{word}.internal",
        "count": rng.randint(2, 9),
    }
    message = f"{exc}: {template.format(**slots)}"
    entry_id = f"synthetic-{pkg}-{word}-{index}"
    sentence = lambda: rng.choice(SENTENCES).format(pkg=pkg, word=rng.choice(WORDS))  # noqa: E731
    paragraph = lambda n: " ".join(sentence() for _ in range(n))  # noqa: E731
    major = rng.randint(1, 5)
    return {
        "id": entry_id,
        "title": f"{pkg} {exc}: {word} {index}",
        "fix_title": f"update the {word} set-up for {pkg} {major}.x",
        "exception": exc,
        "message": message,
        "variants": [
            message.replace(str(slots["name"]), f"{other}_{letters}"),
            f"{pkg}.errors.{exc}: {template.format(**slots)}",
        ],
        # the varying part is the word; the index keeps each signature to its own entry
        "signatures": [message.replace(str(slots["name"]), "{name}_" + letters)],
        "severity": rng.choice(["low", "medium", "high", "critical"]),
        "category": exc,
        "difficulty": rng.choice(["beginner", "intermediate", "advanced"]),
        "fix_time": {"min": 5, "max": rng.choice([15, 30, 60])},
        "summary": f"{pkg} raised {exc} because the {word} it was given no longer matches what {pkg} {major}.x expects. "
        f"The fix is to create the {word} the way the current release documents.",
        "stack_trace": "Traceback (most recent call last):\n"
        f'  File "/srv/app/{word}.py", line {rng.randint(10, 400)}, in run\n'
        f"    {word}.start()\n"
        f'  File "/usr/lib/python3.11/site-packages/{pkg}/{other}.py", line {rng.randint(10, 900)}, in start\n'
        f"    raise {exc}(msg)\n{message}\n",
        "quick_fix": f"Upgrade `{pkg}` to the current {major}.x release and create the `{word}` with its documented factory.",
        "why": paragraph(4),
        "detection": f'Search the codebase: `grep -rn "{word}" --include=*.py .` and check `pip show {pkg}`.',
        "causes": [{"cause": sentence(), "fix": paragraph(2)} for _ in range(rng.randint(2, 4))],
        "code": [
            {
                "title": f"Creating the {word}",
                "language": "python",
                "broken": f"import {slots['module']}\n\n{word} = {slots['module']}.{word.capitalize()}()\n{word}.start()\n",
                "fixed": f"import {slots['module']}\n\n{word} = {slots['module']}.create_{word}()\n{word}.start()\n",
                "note": paragraph(1),
            }
        ],
        "workaround": paragraph(2),
        "prevention": paragraph(2),
        "environment": {
            "runtime": {"name": "Python", "versions": ">=3.9"},
            "packages": [{"name": pkg, "versions": f">={major}.0,<{major + 1}"}],
            "tested_on": [{"name": pkg, "version": f"{major}.{rng.randint(0, 9)}.{rng.randint(0, 9)}"}],
            "verified": {
                "date": dt.date(2026, 1 + index % 11, 1 + index % 27),
                "how": "Synthetic entry for benchmarks.",
            },
        },
        "related": [],  # filled once every id exists
        "tags": ["synthetic", pkg.replace("_", "-"), word],
        "references": [
            {
                "url": f"https://docs.example.invalid/{pkg}/{word}",
                "title": f"{pkg} documentation: {word}",
                "kind": "docs",
            }
        ],
        "aliases": [],
        "published": dt.date(2025, 1 + index % 12, 1 + index % 28),
        "updated": dt.date(2026, 1 + index % 11, 1 + index % 27),
        "not_reproducible": "Synthetic entry: there is no real error to reproduce.",
    }


def write_synthetic_entries(folder: Path, count: int, seed: int = 7) -> list[str]:
    """Write `count` valid entries into folder; returns their ids."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    entries = [_entry(i, count, rng) for i in range(count)]
    ids = [str(e["id"]) for e in entries]
    for i, entry in enumerate(entries):
        entry["related"] = sorted({ids[(i + 1) % count], ids[(i * 7 + 3) % count]} - {ids[i]})
        (folder / f"{entry['id']}.yaml").write_text(
            yaml.safe_dump(entry, sort_keys=False, allow_unicode=True), encoding="utf-8"
        )
    return ids


def write_knowledge_base(target: Path, count: int, *, search: str = "auto") -> Path:
    """A knowledge base of synthetic entries with the fixdex plugin; returns its mkdocs.yml."""
    write_synthetic_entries(target / "entries", count)
    (target / "docs").mkdir(parents=True, exist_ok=True)
    config = target / "mkdocs.yml"
    config.write_text(MKDOCS_YML.format(search=search), encoding="utf-8")
    return config


MKDOCS_YML = """\
site_name: Synthetic KB
site_url: http://127.0.0.1:8000/
theme:
  name: material
  font: false
  features: [content.code.copy, search.highlight]
plugins:
  - fixdex:
      search: {search}
  - search
markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - tables
  - toc: {{permalink: true}}
  - pymdownx.highlight
  - pymdownx.superfences
  - pymdownx.tabbed: {{alternate_style: true}}
"""
