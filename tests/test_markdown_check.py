"""The Markdown lint: each rule on the smallest text that breaks it, and its look-alikes that don't.

`fixdex check tests/data/bad` (tests/test_load.py, expected.txt) shows every
rule located in a whole entry; here each rule's exact offset, and the
rendering facts they stand on, are pinned one by one.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from fixdex.load import load_entries
from fixdex.markdown_check import Kind, check_entry_markdown, markdown_problems, source_positions

ROOT = Path(__file__).resolve().parent.parent
FENCE = "```"

# (text, kind, rule, the text at the reported offset)
BROKEN = [
    ("Find the calls:\n- `grep -rn x .`\n- `grep -rn y .`\n", Kind.BLOCK, "md-list-after-paragraph", "- `grep -rn x"),
    ("- a:\n\n    more text\n- b\n", Kind.BLOCK, "md-list-after-paragraph", "- b"),
    (f"Run:\n\n{FENCE}bash\nx\n{FENCE}\n- then this\n", Kind.BLOCK, "md-list-after-fence", "- then this"),
    (f"1. a:\n\n   {FENCE}bash\n   x\n   {FENCE}\n\n2. b\n", Kind.BLOCK, "md-list-indent", f"{FENCE}bash"),
    ("- a:\n\n  more text\n\n- b\n", Kind.BLOCK, "md-list-indent", "more text"),
    ("pandas falls through to __getattr__, which", Kind.BLOCK, "md-dunder", "__getattr__"),
    ("read numpy/__init__.py first", Kind.INLINE, "md-dunder", "__init__"),
    ("obj.__dict__ holds it", Kind.BLOCK, "md-dunder", "__dict__"),
    ("Wrap it in `try`/`except ValueError and log", Kind.BLOCK, "md-backtick", "`except"),
    ("a ``b c", Kind.BLOCK, "md-backtick", "``b"),
    ("a `b c\n\nd `e`", Kind.BLOCK, "md-backtick", "`b c"),  # a code span never crosses a blank line
    (f"Run:\n\n{FENCE}python\nx = 1\n", Kind.BLOCK, "md-unclosed-fence", f"{FENCE}python"),
    ("see issue\n#16009 for the history", Kind.BLOCK, "md-heading", "#16009"),
    ("- a\n\n    # not a comment here\n", Kind.BLOCK, "md-heading", "# not"),
    ("an **HTML error page", Kind.INLINE, "md-emphasis", "**HTML"),
    ("**one** and **two", Kind.BLOCK, "md-emphasis", "**two"),
    ("__bold words and more", Kind.BLOCK, "md-emphasis", "__bold"),
    ("check the `json` docs", Kind.PLAIN, "md-plain-text", "`json`"),
    ("a **b** c", Kind.PLAIN, "md-plain-text", "**b**"),
]

RIGHT = [
    ("Find the calls:\n\n- `grep -rn x .`\n- `grep -rn y .`\n", Kind.BLOCK),
    (f"- a:\n\n    {FENCE}bash\n    x\n    {FENCE}\n\n- b\n", Kind.BLOCK),
    (f"1. a:\n\n    {FENCE}bash\n    x\n    {FENCE}\n\n2. b\n", Kind.BLOCK),
    ("- a\n  continued lazily\n- b\n", Kind.BLOCK),
    (f"Run:\n\n{FENCE}bash\n# a comment\n- not a list\n__init__ `x\n{FENCE}\n", Kind.BLOCK),
    ("Use `__init__.py`, `obj.__dict__` and ``a ` b``.", Kind.BLOCK),
    ("snake__case__name and my__init__ and **bold** and __strong words__", Kind.BLOCK),
    ("an escaped \\` tick and \\*\\* stars", Kind.BLOCK),
    ("Python 3.12 is out. 2024 was the year", Kind.BLOCK),
    ("Read urllib3's __init__.py", Kind.PLAIN),
]


@pytest.mark.parametrize(("text", "kind", "rule", "at"), BROKEN, ids=[f"{b[2]}-{i}" for i, b in enumerate(BROKEN)])
def test_each_rule_reports_at_the_offending_text(text: str, kind: Kind, rule: str, at: str) -> None:
    problems = markdown_problems(text, kind)
    assert [p.rule for p in problems] == [rule], problems
    assert text[problems[0].offset:].startswith(at)
    assert problems[0].message and problems[0].hint


@pytest.mark.parametrize(("text", "kind"), RIGHT)
def test_markdown_that_renders_right_passes(text: str, kind: Kind) -> None:
    assert markdown_problems(text, kind) == []


def test_one_missing_blank_line_is_one_problem() -> None:
    """The items after the first would only join the list: reported once, fixed once."""
    problems = markdown_problems("Intro:\n- a\n- b\n- c\n")
    assert [p.rule for p in problems] == ["md-list-after-paragraph"]


def test_positions_follow_folded_quoted_and_literal_scalars() -> None:
    source = 'a: >-\n  one two\n  three __x__\nb: "say \\"hi\\" to __y__"\nc: |\n  - item\n      __z__\n'
    lines = source.splitlines()
    for start, value, token in [
        (source.index("one"), "one two three __x__", "__x__"),
        (source.index("say"), 'say "hi" to __y__', "__y__"),
        (source.index("- item"), "- item\n    __z__\n", "__z__"),
    ]:
        offset = value.index(token)
        ((line, column),) = source_positions(source, start, value, [offset]).values()
        assert lines[line - 1][column - 1:].startswith(token), (value, line, column)


def test_real_entry_is_located_inside_its_block_scalar(tmp_path: Path) -> None:
    entry = (ROOT / "tests/data/bad/md-list-after-fence.yaml").read_text(encoding="utf-8")
    path = tmp_path / "md-list-after-fence.yaml"
    path.write_text(entry, encoding="utf-8")
    (loaded,) = load_entries([path], root=tmp_path).entries
    (problem,) = check_entry_markdown(loaded)
    line = entry.splitlines()[problem.line - 1]
    assert line[problem.column - 1:].startswith("- If it is empty")
    assert str(problem).startswith("md-list-after-fence.yaml:37:3: error: quick_fix: md-list-after-fence: ")


def test_work_grows_linearly_with_the_text() -> None:
    """Pathological input (every character a delimiter) stays a linear scan."""
    nasty = ("` ** __ `` _" * 20_000 + "\n- x\n") * 5
    started = time.perf_counter()
    markdown_problems(nasty)
    markdown_problems("`" * 200_000)
    markdown_problems("__a" * 100_000)
    assert time.perf_counter() - started < 5
