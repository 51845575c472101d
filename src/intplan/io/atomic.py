"""Atomic file replacement: a crash or a full disk never leaves a half-written file.

``atomic_write(path)`` yields a temporary path in the target's own folder (so the final
``os.replace`` is a rename on one file system); the caller writes the whole file there.
On success the temporary file is flushed to disk and renamed over the target; on any
exception it is deleted and the target is left exactly as it was.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from intplan.domain.errors import IntplanError


class SaveError(IntplanError):
    """The file could not be saved (folder missing, no permission, file open elsewhere)."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: cannot save: {reason}")


def _fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable on POSIX; Windows cannot open folders this way.
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        _fsync_path(folder)


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path to write; replace ``path`` with it when the block succeeds."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise SaveError(str(target), f"the folder {str(folder)!r} does not exist")
    try:
        fd, name = tempfile.mkstemp(prefix=f".~{target.name}.", suffix=".tmp", dir=folder)
    except OSError as e:
        raise SaveError(str(target), e.strerror or str(e)) from e
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        _fsync_path(tmp)
        if target.exists():
            # Keep the user's permission bits on the replaced file.
            with contextlib.suppress(OSError):
                os.chmod(tmp, target.stat().st_mode & 0o7777)
        else:
            with contextlib.suppress(OSError):
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(tmp, 0o666 & ~umask)
        try:
            os.replace(tmp, target)
        except PermissionError as e:
            raise SaveError(
                str(target),
                "permission denied; is the file open in Excel or another program? "
                "Close it and save again",
            ) from e
        except OSError as e:
            raise SaveError(str(target), e.strerror or str(e)) from e
        _fsync_dir(folder)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
