"""`%load_ext fixdex`: name known errors under IPython and Jupyter tracebacks.

IPython calls a custom exception handler instead of printing the traceback,
so the handler prints it first, exactly as IPython would (`showtraceback`,
which also honours `%xmode`), and only then, for a confident match, the
"Known error" line. The handler never raises: IPython would unregister it and
print its own error on top of the user's. IPython itself is not imported here;
it hands us the shell.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any

from fixdex.hook import known_error_for


def _show_with_link(shell: Any, exc_type: type[BaseException], error: BaseException, tb: TracebackType | None,
                    tb_offset: int | None = None) -> None:
    try:
        shell.showtraceback((exc_type, error, tb), tb_offset=tb_offset)
    except BaseException:  # noqa: B036 - the handler must never raise
        pass
    line = known_error_for(error, tb=tb)
    if line:
        try:
            sys.stdout.flush()  # IPython printed the traceback there: keep the line under it
            print(line, file=sys.stderr, flush=True)
        except BaseException:  # noqa: B036 - the handler must never raise
            pass


def load_ipython_extension(shell: Any) -> None:
    """Called by `%load_ext fixdex`."""
    shell.set_custom_exc((Exception,), _show_with_link)


def unload_ipython_extension(shell: Any) -> None:
    """Called by `%unload_ext fixdex`: IPython prints tracebacks by itself again."""
    shell.set_custom_exc((), None)
