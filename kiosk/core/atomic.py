"""Files replaced whole: a crash or a kill at any moment leaves the old file or the new one.

The one way the kiosk writes what it must not lose (the last good config, the feeds' cache,
the volume, the volunteers' state): a temporary file in the same folder, written and flushed
to disk, renamed over the target, and the folder synced so the rename itself survives a
power cut.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from pathlib import Path

TEMP_SUFFIX = ".tmp"
# A temporary file older than this was left by a process killed mid-write.
STALE_TEMP_AGE = 60.0


def write_bytes(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data``, atomically and durably; raises OSError."""
    _remove_stale_temps(path.parent)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _sync_folder(path.parent)


def write_text(path: Path, text: str) -> None:
    """``write_bytes`` for UTF-8 text."""
    write_bytes(path, text.encode("utf-8"))


def _sync_folder(folder: Path) -> None:
    """Make the rename durable (POSIX); where a folder cannot be opened (Windows), skip it."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove_stale_temps(folder: Path) -> None:
    """Temporary files left by a process killed mid-write; a fresh one may be another
    writer's, so only old ones go."""
    now = time.time()
    for temp in folder.glob("*" + TEMP_SUFFIX):
        with contextlib.suppress(OSError):
            if now - temp.stat().st_mtime > STALE_TEMP_AGE:
                temp.unlink()
