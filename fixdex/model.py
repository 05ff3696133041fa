"""The entry format: the one schema every entry file is validated against.

Everything else derives from these classes: the loader validates with them,
the renderer reads them, and `fixdex schema` publishes them as the JSON Schema
that editors use (schema/entry.schema.json). Change the format here only.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from typing import Annotated, Literal
from urllib.parse import urlsplit

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

SEVERITIES = ("low", "medium", "high", "critical")
DIFFICULTIES = ("beginner", "intermediate", "advanced")
REFERENCE_KINDS = ("docs", "changelog", "release-notes", "source", "issue", "pep", "article")
# Primary sources: what the maintainers themselves published.
PRIMARY_REFERENCE_KINDS = frozenset(REFERENCE_KINDS) - {"article"}

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
TAG_PATTERN = ID_PATTERN


def _check_specifier(value: str) -> str:
    try:
        SpecifierSet(value)
    except InvalidSpecifier:
        raise ValueError(f"invalid PEP 440 version specifier {value!r} (write e.g. '>=2.0,<3')") from None
    return value


def _check_version(value: str) -> str:
    try:
        Version(value)
    except InvalidVersion:
        raise ValueError(f"invalid PEP 440 version {value!r} (write e.g. '2.2.3')") from None
    return value


# Characters a reference URL may hold as written: RFC 3986's unreserved and
# reserved characters and percent escapes, less the quotes and parentheses that
# end a Markdown link or an HTML attribute early. Anything else is percent-encoded.
_URL_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&+,;=%*]")
_HOST_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$")
MAX_URL_CHARS = 2000


def _check_url(value: str) -> str:
    shown = repr(value) if len(value) <= 80 else f"{value[:80]!r}..."
    if len(value) > MAX_URL_CHARS:
        raise ValueError(f"not an http(s) URL: {len(value):,} characters, the limit is {MAX_URL_CHARS}")
    for index, char in enumerate(value):
        if not _URL_CHARACTERS.fullmatch(char):
            name = "a space" if char == " " else repr(char)
            encoded = "".join(f"%{byte:02X}" for byte in char.encode("utf-8", "replace"))
            raise ValueError(f"not an http(s) URL: {name} at character {index + 1} of {shown} "
                             f"(percent-encode it as {encoded})")
    if re.search(r"%(?![0-9A-Fa-f]{2})", value):
        raise ValueError(f"not an http(s) URL: {shown} ('%' must start an escape like %20)")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as error:
        raise ValueError(f"not an http(s) URL: {shown} ({error})") from None
    if parts.scheme not in ("http", "https") or not value.startswith(f"{parts.scheme}://"):
        raise ValueError(f"not an http(s) URL: {shown} (write https://host/path)")
    if "@" in parts.netloc:
        raise ValueError(f"not an http(s) URL: {shown} (no user name or password before '@')")
    host = parts.hostname or ""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if len(host) > 253 or not _HOST_NAME.match(host):
            raise ValueError(f"not an http(s) URL: {shown} (the host {host[:60]!r} is not a host name)") from None
    return value


def _not_in_future(value: dt.date) -> dt.date:
    """Dates say when something happened; a day of slack covers time zones."""
    today = dt.date.today()
    if value > today + dt.timedelta(days=1):
        raise ValueError(f"{value} is in the future (today is {today})")
    return value


def _check_one_paragraph(value: str) -> str:
    if re.search(r"\n\s*\n", value.strip()):
        raise ValueError("must be one paragraph (no blank lines): it is also the meta description")
    return value


Text = Annotated[str, Field(min_length=1)]
Markdown = Annotated[str, Field(min_length=1, description="Markdown text.")]
Specifier = Annotated[
    str, AfterValidator(_check_specifier), Field(description="PEP 440 version specifier, e.g. '>=2.0,<3'.")
]
VersionString = Annotated[
    str, AfterValidator(_check_version), Field(description="PEP 440 version, quoted, e.g. '2.2.3'.")
]
EntryId = Annotated[str, Field(pattern=ID_PATTERN, description="Lowercase words joined by hyphens.")]
Url = Annotated[str, AfterValidator(_check_url)]
PastDate = Annotated[dt.date, AfterValidator(_not_in_future)]


class Strict(BaseModel):
    # strict: a YAML `1.10` (a float) is not silently taken for the string "1.1".
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class FixTime(Strict):
    """Minutes a typical reader needs to apply the fix."""

    min: int = Field(ge=0)
    max: int = Field(ge=1)

    @model_validator(mode="after")
    def _ordered(self) -> FixTime:
        if self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        return self


class Cause(Strict):
    cause: Markdown
    fix: Markdown


class CodeExample(Strict):
    """A broken/fixed pair shown side by side in content tabs."""

    title: Text | None = None
    language: Annotated[str, Field(pattern=r"^[a-z0-9+#-]+$")] = "python"
    broken: Text
    fixed: Text
    note: Markdown | None = None
    broken_is_syntax_error: bool = Field(
        default=False,
        description="The broken code is itself a SyntaxError, so the code linter expects it not to parse.",
    )


class Runtime(Strict):
    name: Text = Field(description="e.g. Python")
    versions: Specifier


class AffectedPackage(Strict):
    name: Text
    versions: Specifier = Field(description="The versions that raise this error.")
    note: Text | None = None


class TestedVersion(Strict):
    name: Text
    version: VersionString


class Verified(Strict):
    """When a person last checked the entry against its references, and how."""

    date: PastDate
    how: Text


class Environment(Strict):
    runtime: Runtime
    packages: list[AffectedPackage] = Field(default_factory=list)
    tested_on: list[TestedVersion] = Field(default_factory=list)
    verified: Verified


class Reference(Strict):
    url: Url
    title: Text
    kind: Literal[REFERENCE_KINDS] = Field(  # type: ignore[valid-type]
        description="docs, changelog, release-notes, source, issue and pep are primary sources; article is not."
    )


class Reproduction(Strict):
    """Code that `fixdex verify` runs in a fresh virtual environment.

    The broken snippet must raise this entry's error and the fixed one must
    run clean; the outcome is written as a record, never claimed by hand.
    """

    python: Specifier = Field(description="Interpreter versions the reproduction runs on.")
    requirements: list[Annotated[str, Field(min_length=1)]] = Field(
        default_factory=list, description="Pinned requirements, e.g. 'pandas==2.2.3'."
    )
    broken: Text
    fixed: Text
    expect: Text | None = Field(
        default=None,
        description="Regular expression the broken run's output must match; defaults to the entry's messages.",
    )
    timeout: int = Field(default=300, ge=1, le=1800)


class Entry(Strict):
    """One error, one file: entries/<id>.yaml."""

    id: EntryId
    title: Text = Field(description="The error as people name it.")
    fix_title: Text = Field(description="What fixes it, in a few words; the page title is '<title> — <fix_title>'.")
    exception: Text | None = Field(
        default=None,
        description="Exception type, e.g. 'openai.NotFoundError'. Give this, error_code, or both.",
    )
    error_code: Text | None = Field(
        default=None,
        description="The error's code as the system prints it, e.g. 'ERR_MODULE_NOT_FOUND', 'HTTP 402'.",
    )
    language: Text = Field(
        default="Python", description="The language or system that raises it, e.g. 'Python', 'Go', 'Node.js', 'HTTP'."
    )
    raised_by: Text | None = Field(
        default=None, description="Where it is raised: a service, a library, a command, e.g. 'payments-api'."
    )
    message: Text = Field(description="The message as users see it.")
    variants: list[Text] = Field(min_length=1, description="Other wordings (other versions, other names).")
    signatures: list[Text] = Field(
        default_factory=list,
        description="Message patterns with {placeholders} for the parts that vary ({model}, {line:int}, "
        "{option:word}); {name=first|second} also lists the only values a placeholder may take, the names the "
        "entry is about. Syntax: docs/matching.md, Signatures.",
    )
    severity: Literal[SEVERITIES]  # type: ignore[valid-type]
    category: Text = Field(description="e.g. 'HTTP 404', 'ImportError'.")
    difficulty: Literal[DIFFICULTIES]  # type: ignore[valid-type]
    fix_time: FixTime
    summary: Annotated[Text, AfterValidator(_check_one_paragraph), Field(max_length=400)]
    stack_trace: Text
    stack_trace_language: Annotated[str, Field(pattern=r"^[a-z0-9+#-]+$")] | None = Field(
        default=None,
        description="Highlighting for the stack trace: defaults to 'pytb' for Python, 'text' otherwise.",
    )
    quick_fix: Markdown
    why: Markdown
    detection: Markdown
    causes: list[Cause] = Field(min_length=1)
    code: list[CodeExample] = Field(min_length=1)
    workaround: Markdown
    prevention: Markdown
    environment: Environment
    related: list[EntryId] = Field(default_factory=list)
    tags: list[Annotated[str, Field(pattern=TAG_PATTERN)]] = Field(default_factory=list)
    references: list[Reference] = Field(min_length=1)
    aliases: list[EntryId] = Field(default_factory=list, description="Earlier ids that must keep working.")
    published: PastDate
    updated: PastDate
    reproduction: Reproduction | None = None
    not_reproducible: Text | None = Field(
        default=None, description="Why this error cannot be reproduced here (another OS, a GPU, ...)."
    )

    @model_validator(mode="after")
    def _consistent(self) -> Entry:
        if self.exception is None and self.error_code is None:
            raise ValueError(
                "exception: missing, and there is no error_code: give the exception type "
                "(e.g. 'json.decoder.JSONDecodeError'), the error code (error_code: ERR_MODULE_NOT_FOUND), or both"
            )
        if not any(ref.kind in PRIMARY_REFERENCE_KINDS for ref in self.references):
            raise ValueError(
                "references: at least one must be a primary source "
                "(kind docs, changelog, release-notes, source, issue or pep)"
            )
        if self.updated < self.published:
            raise ValueError(f"updated ({self.updated}) is before published ({self.published})")
        if self.reproduction is not None and self.not_reproducible is not None:
            raise ValueError("give either reproduction or not_reproducible, not both")
        return self

    @property
    def trace_language(self) -> str:
        """The fence language of the stack trace."""
        if self.stack_trace_language:
            return self.stack_trace_language
        return "pytb" if self.language == "Python" else "text"

    @property
    def error_name(self) -> str:
        """What the error is called in one word: its exception type, else its code."""
        return self.exception or self.error_code or ""

    @property
    def messages(self) -> list[str]:
        """The message and its variants: every wording users see."""
        return [self.message, *self.variants]


def entry_json_schema() -> dict[str, object]:
    """The entry schema for editors (yaml-language-server), as JSON Schema draft-07.

    yaml-language-server fully supports draft-07 only, so references use
    `definitions` rather than draft 2020-12's `$defs`.
    """
    schema = Entry.model_json_schema(ref_template="#/definitions/{model}", mode="validation")
    schema["definitions"] = schema.pop("$defs", {})
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        **schema,
    }
