"""Writing note files so that moderation state holds under concurrency and faults.

Imports and status changes take a lock on the notes folder and write
atomically (temporary file, then rename): readers see the old file or the new
one, never half of one.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: writes stay atomic, runs are not serialised
    fcntl = None  # type: ignore[assignment]


@contextlib.contextmanager
def notes_lock(notes_dir: Path) -> Iterator[None]:
    """Hold the notes folder's lock: imports and moderation of one knowledge base run one at a time.

    An advisory lock (fcntl.flock) on the folder itself, so no lock file is left
    behind for git to see; the kernel drops it when the process ends, even when
    killed. fcntl is POSIX only, which is where moderation runs (Linux CI, macOS
    laptops); the filelock package would add a dependency for Windows alone, where
    the writes stay atomic but two runs at once are not serialised.
    """
    if fcntl is None:  # pragma: no cover - Windows
        yield
        return
    descriptor = os.open(notes_dir, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


def write_atomically(target: Path, data: bytes, *, create: bool = False) -> None:
    """Write a whole file or nothing: a temporary file in the same folder, flushed, then renamed over the target.

    Readers see the old file or the new one, never half of one; a run killed
    mid-write leaves the old file and a hidden `.NAME.*.tmp` that no scan reads.
    With `create`, an existing target is an error instead of being replaced.
    """
    if target.exists():
        mode = stat.S_IMODE(target.stat().st_mode)
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            os.fchmod(handle.fileno(), mode)  # mkstemp makes 0600: keep the note readable as before
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if create:
            os.link(temporary, target)  # fails if the target exists: never replaces a note
            os.unlink(temporary)
        else:
            os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def is_inside(path: Path, folder: Path) -> bool:
    """Whether `path`'s real folder is `folder` or below it (links in the folder part resolved)."""
    return path.absolute().parent.resolve().is_relative_to(folder.resolve())
