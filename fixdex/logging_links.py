"""Links from logged exceptions: a logging filter and a formatter.

`logger.exception(...)` (or any record with `exc_info`) gets the "Known
error: TITLE: URL" line when fixdex recognises the error:

- `KnownErrorFormatter` prints it after the traceback, for text logs:

      handler.setFormatter(fixdex.logging_links.KnownErrorFormatter("%(levelname)s %(message)s"))

- `KnownErrorFilter` sets `record.known_error` (the line, or "") for
  structured logs and custom formats (`%(known_error)s`):

      handler.addFilter(fixdex.logging_links.KnownErrorFilter())

Both are silent for records without an exception, for errors no entry
matches confidently, and when FIXDEX_LINKS=0; neither ever raises.
"""

from __future__ import annotations

import logging
from types import TracebackType

from fixdex.hook import known_error_for

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def _line(exc_info: object) -> str | None:
    if isinstance(exc_info, tuple) and len(exc_info) == 3 and isinstance(exc_info[1], BaseException):
        return known_error_for(exc_info[1], tb=exc_info[2])
    return None


class KnownErrorFilter(logging.Filter):
    """Sets `record.known_error` on every record; keeps every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "known_error"):
            record.known_error = _line(record.exc_info) or ""
        return True


class KnownErrorFormatter(logging.Formatter):
    """A `logging.Formatter` that adds the known-error line after the traceback."""

    def formatException(self, ei: ExcInfo | tuple[None, None, None]) -> str:  # noqa: N802 - logging's name
        text = super().formatException(ei)
        line = _line(ei)
        return f"{text}\n{line}" if line else text
