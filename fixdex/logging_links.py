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

from fixdex.hook import known_error_for


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
    """A `logging.Formatter` that adds the known-error line after the traceback.

    It appends to the formatted record rather than overriding `formatException`,
    whose result logging caches on the record and hands to every other handler.
    """

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        line = _line(record.exc_info)
        return f"{text}\n{line}" if line else text
