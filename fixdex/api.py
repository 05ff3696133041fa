"""The site's machine-readable files under /api/: for editors, bots, the paste box and the hook.

- api/entries.json: every entry in brief: what a tool needs to show the fix
  without fetching the entry (title, summary, one-line fix, severity,
  category, verified date, URLs) and what it needs to match (exception,
  messages, signatures, aliases).
- api/e/ID.json: one entry in full (the validated YAML as JSON) plus its URLs;
  api/e/ALIAS.json, for each old id in `aliases`, is the same document with
  `alias` set, so a renamed entry's old API address keeps answering.
- api/match-index.json: what fixdex-match.js (and `FIXDEX_INDEX`) match
  against. Past `SHARD_BYTES` it becomes a manifest of shards, one per group
  of exception types, so the browser fetches only the shard a paste needs.

Paths are the default site's; under a prefix (fixdex.urls) every file moves
under it, and the match index's links are relative to fixdex's root, which its
`site_url` names (the site's URL plus the prefix).

docs/api.md documents the formats; `format` changes when a field changes meaning.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from fixdex.matcher import INDEX_FORMAT, build_index, index_record, rules_record
from fixdex.urls import DEFAULT, Urls, absolute

API_FORMAT = 1
MATCH_INDEX = DEFAULT.match_index  # the published catalogue's, and the wheel's copy (setup.py)
MATCH_RULES = DEFAULT.match_rules
SHARD_BYTES = 100_000


def _dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False) + "\n"


def entry_summary(entry: Any, site_url: str, urls: Urls = DEFAULT) -> dict[str, Any]:
    return {
        "id": entry.id,
        "title": entry.title,
        "summary": entry.summary,
        "fix_title": entry.fix_title,
        "severity": entry.severity,
        "category": entry.category,
        "verified": entry.environment.verified.date.isoformat(),
        "url": absolute(site_url, urls.entry_url(entry.id)),
        "permalink": absolute(site_url, urls.permalink(entry.id)),
        "exception": entry.exception,
        **({"error_code": entry.error_code} if entry.error_code else {}),
        **({"language": entry.language} if entry.language != "Python" else {}),
        "messages": entry.messages,
        "signatures": list(entry.signatures),
        "aliases": list(entry.aliases),
        "updated": entry.updated.isoformat(),
    }


def api_assets(entries: Sequence[Any], site_url: str = "", shard_bytes: int = SHARD_BYTES,
               urls: Urls = DEFAULT, layers: dict[str, str] | None = None) -> dict[str, str]:
    """Every file under /api/, as site path -> text.

    `layers` maps entry id to the catalogue layer it comes from, on a site that
    has more than one (fixdex.layers); each summary then says which.
    """
    ordered = sorted(entries, key=lambda e: e.id)

    def summary(entry: Any) -> dict[str, Any]:
        data = entry_summary(entry, site_url, urls)
        if layers:
            data["layer"] = layers.get(entry.id, "")
        return data

    assets = {
        urls.entries_json: _dump({
            "format": API_FORMAT,
            "site_url": site_url,
            "entries": [summary(e) for e in ordered],
        })
    }
    for entry in ordered:
        data = {"format": API_FORMAT, **summary(entry), "entry": entry.model_dump(mode="json")}
        assets[urls.entry_api(entry.id)] = _dump(data)
        for alias in entry.aliases:
            # an old id answers with the entry under its new id, as its HTML pages redirect there
            assets[urls.entry_api(alias)] = _dump({"format": API_FORMAT, "alias": alias, **data})
    assets.update(match_index_assets(ordered, site_url, shard_bytes, urls))
    return assets


def match_index_assets(entries: Sequence[Any], site_url: str = "", shard_bytes: int = SHARD_BYTES,
                       urls: Urls = DEFAULT) -> dict[str, str]:
    """The match index, whole when small, else a manifest plus shards by exception type.

    Its links are relative to fixdex's root (where the browser's matcher resolves them),
    so its `site_url` is the site's URL plus the prefix.
    """
    records = [index_record(e) for e in build_index(entries).entries]
    for record in records:
        record["url"] = urls.from_root(urls.entry_url(record["id"]))
    root_url = absolute(site_url, urls.root) if site_url and urls.root else site_url
    assets = shard_records(records, root_url, shard_bytes, urls)
    # the rules alone, for the site search's paste reduction (fixdex-search.js), which needs no index
    assets[urls.match_rules] = _dump({"format": INDEX_FORMAT, "rules": rules_record()})
    return assets


def shard_records(records: list[dict[str, Any]], site_url: str = "", shard_bytes: int = SHARD_BYTES,
                  urls: Urls = DEFAULT) -> dict[str, str]:
    """Index records as files: one when they fit in `shard_bytes`, else a manifest and shards."""
    # the rules: every constant and pattern the browser's matcher uses, written by Python (fixdex.matcher)
    whole = _dump({"format": INDEX_FORMAT, "site_url": site_url, "rules": rules_record(), "entries": records})
    if len(whole.encode("utf-8")) <= shard_bytes:
        return {urls.match_index: whole}
    by_exception: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        by_exception[(record["exception"] or record.get("error_code", "")).rsplit(".", 1)[-1].lower()].append(record)
    # Fill shards with whole exception groups, largest first, up to about shard_bytes each.
    shards: list[tuple[list[str], list[dict[str, Any]], int]] = []
    for name, group in sorted(by_exception.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        size = len(_dump(group).encode("utf-8"))
        target = next((s for s in shards if s[2] + size <= shard_bytes), None)
        if target is None:
            shards.append(([name], list(group), size))
        else:
            shards[shards.index(target)] = (target[0] + [name], target[1] + group, target[2] + size)
    assets: dict[str, str] = {}
    manifest = []
    for number, (names, group, _size) in enumerate(shards):
        file = f"match/{number}.json"
        text = _dump({"format": INDEX_FORMAT, "entries": group})
        assets[urls.match_shard(file)] = text
        # a shard also answers to the names its entries' other wordings show
        also = {name for record in group for name in record.get("exceptions", [])}
        manifest.append({"file": file, "exceptions": sorted(set(names) | also), "entries": len(group),
                         "bytes": len(text.encode("utf-8"))})
    assets[urls.match_index] = _dump({"format": INDEX_FORMAT, "site_url": site_url, "rules": rules_record(),
                                      "shards": manifest})
    return assets
