"""Hostile and odd input, through the real CLI: a located error or a correct result, fast.

Every case runs `python -m fixdex ...` in a subprocess with a timeout, as CI
and moderators do, and must end without a traceback, within the timeout, and
without echoing anything from outside the knowledge base: a canary secret sits
in a file outside it, linked to from entries/ and notes/, and must never show
up in any output.

Entry cases are written into one hostile knowledge base and checked in one run
(`hostile_report`); each case then looks up its own file's lines in the report.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
import yaml

from fixdex.untrusted import html_findings
from tests.conftest import DATA, ROOT, copy_kb, run_mkdocs
from tests.test_notes import HOSTILE_BODIES

CANARY = "CANARY-5ecret-7f3a9c"
TIMEOUT = 60
BASE = (DATA / "kb" / "entries" / "json-expecting-value.yaml").read_text(encoding="utf-8")
LOCATED = re.compile(r"^(?P<path>[^:\n]+):(?P<line>\d+):(?P<column>\d+): error: (?P<field>[^:\n]*): (?P<message>.*)$")
SIGNATURE = 'signatures:\n  - "JSONDecodeError: Expecting value: line {line} column {column} (char {char})"'
FUTURE = (dt.date.today() + dt.timedelta(days=30)).isoformat()


def fixdex(cwd: Path, *args: str, stdin: bytes | None = None,
           timeout: float = TIMEOUT) -> subprocess.CompletedProcess[str]:
    """`python -m fixdex ARGS` in `cwd`; no traceback, no canary, whatever the outcome."""
    result = subprocess.run(
        [sys.executable, "-m", "fixdex", *args], cwd=cwd, input=stdin, capture_output=True, timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    done = subprocess.CompletedProcess(result.args, result.returncode, result.stdout.decode("utf-8", "replace"),
                                       result.stderr.decode("utf-8", "replace"))
    assert "Traceback" not in done.stdout + done.stderr, done.stdout + done.stderr
    assert CANARY not in done.stdout + done.stderr
    return done


def entry(name: str, text: str = BASE, **replacements: str) -> str:
    """The fixture entry renamed to `name`, with exact replacements (each must match once)."""
    text = text.replace("id: json-expecting-value", f"id: {name}", 1)
    # copies of one entry would all match each other's signature: keep the line, drop the signature
    text = text.replace(SIGNATURE, "signatures: []\n# (no signature: every case is a copy of one entry)", 1)
    for old, new in replacements.items():
        old = old.replace("__", " ")
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def insert(name: str, after: str, payload: str) -> tuple[str, tuple[int, int]]:
    """The entry with `payload` right after `after`, and the line and column of the payload's first '<'."""
    text = entry(name)
    assert text.count(after) == 1, after
    at = text.index(after) + len(after)
    text = text[:at] + payload + text[at:]
    at += payload.index("<") if "<" in payload else len(payload) - len(payload.lstrip())
    return text, (text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at))


@dataclass
class Case:
    """One hostile entry file: what to write, and what the report must say about it (None: nothing)."""

    file: str
    content: bytes | Callable[[Path], None]
    message: str | None
    where: tuple[int, int] | None = None
    field: str | None = None


def _text(case_id: str, text: str, message: str | None, where: tuple[int, int] | None = None,
          field: str | None = None, *, suffix: str = ".yaml") -> tuple[str, Case]:
    return case_id, Case(case_id + suffix, text.encode("utf-8"), message, where, field)


ALIAS_BOMB = "lol: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"lol{i}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
)


def _symlink(target: str) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        path.symlink_to(target)

    return make


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _build_cases(outside: Path) -> dict[str, Case]:
    cases: dict[str, Case] = {}

    def add(item: tuple[str, Case]) -> None:
        cases[item[0]] = item[1]

    # YAML that could hurt
    add(_text("alias-bomb", ALIAS_BOMB + entry("alias-bomb"), "YAML alias *a (anchored at line 1): aliases are "
              "not allowed", (2, 11)))
    add(_text("alias-reuse", entry("alias-reuse", **{"fix_title: check": "fix_title: &t check",
                                                     "category: ValueError": "category: *t"}),
              "YAML alias *t (anchored at line 4)", (13, 11)))
    add(_text("merge-alias", entry("merge-alias") + "base: &b {x: 1}\nextra:\n  <<: *b\n", "YAML alias *b", (96, 7)))
    add(_text("merge-key", entry("merge-key") + "<<: {title: x}\n", "merge keys (<<) are not allowed", (94, 1)))
    add(_text("date-key", entry("date-key") + "2026-13-01: x\n", "key '2026-13-01' is not a field name: YAML "
              "reads it as a date", (94, 1)))
    add(_text("int-key", entry("int-key") + "1: x\n", "key '1' is not a field name: YAML reads it as a number",
              (94, 1)))
    add(_text("null-key", entry("null-key") + "null: x\n", "YAML reads it as null", (94, 1)))
    add(_text("bool-key", entry("bool-key") + "yes: x\n", "YAML reads it as true/false", (94, 1)))
    add(_text("list-key", entry("list-key") + "? [a, b]\n: x\n", "a key must be a field name, not a list", (94, 3)))
    add(_text("python-name-tag", entry("python-name-tag", **{"severity: medium": "severity: !!python/name:os.system"
                                                            " medium"}),
              "could not determine a constructor for the tag", (12, 11), "severity"))
    add(_text("python-apply-tag", entry("python-apply-tag", **{"tags: [json, http]":
                                                              "tags: !!python/object/apply:os.system [id]"}),
              "could not determine a constructor for the tag", (80, 7), "tags"))
    add(_text("python-tag-key", entry("python-tag-key") + "!!python/name:os.system : x\n", "is not a field name",
              (94, 1)))
    add(_text("set-tag", entry("set-tag", **{"tags: [json, http]": "tags: !!set {json: null}"}),
              "Input should be a valid list", (80, 7), "tags"))
    add(_text("binary-tag", entry("binary-tag", **{"category: ValueError": "category: !!binary aGk="}),
              "Input should be a valid string", (13, 11), "category"))
    add(_text("huge-key", entry("huge-key") + "k" * 1000 + ": x\n", "unknown field", (94, 1), "k" * 60 + "..."))
    add(_text("two-documents", entry("two-documents") + "---\nid: other\n", "YAML syntax error", (94, 1)))
    add(_text("deep-flow", entry("deep-flow") + "deep: " + "[" * 3000 + "]" * 3000 + "\n",
              "exceeded maximum nesting depth", (94, None)))  # type: ignore[arg-type]
    deep_block = "".join(" " * level + f"k{level}:\n" for level in range(60)) + " " * 60 + "x: 1\n"
    add(_text("deep-block", entry("deep-block") + deep_block, "unknown field", (94, 1), "k0"))
    # text that is not what it seems
    bad_bytes = entry("non-utf8").encode("utf-8").replace(b"an HTML page.", b"an HTML p\xffge.")
    cases["non-utf8"] = Case("non-utf8.yaml", bad_bytes, "not UTF-8 text: byte 0xff", (39, 40))
    latin1 = entry("latin1", **{"an HTML page.": "an HTML page (café)."}).encode("latin-1")
    cases["latin1"] = Case("latin1.yaml", latin1, "not UTF-8 text: byte 0xe9", (39, 48))
    add(_text("nul-byte", entry("nul-byte", **{"category: ValueError": "category: Value\x00Error"}),
              "contains U+0000", (13, 16)))
    add(_text("control-character", entry("control-character", **{"category: ValueError": "category: \x1b[31mValue"}),
              "contains U+001B", (13, 11)))
    add(_text("rtl-override", entry("rtl-override", **{"Python's json module": "Python's \u202ejson module"}),
              "contains U+202E RIGHT-TO-LEFT OVERRIDE", (17, 12)))
    add(_text("zero-width", entry("zero-width", **{"fix_title: check": "fix_title: ch\u200beck"}),
              "contains U+200B ZERO WIDTH SPACE", (4, 14)))
    add(_text("line-separator", entry("line-separator", **{"fix_title: check": "fix_title: \u2028check"}),
              "contains U+2028 LINE SEPARATOR", (4, 12)))
    add(_text("tab-indent", entry("tab-indent", **{"\nseverity:": "\n\tseverity:"}), "YAML syntax error", (12, 1)))
    add(_text("empty", "", "file is empty", (1, 1)))
    add(_text("comments-only", "# nothing here\n", "file is empty", (1, 1)))
    add(_text("a-list", "- id: a-list\n", "an entry must be a mapping of fields", (1, 1)))
    add(_text("a-scalar", "just text\n", "an entry must be a mapping of fields", (1, 1)))
    add(_text("huge-file", entry("huge-file") + "# " + "x" * 300_000 + "\n", "the limit is 262,144", (1, 1)))
    add(_text("ten-mb-string", entry("ten-mb-string", **{"category: ValueError": "category: " + "A" * 10_000_000}),
              "the limit is 262,144", (1, 1)))
    # files that are not plain entry files
    cases["link-outside"] = Case("link-outside.yaml", _symlink(str(outside / "secret.yaml")),
                                 "symbolic link pointing outside entries/: not read", (1, 1))
    cases["link-dangling"] = Case("link-dangling.yaml", _symlink("no-such-target.yaml"),
                                  "dangling symbolic link", (1, 1))
    cases["link-folder"] = Case("linked-folder", _symlink(str(outside)), "symbolic link pointing outside entries/",
                                (1, 1))
    cases["fifo"] = Case("fifo.yaml", _fifo, "not a regular file", (1, 1))
    cases["stray-json"] = Case("stray.json", b"{}", "not a .yaml or .yml file: it would be ignored", (1, 1))
    cases["upper-suffix"] = Case("upper-suffix.YAML", entry("upper-suffix").encode(), "not a .yaml or .yml file",
                                 (1, 1))
    add(_text("yml-suffix", entry("yml-suffix"), None, suffix=".yml"))
    cases["subfolder"] = Case("team/subfolder.yaml", entry("subfolder").encode(), None)
    cases["dup-id-first"] = Case("other-team/dup-id.yaml", entry("dup-id").encode(), None)
    cases["dup-across-folders"] = Case("team/dup-id.yaml", entry("dup-id").encode(),
                                       "duplicate id 'dup-id', also used by entries/other-team/dup-id.yaml", (2, 5))
    cases["readme"] = Case("README.md", b"# Entries\n\n<script>not an entry</script>\n", None)
    add(_text("bom", "\ufeff" + entry("bom"), None))
    add(_text("crlf", entry("crlf").replace("\n", "\r\n"), None))
    add(_text("id-traversal", entry("id-traversal", **{"id: id-traversal": "id: ../../etc/passwd"}),
              "String should match pattern", (2, 5), "id"))
    # dates
    add(_text("future-published", entry("future-published", **{"published: 2026-11-25": f"published: {FUTURE}"}),
              "is in the future", (92, 12), "published"))
    add(_text("future-updated", entry("future-updated", **{"updated: 2026-11-25": f"updated: {FUTURE}"}),
              "is in the future", (93, 10), "updated"))
    add(_text("future-verified", entry("future-verified", **{"date: 2026-11-25": f"date: {FUTURE}"}),
              "is in the future", (77, 11), "environment.verified.date"))
    add(_text("far-future", entry("far-future", **{"date: 2026-11-25": "date: 2099-01-01"}),
              "2099-01-01 is in the future", (77, 11)))
    # raw HTML in every prose field, found at its own line and column
    for case_id, field, after, payload in [
        ("html-title", "title", 'title: "JSONDecodeError: ', "</title><script>alert(1)</script>"),
        ("html-fix-title", "fix_title", "fix_title: check ", "<b onmouseover=alert(1)>the</b> "),
        ("html-exception", "exception", "exception: json.decoder.", "<script>"),
        ("html-category", "category", "category: Value", "<marquee>"),
        ("html-summary", "summary", "  Python's ", "<script>alert(1)</script> "),
        ("html-quick-fix", "quick_fix", "  Print the ", "<img src=x onerror=alert(1)> "),
        ("html-why", "why", "The position in\n  the ", "<iframe src=https://evil.test></iframe> "),
        ("html-detection", "detection", "  Find ", "<a href=x onclick=alert(1)>every</a> "),
        ("html-cause", "causes[0].cause", "cause: The text", " </title><script>x</script>"),
        ("html-cause-fix", "causes[1].fix", "fix: Check the status", " <svg onload=alert(1)>"),
        ("html-code-title", "code[0].title", "title: Decoding", " <details open ontoggle=alert(1)>"),
        ("html-code-note", "code[0].note", "note: Decode only", " <!-- hidden -->"),
        ("html-workaround", "workaround", "  Wrap the decode", " <style>body{display:none}</style>"),
        ("html-prevention", "prevention", "  Check status codes", " <object data=x></object>"),
        ("html-package-note", "environment.packages[0].note", 'note: "Response.json()', " <embed src=x>"),
        ("html-verified-how", "environment.verified.how", "how: Ran the", " <script>alert(1)</script>"),
        ("html-reference-title", "references[0].title", 'title: "json: ', "<img src=x onerror=alert(1)>"),
        ("bare-module", "why", "so the text was empty or\n  was something else", " in <module>"),
    ]:
        text, where = insert(case_id, after, payload)
        add(_text(case_id, text, "raw HTML" if case_id != "bare-module" else "would be read as an HTML tag",
                  where, field))
    # what error text legitimately holds, outside and inside code
    add(_text("code-span-module", entry("code-span-module", **{"  was something else, such as an HTML page.":
                                                                "  was something else, such as `<module>` or "
                                                                "`List[int]`, and a < b."}), None))
    add(_text("fenced-html", entry("fenced-html", **{"  the raw body in error logs.\n":
                                                     "  the raw body in error logs.\n\n  ```html\n"
                                                     "  <script>alert(1)</script>\n  ```\n"}), None))
    add(_text("quote-in-summary", entry("quote-in-summary", **{"Python's json module": 'Python\'s "json" module'}),
              None))
    add(_text("autolink", entry("autolink", **{"  the raw body in error logs.":
                                               "  the raw body in error logs: <https://docs.python.org/3/>."}), None))
    # Markdown that would make HTML anyway
    for case_id, after, payload, message in [
        ("js-link", "  Wrap the decode", " [x](javascript:alert(1))", "link target 'javascript:alert(1'"),
        ("entity-js-link", "  Wrap the decode", " [x](&#106;avascript:alert(1))", "is not an http(s) address"),
        ("attr-list", "  Wrap the decode", " [x](https://ok.test/){ onclick=alert(1) }", "attribute list"),
        ("image", "  Wrap the decode", " ![x](https://evil.test/pixel.png)", "images are not allowed"),
        ("snippet", "  the raw body in error logs.", '\n\n  --8<-- "/etc/passwd"', "snippet marker"),
        ("angle-js-link", "  Wrap the decode", " [x](<javascript:alert(1)>)", "is not an http(s) address"),
        ("reference-js-link", "  the raw body in error logs.", "\n\n  [r]: javascript:alert(1)",
         "is not an http(s) address"),
        ("backslash-html", "  Wrap the decode", " \\<script>alert(1)</script>", "raw HTML '<script>'"),
        ("escaped-backtick-trick", "  Wrap the decode", " \\\\`x` <b onclick=alert(1)>y</b> `z`", "raw HTML '<b"),
    ]:
        text, where = insert(case_id, after, payload)
        add(_text(case_id, text, message, None))
    add(_text("backtick-exception", entry("backtick-exception", **{"exception: json.decoder.JSONDecodeError":
                                                                    "exception: json.decoder.`JSONDecodeError"}),
              "a backtick in an exception name", (5, 25), "exception"))
    # reference URLs
    for case_id, url, message in [
        ("url-javascript", "javascript:alert(1)", "not an http(s) URL"),
        ("url-markup", "https://x.test/a)<img/src/onerror=alert(1)>", "')' at character 17"),
        ("url-space", "https://x.test/a b", "a space at character 17"),
        ("url-quote", 'https://x.test/"onmouseover="alert(1)', "'\"' at character 16"),
        ("url-data", "data:text/html,<script>alert(1)</script>", "not an http(s) URL"),
        ("url-userinfo", "https://docs.python.org@evil.test/", "no user name or password"),
        ("url-no-host", "https:///path", "is not a host name"),
    ]:
        quoted = "'" + url.replace("'", "''") + "'"
        add(_text(case_id, entry(case_id, **{"url: https://docs.python.org/3/library/json.html#json.JSONDecodeError":
                                             f"url: {quoted}"}), message, (82, 10), "references[0].url"))
    return cases


@pytest.fixture(scope="module")
def outside(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder outside every knowledge base, holding a secret."""
    folder = tmp_path_factory.mktemp("outside")
    (folder / "secret.yaml").write_text(f"id: secret\ntitle: {CANARY}\napi_key: {CANARY}\n", encoding="utf-8")
    (folder / "note.yaml").write_text(f"entry: json-expecting-value\nauthor: a\ndate: 2026-11-20\nstatus: pending\n"
                                      f"body: {CANARY}\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory, outside: Path) -> tuple[Path, dict[str, Case]]:
    kb = copy_kb(tmp_path_factory.mktemp("hostile"))
    cases = _build_cases(outside)
    for case in cases.values():
        path = kb / "entries" / case.file
        path.parent.mkdir(parents=True, exist_ok=True)
        if callable(case.content):
            case.content(path)
        else:
            path.write_bytes(case.content)
    return kb, cases


@pytest.fixture(scope="module")
def hostile_report(hostile: tuple[Path, dict[str, Case]]) -> tuple[subprocess.CompletedProcess[str], float]:
    kb, _ = hostile
    started = time.monotonic()
    result = fixdex(kb, "check", "entries")
    return result, time.monotonic() - started


ENTRY_CASES = sorted(_build_cases(Path("/nonexistent")))


def test_there_are_at_least_40_entry_kinds() -> None:
    assert len(ENTRY_CASES) >= 40, len(ENTRY_CASES)


def test_the_whole_hostile_folder_is_checked_fast_and_every_line_is_located(
    hostile_report: tuple[subprocess.CompletedProcess[str], float],
) -> None:
    result, seconds = hostile_report
    assert result.returncode == 1
    assert seconds < 20, seconds
    lines = result.stdout.splitlines()
    assert lines[-1].startswith("check failed: ")
    for line in lines[:-1]:
        assert LOCATED.match(line), line
    assert len(result.stdout) < 200_000  # no field is echoed whole


@pytest.mark.parametrize("case_id", ENTRY_CASES)
def test_entry_case(case_id: str, hostile: tuple[Path, dict[str, Case]],
                    hostile_report: tuple[subprocess.CompletedProcess[str], float]) -> None:
    _, cases = hostile
    case = cases[case_id]
    result, _ = hostile_report
    shown = f"entries/{case.file}"
    mine = [m for m in map(LOCATED.match, result.stdout.splitlines()) if m and m["path"] == shown]
    if case.message is None:
        assert mine == [], [m.group(0) for m in mine]
        return
    found = [m for m in mine if case.message in m["message"]]
    assert found, f"{case.message!r} not reported for {shown}:\n" + "\n".join(m.group(0) for m in mine)
    if case.field is not None:
        assert found[0]["field"] == case.field, found[0].group(0)
    if case.where is not None:
        line, column = case.where
        assert int(found[0]["line"]) == line, found[0].group(0)
        if column is not None:
            assert int(found[0]["column"]) == column, found[0].group(0)


def test_correct_results_load(hostile: tuple[Path, dict[str, Case]]) -> None:
    """.yml, subfolders, BOM and CRLF entries load: they are in the report's entry count when alone."""
    kb, cases = hostile
    clean = copy_kb(kb.parent / "clean")
    (clean / "entries" / "json-expecting-value.yaml").write_text(entry("json-expecting-value"), encoding="utf-8")
    for case_id in ("yml-suffix", "subfolder", "bom", "crlf", "code-span-module", "fenced-html", "quote-in-summary",
                    "autolink", "readme"):
        target = clean / "entries" / cases[case_id].file
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(kb / "entries" / cases[case_id].file, target)
    result = fixdex(clean, "check", "entries")
    assert result.returncode == 0, result.stdout
    assert result.stdout == "check passed: 12 entries\n"


def test_a_link_named_on_the_command_line_is_not_read(hostile: tuple[Path, dict[str, Case]]) -> None:
    kb, _ = hostile
    result = fixdex(kb, "check", "entries/link-outside.yaml")
    assert result.returncode == 1
    assert result.stdout.startswith("entries/link-outside.yaml:1:1: error: <file>: symbolic link pointing outside")


def test_the_build_stops_with_located_errors(hostile: tuple[Path, dict[str, Case]]) -> None:
    kb, _ = hostile
    started = time.monotonic()
    result = run_mkdocs(kb)
    assert time.monotonic() - started < 60
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "Traceback" not in output and CANARY not in output
    assert "entries/alias-bomb.yaml:2:11: error: <file>: YAML alias *a" in output
    assert "entries/merge-key.yaml:94:1: error: <file>: merge keys (<<) are not allowed" in output


# --------------------------------------------------------------------------- notes

NOTE = "entry: json-expecting-value\nauthor: octocat\ndate: 2026-11-20\nstatus: pending\nbody: |\n  Set NO_PROXY.\n"
NOTE_FOLDER = "notes/json-expecting-value"


def _note(**replacements: str) -> bytes:
    text = NOTE
    for old, new in replacements.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text.encode("utf-8")


# (case, file under notes/, content or maker, message, (line, column) or None)
NOTE_CASES: list[tuple[str, str, bytes | str, str, tuple[int, int] | None]] = [
    ("alias", "2026-11-20-alias.yaml", _note(**{"author: octocat": "author: &a octocat",
                                                "  Set NO_PROXY.\n": "  Set NO_PROXY.\nextra: *a\n"}),
     "YAML alias *a", (7, 8)),
    ("merge-key", "2026-11-20-merge.yaml", NOTE.encode() + b"<<: {status: approved}\n", "merge keys (<<)", (7, 1)),
    ("date-key", "2026-11-20-datekey.yaml", NOTE.encode() + b"2026-13-01: x\n", "YAML reads it as a date", (7, 1)),
    ("int-key", "2026-11-20-intkey.yaml", NOTE.encode() + b"1: x\n", "YAML reads it as a number", (7, 1)),
    ("python-tag", "2026-11-20-pytag.yaml", _note(**{"status: pending": "status: !!python/name:os.system pending"}),
     "could not determine a constructor", (4, 9)),
    ("non-utf8", "2026-11-20-latin.yaml", _note(**{"Set NO_PROXY.": "Set NO_PROXY caf\xe9."}).replace(
        "caf\xe9".encode(), b"caf\xe9"), "not UTF-8 text: byte 0xe9", (6, 19)),
    ("nul-byte", "2026-11-20-nul.yaml", _note(**{"Set NO_PROXY.": "Set\x00 NO_PROXY."}), "contains U+0000", (6, 6)),
    ("bidi-raw", "2026-11-20-bidi.yaml", _note(**{"Set NO_PROXY.": "Set \u202eNO_PROXY."}), "contains U+202E",
     (6, 7)),
    ("too-big", "2026-11-20-big.yaml", NOTE.encode() + b"# " + b"x" * 20_000 + b"\n", "the limit is 16000", (1, 1)),
    ("future-date", f"{FUTURE}-future.yaml", _note(**{"date: 2026-11-20": f"date: {FUTURE}"}), "is in the future",
     (3, 7)),
    ("a-list", "2026-11-20-list.yaml", b"- entry: json-expecting-value\n", "a note must be a mapping", (1, 1)),
    ("empty", "2026-11-20-empty.yaml", b"", "file is empty", (1, 1)),
    ("stray-file", "notes.json", b"{}", "not a .yaml or .yml file", (1, 1)),
    ("yml-suffix", "2026-11-20-yml.yml", NOTE.encode(), "note files end in .yaml", (1, 1)),
    ("link-outside", "2026-11-20-link.yaml", "link:note.yaml", "symbolic link: not read", (1, 1)),
    ("link-dangling", "2026-11-20-dangling.yaml", "link:missing.yaml", "symbolic link: not read", (1, 1)),
    ("tab-indent", "2026-11-20-tab.yaml", _note(**{"\nstatus": "\n\tstatus"}), "YAML syntax error", (4, 1)),
]


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    kb = copy_kb(tmp_path)
    (kb / NOTE_FOLDER).mkdir(parents=True)
    return kb


@pytest.mark.parametrize(("case_id", "name", "content", "message", "where"), NOTE_CASES, ids=[c[0] for c in NOTE_CASES])
def test_note_file_case(kb: Path, outside: Path, case_id: str, name: str, content: bytes | str, message: str,
                        where: tuple[int, int] | None) -> None:
    path = kb / NOTE_FOLDER / name
    if isinstance(content, str):
        path.symlink_to(outside / content.removeprefix("link:"))
    else:
        path.write_bytes(content)
    result = fixdex(kb, "check", "entries")
    assert result.returncode == 1
    shown = f"{NOTE_FOLDER}/{name}"
    found = [m for m in map(LOCATED.match, result.stdout.splitlines()) if m and m["path"] == shown
             and message in m["message"]]
    assert found, result.stdout
    if where is not None:
        assert (int(found[0]["line"]), int(found[0]["column"])) == where, found[0].group(0)
    if path.is_file() and not path.is_symlink():
        before = path.read_bytes()
        moderated = fixdex(kb, "notes", "approve", shown)
        assert moderated.returncode in (1, 2), moderated.stdout + moderated.stderr
        assert path.read_bytes() == before


def test_note_at_the_wrong_depth_is_reported(kb: Path) -> None:
    (kb / "notes" / "2026-11-20-loose.yaml").write_bytes(NOTE.encode())
    result = fixdex(kb, "check", "entries")
    assert "notes/2026-11-20-loose.yaml:1:1: error: <file>: a note must sit in notes/ENTRY-ID/" in result.stdout


def test_a_linked_entry_folder_in_notes_is_not_followed(kb: Path, outside: Path) -> None:
    (kb / NOTE_FOLDER).rmdir()
    (kb / NOTE_FOLDER).symlink_to(outside)
    result = fixdex(kb, "check", "entries")
    assert f"{NOTE_FOLDER}:1:1: error: <file>: symbolic link: not read" in result.stdout


def test_approve_refuses_a_symlinked_note(kb: Path, outside: Path) -> None:
    before = (outside / "note.yaml").read_bytes()
    (kb / NOTE_FOLDER / "2026-11-20-octocat.yaml").symlink_to(outside / "note.yaml")
    result = fixdex(kb, "notes", "approve", f"{NOTE_FOLDER}/2026-11-20-octocat.yaml")
    assert result.returncode == 1
    assert "a symbolic link: moderate the note file itself" in result.stderr
    assert (outside / "note.yaml").read_bytes() == before


def test_approve_refuses_a_note_outside_notes(kb: Path, outside: Path) -> None:
    elsewhere = outside / "notes" / "json-expecting-value"
    elsewhere.mkdir(parents=True, exist_ok=True)
    note = elsewhere / "2026-11-20-octocat.yaml"
    note.write_bytes(NOTE.encode())
    result = fixdex(kb, "notes", "approve", str(note))
    assert result.returncode == 1
    assert "only notes there are moderated" in result.stderr
    assert note.read_bytes() == NOTE.encode()


def test_approve_refuses_a_path_that_climbs_out_of_notes(kb: Path) -> None:
    stray = kb / "elsewhere" / "json-expecting-value"
    stray.mkdir(parents=True)
    (stray / "2026-11-20-octocat.yaml").write_bytes(NOTE.encode())
    result = fixdex(kb, "notes", "reject", "notes/../elsewhere/json-expecting-value/2026-11-20-octocat.yaml")
    assert result.returncode == 1
    assert (stray / "2026-11-20-octocat.yaml").read_bytes() == NOTE.encode()


def _issue(body: str = "Set `NO_PROXY` for the API host.", entry_id: str = "json-expecting-value") -> str:
    return (f"### Entry id\n\n{entry_id}\n\n### Page URL\n\n_No response_\n\n### Your note\n\n{body}\n\n"
            "### Versions it applies to\n\n_No response_\n\n### Operating system\n\nAny\n\n"
            "### Your handle\n\noctocat\n")


IMPORT_CASES = [
    ("script-body", _issue("<script>alert(1)</script>").encode(), (), None),
    ("non-utf8-stdin", _issue().encode().replace(b"API host", b"API h\xffst"), (), "cannot read the issue body"),
    ("future-date", _issue().encode(), ("--date", FUTURE), "is in the future"),
    ("bidi-body", _issue("Run pip install \u202egnp.txt").encode(), (), "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("traversal-entry", _issue(entry_id="../../etc").encode(), (), "is not an entry id"),
    ("yaml-injection", _issue("status: approved\n---\n!!python/object:os.system 'id'\n&a [*a]").encode(), (), None),
]


@pytest.mark.parametrize(("case_id", "stdin", "options", "message"), IMPORT_CASES, ids=[c[0] for c in IMPORT_CASES])
def test_import_case(kb: Path, case_id: str, stdin: bytes, options: tuple[str, ...], message: str | None) -> None:
    result = fixdex(kb, "notes", "import", "-", "--date", "2026-11-20", *options, stdin=stdin)
    if message is None:
        assert result.returncode == 0, result.stdout + result.stderr
        assert "status: pending" in result.stdout
        assert fixdex(kb, "check", "entries").returncode == 0
    else:
        assert result.returncode in (1, 2)
        assert message in result.stdout + result.stderr
        assert list((kb / NOTE_FOLDER).iterdir()) == []


def test_import_into_a_linked_folder_is_refused(kb: Path, outside: Path) -> None:
    target = outside / "linked-notes"
    target.mkdir(exist_ok=True)
    (kb / NOTE_FOLDER).rmdir()
    (kb / NOTE_FOLDER).symlink_to(target)
    result = fixdex(kb, "notes", "import", "-", "--date", "2026-11-20", stdin=_issue().encode())
    assert result.returncode == 1
    assert "is a symbolic link" in result.stdout
    assert list(target.iterdir()) == []


def test_there_are_at_least_20_note_kinds() -> None:
    path_and_link_tests = [
        test_note_at_the_wrong_depth_is_reported, test_a_linked_entry_folder_in_notes_is_not_followed,
        test_approve_refuses_a_symlinked_note, test_approve_refuses_a_note_outside_notes,
        test_approve_refuses_a_path_that_climbs_out_of_notes, test_import_into_a_linked_folder_is_refused,
    ]
    assert len(NOTE_CASES) + len(IMPORT_CASES) + len(path_and_link_tests) >= 20


# --------------------------------------------------------------------------- races and faults


def _pending(kb: Path) -> Path:
    note = kb / NOTE_FOLDER / "2026-11-20-octocat.yaml"
    note.write_bytes(NOTE.encode())
    return note


def test_approve_and_reject_at_once_one_wins_the_other_says_so(kb: Path) -> None:
    note = _pending(kb)
    for _ in range(4):
        note.write_bytes(NOTE.encode())
        with ThreadPoolExecutor(2) as pool:
            runs = list(pool.map(lambda action: fixdex(kb, "notes", action, f"{NOTE_FOLDER}/{note.name}"),
                                 ["approve", "reject"]))
        assert sorted(run.returncode for run in runs) == [0, 1], [(r.stdout, r.stderr) for r in runs]
        loser = next(run for run in runs if run.returncode == 1)
        assert re.search(r"is already (approved|rejected): not (approved|rejected)", loser.stderr), loser.stderr
        winner = next(run for run in runs if run.returncode == 0)
        status = "approved" if winner.stdout.startswith("approved") else "rejected"
        assert f"status: {status}\n" in note.read_text(encoding="utf-8")


def test_parallel_approves_never_read_half_a_file(kb: Path) -> None:
    note = _pending(kb)
    with ThreadPoolExecutor(4) as pool:
        runs = list(pool.map(lambda _: fixdex(kb, "notes", "approve", f"{NOTE_FOLDER}/{note.name}"), range(6)))
    assert all(run.returncode == 0 for run in runs), [(r.stdout, r.stderr) for r in runs]
    assert sum(run.stdout.startswith("approved ") for run in runs) == 1
    assert note.read_bytes() == NOTE.replace("status: pending", "status: approved").encode()


def test_a_write_killed_midway_leaves_the_old_file(kb: Path) -> None:
    note = _pending(kb)
    script = (
        "import os, time, sys\n"
        "from pathlib import Path\n"
        "import fixdex.notes as notes\n"
        "def stuck(*args, **kwargs):\n"
        "    print('writing', flush=True)\n"
        "    time.sleep(60)\n"
        "os.replace = stuck\n"
        f"notes.set_status(Path({str(note)!r}), 'approved')\n"
    )
    process = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None and process.stdout.readline() == "writing\n"
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
    assert note.read_bytes() == NOTE.encode()
    leftovers = [p.name for p in note.parent.iterdir() if p.name != note.name]
    assert leftovers and all(name.startswith(".") for name in leftovers)  # hidden: no scan reads it
    assert fixdex(kb, "check", "entries").returncode == 0
    approved = fixdex(kb, "notes", "approve", f"{NOTE_FOLDER}/{note.name}")  # the lock died with the process
    assert approved.returncode == 0


def test_importing_twice_reports_the_first_file(kb: Path) -> None:
    first = fixdex(kb, "notes", "import", "-", "--date", "2026-11-20", stdin=_issue().encode())
    assert first.returncode == 0
    again = fixdex(kb, "notes", "import", "-", "--date", "2026-11-21", stdin=_issue("set `no_proxy`  for the API "
                                                                                     "host.").encode())
    assert again.returncode == 1
    assert ("the same note is already on file as " in again.stdout
            and "2026-11-20-octocat.yaml (status: pending)" in again.stdout)
    assert [p.name for p in (kb / NOTE_FOLDER).iterdir()] == ["2026-11-20-octocat.yaml"]


def test_importing_after_a_rejection_is_recognised(kb: Path) -> None:
    assert fixdex(kb, "notes", "import", "-", "--date", "2026-11-20", stdin=_issue().encode()).returncode == 0
    assert fixdex(kb, "notes", "reject", f"{NOTE_FOLDER}/2026-11-20-octocat.yaml").returncode == 0
    again = fixdex(kb, "notes", "import", "-", "--date", "2026-11-20", stdin=_issue().encode())
    assert again.returncode == 1
    assert "(status: rejected)" in again.stdout
    assert [p.name for p in (kb / NOTE_FOLDER).iterdir()] == ["2026-11-20-octocat.yaml"]


def test_parallel_imports_of_one_submission_write_one_file(kb: Path) -> None:
    with ThreadPoolExecutor(3) as pool:
        runs = list(pool.map(lambda _: fixdex(kb, "notes", "import", "-", "--date", "2026-11-20",
                                              stdin=_issue().encode()), range(3)))
    assert sorted(run.returncode for run in runs) == [0, 1, 1]
    assert [p.name for p in (kb / NOTE_FOLDER).iterdir() if not p.name.startswith(".")] == ["2026-11-20-octocat.yaml"]


# --------------------------------------------------------------------------- the rule against Python-Markdown

# What Python-Markdown and the site's extensions make from Markdown syntax; anything else in the
# output came from raw HTML in the text.
MARKDOWN_TAGS = {"p", "code", "pre", "em", "strong", "a", "ul", "ol", "li", "blockquote", "hr", "br", "span", "div",
                 "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "details", "summary",
                 "input", "label", "sup", "sub", "dl", "dt", "dd"}
MARKDOWN_ATTRIBUTES = {"class", "id", "href", "title", "for", "type", "name", "checked", "open", "align", "start"}
PROSE_PAYLOADS = [
    "File <stdin>, line 1", "in <module>", "x <b>bold</b>", "a \\<script>alert(1)</script>",
    "\\\\`x` <b onclick=alert(1)>y</b> `z`", "[a](<javascript:alert(1)>)", "[a]( javascript:alert(1))",
    "x\n\n[r]: javascript:alert(1)\n\n[y][r]", "[x](https://ok.test/){ onclick=alert(1) }", "para\n{: onclick=\"x\" }",
    "**b**{ style=\"color:red\" }", "<https://ok.test/a>", "<javascript:alert(1)>", "![x](https://evil.test/p.png)",
    "![x][r]\n\n[r]: https://evil.test/p.png", "``<script>`", "`<ok>` and ``<also ok>``", "```\n<script>\n```",
    "~~~\n<iframe>\n~~~", "- item <img src=x onerror=alert(1)>", "> quote <svg onload=alert(1)>",
    "<div markdown=\"1\">*x*</div>", "&lt;script&gt; is text", "[x](&#106;avascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))", "[x](data:text/html;base64,PHNjcmlwdD4=)", "a < b and b > c", "List[int] <= 3",
    "    <script>indented</script>", "<!-- comment -->", "<?php echo 1 ?>", "<![CDATA[x]]>",
    "text\n<script>\nalert(1)\n</script>\ntext", "`code` <b>x</b> `code`", "`a`b` <i>c</i>",
]


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.bad: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in MARKDOWN_TAGS:
            self.bad.append(f"<{tag}>")
        for name, value in attrs:
            if name not in MARKDOWN_ATTRIBUTES:
                self.bad.append(f"{tag}[{name}]")
            elif name == "href" and re.match(r"^\s*[A-Za-z][A-Za-z0-9+.-]*:", value or "") \
                    and not re.match(r"^https?:", value or ""):
                self.bad.append(f"{tag}[href={value}]")

    def handle_comment(self, data: str) -> None:
        self.bad.append("<!--")

    def handle_pi(self, data: str) -> None:
        self.bad.append("<?")

    def unknown_decl(self, data: str) -> None:
        self.bad.append("<![")


def _page_markdown() -> markdown.Markdown:
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    extensions, options = [], {}
    for item in config["markdown_extensions"]:
        name = next(iter(item)) if isinstance(item, dict) else item
        extensions.append(name)
        if isinstance(item, dict) and isinstance(item[name], dict):
            options[name] = {k: v == "true" if v in ("true", "false") else v for k, v in item[name].items()}
    return markdown.Markdown(extensions=extensions, extension_configs=options)


@pytest.mark.parametrize("payload", PROSE_PAYLOADS + [body for body, _ in HOSTILE_BODIES])
def test_prose_the_check_lets_through_renders_inert(payload: str) -> None:
    """The rule agrees with the renderer: what `untrusted` accepts, Python-Markdown turns into harmless HTML."""
    if html_findings(payload):
        return  # refused, located: never reaches a page
    rendered = _page_markdown().convert(payload)
    parser = _Tags()
    parser.feed(rendered)
    assert parser.bad == [], rendered
