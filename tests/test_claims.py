"""Install commands and pins found in advice: exact claims for each way advice writes them."""

from __future__ import annotations

import time

import pytest

from fixdex.claims import Claim, claims_in_markdown, code_spans, pin, shell_words
from fixdex.verify import range_edges


def claims(text: str) -> list[tuple[int, str, tuple[str, ...], bool, str]]:
    return [(c.line, c.text, c.requirements, c.upgrade, c.skipped) for c in claims_in_markdown(text, "workaround")]


def test_a_fenced_block_is_one_claim_and_later_commands_win() -> None:
    text = (
        "Upgrade both:\n"
        "\n"
        "```bash\n"
        'pip install --upgrade "matplotlib>=3.8.4"   # first built against NumPy 2\n'
        "python -m pip install -U 'pandas>=2.2.2' && echo done\n"
        "pip install pandas==2.3.3\n"
        "```\n"
    )
    assert claims(text) == [(4, 'pip install --upgrade "matplotlib>=3.8.4"\n'
                                "python -m pip install -U 'pandas>=2.2.2' && echo done\n"
                                "pip install pandas==2.3.3", ("matplotlib>=3.8.4", "pandas==2.3.3"), True, "")]


@pytest.mark.parametrize(
    ("line", "requirements", "skipped"),
    [
        ("$ pip install requests", ("requests",), ""),
        ("RUN pip install --no-cache-dir opencv-python-headless numpy", ("opencv-python-headless", "numpy"), ""),
        ("uv pip install 'httpx<1'", ("httpx<1",), ""),
        (".venv/bin/pip install requests", ("requests",), ""),
        ("py -m pip install \"urllib3<2\"", ("urllib3<2",), ""),
        ("sudo pip3 install six", ("six",), ""),
        ("python3.12 -m pip install --break-system-packages <pkg>", (),
         "names a placeholder (<pkg>), not a package"),
        ("pip install -r requirements.txt -c constraints.txt", (),
         "installs from a requirements file the entry does not show (-r requirements.txt)"),
        ("pip install torch --index-url https://download.pytorch.org/whl/cu121", ("torch",),
         "installs from another package index (--index-url https://download.pytorch.org/whl/cu121)"),
        ("pip install --only-binary :all: $PACKAGE", (), "names a placeholder ($PACKAGE), not a package"),
        ("pip install -e .", (), "installs a local project in editable mode (-e .)"),
        ("pip install ./dist/pkg-1.0-py3-none-any.whl", (),
         "installs a local path or URL (./dist/pkg-1.0-py3-none-any.whl)"),
        ("pip install --only-binary :all:", (), "names no package"),
    ],
)
def test_install_commands(line: str, requirements: tuple[str, ...], skipped: str) -> None:
    found = claims(f"```console\n{line}\n```")
    assert [(c[2], c[4]) for c in found] == [(requirements, skipped)]


def test_lines_that_only_mention_pip_are_not_claims() -> None:
    assert claims("```bash\npip show pandas\npip uninstall -y opencv-python\necho pip install x\n```") == [
        (2, "echo pip install x", ("x",), False, "")]  # `echo` still names the command: it is advice text
    assert claims("```python\nimport subprocess  # pip install x\n```") == []


def test_inline_commands_and_pins() -> None:
    text = (
        "If you cannot migrate, `pip install \"openai==0.28.1\"` and the old code runs.\n"
        "\n"
        "Pin `pandas<2` **and** `\"numpy<2\"` in that environment; `df.append` then works.\n"
        "\n"
        "Pin `numpy<2`; packages that need `numpy>=2.0.2` cannot join it. Test `err.status_code == 529`.\n"
    )
    assert claims(text) == [
        (1, 'pip install "openai==0.28.1"', ("openai==0.28.1",), False, ""),
        (3, "pandas<2, numpy<2", ("pandas<2", "numpy<2"), False, ""),
        (5, "numpy<2", ("numpy<2",), False, ""),
        (5, "numpy>=2.0.2", ("numpy>=2.0.2",), False, ""),
    ]


@pytest.mark.parametrize(
    ("span", "expected"),
    [
        ("pandas<2", "pandas<2"),
        ('"numpy<2"', "numpy<2"),
        ("werkzeug>=2.2.2,<3", "werkzeug>=2.2.2,<3"),
        ("openai>=3.57, <4", "openai>=3.57, <4"),
        ("pandas", None),  # a name without a version is not a pin
        ("err.status_code == 529", None),
        ("self.end<=self.start", None),
        ("python>=3.12", None),
        ("sys.version_info >= (3, 12)", None),
        ("x[0]==1", None),
    ],
)
def test_pins(span: str, expected: str | None) -> None:
    assert pin(span) == expected


def test_text_blocks_hold_requirement_lines() -> None:
    assert claims("```text\n# requirements.txt\nflask==2.2.5\nwerkzeug<3\n```") == [
        (2, "flask==2.2.5\nwerkzeug<3", ("flask==2.2.5", "werkzeug<3"), False, "")]


def test_fences_inside_lists_and_other_languages() -> None:
    text = "1. Upgrade:\n\n    ```bash\n    pip install -U jinja2>=3.1\n    ```\n\n```python\n# pip install x\n```\n"
    assert claims(text) == [(4, "pip install -U jinja2>=3.1", ("jinja2>=3.1",), True, "")]


def test_code_spans_follow_commonmark() -> None:
    assert code_spans("a `b` c ``d ` e`` f `g") == [(2, "b"), (8, "d ` e")]
    assert code_spans("`` `x` ``") == [(0, "`x`")]


def test_shell_words() -> None:
    assert shell_words("pip install 'a b' \"c\\\"d\" e\\ f # comment") == [["pip", "install", "a b", 'c"d', "e f"]]
    assert shell_words("a && b || c; d | e & f") == [["a"], ["b"], ["c"], ["d"], ["e"], ["f"]]


@pytest.mark.parametrize("text", ["`" * 50_000, "` " * 50_000, "```\n" * 20_000, "'" * 50_000 + "pip install",
                                  "pip install " + "a" * 100_000])
def test_linear_time_on_hostile_text(text: str) -> None:
    start = time.monotonic()
    claims_in_markdown(text, "quick_fix")
    assert time.monotonic() - start < 2.0


def test_claim_json() -> None:
    claim = Claim("causes[1].fix", 1, "pandas<2", ("pandas<2",))
    assert claim.to_json() == {"location": "causes[1].fix", "line": 1, "text": "pandas<2",
                               "requirements": ["pandas<2"], "upgrade": False}
    assert claim.names == frozenset({"pandas"})


@pytest.mark.parametrize(
    ("specifier", "edges"),
    [
        (">=2.0", [("lowest affected", "2.0.0", True), ("highest affected", "3.1.1", True),
                   ("last unaffected before", "1.5.3", False)]),
        ("<2.0", [("lowest affected", "1.4.0", True), ("highest affected", "1.5.3", True),
                  ("first unaffected", "2.0.0", False)]),
        (">=2.0.0,<2.7", [("lowest affected", "2.0.0", True), ("highest affected", "2.6.2", True),
                          ("first unaffected", "3.0.0", False), ("last unaffected before", "1.5.3", False)]),
        (">=9", []),
    ],
)
def test_range_edges(specifier: str, edges: list[tuple[str, str, bool]]) -> None:
    versions = ["1.4.0", "1.5.3", "2.0.0", "2.1.0rc1", "2.6.2", "3.0.0", "3.1.1"]
    assert range_edges(specifier, versions) == edges


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Flask 1.1.3 and 1.1.4 require `Jinja2<3.0`; `pip install -U jinja2` installs 3.1 anyway.", []),
        ("Flask 1.1.4 (which pin `Jinja2<3.0`): upgrade Flask.", []),
        ("The error message itself suggests `openai==0.28`, and pandas 3.1.1 declares `numpy>=2.0.2`.", []),
        ("Avoid `pip install --user black` on a managed Python.", []),
        ("Upgrade that dependency instead of editing site-packages or pinning `openai<1`.", []),
        ("If you cannot migrate, pin `openai<1` and keep `numpy<2` (`pip install \"numpy<2\"`).",
         ["numpy<2", "openai<1, numpy<2"]),
        ("`pip install setuptools` brings back an importable `distutils`.", ["pip install setuptools"]),
    ],
)
def test_prose_that_reports_a_pin_is_not_advice(text: str, found: list[str]) -> None:
    assert sorted(c.text.replace('pip install "numpy<2"', "numpy<2") for c in claims_in_markdown(text, "fix")) == found
