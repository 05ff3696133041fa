"""Every shipped entry as its reader sees it, in a real Chromium at desktop and phone size.

The reader has an error in the terminal and ten seconds: the exact message (all
of it), the one-line fix and the start of the quick fix must be on the first
screen, nothing may show Markdown as text, and a phone must never scroll
sideways. A template bug hides in the entries nobody opened, so this opens all
of them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tests.conftest import ARTIFACTS, ROOT

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": (1366, 900), "phone": (390, 844)}
ENTRY_IDS = sorted(p.stem for p in (ROOT / "entries").glob("*.yaml"))
DUNDER = re.compile(r"__([a-z][a-z0-9]*)__")

# Measured in the page: where the quick fix starts, whether the message is clipped,
# text that is Markdown left unrendered, and sideways overflow.
MEASURE = """
() => {
  const article = document.querySelector("article.md-content__inner");
  const quick = article.querySelector(".admonition.fx-quick-fix");
  const label = quick && quick.querySelector(".admonition-title");
  // the first character of the quick fix's own text: its first line on screen
  let firstLine = null;
  if (quick) {
    const walker = document.createTreeWalker(quick, NodeFilter.SHOW_TEXT, {
      acceptNode: n => (label.contains(n) || !n.textContent.trim()) ? NodeFilter.FILTER_SKIP : NodeFilter.FILTER_ACCEPT,
    });
    const node = walker.nextNode();
    if (node) {
      const start = node.textContent.search(/\\S/);
      const range = document.createRange();
      range.setStart(node, start); range.setEnd(node, start + 1);
      firstLine = range.getBoundingClientRect().bottom + window.scrollY;
    }
  }
  const code = article.querySelector(".fx-message pre > code");
  const copy = article.querySelector(".fx-message .md-clipboard");
  let covered = false;
  if (code && copy) {
    // does the copy button sit on top of any character of the message?
    const button = copy.getBoundingClientRect();
    const range = document.createRange();
    range.selectNodeContents(code);
    for (const r of range.getClientRects()) {
      const across = r.right > button.left && r.left < button.right;
      if (r.width && across && r.bottom > button.top && r.top < button.bottom) covered = true;
    }
  }
  // text outside code that still carries Markdown syntax
  const prose = [];
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT, {
    acceptNode: n => n.parentElement.closest("pre, code, samp, kbd, script, style, .headerlink")
      ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT,
  });
  for (let n = walker.nextNode(); n; n = walker.nextNode()) prose.push(n.textContent);
  const paragraphs = [...article.querySelectorAll("p, li, td, th, h1, h2, h3, .admonition-title")].map(p => {
    const clone = p.cloneNode(true);
    clone.querySelectorAll("code, pre, samp, kbd").forEach(c => c.replaceWith(" CODE "));
    return clone.textContent;
  });
  const scrollers = [...document.querySelectorAll(".md-typeset__scrollwrap, .md-typeset__table, table")]
    .filter(el => el.scrollWidth > el.clientWidth + 1).map(el => el.outerHTML.slice(0, 80));
  return {
    label: label ? label.textContent.trim() : null,
    labelBottom: label ? label.getBoundingClientRect().bottom + window.scrollY : null,
    firstLine,
    codeClipped: code ? code.scrollWidth > code.clientWidth + 1 : null,
    preClipped: code ? code.parentElement.scrollWidth > code.parentElement.clientWidth + 1 : null,
    covered,
    messageText: code ? code.textContent : null,
    fixLine: (article.querySelector(".fx-fix-line") || {}).textContent || "",
    trust: (article.querySelector(".fx-trust") || {}).textContent || "",
    prose: prose.join("\\u0001"),
    paragraphs,
    strong: [...article.querySelectorAll("strong")].map(s => s.textContent),
    pageWidth: document.documentElement.scrollWidth,
    viewportWidth: window.innerWidth,
    scrollers,
    bodyFont: parseFloat(getComputedStyle(article.querySelector("h2 + p") || article).fontSize),
    fixFont: quick
      ? parseFloat(getComputedStyle(quick.querySelector("p:not(.admonition-title)") || quick).fontSize) : 0,
    bodyCode: [...article.querySelectorAll("p > code")]
      .filter(c => !c.closest(".admonition, .fx-exception, .fx-trust, .fx-versions, .fx-verified"))
      .map(c => parseFloat(getComputedStyle(c).fontSize))[0] || 0,
    fixCode: [...article.querySelectorAll(".fx-quick-fix code, .fx-cause-fix code")]
      .map(c => [parseFloat(getComputedStyle(c).fontSize), c.textContent.slice(0, 40)]),
  };
}
"""


def prose_fields(entry: dict) -> str:
    """The entry's Markdown prose, where a dunder name written outside code would turn bold."""
    parts = [
        entry.get(k, "") for k in ("title", "summary", "quick_fix", "why", "detection", "workaround", "prevention")
    ]
    parts += [c["cause"] + "\n" + c["fix"] for c in entry.get("causes", [])]
    parts += [c.get("note") or "" for c in entry.get("code", [])]
    return "\n".join(parts)


def reader_problems(entry: dict, seen: dict, height: int) -> list[str]:
    """Everything wrong with one entry page in one viewport, as readable sentences."""
    problems = []
    if seen["label"] != "Quick fix":
        problems.append(f"no 'Quick fix' label (found {seen['label']!r})")
    elif seen["labelBottom"] > height:
        problems.append(f"'Quick fix' label ends at {seen['labelBottom']:.0f}px, below the first screen ({height}px)")
    if seen["firstLine"] is None or seen["firstLine"] > height:
        problems.append(
            f"the quick fix's first line ends at {seen['firstLine']}px, below the first screen ({height}px)"
        )
    if seen["codeClipped"] or seen["preClipped"]:
        problems.append("the exact message overflows its box (clipped, scrolls sideways)")
    if seen["covered"]:
        problems.append("the copy button covers part of the exact message")
    if " ".join((seen["messageText"] or "").split()) != " ".join(entry["message"].split()):
        problems.append("the message box does not hold the exact message")
    if " ".join(entry["fix_title"].split()) not in " ".join(seen["fixLine"].split()):
        problems.append("the one-line fix is not on the page")
    if not re.search(r"\d{4}-\d{2}-\d{2}", seen["trust"]):
        problems.append("no verification date on the first screen")
    prose = seen["prose"]
    if "**" in prose:
        problems.append("'**' shows as text")
    if "`" in prose:
        context = prose[max(0, prose.index("`") - 40) : prose.index("`") + 40].replace("\u0001", " ")
        problems.append(f"a stray backtick shows as text: ...{context}...")
    for text in seen["paragraphs"]:
        marker = re.search(r"(?:^|[.:;!?)])\s+[-*+] [A-Za-z`(]", text)
        if marker:
            problems.append(
                f"a list marker inside a paragraph: ...{text[max(0, marker.start() - 30) : marker.end() + 30]}..."
            )
    dunders = set(DUNDER.findall(prose_fields(entry)))
    for bold in seen["strong"]:
        if bold in dunders:
            problems.append(f"__{bold}__ turned bold")
    if seen["pageWidth"] > seen["viewportWidth"]:
        problems.append(f"the page scrolls sideways ({seen['pageWidth']}px wide in {seen['viewportWidth']}px)")
    if seen["scrollers"]:
        problems.append(f"a table scrolls sideways: {seen['scrollers'][0]}")
    if seen["fixFont"] < seen["bodyFont"]:
        problems.append(f"quick-fix text {seen['fixFont']}px is smaller than body text {seen['bodyFont']}px")
    for size, code in seen["fixCode"]:
        if seen["bodyCode"] and size < seen["bodyCode"]:
            problems.append(
                f"code in a fix ({code!r}) is {size}px, smaller than code in body text {seen['bodyCode']}px"
            )
            break
    return problems


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_every_entry_puts_the_fix_on_the_first_screen(viewport: str, catalogue_site: Path, serve, browser) -> None:
    width, height = VIEWPORTS[viewport]
    base = serve(catalogue_site)
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    failures: dict[str, list[str]] = {}
    try:
        assert len(ENTRY_IDS) >= 40
        for entry_id in ENTRY_IDS:
            entry = yaml.safe_load((ROOT / "entries" / f"{entry_id}.yaml").read_text(encoding="utf-8"))
            page.goto(f"{base}errors/{entry_id}/")
            page.wait_for_load_state("load")
            problems = reader_problems(entry, page.evaluate(MEASURE), height)
            if problems:
                failures[entry_id] = problems
        for entry_id in ("gemini-model-not-found", "torch-cuda-out-of-memory"):
            page.goto(f"{base}errors/{entry_id}/")
            page.screenshot(path=str(screenshot_path(f"entry-{entry_id}-{viewport}")))
    finally:
        context.close()
    report = "\n".join(f"{entry_id} ({viewport}): {p}" for entry_id, ps in failures.items() for p in ps)
    assert not failures, f"{len(failures)} of {len(ENTRY_IDS)} entries fail the first-screen check:\n{report}"
    assert errors == []


def screenshot_path(name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / f"{name}.png"


def test_the_check_can_fail(catalogue_site: Path, serve, browser) -> None:
    """The measure catches what it claims to: a page with the fix pushed down and Markdown left as text."""
    base = serve(catalogue_site)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(f"{base}errors/json-expecting-value/")
        page.evaluate("""() => {
          const quick = document.querySelector('.fx-quick-fix');
          const filler = document.createElement('div'); filler.style.height = '900px';
          quick.before(filler);
          const p = document.createElement('p'); p.textContent = 'Run it in a __main__ block. - Then **retry** with `x';
          quick.after(p);
          const wide = document.createElement('table');
          wide.innerHTML = '<tr><td style="white-space:nowrap">' + 'x'.repeat(400) + '</td></tr>';
          document.querySelector('article').append(wide);
        }""")
        entry = yaml.safe_load((ROOT / "entries" / "json-expecting-value.yaml").read_text(encoding="utf-8"))
        problems = reader_problems(entry, page.evaluate(MEASURE), 844)
    finally:
        context.close()
    text = "\n".join(problems)
    assert "below the first screen" in text
    assert "'**' shows as text" in text
    assert "stray backtick" in text
    assert "list marker inside a paragraph" in text
    assert "scrolls sideways" in text
