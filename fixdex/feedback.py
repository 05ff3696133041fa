"""Links a reader follows to tell the maintainers something: a note, an outdated entry, a missing one.

Each opens the repository host's new-issue form with what the page already
knows filled in, so the reader types only what they saw. GitHub prefills an
issue form field from the query parameter named after the field's `id`; GitLab
has no forms, so its description is prefilled with the same `### Label` blocks
GitHub would write, which is what the importers read.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote, urlencode, urlsplit

# The fields of .github/ISSUE_TEMPLATE/outdated.yml, as (id, label).
OUTDATED_FORM = "outdated.yml"
OUTDATED_FIELDS = (
    ("entry", "Entry id"),
    ("page", "Page URL"),
    ("what", "What is out of date"),
    ("versions", "Your versions"),
)


def issue_form_url(repo_url: str, form: str, title: str, fields: Sequence[tuple[str, str, str]]) -> str:
    """The host's new-issue page for `form`, prefilled; '' without a repository.

    `fields` are (id, label, value); empty values are left for the reader.
    """
    if not repo_url:
        return ""
    base = repo_url.rstrip("/")
    if "gitlab" in (urlsplit(base).hostname or ""):
        description = "\n\n".join(f"### {label}\n\n{value}" for _, label, value in fields)
        query = urlencode({"issue[title]": title, "issue[description]": description}, quote_via=quote)
        return f"{base}/-/issues/new?{query}"
    params = {"template": form, "title": title}
    params.update((field_id, value) for field_id, _, value in fields if value)
    return f"{base}/issues/new?{urlencode(params, quote_via=quote)}"


def report_outdated_url(repo_url: str, entry_id: str, page_url: str) -> str:
    """The "Report outdated" link of an entry page: names the entry; the reader adds what changed and their versions."""
    values = {"entry": entry_id, "page": page_url}
    fields = [(field_id, label, values.get(field_id, "")) for field_id, label in OUTDATED_FIELDS]
    return issue_form_url(repo_url, OUTDATED_FORM, f"Outdated: {entry_id}", fields)


def host_name(repo_url: str) -> str:
    """The name a reader knows the issue tracker by, to say which account they need."""
    host = (urlsplit(repo_url).hostname or "").lower()
    for known in ("GitHub", "GitLab", "Codeberg", "Bitbucket"):
        if known.lower() in host:
            return known
    return host or "the repository host"
