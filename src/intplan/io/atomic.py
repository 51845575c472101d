"""Atomic file replacement: a crash or a full disk never leaves a half-written file.

``atomic_write(path)`` yields a temporary path in the target's own folder (so the final
``os.replace`` is a rename on one file system); the caller writes the whole file there.
On success the temporary file is flushed to disk and renamed over the target; on any
exception it is deleted and the target is left exactly as it was. Every ``OSError``
(full disk, no permission, read-only disk) becomes a ``SaveError`` naming the file and
the reason in words.

A process killed outright (``kill -9``, power cut) cannot delete its temporary file.
Temporary files are therefore named ``.~<target>.intplan-<host>-<pid>-<random>.tmp``,
and each save first removes those beside its target whose process is gone (same host,
pid not running) or that are older than ``STALE_AFTER_SECONDS`` (another host, whose
processes we cannot see). Nothing else in the folder is touched.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import socket
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from intplan.domain.errors import IntplanError

#: A temporary file older than this is stale whoever made it (saves take seconds).
STALE_AFTER_SECONDS = 600.0

# Eight hex digits of the host name: tells our own processes from another computer's on
# a shared drive, without putting the machine's name in the folder.
_HOST = hashlib.sha256(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:8]
_MAX_NAME_IN_TEMP = 100  # keeps the temporary name under file systems' 255-byte limit
_TEMP_NAME = re.compile(r"\.intplan-(?P<host>[0-9a-f]{8})-(?P<pid>\d+)-[A-Za-z0-9_]+\.tmp")
_LEGACY_TEMP_NAME = re.compile(r"\.[a-z0-9_]{8}\.tmp")  # tempfile's names, before 0.2


class SaveError(IntplanError):
    """The file could not be saved (folder missing, no permission, file open elsewhere)."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: cannot save: {reason}")


def _reason(e: OSError, folder: Path) -> str:
    """The reason for a failed save in words a user can act on."""
    code = e.errno
    if code == errno.ENOSPC:
        return "the disk is full (no space left on device); free some space and save again"
    if code == errno.EDQUOT:
        return "your disk quota is used up; free some space and save again"
    if code == errno.EROFS:
        return f"the folder {str(folder)!r} is on a read-only disk"
    if code in (errno.EACCES, errno.EPERM):
        return f"no permission to create files in the folder {str(folder)!r}"
    if code == errno.ENAMETOOLONG:
        return "the file name is too long"
    return e.strerror or str(e)


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


def _temp_prefix(target: Path) -> str:
    return f".~{target.name[:_MAX_NAME_IN_TEMP]}"


def temp_files_beside(target: str | os.PathLike[str]) -> list[Path]:
    """Temporary files of intplan saves of ``target`` (live or stale), sorted by name."""
    path = Path(target)
    folder = path.parent if str(path.parent) else Path(".")
    prefix = _temp_prefix(path)
    found = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            rest = entry.name[len(prefix) :] if entry.name.startswith(prefix) else ""
            if _TEMP_NAME.fullmatch(rest) or _LEGACY_TEMP_NAME.fullmatch(rest):
                found.append(Path(entry.path))
    return sorted(found)


def _pid_running(pid: int) -> bool:
    if pid == os.getpid():
        return True  # another save in this process, perhaps on another thread
    if sys.platform == "win32":
        import ctypes

        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        try:
            kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        finally:
            kernel32.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists but belongs to someone else
    return True


def _is_stale(path: Path, now: float) -> bool:
    try:
        age = now - path.stat().st_mtime
    except OSError:
        return False
    if age > STALE_AFTER_SECONDS:
        return True
    m = _TEMP_NAME.search(path.name)
    return m is not None and m["host"] == _HOST and not _pid_running(int(m["pid"]))


def remove_stale_temp_files(target: str | os.PathLike[str]) -> list[Path]:
    """Delete temporary files left beside ``target`` by saves that died; return them."""
    now = time.time()
    removed = []
    for path in temp_files_beside(target):
        if _is_stale(path, now):
            with contextlib.suppress(OSError):
                path.unlink()
                removed.append(path)
    return removed


def _keep_mode(tmp: Path, target: Path) -> None:
    with contextlib.suppress(OSError):
        if target.exists():
            # Keep the user's permission bits on the replaced file.
            os.chmod(tmp, target.stat().st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path to write; replace ``path`` with it when the block succeeds."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise SaveError(str(target), f"the folder {str(folder)!r} does not exist")
    if target.is_dir():
        raise SaveError(str(target), "that is a folder, not a file; give a file name")
    remove_stale_temp_files(target)
    try:
        fd, name = tempfile.mkstemp(
            prefix=f"{_temp_prefix(target)}.intplan-{_HOST}-{os.getpid()}-",
            suffix=".tmp",
            dir=folder,
        )
    except OSError as e:
        raise SaveError(str(target), _reason(e, folder)) from e
    os.close(fd)
    tmp = Path(name)
    try:
        try:
            yield tmp
            _fsync_path(tmp)
        except OSError as e:  # the writer failed: full disk, lost network drive ...
            raise SaveError(str(target), _reason(e, folder)) from e
        _keep_mode(tmp, target)
        try:
            os.replace(tmp, target)
        except PermissionError as e:
            raise SaveError(
                str(target),
                "permission denied; is the file open in Excel or another program? "
                "Close it and save again",
            ) from e
        except OSError as e:
            raise SaveError(str(target), _reason(e, folder)) from e
        _fsync_dir(folder)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
