"""Install commands and version pins that an entry's advice tells readers to run.

A quick fix, a cause's fix or a workaround that says `pip install -U "flask>=3.1"`
or "pin `pandas<2`" makes a claim a machine can test: those requirements install
together, on the entry's Python, and the error then goes away. This module finds
those claims in the Markdown (`extract_claims`); `fixdex verify` runs them.

Where claims are looked for:

- fenced blocks in `bash`, `sh`, `shell`, `console`, `shell-session`, `text`,
  `dockerfile` or no language: every `pip install` (also `pip3`, `python -m pip`,
  `py -m pip`, `.venv/bin/pip`, `uv pip install`) is a command; one block is one
  claim, since its commands run one after the other. A `text` block's bare
  requirement lines (`numpy<2`, a requirements file) are pins.
- inline code spans: a span holding a `pip install` command is a claim; spans
  that are a requirement with a version specifier (`pandas<2`, `"numpy<2"`,
  `werkzeug>=2.2.2,<3`) are pins, and the pins of one paragraph form one claim
  (advice says "pin `pandas<2` and `numpy<2`" to mean both at once).

A claim that names a placeholder (`<package>`, `$PKG`, `...`), a requirements
file, a local path or another package index is kept, with the reason it cannot
be run here, so the record can say so instead of silently skipping it.

Everything here is linear in the text's length: hand-written scanners, no
regular expressions that could backtrack.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from fixdex.model import Entry

SHELL_LANGUAGES = frozenset({"", "bash", "sh", "shell", "zsh", "console", "shell-session", "text", "dockerfile",
                             "powershell", "ps1", "bat", "cmd"})
# pip options that take a value, and what using them means for a claim
_VALUE_OPTIONS = frozenset({
    "-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url", "--extra-index-url",
    "-f", "--find-links", "-t", "--target", "--prefix", "--root", "--platform", "--python-version",
    "--implementation", "--abi", "--only-binary", "--no-binary", "--report", "--progress-bar",
    "--upgrade-strategy", "--src", "--log", "--python", "-p", "--config-settings", "-C", "--global-option",
    "--trusted-host", "--cache-dir", "--timeout", "--retries", "--proxy", "--cert", "--client-cert",
    "--exists-action", "--root-user-action", "--index-strategy", "--keyring-provider",
})
_UNRUNNABLE_OPTIONS = {
    "-r": "installs from a requirements file the entry does not show",
    "--requirement": "installs from a requirements file the entry does not show",
    "-e": "installs a local project in editable mode",
    "--editable": "installs a local project in editable mode",
    "-i": "installs from another package index",
    "--index-url": "installs from another package index",
    "--extra-index-url": "installs from another package index",
    "-f": "installs from a local folder or page of links",
    "--find-links": "installs from a local folder or page of links",
}
_UPGRADE_FLAGS = frozenset({"-U", "--upgrade"})
_NOT_PACKAGES = frozenset({"python", "pip-install", "cpython", "pypy"})


@dataclass(frozen=True)
class Claim:
    """One thing the advice says to install, as a set of requirements resolved together."""

    location: str  # the entry field, e.g. "quick_fix", "causes[2].fix", "workaround"
    line: int  # 1-based line within that field's text where the claim starts
    text: str  # as written, e.g. 'pip install -U "flask>=3.1"' or '`pandas<2`, `numpy<2`'
    requirements: tuple[str, ...]
    upgrade: bool = False
    skipped: str = ""  # why it cannot be run here (a placeholder, a requirements file, ...); "" when it can

    @property
    def names(self) -> frozenset[str]:
        """The canonical names of the packages the claim installs."""
        return frozenset(requirement_name(text) for text in self.requirements)

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {"location": self.location, "line": self.line, "text": self.text,
                                   "requirements": list(self.requirements), "upgrade": self.upgrade}
        if self.skipped:
            data["skipped"] = self.skipped
        return data


def requirement_name(text: str) -> str:
    return canonicalize_name(Requirement(text).name)


def advice_fields(entry: Entry) -> list[tuple[str, str]]:
    """The fields whose install commands and pins are claims: the fixes and the workaround."""
    fields = [("quick_fix", entry.quick_fix)]
    fields += [(f"causes[{index}].fix", cause.fix) for index, cause in enumerate(entry.causes)]
    fields.append(("workaround", entry.workaround))
    return fields


def extract_claims(entry: Entry) -> list[Claim]:
    """Every install command or pin in the entry's advice, in reading order, each once."""
    found: list[Claim] = []
    seen: set[tuple[frozenset[str], tuple[str, ...], bool]] = set()
    for location, text in advice_fields(entry):
        for claim in claims_in_markdown(text, location):
            key = (claim.names if not claim.skipped else frozenset({claim.text}), tuple(sorted(claim.requirements)),
                   claim.upgrade)
            if key in seen:  # the same pin repeated in a cause and the workaround is one claim
                continue
            seen.add(key)
            found.append(claim)
    return found


# -- Markdown: fenced blocks, paragraphs, code spans -------------------------------------------------


@dataclass
class _Block:
    kind: str  # "fence" or "paragraph"
    language: str
    line: int  # 1-based line of the block's first content line
    lines: list[str] = field(default_factory=list)


def _fence_opening(stripped: str) -> tuple[str, int] | None:
    """(fence character, length) when the line opens or closes a fence."""
    if not stripped or stripped[0] not in "`~":
        return None
    char = stripped[0]
    count = 0
    while count < len(stripped) and stripped[count] == char:
        count += 1
    return (char, count) if count >= 3 else None


def _blocks(text: str) -> Iterator[_Block]:
    """Fenced blocks and paragraphs (runs of non-blank lines outside fences), with their first line."""
    fence: tuple[str, int] | None = None
    current: _Block | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if fence is not None:
            assert current is not None
            closing = _fence_opening(stripped)
            if closing and closing[0] == fence[0] and closing[1] >= fence[1] and stripped.strip(fence[0]) == "":
                yield current
                fence, current = None, None
            else:
                current.lines.append(stripped)
            continue
        opening = _fence_opening(stripped)
        if opening:
            if current is not None:
                yield current
            info = stripped[opening[1]:].strip().split(" ", 1)[0].strip("{}.").lower()
            fence, current = opening, _Block("fence", info, number + 1)
            continue
        if not stripped:
            if current is not None:
                yield current
            current = None
            continue
        if current is None:
            current = _Block("paragraph", "", number)
        current.lines.append(stripped)
    if current is not None:
        yield current


def code_spans(text: str) -> list[tuple[int, str]]:
    """(offset, content) of each inline code span, CommonMark's way: a run of N backticks up to the next run of N.

    Linear: backtick runs are found in one pass, and each run length keeps a
    pointer to its next unused run, so no closing run is searched for twice.
    """
    runs: list[tuple[int, int]] = []  # (start, length)
    index = 0
    while index < len(text):
        if text[index] == "`":
            start = index
            while index < len(text) and text[index] == "`":
                index += 1
            runs.append((start, index - start))
        else:
            index += 1
    by_length: dict[int, list[int]] = {}
    for position, (_, length) in enumerate(runs):
        by_length.setdefault(length, []).append(position)
    next_of: dict[int, int] = {}  # run length -> index into by_length[length] of the next candidate
    spans: list[tuple[int, str]] = []
    position = 0
    while position < len(runs):
        start, length = runs[position]
        candidates = by_length[length]
        pointer = next_of.get(length, 0)
        while pointer < len(candidates) and candidates[pointer] <= position:
            pointer += 1
        next_of[length] = pointer
        if pointer == len(candidates):  # no closing run: the backticks are literal
            position += 1
            continue
        closing = candidates[pointer]
        content = text[start + length:runs[closing][0]]
        content = content.replace("\n", " ")
        if len(content) >= 2 and content[0] == " " and content[-1] == " " and content.strip():
            content = content[1:-1]
        spans.append((start, content))
        position = closing + 1
    return spans


# -- shell commands --------------------------------------------------------------------------------


def shell_words(line: str) -> list[list[str]]:
    """A command line split into commands (at `;`, `&&`, `||`, `|`), each a list of words.

    Quotes group words and are removed; `#` at a word's start begins a
    comment. `<` and `>` stay inside words, since prose writes `pip install
    pandas<2` unquoted. A small scanner, linear in the line.
    """
    commands: list[list[str]] = [[]]
    word: list[str] = []
    in_word = False
    quote = ""
    index = 0
    while index < len(line):
        char = line[index]
        if quote:
            if char == quote:
                quote = ""
            elif char == "\\" and quote == '"' and index + 1 < len(line):
                index += 1
                word.append(line[index])
            else:
                word.append(char)
            index += 1
            continue
        if char in "\"'":
            quote, in_word = char, True
        elif char == "\\" and index + 1 < len(line):
            index += 1
            word.append(line[index])
            in_word = True
        elif char in " \t":
            if in_word:
                commands[-1].append("".join(word))
                word, in_word = [], False
        elif char == "#" and not in_word:
            break
        elif char in ";|&":
            if in_word:
                commands[-1].append("".join(word))
                word, in_word = [], False
            if char == "&" and not line.startswith("&&", index):
                index += 1  # a lone `&` (background) also ends the command
            commands.append([])
            if line.startswith((char * 2), index):
                index += 1
        else:
            word.append(char)
            in_word = True
        index += 1
    if in_word:
        commands[-1].append("".join(word))
    return [command for command in commands if command]


def _without_comment(line: str) -> str:
    """The line as written, less a trailing `# comment` (a `#` inside quotes stays)."""
    quote = ""
    for index, char in enumerate(line):
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "#" and (index == 0 or line[index - 1] in " \t"):
            return line[:index].rstrip()
    return line.rstrip()


def _is_pip(word: str) -> bool:
    base = word.replace("\\", "/").rsplit("/", 1)[-1].lower()
    if base.endswith(".exe"):
        base = base[:-4]
    if not base.startswith("pip"):
        return False
    rest = base[3:]
    return all(char.isdigit() or char == "." for char in rest)


def _is_python(word: str) -> bool:
    base = word.replace("\\", "/").rsplit("/", 1)[-1].lower()
    if base.endswith(".exe"):
        base = base[:-4]
    if base == "py":
        return True
    if not base.startswith("python"):
        return False
    return all(char.isdigit() or char == "." for char in base[6:])


def install_arguments(words: list[str]) -> list[str] | None:
    """The words after `install` when the command is a pip (or uv pip) install, else None."""
    for index, word in enumerate(words):
        if _is_pip(word) and words[index + 1:index + 2] == ["install"]:
            return words[index + 2:]
        if word == "uv" and words[index + 1:index + 3] == ["pip", "install"]:
            return words[index + 3:]
        if _is_python(word) and words[index + 1:index + 4] == ["-m", "pip", "install"]:
            return words[index + 4:]
        if _is_python(word) and words[index + 1:index + 3] == ["-mpip", "install"]:
            return words[index + 3:]
    return None


def _placeholder(word: str) -> bool:
    return ((word.startswith("<") and word.endswith(">")) or "$" in word or "..." in word or "…" in word
            or word.upper() == word and word.isalpha() and len(word) > 1 and word not in {"A"})


@dataclass
class _Install:
    requirements: list[str]
    upgrade: bool
    skipped: str


def parse_install(arguments: list[str]) -> _Install:
    """What one `pip install` command asks for, and why it cannot be run here if it cannot."""
    requirements: list[str] = []
    upgrade = False
    skipped = ""
    index = 0
    while index < len(arguments):
        word = arguments[index]
        option, _, attached = word.partition("=") if word.startswith("--") else (word, "", "")
        if word.startswith("-") and len(word) > 1:
            if option in _UPGRADE_FLAGS:
                upgrade = True
            if option in _UNRUNNABLE_OPTIONS and not skipped:
                value = attached or (arguments[index + 1] if index + 1 < len(arguments) else "")
                skipped = f"{_UNRUNNABLE_OPTIONS[option]} ({option} {value})".replace(" )", ")")
            if option in _VALUE_OPTIONS and not attached:
                index += 1
            elif word.startswith("-") and not word.startswith("--") and len(word) > 2 and word[1] in "rcie":
                pass  # `-rrequirements.txt`: value attached to a short option
            index += 1
            continue
        if _placeholder(word):
            skipped = skipped or f"names a placeholder ({word}), not a package"
        elif "/" in word or "\\" in word or word.startswith(".") or word.endswith((".whl", ".tar.gz", ".zip")):
            skipped = skipped or f"installs a local path or URL ({word})"
        else:
            try:
                Requirement(word)
            except InvalidRequirement:
                skipped = skipped or f"{word!r} is not a requirement pip understands"
            else:
                requirements.append(word)
        index += 1
    if not requirements and not skipped:
        skipped = "names no package"
    return _Install(requirements, upgrade, skipped)


def pin(text: str) -> str | None:
    """The requirement when `text` is a version pin such as `pandas<2` or `"numpy<2"`, else None."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        text = text[1:-1]
    if not text or " " in text.replace(", ", ",") or "(" in text:
        return None
    try:
        requirement = Requirement(text)
    except InvalidRequirement:
        return None
    if not requirement.specifier or requirement.url or requirement.marker:
        return None
    if canonicalize_name(requirement.name) in _NOT_PACKAGES or not requirement.name[0].isalpha():
        return None
    if any(not extra[:1].isalpha() for extra in requirement.extras):  # `x[0]==1` is code, not a pin
        return None
    return text


# A pin right after one of these words reports what something else declares ("Flask 1.1.4 requires
# `Jinja2<3.0`", "the message suggests `openai==0.28`"); it is not advice to the reader.
QUOTING_WORDS = frozenset({
    "require", "requires", "required", "requiring", "declare", "declares", "declared", "suggest", "suggests",
    "suggested", "say", "says", "said", "list", "lists", "listed", "pins", "pinned", "ships", "shipped", "has",
    "had", "specifies", "specified", "demands",
})
# A command or pin in a sentence with one of these describes what goes wrong ("`pip install -U jinja2` installs
# 3.1 anyway") or warns against it ("upgrade it instead of pinning `openai<1`").
WARNING_WORDS = frozenset({"anyway", "avoid", "never", "don't", "instead"})
_WINDOW = 300  # characters looked at on either side of a span: keeps the scan linear


RELATIVE_WORDS = frozenset({"which", "that", "they", "it", "who"})  # "Flask 1.1.4, which pin `Jinja2<3.0`"


def _word_before(text: str, offset: int) -> tuple[str, int]:
    """The word before `offset`, lowered, and where it starts; skips spaces, quotes and opening brackets."""
    index = offset - 1
    stop = max(0, offset - _WINDOW)
    while index >= stop and not text[index].isalnum():
        if text[index] in ".;:!?":
            return "", index  # a sentence boundary: nothing before it in this sentence
        index -= 1
    end = index + 1
    while index >= stop and (text[index].isalnum() or text[index] in "'-"):
        index -= 1
    return text[index + 1:end].lower(), index + 1


def _quoted(text: str, offset: int) -> bool:
    """Whether the pin at `offset` reports what something else declares rather than advising it."""
    word, start = _word_before(text, offset)
    if word in QUOTING_WORDS:
        return True
    return word in ("pin", "pins", "require") and _word_before(text, start)[0] in RELATIVE_WORDS


def _warned_against(text: str, offset: int) -> bool:
    """Whether the sentence around `offset` describes the command going wrong or warns against it."""
    start = max(0, offset - _WINDOW)
    for boundary in (". ", ".\n", "; "):
        found = text.rfind(boundary, start, offset)
        if found >= 0:
            start = max(start, found + len(boundary))
    end = min(len(text), offset + _WINDOW)
    for boundary in (". ", ".\n", "; "):
        found = text.find(boundary, offset, end)
        if found >= 0:
            end = min(end, found)
    words = {word.strip("`*_()\"',.;:!?").lower() for word in text[start:end].split()}
    return bool(words & WARNING_WORDS) or ("do" in words and "not" in words)


def _merge(requirements: list[str], new: list[str]) -> list[str]:
    """Later commands in a block win for the packages they name, as when they run one after another."""
    merged = {requirement_name(text): text for text in requirements}
    for text in new:
        name = requirement_name(text)
        merged.pop(name, None)
        merged[name] = text
    return list(merged.values())


def claims_in_markdown(text: str, location: str) -> list[Claim]:
    claims: list[Claim] = []
    for block in _blocks(text):
        if block.kind == "fence":
            if block.language not in SHELL_LANGUAGES:
                continue
            requirements: list[str] = []
            upgrade = False
            skipped = ""
            shown: list[str] = []
            for line in block.lines:
                command_line = line[2:] if line.startswith(("$ ", "> ")) else line
                command_line = command_line[4:] if command_line.startswith("RUN ") else command_line
                for words in shell_words(command_line):
                    arguments = install_arguments(words)
                    if arguments is None:
                        continue
                    install = parse_install(arguments)
                    if not shown or shown[-1] != _without_comment(command_line):
                        shown.append(_without_comment(command_line))
                    requirements = _merge(requirements, install.requirements)
                    upgrade = upgrade or install.upgrade
                    skipped = skipped or install.skipped
                if block.language == "text" and pin(line):
                    requirements = _merge(requirements, [line])
                    shown.append(line)
            if shown:
                claims.append(Claim(location, block.line, "\n".join(shown), tuple(requirements), upgrade, skipped))
            continue
        paragraph = "\n".join(block.lines)
        pins: list[str] = []
        for offset, content in code_spans(paragraph):
            arguments = install_arguments(commands[0]) if (commands := shell_words(content)) else None
            if arguments is not None and _warned_against(paragraph, offset):
                continue
            if arguments is not None:
                install = parse_install(arguments)
                claims.append(Claim(location, block.line, content, tuple(install.requirements), install.upgrade,
                                    install.skipped))
            elif ((requirement := pin(content)) is not None and not _quoted(paragraph, offset)
                  and not _warned_against(paragraph, offset)):
                pins.append(requirement)
        # pins of different packages in one paragraph go together; a package named again starts a new claim
        # (an alternative, or a requirement quoted from elsewhere), so a second `numpy` pin never hides the first
        groups: list[list[str]] = []
        for requirement in pins:
            if not groups or requirement_name(requirement) in {requirement_name(p) for p in groups[-1]}:
                groups.append([])
            groups[-1].append(requirement)
        for group in groups:
            claims.append(Claim(location, block.line, ", ".join(group), tuple(group), False, ""))
    return claims
