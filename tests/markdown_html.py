"""Markdown that shows as text on a built page: a pure function over HTML.

What the reader sees is the judge, so this reads the built page, not the
source: a list marker starting a line or a sentence inside a paragraph (the
list collapsed into it), `**` or `__` left as text, a dunder such as
`__init__` turned into bold "init", and backticks outside code. Text inside
`<pre>`, `<code>`, `<script>` and `<style>` is code and never counts.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Elements whose text a reader reads as prose; text is gathered per innermost one.
BLOCKS = frozenset({"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "dd", "summary", "figcaption"})
CODE = frozenset({"pre", "code", "script", "style", "textarea", "kbd", "samp"})
VOID = frozenset({"br", "img", "hr", "input", "meta", "link", "source", "wbr", "area", "col", "embed", "track"})
CODE_MARK = "\x00"  # stands for a code span inside prose, so "`x`. - Next" keeps its shape

# A line of a paragraph that starts with a list marker: the list became text.
LIST_LINE = re.compile(r"(?m)^[ \t]*(?:[-*+]|\d{1,3}[.)])[ \t]+\S")
# A list marker starting a sentence in the middle of a line: ". - Preview".
LIST_IN_LINE = re.compile(r"[.:;!?][ \t]+(?:[-*]|\d{1,3}[.)])[ \t]+[A-Z`\x00]")
EMPHASIS = re.compile(r"\*\*|__")
# A dunder shown as written (raw HTML text such as a file name `__init__.py`) is right, not a marker.
LITERAL_DUNDER = re.compile(r"(?<![A-Za-z0-9_])__[A-Za-z][A-Za-z0-9_]*?__(?![A-Za-z0-9_])")
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})

# Dunder names (without their underscores) that are no English word a writer would put in bold:
# bold text equal to one is a lost dunder. Bold glued to a word or a dot is one too (`__init__.py`).
DUNDER_STEMS = frozenset(
    """
    init repr getattr getattribute setattr delattr getitem setitem delitem slots dict weakref qualname
    mro init_subclass class_getitem instancecheck subclasscheck aenter aexit aiter anext truediv
    floordiv lshift rshift main file version builtins future annotations post_init fspath sizeof
    reduce_ex getstate setstate deepcopy length_hint matmul kwdefaults set_name name module spec loader
    """.split()
)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.blocks: list[tuple[str, list[str]]] = []  # open prose blocks (tag, text parts), innermost last
        self.texts: list[tuple[str, str]] = []  # finished prose blocks (tag, text)
        self.code_depth = 0
        self.strong: list[tuple[str, str, str]] = []  # (before, inside, after) of every <strong>/<b>
        self._strong_open: list[tuple[str, list[str]]] = []
        self._last_text = ""
        self._pending_after: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        self.stack.append(tag)
        if tag in CODE:
            if self.code_depth == 0 and self.blocks:
                self.blocks[-1][1].append(CODE_MARK)
            self.code_depth += 1
        elif tag in BLOCKS and self.code_depth == 0:
            self.blocks.append((tag, []))
        elif tag in ("strong", "b") and self.code_depth == 0:
            self._strong_open.append((self._last_text[-1:], []))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID or tag not in self.stack:
            return
        while self.stack:
            open_tag = self.stack.pop()
            self._close(open_tag)
            if open_tag == tag:
                break

    def _close(self, tag: str) -> None:
        if tag in CODE:
            self.code_depth -= 1
            self._last_text = "x"  # code counts as a word next to a bold
        elif tag in BLOCKS and self.code_depth == 0 and self.blocks:
            self._finish()
        elif tag in ("strong", "b") and self.code_depth == 0 and self._strong_open:
            before, inside = self._strong_open.pop()
            self._pending_after.append((before, "".join(inside)))

    def handle_data(self, data: str) -> None:
        if self.code_depth:
            return
        for before, inside in self._pending_after:
            self.strong.append((before, inside, data[:1]))
        self._pending_after.clear()
        if self.blocks:
            self.blocks[-1][1].append(data)
        for _, parts in self._strong_open:
            parts.append(data)
        if data:
            self._last_text = data

    def close(self) -> None:
        super().close()
        for before, inside in self._pending_after:
            self.strong.append((before, inside, ""))
        while self.blocks:
            self._finish()

    def _finish(self) -> None:
        tag, parts = self.blocks.pop()
        self.texts.append((tag, "".join(parts)))


def _show(text: str) -> str:
    return " ".join(text.replace(CODE_MARK, "`…`").split())[:160]


def _lost_dunder(before: str, inside: str, after: str) -> bool:
    """`__init__` became <strong>init</strong>: the bold is a dunder stem, or glued to a word or dot."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", inside):
        return False
    glued = bool(re.match(r"[\w.]", before)) or bool(re.match(r"[\w.(]", after))
    return inside.lower() in DUNDER_STEMS or glued


def markdown_problems_in_html(html: str) -> list[str]:
    """Each place where Markdown shows as text, as a short description with the text around it."""
    body = html
    start = body.find('<article class="md-content__inner')
    if start != -1:
        body = body[start:body.find("</article>", start) + len("</article>")]
    reader = _Reader()
    reader.feed(body)
    reader.close()
    problems: list[str] = []
    for tag, text in reader.texts:
        shown = _show(text)
        # a heading's own "1. " is the template's numbering of causes, not a collapsed list
        if (tag not in HEADINGS and LIST_LINE.search(text)) or LIST_IN_LINE.search(text):
            problems.append(f"list marker inside a paragraph: {shown}")
        if EMPHASIS.search(LITERAL_DUNDER.sub("", text)):
            problems.append(f"emphasis marker shown as text: {shown}")
        if "`" in text:
            problems.append(f"stray backtick: {shown}")
    for before, inside, after in reader.strong:
        if _lost_dunder(before, inside, after):
            problems.append(f"dunder turned bold: <strong>{inside}</strong> (write `__{inside}__`)")
    return problems
