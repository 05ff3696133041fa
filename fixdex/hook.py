"""`fixdex.install()`: name the known error under an uncaught traceback.

The original traceback is printed first, by the hook that was installed
before (normally Python's own), byte for byte. Only then, and only for a
confident match, one line follows: "Known error: TITLE: URL". Anything that
goes wrong in here (no entries, a broken index, a bug) is swallowed: a crash
reporter that crashes would hide the error the user came for.

The other integrations (fixdex.pytest_plugin, fixdex.ipython,
fixdex.logging_links) print the same line through `known_error_for`.

Nothing here is loaded before an error happens: installing costs two
attribute assignments, and the matcher reads its index on the first error
(see `fixdex.matcher.default_index` for where the index comes from).
"""

from __future__ import annotations

import os
import sys
import threading
from types import TracebackType
from typing import Any

# FIXDEX_LINKS set to one of these turns every integration off: nothing is matched or printed.
LINKS_OFF = ("0", "false", "no", "off")

_installed: dict[str, Any] = {}
_indexes: dict[tuple[str | None, ...], Any] = {}


def links_enabled() -> bool:
    """False when FIXDEX_LINKS is 0, false, no or off."""
    return os.environ.get("FIXDEX_LINKS", "").strip().lower() not in LINKS_OFF


def _index_for(base_url: str | None) -> Any:
    """`default_index`, read once per place it comes from (the env vars and the folder decide)."""
    from fixdex.matcher import default_index

    key = (base_url, os.environ.get("FIXDEX_INDEX"), os.environ.get("FIXDEX_ENTRIES"),
           os.environ.get("FIXDEX_BASE_URL"), os.getcwd())
    if key not in _indexes:
        _indexes[key] = default_index(base_url)
    return _indexes[key]


def known_error_line(text: str, index: Any = None, base_url: str | None = None) -> str | None:
    """The "Known error" line for an error text, or None when no entry matches confidently."""
    from fixdex.matcher import MatchIndex, match_index

    if not isinstance(index, MatchIndex):
        index = _index_for(base_url)
    elif base_url is not None:
        index.base_url = base_url
    candidates = match_index(text, index, top=1)
    if candidates and candidates[0].confident:
        return f"Known error: {candidates[0].title}: {candidates[0].url}"
    return None


def known_error_for(error: BaseException, index: Any = None, base_url: str | None = None,
                    tb: TracebackType | None = None) -> str | None:
    """The "Known error" line for an exception and its traceback (default: its own), or None.

    This is what every integration prints. It never raises, and it is None when
    FIXDEX_LINKS turns links off, for a KeyboardInterrupt, and whenever matching
    fails for any reason (no index, a broken one, a bug).
    """
    import traceback  # 5 ms at import: paid at the first error, not by every program that installs the hook

    try:
        if not links_enabled() or isinstance(error, KeyboardInterrupt):
            return None
        text = "".join(traceback.format_exception(type(error), error, tb or error.__traceback__))
        return known_error_line(text, index, base_url)
    except BaseException:  # noqa: B036 - never let the reporter raise, whatever happened
        return None


def _report(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    try:
        line = known_error_for(exc, _installed.get("index"), _installed.get("base_url"), tb)
        if line:
            sys.stderr.write(line + "\n")
            sys.stderr.flush()
    except BaseException:  # noqa: B036 - a closed stderr must not raise either
        pass


def install(base_url: str | None = None, index: Any = None) -> None:
    """Chain onto sys.excepthook and threading.excepthook; calling it twice installs once.

    `base_url` overrides the configured site (FIXDEX_BASE_URL, [tool.fixdex]
    base_url in pyproject.toml); `index` is a `fixdex.matcher.MatchIndex` or
    None to find one when an error happens (see `fixdex.matcher.default_index`).
    """
    _installed.update(base_url=base_url, index=index)
    if _installed.get("hooked"):
        return
    _installed["hooked"] = True
    previous = sys.excepthook
    previous_thread = threading.excepthook

    def excepthook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        previous(exc_type, exc, tb)
        _report(exc_type, exc, tb)

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        previous_thread(args)
        if args.exc_value is not None:
            _report(args.exc_type, args.exc_value, args.exc_traceback)

    sys.excepthook = excepthook
    threading.excepthook = thread_hook
