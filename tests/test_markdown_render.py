"""Every entry page renders its Markdown: nothing meant as markup shows as text.

The catalogue is built by real MkDocs and each entry page is read as a reader
sees it (tests/markdown_html.py). To show the check can fail, the Markdown
fixtures of tests/data/bad are built with the Markdown rule of `fixdex check`
switched off: their pages must show exactly the faults the rule names.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DATA, ROOT, copy_kb
from tests.markdown_html import markdown_problems_in_html

ENTRY_IDS = sorted(path.stem for path in (ROOT / "entries").glob("*.yaml"))

# The page each Markdown fixture would give without the lint, and what a reader would see on it.
SHOWN_AS_TEXT = {
    "md-list-after-paragraph": "list marker inside a paragraph",
    "md-list-after-fence": "list marker inside a paragraph",
    "md-dunder": "dunder turned bold: <strong>init</strong>",
    "md-backtick": "stray backtick",
    "md-emphasis": "emphasis marker shown as text",
    "md-plain-text": "stray backtick",
}

# `mkdocs build` with every `fixdex check` rule but the Markdown one: the pages the rule prevents.
BUILD_WITHOUT_MARKDOWN_RULE = """
import sys
import fixdex.check
every_rule = fixdex.check.checkers
fixdex.check.checkers = lambda: [rule for rule in every_rule() if rule.__name__ != "check_markdown"]
from mkdocs.__main__ import cli
sys.argv[0] = "mkdocs"
cli()
"""


@pytest.mark.parametrize("entry_id", ENTRY_IDS)
def test_entry_page_shows_no_markdown_as_text(entry_id: str, catalogue_site: Path) -> None:
    page = (catalogue_site / "errors" / entry_id / "index.html").read_text(encoding="utf-8")
    assert markdown_problems_in_html(page) == []


@pytest.fixture(scope="module")
def unchecked_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    kb = copy_kb(tmp_path_factory.mktemp("unchecked"))
    shutil.rmtree(kb / "entries")
    (kb / "entries").mkdir()
    for name in [*SHOWN_AS_TEXT, "valid-anchor"]:  # the fixtures and the entry they were copied from
        shutil.copy(DATA / "bad" / f"{name}.yaml", kb / "entries")
    result = subprocess.run(
        [sys.executable, "-c", BUILD_WITHOUT_MARKDOWN_RULE, "build", "--strict"],
        cwd=kb, capture_output=True, text=True, timeout=900,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return kb / "site"


@pytest.mark.parametrize(("name", "shown"), SHOWN_AS_TEXT.items(), ids=list(SHOWN_AS_TEXT))
def test_the_page_check_sees_what_each_rule_prevents(name: str, shown: str, unchecked_site: Path) -> None:
    page = (unchecked_site / "errors" / name / "index.html").read_text(encoding="utf-8")
    problems = markdown_problems_in_html(page)
    assert len(problems) == 1 and problems[0].startswith(shown), problems


def test_the_entry_the_fixtures_were_copied_from_passes(unchecked_site: Path) -> None:
    page = (unchecked_site / "errors" / "valid-anchor" / "index.html").read_text(encoding="utf-8")
    assert markdown_problems_in_html(page) == []


# What Python-Markdown made of real entries before they were fixed, and look-alikes that are right.
SHOWN = [
    ("<p>or set <code>x</code> in a <code>conftest.py</code>.\n- Preview pandas 3 behaviour</p>",
     "list marker inside a paragraph"),
    ('<p><div class="highlight"><pre><code>grep x\n</code></pre></div>\n- Log which provider</p>',
     "list marker inside a paragraph"),
    ("<p>Regenerated files import fine on protobuf 4.21+. 3. If it lives in a package</p>",
     "list marker inside a paragraph"),
    ("<li>Flask 1.1.2 fails because flask/<strong>init</strong>.py imports escape</li>", "dunder turned bold"),
    ("<p>add <strong>future</strong> import</p>", "dunder turned bold"),
    ("<p>Wrap the decode in `try and log it</p>", "stray backtick"),
    ("<td>an **HTML page</td>", "emphasis marker shown as text"),
]
RIGHT = [
    '<h3 id="x">1. A capacity event on the provider side<a class="headerlink" href="#x">&para;</a></h3>',
    "<p>a <strong>view</strong> or a <strong>copy</strong> of the data</p>",
    "<p>Use <code>__init__.py</code> and <code>**kwargs</code> with <code>`</code></p>",
    "<pre><code>- item\n**bold** `tick`</code></pre>",
    '<p class="fx-verified">Read urllib3 2.8.0\'s __init__.py (the installed source)</p>',
    "<p>the <code>+</code> operator: <code>a</code> + <code>b</code> - both work</p>",
]


@pytest.mark.parametrize(("html", "shown"), SHOWN)
def test_markdown_shown_as_text_is_found(html: str, shown: str) -> None:
    problems = markdown_problems_in_html(html)
    assert len(problems) == 1 and problems[0].startswith(shown), problems


@pytest.mark.parametrize("html", RIGHT)
def test_rendered_markdown_is_not_flagged(html: str) -> None:
    assert markdown_problems_in_html(html) == []
