"""`fixdex.install()`: name the known error under an uncaught traceback.

The original traceback is printed first, by the hook that was installed
before (normally Python's own), byte for byte. Only then, and only for a
confident match, one line follows: "Known error: TITLE: URL". Anything that
goes wrong in here (no entries, a broken index, a bug) is swallowed: a crash
reporter that crashes would hide the error the user came for.
"""

from __future__ import annotations

import sys
import threading
import traceback
from types import TracebackType
from typing import Any

_installed: dict[str, Any] = {}


def known_error_line(text: str, index: Any = None, base_url: str | None = None) -> str | None:
    """The "Known error" line for an error text, or None when no entry matches confidently."""
    from fixdex.match import MatchIndex, default_index, match_index

    if not isinstance(index, MatchIndex):
        index = default_index(base_url)
    elif base_url is not None:
        index.base_url = base_url
    candidates = match_index(text, index, top=1)
    if candidates and candidates[0].confident:
        return f"Known error: {candidates[0].title}: {candidates[0].url}"
    return None


def _report(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    try:
        if issubclass(exc_type, KeyboardInterrupt):
            return
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        line = known_error_line(text, _installed.get("index"), _installed.get("base_url"))
        if line:
            sys.stderr.write(line + "\n")
            sys.stderr.flush()
    except BaseException:  # noqa: B036 - never let the reporter raise, whatever happened
        pass


def install(base_url: str | None = None, index: Any = None) -> None:
    """Chain onto sys.excepthook and threading.excepthook; calling it twice installs once.

    `base_url` overrides the configured site (FIXDEX_BASE_URL, [tool.fixdex]
    base_url in pyproject.toml); `index` is a `fixdex.match.MatchIndex` or
    None to find one when an error happens (see `fixdex.match.default_index`).
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
