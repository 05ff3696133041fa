"""The matcher, its signature syntax and `fixdex check`'s signature rule.

tests/data/match-vectors.json is shared with the JavaScript matcher
(tests/js/match.test.js): both must give the same results and scores.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fixdex.load import load_entries
from fixdex.matcher import clean, exception_names, index_record, match_index, normalise
from fixdex.signature import SignatureError, check_signatures, compile_signature, match_view

DATA = Path(__file__).resolve().parent / "data"
VECTORS = json.loads((DATA / "match-vectors.json").read_text(encoding="utf-8"))
sys.path.insert(0, str(DATA.parent.parent / "scripts"))
from update_match_vectors import vector_index  # noqa: E402

INDEX = vector_index(VECTORS["entries"])


@pytest.mark.parametrize("case", VECTORS["clean"], ids=lambda c: c["input"][:30])
def test_clean(case: dict[str, str]) -> None:
    assert clean(case["input"]) == case["output"]


@pytest.mark.parametrize("case", VECTORS["normalise"], ids=lambda c: c["input"][:30])
def test_normalise(case: dict[str, str]) -> None:
    assert normalise(case["input"]) == case["output"]


@pytest.mark.parametrize("case", VECTORS["exception_names"], ids=lambda c: c["input"][:30])
def test_exception_names(case: dict[str, object]) -> None:
    assert exception_names(clean(str(case["input"]))) == case["output"]


def test_stored_index_is_what_python_builds() -> None:
    """The browser side tests against `index`; it must be today's Python output, not a stale copy."""
    assert VECTORS["index"]["entries"] == [index_record(e) for e in INDEX.entries], (
        "run `.venv/bin/python scripts/update_match_vectors.py` and review the diff"
    )


@pytest.mark.parametrize("case", VECTORS["match"], ids=lambda c: c["name"])
def test_match_vectors(case: dict[str, object]) -> None:
    found = match_index(str(case["text"]), INDEX, top=5)
    expect = case["expect"]
    assert isinstance(expect, dict)
    if expect["top"] is None:
        assert found == []
        return
    if expect["top"] != "*":
        assert found[0].id == expect["top"]
    assert found[0].confident is expect["confident"]
    assert found[0].captures == expect["captures"]
    assert found[0].score == case["score"]
    if "fix_title" in expect:
        assert found[0].fix_title == expect["fix_title"]
    assert not any(c.confident for c in found[1:])
    assert all(0 <= c.score <= 1 for c in found)


# --- signature syntax -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("signature", "text", "captures"),
    [
        ("The model `{model}` does not exist", "The model 'gpt-x' does not exist", {"model": "gpt-x"}),
        ("No module named '{module}'", "No module named 'numpy.core._multiarray_umath'",
         {"module": "numpy.core._multiarray_umath"}),
        ("slated for removal in Python {version}.", "slated for removal in Python 3.12. Use x",
         {"version": "3.12"}),
        ("line {line:int} column {col:int}", "line 12 column 3", {"line": "12", "col": "3"}),
        ("took {seconds:number} seconds in total", "took 1.25 seconds in total", {"seconds": "1.25"}),
        ("unknown option {option:word} for this tool", "unknown option --fast for this tool", {"option": "--fast"}),
        ("a literal {{brace}} then {value} here", "a literal {brace} then x here", {"value": "x"}),
        ("cannot import name {name}", "cannot import name 'x' from 'y'", {"name": "'x' from 'y'"}),
        # listed values: ASCII case ignored, as in literal text; a place with another value is passed over
        ("'{t=DataFrame|Series}' object has no attribute 'append'", "AttributeError: 'series' object has no "
         "attribute 'append'", {"t": "series"}),
        ("cannot import name '{n=HfFolder|Repository}' from 'hub'", "cannot import name 'x' from 'hub'\n"
         "cannot import name 'Repository' from 'hub'", {"n": "Repository"}),
        ("{lib:word=libGL|libSM}.so.{v}: cannot open shared object file", "ImportError: libSM.so.6: cannot open "
         "shared object file", {"lib": "libSM", "v": "6"}),
    ],
)
def test_signature_captures(signature: str, text: str, captures: dict[str, str]) -> None:
    assert compile_signature(signature).search(match_view(text)) == captures


@pytest.mark.parametrize("text", [
    "ImportError: cannot import name 'split_torch_state_dict_into_shards' from 'huggingface_hub'",
    "ImportError: cannot import name 'HfFolderX' from 'huggingface_hub'",
    "ImportError: cannot import name 'Hf Folder' from 'huggingface_hub'",
])
def test_listed_values_refuse_other_names(text: str) -> None:
    signature = compile_signature("cannot import name '{name=cached_download|HfFolder}' from 'huggingface_hub'{rest}")
    assert signature.search(match_view(text)) is None
    assert signature.search(match_view(text.replace(text.split("'")[1], "HfFolder"))) is not None


def test_listed_values_travel_in_the_program_as_the_view_shows_them() -> None:
    record = compile_signature("cannot import name '{name=NaN|float_}' from 'numpy'").record()
    assert ["p", "name", "text", ["float_", "nan"]] in record["program"]


def test_program_is_plain_data_without_python_syntax() -> None:
    record = compile_signature("The model `{model}` does not exist (code {code:int})").record()
    assert record["anchor"] == 0
    assert [item[:2] for item in record["program"] if item[0] == "p"] == [["p", "model"], ["p", "code"]]
    assert not any("(?P" in item[1] for item in record["program"] if item[0] == "s")


@pytest.mark.parametrize(
    ("signature", "message"),
    [
        ("The model {model", "unclosed placeholder `{` at character 11"),
        ("a } b", "unmatched `}` at character 3"),
        ("value {Bad} here", "invalid placeholder name 'Bad' at character 8"),
        ("value {x:float} here", "unknown placeholder type 'float' in {x:float} at character 8"),
        ("from {a} to {a} again", "placeholder {a} is used twice at character 14"),
        ("value {a}{b} here", "placeholders {a} and {b} touch at character 10"),
        ("{a} {b} {c} {d} (char {e})", "placeholders {a} and {b} are separated only by spaces at character 4"),
        ("model '{a}' '{b}' here", "placeholders {a} and {b} are separated only by spaces and quotes at character 11"),
        ("value {a:int=1|2} here", "placeholder {a:int} has a list of values at character 13"),
        ("value {a=b||c} here", "empty value in {a=...} at character 12"),
        ("value {a=b|B} here", "value 'B' of {a} is listed twice at character 12"),
        ("value {a=it's} here", "value \"it's\" of {a} holds \"'\" at character 10"),
    ],
)
def test_invalid_signatures(signature: str, message: str) -> None:
    with pytest.raises(SignatureError) as error:
        compile_signature(signature)
    assert f"{error.value} at character {error.value.column}" == message


def test_check_rule_reports_located_problems() -> None:
    """The broken fixture under tests/data/signatures/ and its complete list of problems."""
    root = DATA / "signatures"
    result = load_entries([root / "entries"], root=root)
    assert result.problems == []
    problems = [str(p) for p in check_signatures(result.entries, root)]
    assert problems == [
        "entries/bad-signatures.yaml:12:5: error: signatures[0]: unclosed placeholder `{` at character 11 of the "
        "signature (close it with `}`, or write `{{` for a literal brace)",
        "entries/bad-signatures.yaml:13:5: error: signatures[1]: signature has only 6 letters and digits of fixed "
        "text, so it matches almost any error (keep at least 10 characters of the message's fixed words around the "
        "placeholders)",
        "entries/bad-signatures.yaml:14:5: error: signatures[2]: signature matches neither the entry's message nor "
        "any of its variants (check the fixed words against `message:`, and put a placeholder where the wording "
        "varies)",
        "entries/bad-signatures.yaml:15:5: error: signatures[3]: signature also matches a message of "
        "entries/good-signatures.yaml (\"GoodError: the widget 'spanner' is broken beyond repair\") "
        "(keep fixed the words that tell the two errors apart)",
        "entries/bad-signatures.yaml:16:5: error: signatures[4]: placeholders {a} and {b} are separated only by "
        "spaces at character 18 of the signature (keep a fixed word between them, as in `line {line} column "
        "{column}`: where one value ends would be a guess)",
        "entries/bad-signatures.yaml:17:5: error: signatures[5]: value 'wrench' of {widget} is named nowhere else in "
        "the entry (list only names the entry explains: name it in a variant, a cause or `why`, with the source "
        "that says so)",
    ]


def test_fixdex_check_runs_the_signature_rule(tmp_path: Path) -> None:
    shutil.copytree(DATA / "signatures", tmp_path / "kb")
    result = subprocess.run([sys.executable, "-m", "fixdex", "check", "entries"], cwd=tmp_path / "kb",
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "entries/bad-signatures.yaml:12:5: error: signatures[0]: unclosed placeholder" in result.stdout


# --- the fixture entries, through the public API ---------------------------------------------------


def test_match_uses_entries_given() -> None:
    import fixdex

    loaded = load_entries([DATA / "match" / "entries", DATA / "kb" / "entries"]).entries
    found = fixdex.match("openai.NotFoundError: The model `o9` does not exist or you do not have access to it.",
                         [item.entry for item in loaded], top=3)
    assert found[0].id == "openai-model-not-found" and found[0].confident
    assert found[0].captures == {"model": "o9"}
    assert found[0].url.endswith("errors/openai-model-not-found/")


def test_import_fixdex_stays_cheap() -> None:
    """No entry loading, no site tools at import: the matcher module only (timed in test_integrations.py)."""
    heavy = ["pydantic", "yaml", "jinja2", "mkdocs", "fixdex.load", "fixdex.render"]
    code = f"import sys, fixdex; print(*[name in sys.modules for name in {heavy!r}])"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False"] * len(heavy)


def test_javascript_matcher_passes_the_same_vectors() -> None:
    """The node side of the shared vectors, so one pytest run checks both implementations."""
    node = shutil.which("node") or "/usr/bin/node"
    assert Path(node).exists(), "node is missing: install Debian's nodejs (node 20 runs tests/js/)"
    result = subprocess.run([node, "--test", "tests/js/"], cwd=DATA.parent.parent, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
