"""Catalogue layering: a site's entries from several sources, each later one adding to and overriding the ones before.

A team lists its sources in order under the plugin's `sources:` option:

    plugins:
      - fixdex:
          sources:
            - catalogue: public      # the public catalogue that ships in the fixdex package
            - path: kb               # the team's own folder (relative to mkdocs.yml)

A `path:` layer is any folder of entries: the team's, or a git checkout of
another catalogue (`path: vendor/fixdex/entries`, `name: upstream`). Without
`sources:` a site has one layer, its `entries:` folder, and pages say nothing
about layers (the published catalogue is built that way).

The rules, which `fixdex check` and every build apply:

- An id defined twice in one layer is an error (the loader's duplicate-id rule).
- An id in a later layer replaces the earlier layer's entry: an override, allowed
  without a flag, because that is what a team adds a layer for, and reported
  as a `note:` line with both locations, so nobody overrides by accident.
- Across layers, an alias may not take another entry's id or another entry's
  alias (fixdex.load.check_collection over the merged entries).
- `related:` may name an entry of any layer.

A team's own layers go through every check; the public catalogue, checked where
it is published, is loaded and validated against the schema only, so a team's
retired-name list or records can't fail the entries it did not write.
Each layer keeps the folder its verification records and notes come from
(`root`); the public catalogue's are those of the checkout it ships from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fixdex.check import check
from fixdex.load import ENTRY_SUFFIXES, LoadedEntry, check_collection, load_entries, scan_folder
from fixdex.problems import Problem
from fixdex.resources import catalogue_entries_folder, catalogue_root

PUBLIC = "public"
CATALOGUES = (PUBLIC,)


class SourcesError(ValueError):
    """A `sources:` option that does not say where entries come from."""


@dataclass(frozen=True)
class Layer:
    name: str  # what pages and the API call it: "public", or the folder as written ("kb")
    folder: Path
    root: Path  # where its verification records, retired names and notes are read from
    public: bool = False  # the catalogue shipped with fixdex: validated, not re-linted
    path: str = ""  # a path layer's folder as mkdocs.yml writes it

    @property
    def description(self) -> str:
        """How an entry page names the layer."""
        if self.public:
            return "the public fixdex catalogue"
        return f"this site's entries in {(self.path or self.name).rstrip('/')}/"


@dataclass(frozen=True)
class Override:
    """An id a later layer defines again: its entry replaces the earlier one."""

    entry: LoadedEntry
    layer: Layer
    replaced: LoadedEntry
    replaced_layer: Layer

    def note(self, root: Path) -> str:
        """One located line naming both files; a path outside `root` (the installed catalogue) is shown whole."""
        here = _where(self.entry, self.layer, root)
        there = _where(self.replaced, self.replaced_layer, root)
        return (f"{here}: note: id {self.entry.entry.id!r} overrides the entry in layer "
                f"{self.replaced_layer.name!r} at {there}; the site shows this one")


def _where(item: LoadedEntry, layer: Layer, root: Path) -> str:
    line, column = item.document.locate(("id",))
    path = item.path if layer.root == root else str(layer.root / item.path)
    return f"{path}:{line}:{column}"


@dataclass
class Layered:
    """The merged entries of every layer: one per id, the last layer's."""

    layers: list[Layer]
    entries: list[LoadedEntry] = field(default_factory=list)
    layer_of: dict[str, Layer] = field(default_factory=dict)  # entry id -> the layer its entry comes from
    overrides: list[Override] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def notes(self, root: Path) -> list[str]:
        return [override.note(root) for override in self.overrides]


def layers_from_sources(sources: Sequence[Any] | None, entries: str, root: Path) -> list[Layer]:
    """The layers a `sources:` option lists, in order; without one, the `entries:` folder alone."""
    if not sources:
        return [Layer(entries, root / entries, root)]
    layers: list[Layer] = []
    for index, source in enumerate(sources):
        where = f"sources[{index}]"
        if not isinstance(source, Mapping) or len(set(source) - {"name"}) != 1:
            raise SourcesError(f"{where}: expected {{catalogue: public}} or {{path: FOLDER}} "
                               f"(optionally with name:), got {source!r}")
        unknown = set(source) - {"catalogue", "path", "name"}
        if unknown:
            raise SourcesError(f"{where}: unknown key {sorted(unknown)[0]!r} "
                               f"(a source is {{catalogue: public}} or {{path: FOLDER}})")
        if "catalogue" in source:
            if source["catalogue"] not in CATALOGUES:
                raise SourcesError(f"{where}.catalogue: expected one of {', '.join(CATALOGUES)}, "
                                   f"got {source['catalogue']!r}")
            folder = catalogue_entries_folder()
            if folder is None:
                raise SourcesError(f"{where}: the public catalogue is not in this installation of fixdex "
                                   f"(reinstall fixdex, or list a checkout of it with path:)")
            layers.append(Layer(str(source.get("name") or PUBLIC), folder, catalogue_root(), public=True))
        else:
            path = source["path"]
            if not isinstance(path, str) or not path.strip():
                raise SourcesError(f"{where}.path: expected a folder relative to mkdocs.yml, got {path!r}")
            folder = root / path  # an absolute path stays itself
            if not folder.is_dir():
                raise SourcesError(f"{where}.path: {path}: no such folder (relative to {root})")
            layers.append(Layer(str(source.get("name") or path.strip().strip("/")), folder, root, path=path.strip()))
    names = [layer.name for layer in layers]
    for name in names:
        if names.count(name) > 1:
            raise SourcesError(f"sources: two layers are named {name!r}: give one a name: of its own")
    return layers


def configured_layers(config_file: Path) -> list[Layer] | None:
    """The layers the fixdex plugin in this mkdocs.yml lists under `sources:`; None when it lists none.

    Read with PyYAML (fixdex.settings' reader for MkDocs' tags), so `fixdex check`
    needs no MkDocs.
    """
    import yaml

    from fixdex.settings import read_mkdocs_config

    try:
        data = read_mkdocs_config(config_file)
    except (OSError, ValueError, yaml.YAMLError):
        return None
    plugins = (data or {}).get("plugins") or []
    for plugin in [plugins] if isinstance(plugins, Mapping) else plugins:  # a list, or MkDocs' mapping form
        if isinstance(plugin, Mapping) and isinstance(plugin.get("fixdex"), Mapping):
            options = plugin["fixdex"]
            if options.get("sources"):
                return layers_from_sources(options["sources"], str(options.get("entries", "entries")),
                                           config_file.resolve().parent)
    return None


def _ids_in(folder: Path) -> set[str]:
    """Entry ids a folder defines, by file name (the loader holds every id to its file name)."""
    return {path.stem for path in scan_folder(folder).files if path.suffix in ENTRY_SUFFIXES}


def load_layers(layers: Sequence[Layer], root: Path) -> Layered:
    """Load every layer (all problems at once) and merge them by id, later layers winning."""
    result = Layered(list(layers))
    ids = [_ids_in(layer.folder) for layer in layers]
    by_id: dict[str, tuple[LoadedEntry, Layer]] = {}
    for number, layer in enumerate(layers):
        elsewhere = set().union(*(found for other, found in enumerate(ids) if other != number))
        if layer.public:
            loaded = load_entries([layer.folder], root=layer.root, known_ids=elsewhere)
        else:
            loaded = check([layer.folder], root, known_ids=elsewhere)
        result.problems += loaded.problems
        for item in loaded.entries:
            earlier = by_id.get(item.entry.id)
            if earlier is not None and earlier[1] is not layer:
                result.overrides.append(Override(item, layer, earlier[0], earlier[1]))
            if earlier is None or earlier[1] is not layer:
                by_id[item.entry.id] = (item, layer)
    result.entries = [item for item, _ in by_id.values()]
    result.layer_of = {entry_id: layer for entry_id, (_, layer) in by_id.items()}
    if len(layers) > 1:
        # aliases against ids and aliases of the other layers
        result.problems += check_collection(result.entries)
    result.problems = sorted(set(result.problems))
    return result
