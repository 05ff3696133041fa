"""The registry of retired identifiers: validated with located errors, enforced on advice, shown on pages."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from fixdex.load import load_entries
from fixdex.retired import check_entry, load_registry, strip_comments, without_before_lines
from tests.conftest import run_mkdocs

ROOT = Path(__file__).resolve().parent.parent
RETIRED = Path("tests/data/retired")


def test_bad_registry_reports_every_problem_located() -> None:
    _, problems = load_registry(ROOT, ROOT / RETIRED / "bad-registry.yaml")
    assert [str(p) for p in sorted(problems)] == [
        "tests/data/retired/bad-registry.yaml:12:11: error: identifiers[1].kind: Input should be 'model', 'api', "
        "'python' or 'package-version', got 'modle'",
        "tests/data/retired/bad-registry.yaml:17:13: error: identifiers[1].source.kind: 'article' is not a primary "
        "source; cite the maintainers' own page (docs, changelog, release-notes, source, issue or pep)",
        "tests/data/retired/bad-registry.yaml:26:14: error: identifiers[2].checked: invalid value '2026-13-01': "
        "month must be in 1..12 (write dates as YYYY-MM-DD)",
        "tests/data/retired/bad-registry.yaml:27:16: error: identifiers[2].patterns[0]: invalid regular expression "
        "'(np|numpy\\\\.NaN': missing ), unterminated subpattern at position 0",
        "tests/data/retired/bad-registry.yaml:28:5: error: identifiers[3].replacement: required field is missing "
        "(add `replacement:`)",
        "tests/data/retired/bad-registry.yaml:30:5: error: identifiers[3].replacment: unknown field "
        "(did you mean `replacement`?)",
    ]


def test_duplicate_names_are_reported(tmp_path: Path) -> None:
    text = (ROOT / RETIRED / "registry.yaml").read_text()
    items = text.split("\n  - name: ")
    (tmp_path / "registry.yaml").write_text(text + "  - name: " + items[1])
    _, problems = load_registry(tmp_path, tmp_path / "registry.yaml")
    assert [str(p) for p in problems] == [
        "registry.yaml:20:11: error: identifiers[2].name: 'openai.ChatCompletion' is already listed (line 2) "
        "(keep one of them)"
    ]


def test_the_repository_registry_is_valid() -> None:
    registry, problems = load_registry(ROOT)
    assert problems == []
    names = {item.name for item in registry.identifiers}
    assert {"gemini-pro-vision", "text-davinci-003", "openai.ChatCompletion", "np.NaN", "distutils", "imp"} <= names


def test_advice_that_recommends_a_retired_name_fails() -> None:
    registry, _ = load_registry(ROOT, ROOT / RETIRED / "registry.yaml")
    loaded = load_entries([ROOT / RETIRED / "entries"], root=ROOT)
    assert loaded.problems == []
    found = [str(p) for p in sorted(p for e in loaded.entries for p in check_entry(e, registry.identifiers))]
    prose_hint = "if the sentence moves readers away from it, say so (replace, instead of, removed)"
    # not reported: the broken code, the comments, the `# before` half of the quick fix, "Replace X with Y"
    assert found == [
        "tests/data/retired/entries/recommends-retired.yaml:31:12: error: quick_fix: advice recommends retired model "
        f"`text-davinci-003` (shut down 2024-01-04) (use a current chat model; {prose_hint})",
        "tests/data/retired/entries/recommends-retired.yaml:53:10: error: causes[1].fix: advice recommends retired "
        f"API `openai.ChatCompletion` (removed in openai 1.0.0) (use `client.chat.completions.create(...)`; "
        f"{prose_hint})",
        "tests/data/retired/entries/recommends-retired.yaml:53:10: error: causes[1].fix: advice recommends retired "
        f"model `text-davinci-003` (shut down 2024-01-04) (use a current chat model; {prose_hint})",
        "tests/data/retired/entries/recommends-retired.yaml:63:12: error: code[0].fixed: code recommends retired API "
        "`openai.ChatCompletion` (removed in openai 1.0.0) (use `client.chat.completions.create(...)`)",
    ]


def test_default_pattern_does_not_match_longer_names() -> None:
    registry, _ = load_registry(ROOT)
    by_name = {item.name: item for item in registry.identifiers}
    assert by_name["np.float"].found_in("x = np.float(3)")
    assert not by_name["np.float"].found_in("x = np.float64(3)")
    assert not by_name["imp"].found_in("import importlib")
    assert by_name["imp"].found_in("import imp\n")
    assert not by_name["gemini-1.0-pro"].found_in('model="gemini-1.0-pro-vision"')
    assert by_name["gemini-pro-vision"].found_in('GenerativeModel("gemini-pro-vision")')
    assert not by_name["collections.Mapping"].found_in("from collections.abc import Mapping")


def test_comments_and_before_lines_are_not_advice() -> None:
    assert "imp" not in strip_comments("x = 1  # imp was removed\n", "python")
    assert without_before_lines("# before\nimport imp\n# after\nimport importlib\n").split() == [
        "import", "importlib"]


def test_page_shows_retired_names_current_as_of(make_kb: Callable[..., Path]) -> None:
    kb = make_kb(ROOT / RETIRED / "entries" / "recommends-retired.yaml")
    # the fixture recommends retired names on purpose; the page test needs an entry that only mentions them
    entry = kb / "entries" / "recommends-retired.yaml"
    text = entry.read_text()
    text = text.replace("Then call the model `text-davinci-003` again.", "Old tutorials still name text-davinci-003.")
    text = text.replace('fix: Call `openai.ChatCompletion.create(model="text-davinci-003")` and check',
                        "fix: Check")
    text = text.replace('else openai.ChatCompletion.create(model="gpt-4o")', "else None")
    entry.write_text(text)
    (kb / "data").mkdir()
    shutil.copy(ROOT / RETIRED / "registry.yaml", kb / "data" / "retired.yaml")
    result = run_mkdocs(kb)
    assert result.returncode == 0, result.stdout + result.stderr
    html = (kb / "site" / "errors" / "recommends-retired" / "index.html").read_text()
    assert "Retired names on this page" in html
    assert "<code>text-davinci-003</code> (model): shut down 2024-01-04. Use a current chat model instead." in html
    assert "<code>openai.ChatCompletion</code> (API): removed in openai 1.0.0." in html
    assert "current as of 2026-11-25" in html
