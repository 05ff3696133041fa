"""Matching a pasted error text to the entries that explain it.

The specification lives in docs/matching.md; templates/assets/fixdex-match.js
implements the same steps for the paste box with the rules this module and
fixdex.normalise write into the match index (`rules_record`), and
tests/test_match_parity.py holds both to identical ranked lists. In short:

0. `bound` the paste (fixdex.normalise): long texts are matched in a bounded slice.
1. `clean` it: drop ANSI colours, log prefixes (timestamps, levels, pytest's
   `E`, CI and docker prefixes), and trailing spaces.
2. Run every signature's program (fixdex.signature: linear, never backtracking)
   on the cleaned text's view, then on the view with its lines joined (a message
   wrapped by a terminal). A hit scores 0.8 to 1.0 by how much fixed text the
   signature has and whether the exception type agrees.
3. Entries without a hit are scored by fuzzy similarity (Indel ratio) between
   the paste's focus lines (exception lines, last lines) and the entry's
   normalised messages (paths, numbers, versions, hex, quotes made uniform);
   a fuzzy score never exceeds 0.8.
4. Only the top candidate can be confident, and only on the entry's own
   evidence, never on a fuzzy score alone: a signature hit (its listed values
   included) whose exception type does not contradict the paste; or, for a
   fuzzy match that is near-identical and clearly ahead, the entry's exception
   type named in the paste together with every word of one of its messages,
   in order, one of them a word no other entry's messages hold
   (`_word_evidence`).

Where entries come from when none are given is `default_index`'s business.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from rapidfuzz.distance import Indel

# the text steps live in fixdex.normalise (shared with verify and the site search); re-exported here
from fixdex.normalise import (  # noqa: F401
    PLACEHOLDER_WORDS,
    QUOTES,
    bound,
    clean,
    exception_names,
    focus_lines,
    join_lines,
    normalise,
    strip,
    tokens,
)
from fixdex.normalise import rules_record as normalise_rules
from fixdex.signature import (
    FULL_LITERAL_CHARS,
    TEXT_VALUE,
    TRAILING_VALUE,
    TYPE_PATTERNS,
    Signature,
    compile_signature,
    match_view,
)

INDEX_FORMAT = 3  # 2: signatures as programs, the rules in the index; 3: listed values, fix_title, distinctive words
PREFILTER = 50  # fuzzy candidates kept after the token prefilter
MIN_FUZZY = 0.45  # below this Indel ratio an entry is not a candidate at all
CONFIDENT_FUZZY = 0.9
CONFIDENT_MARGIN = 0.05
SIGNATURE_SCORE = (0.8, 0.1, 0.1)  # base, x specificity, x agreement
FUZZY_SCORE = (0.75, 0.05)  # x similarity, x agreement
AGREEMENT_SCORE = {"match": 1.0, "absent": 0.5, "other": 0.0}


def rules_record() -> dict[str, Any]:
    """Every constant the JavaScript matcher needs, written into the match index by Python."""
    return {
        **normalise_rules(),
        "prefilter": PREFILTER, "min_fuzzy": MIN_FUZZY, "confident_fuzzy": CONFIDENT_FUZZY,
        "confident_margin": CONFIDENT_MARGIN, "signature_score": list(SIGNATURE_SCORE),
        "fuzzy_score": list(FUZZY_SCORE), "agreement": AGREEMENT_SCORE, "full_literal_chars": FULL_LITERAL_CHARS,
        "text_value": TEXT_VALUE, "trailing_value": TRAILING_VALUE, "types": TYPE_PATTERNS,
        "view_quotes": QUOTES,
    }


@dataclass
class Candidate:
    id: str
    title: str
    url: str
    score: float
    confident: bool
    captures: dict[str, str] = field(default_factory=dict)
    fix_title: str = ""  # the entry's one-line fix, e.g. "use hf_hub_download"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class IndexEntry:
    id: str
    title: str
    url: str  # site-relative, e.g. "errors/json-expecting-value/"
    exception: str  # "" for an entry with only an error code
    signatures: list[Signature]
    normalised: list[str]  # normalised message and variants, for the fuzzy step
    # Exception names the message and variants show (older versions raise other types: a
    # paste naming one of them agrees with the entry as much as one naming `exception`)
    exceptions: list[str] = field(default_factory=list)
    fix_title: str = ""
    # Words of its messages that no other entry's messages hold, across the whole catalogue
    # (`build_index` sets them, so that a shard of the index still knows them); None: work
    # them out from the index that holds the entry.
    distinctive: list[str] | None = None
    # The error's code (e.g. ERR_MODULE_NOT_FOUND): a paste that holds it agrees, as one naming the exception does
    error_code: str = ""

    @cached_property
    def exception_name(self) -> str:
        return self.exception.rsplit(".", 1)[-1].lower()


@dataclass
class MatchIndex:
    entries: list[IndexEntry]
    base_url: str = ""
    # Prepared on first match, not on construction: a site build only writes the
    # index out and never matches, and preparing 10,000 entries costs seconds.
    @cached_property
    def _tokens(self) -> list[frozenset[str]]:
        return [frozenset(w for text in e.normalised for w in tokens(text)) for e in self.entries]

    @cached_property
    def _idf(self) -> dict[str, float]:
        total = len(self.entries)
        return {w: math.log(1 + total / n) for w, n in self._counts.items()}

    @cached_property
    def _distinctive(self) -> list[frozenset[str]]:
        return [frozenset(entry.distinctive) if entry.distinctive is not None
                else distinctive_words(words, self._counts)
                for entry, words in zip(self.entries, self._tokens, strict=True)]

    @cached_property
    def _counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for words in self._tokens:
            for word in words:
                counts[word] = counts.get(word, 0) + 1
        return counts

    def absolute(self, url: str) -> str:
        return self.base_url.rstrip("/") + "/" + url if self.base_url else url


# --- text preparation: fixdex.normalise ----------------------------------------------------------


def similarity(a: str, b: str) -> float:
    """Indel similarity (rapidfuzz's `fuzz.ratio` / 100), written out so JS computes the same float."""
    total = len(a) + len(b)
    if total == 0:
        return 0.0
    return (total - Indel.distance(a, b)) / total


def best_similarity(queries: Sequence[str], messages: Sequence[str]) -> float:
    """The highest similarity of any query and message, skipping pairs that cannot raise it.

    Indel similarity is at most 2 * shorter / (sum of lengths): a 2 KB line and a
    100-character message cannot reach MIN_FUZZY, so they are not compared. Exact:
    the maximum (or its falling below MIN_FUZZY) is the same as comparing every pair.
    """
    best = 0.0
    for query in queries:
        for message in messages:
            total = len(query) + len(message)
            if total == 0:
                continue
            bound = 2 * min(len(query), len(message)) / total
            if bound < MIN_FUZZY or bound <= best:
                continue
            best = max(best, similarity(query, message))
    return best


def distinctive_words(words: frozenset[str], counts: dict[str, int]) -> frozenset[str]:
    """The words of one entry's messages that no other entry's messages hold (`counts`: entries per word)."""
    return frozenset(w for w in words if counts.get(w, 0) == 1)


def in_order(words: Sequence[str], text_words: Sequence[str]) -> bool:
    """Whether `words` occur in `text_words` in this order (other words may come between)."""
    position = 0
    for word in words:
        while position < len(text_words) and text_words[position] != word:
            position += 1
        if position == len(text_words):
            return False
        position += 1
    return True


def _word_evidence(entry: IndexEntry, distinctive: frozenset[str], queries: Sequence[str]) -> bool:
    """Whether a focus line holds every word of one of the entry's messages, in order, one of them distinctive.

    What may differ is what normalising makes uniform (numbers, versions, paths, URLs,
    hex) and punctuation; a word that differs (`'int' and 'str'` for `'type' and
    'NoneType'`, `float` for `NaN`) means another error with the same wording.
    """
    lines = [query.split(" ") for query in queries]
    for message in entry.normalised:
        words = [w for w in message.split(" ") if w and w not in PLACEHOLDER_WORDS]
        if any(w in distinctive for w in words) and any(in_order(words, line) for line in lines):
            return True
    return False


def round4(value: float) -> float:
    """Rounding that JavaScript's Math.round reproduces (Python's round() rounds half to even)."""
    return math.floor(value * 10000 + 0.5) / 10000


# --- matching -----------------------------------------------------------------------------------


def _exception_agreement(entry: IndexEntry, names: Sequence[str], text: str) -> str:
    """Whether the paste names this entry's exception or error code ("match"), another one ("other"), or none.

    An entry without an exception type (a Go or HTTP error known by its code) is neutral ("absent") when
    the paste does not hold its code: the names in a paste say nothing against it.
    """
    if entry.exception and (entry.exception in text or entry.exception_name in names):
        return "match"
    if any(n in names for n in entry.exceptions) or (entry.error_code and entry.error_code in text):
        return "match"
    return "other" if names and entry.exception else "absent"


@dataclass
class MatchResult:
    candidates: list[Candidate]
    cut: bool  # the text was longer than the bounds (fixdex.normalise.TEXT_LIMIT, LINE_LIMIT) and was cut


def match_index(text: str, index: MatchIndex, top: int = 5) -> list[Candidate]:
    """Ranked candidates for a pasted error text (see the module docstring for the steps)."""
    return match_result(text, index, top).candidates


def match_result(text: str, index: MatchIndex, top: int = 5) -> MatchResult:
    """`match_index`, and whether the text had to be cut to its bounded slice."""
    bounded, cut = bound(text)
    cleaned = clean(bounded)
    if not strip(cleaned):
        return MatchResult([], cut)
    view = match_view(cleaned)
    joined: Any = None
    names = exception_names(cleaned)
    scored: list[Scored] = []
    hit: set[int] = set()
    base, by_specificity, by_agreement = SIGNATURE_SCORE
    for number, entry in enumerate(index.entries):
        best: tuple[float, dict[str, str]] | None = None
        agreement = ""
        for signature in entry.signatures:
            if signature.key not in view.text:
                continue
            captures = signature.search(view)
            if captures is None:
                joined = joined or view.joined()
                captures = signature.search(joined)
            if captures is None:
                continue
            agreement = agreement or _exception_agreement(entry, names, cleaned)
            specificity = min(1.0, signature.literal_chars / FULL_LITERAL_CHARS)
            score = base + by_specificity * specificity + by_agreement * AGREEMENT_SCORE[agreement]
            if best is None or score > best[0]:
                best = (score, captures)
        if best is not None:
            hit.add(number)
            scored.append(Scored(round4(best[0]), agreement != "other", True, number, best[1]))
    queries = [q for q in (normalise(line) for line in focus_lines(cleaned)) if q]
    scored += _fuzzy(cleaned, queries, index, names, hit)
    scored.sort(key=lambda item: (-item.score, index.entries[item.number].id))
    candidates = []
    for rank, item in enumerate(scored[:top]):
        entry = index.entries[item.number]
        confident = rank == 0 and _clear_winner(scored) and (
            item.by_signature or _word_evidence(entry, index._distinctive[item.number], queries))
        url = index.absolute(entry.url)
        candidates.append(Candidate(entry.id, entry.title, url, item.score, confident, item.captures,
                                    entry.fix_title))
    return MatchResult(candidates, cut)


@dataclass
class Scored:
    score: float
    eligible: bool  # may be confident if it also wins clearly
    by_signature: bool
    number: int
    captures: dict[str, str]


def _clear_winner(ranked: Sequence[Scored]) -> bool:
    """A signature hit wins over fuzzy scores and lower hits; a fuzzy top needs a margin."""
    top = ranked[0]
    if not top.eligible:
        return False
    runner_up = ranked[1] if len(ranked) > 1 else None
    if runner_up is None:
        return True
    if top.by_signature:
        return not runner_up.by_signature or runner_up.score < top.score
    return top.score - runner_up.score >= CONFIDENT_MARGIN


def _fuzzy(cleaned: str, queries: Sequence[str], index: MatchIndex, names: Sequence[str],
           hit: set[int]) -> list[Scored]:
    query_tokens = {w for q in queries for w in tokens(q)}
    if not query_tokens:
        return []
    overlap = []
    for number, words in enumerate(index._tokens):
        if number in hit:
            continue
        shared = query_tokens & words
        if shared:
            total = 0.0
            for word in sorted(shared):  # fixed order and plain addition (sum() compensates from 3.12): JS's float
                total += index._idf[word]
            overlap.append((-total, number))
    overlap.sort()
    results = []
    for _, number in overlap[:PREFILTER]:
        entry = index.entries[number]
        ratio = best_similarity(queries, entry.normalised)
        if ratio < MIN_FUZZY:
            continue
        agreement = _exception_agreement(entry, names, cleaned)
        score = round4(FUZZY_SCORE[0] * ratio + FUZZY_SCORE[1] * AGREEMENT_SCORE[agreement])
        results.append(Scored(score, ratio >= CONFIDENT_FUZZY and agreement == "match", False, number, {}))
    return results


# --- the index ----------------------------------------------------------------------------------


def index_entry_from(entry: Any, url: str) -> IndexEntry:
    """An index record for a loaded `fixdex.model.Entry`."""
    return IndexEntry(
        id=entry.id,
        title=entry.title,
        url=url,
        exception=entry.exception or "",
        error_code=entry.error_code or "",
        signatures=[compile_signature(s) for s in entry.signatures],
        normalised=[normalise(m) for m in entry.messages],
        exceptions=sorted(set(exception_names("\n".join(entry.messages)))),
        fix_title=entry.fix_title,
    )


def build_index(entries: Iterable[Any], base_url: str = "") -> MatchIndex:
    """The index of loaded entries, each with its distinctive words across all of them."""
    from fixdex.urls import entry_url

    index = MatchIndex([index_entry_from(e, entry_url(e.id)) for e in entries], base_url=base_url)
    for entry, words in zip(index.entries, index._distinctive, strict=True):
        entry.distinctive = sorted(words)
    return index


def index_record(entry: IndexEntry) -> dict[str, Any]:
    """The JSON form of one index entry, shared by Python and the browser."""
    return {
        "id": entry.id,
        "title": entry.title,
        "url": entry.url,
        "exception": entry.exception,
        "signatures": [s.record() for s in entry.signatures],
        "normalised": entry.normalised,
        "exceptions": entry.exceptions,
        "fix_title": entry.fix_title,
        **({"distinctive": entry.distinctive} if entry.distinctive is not None else {}),
        **({"error_code": entry.error_code} if entry.error_code else {}),
    }


def index_from_records(records: Iterable[dict[str, Any]], base_url: str = "") -> MatchIndex:
    return MatchIndex(
        [
            IndexEntry(r["id"], r["title"], r["url"], r["exception"],
                       [compile_signature(s["text"]) for s in r["signatures"]], list(r["normalised"]),
                       list(r.get("exceptions", [])), r.get("fix_title", ""), r.get("distinctive"),
                       r.get("error_code", ""))
            for r in records
        ],
        base_url=base_url,
    )


def load_index_file(path: Path, base_url: str = "") -> MatchIndex:
    """A site's match index (assets/fixdex/match-index.json), shards included."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("format") != INDEX_FORMAT:
        raise ValueError(f"{path}: unknown match index format {data.get('format')!r}; rebuild the site")
    records = list(data.get("entries", []))
    for shard in data.get("shards", []):
        records += json.loads((path.parent / shard["file"]).read_text(encoding="utf-8"))["entries"]
    return index_from_records(records, base_url or data.get("site_url", ""))


def find_entries_dir(start: Path | None = None) -> Path | None:
    """`$FIXDEX_ENTRIES`, else an `entries/` folder holding YAML files in `start` or a parent."""
    configured = os.environ.get("FIXDEX_ENTRIES")
    if configured:
        return Path(configured)
    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        entries = candidate / "entries"
        if entries.is_dir() and any(entries.glob("*.yaml")):
            return entries
    return None


def default_index(base_url: str | None = None) -> MatchIndex:
    """The index `match()` uses when given no entries.

    In order: `$FIXDEX_INDEX` (a built site's assets/fixdex/match-index.json,
    which a team can ship beside its programs), then the entries folder from
    `find_entries_dir`, then the published catalogue's index that ships in the
    wheel (linking to the public site unless `base_url` is given). Entries that
    fail `fixdex check`'s schema are skipped: a half-written entry must not stop
    matching against the rest.
    """
    from fixdex.resources import catalogue_index_file  # importlib.resources: not at `import fixdex`
    from fixdex.settings import configured_base_url

    base = base_url if base_url is not None else configured_base_url()
    index_file = os.environ.get("FIXDEX_INDEX")
    if index_file:
        return load_index_file(Path(index_file), base)
    entries_dir = find_entries_dir()
    catalogue = catalogue_index_file()
    if entries_dir is None and catalogue is not None:
        return load_index_file(catalogue, base_url or "")
    if entries_dir is None:
        raise FileNotFoundError(
            "no entries to match against: run inside a knowledge base (a folder with entries/), "
            "or set FIXDEX_ENTRIES to an entries folder or FIXDEX_INDEX to a site's assets/fixdex/match-index.json"
        )
    return build_index(load_valid_entries(entries_dir), base_url=base)


def load_valid_entries(entries_dir: Path) -> list[Any]:
    """Entries that load and whose signatures compile; the rest are left out."""
    from fixdex.load import load_entries
    from fixdex.signature import SignatureError

    valid = []
    for item in load_entries([entries_dir], root=entries_dir.parent).entries:
        try:
            for text in item.entry.signatures:
                compile_signature(text)
        except SignatureError:
            continue
        valid.append(item.entry)
    return valid


def match(text: str, entries: Iterable[Any] | MatchIndex | None = None, top: int = 5) -> list[Candidate]:
    """Ranked candidates for an error text.

    `entries` may be loaded `Entry` objects, a `MatchIndex`, or None for
    `default_index()`.
    """
    if isinstance(entries, MatchIndex):
        index = entries
    elif entries is None:
        index = default_index()
    else:
        from fixdex.settings import configured_base_url

        index = build_index(entries, base_url=configured_base_url())
    return match_index(text, index, top=top)
