"""Process set-up for every entry point, first thing, before numba or Qt is imported.

It matters most in the Windows build (``scripts/build_windows.py``), where three known
traps wait:

* A frozen app must call ``multiprocessing.freeze_support()`` before anything spawns, or
  each worker process runs the app again (it is a no-op everywhere else).
* numba caches compiled kernels beside their source; where that folder is read-only or
  frozen the cache fails (numba issue #4908), and in the Windows build the cache belongs
  in the user's local app-data folder anyway. ``NUMBA_CACHE_DIR`` must be set before
  numba is imported; spawned workers inherit it through the environment.
* ``pythonw.exe`` (the Start-menu shortcut) starts with no stdout or stderr: anything
  written there would fail, so it goes to a log file instead.

Standard library only: this runs before the rest of intplan is imported.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

#: a file the Windows build writes into the installed ``intplan`` package folder
BUNDLE_MARKER = "bundled.json"
_PACKAGE_DIR = Path(__file__).resolve().parent


def is_bundled(package_dir: Path | None = None) -> bool:
    """Running from a frozen executable or from the Windows build's installed tree."""
    if getattr(sys, "frozen", False):
        return True
    return ((package_dir or _PACKAGE_DIR) / BUNDLE_MARKER).is_file()


def user_data_dir(env: Mapping[str, str], platform: str) -> Path:
    """intplan's per-user, machine-local folder: ``%LOCALAPPDATA%\\intplan`` on Windows,
    ``$XDG_CACHE_HOME/intplan`` (default ``~/.cache/intplan``) elsewhere."""
    if platform == "win32":
        base = env.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
    else:
        base = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "intplan"


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK)


def numba_cache_dir(
    *,
    env: Mapping[str, str],
    package_dir: Path,
    bundled: bool,
    writable: Callable[[Path], bool] = _writable,
    platform: str = sys.platform,
) -> Path | None:
    """Where numba should cache compiled kernels, or None to leave numba's default
    (beside the source). A ``NUMBA_CACHE_DIR`` the user set always wins."""
    if env.get("NUMBA_CACHE_DIR"):
        return None
    if not bundled and writable(package_dir):
        return None
    return user_data_dir(env, platform) / "numba-cache"


def give_windowed_process_a_log(folder: Path) -> Path | None:
    """Under ``pythonw.exe`` ``sys.stdout``/``sys.stderr`` are None: point them at
    ``folder/intplan.log`` so messages and tracebacks are kept, not lost or fatal."""
    if sys.stdout is not None and sys.stderr is not None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / "intplan.log"
    stream = open(log, "a", encoding="utf-8", buffering=1)  # noqa: SIM115 (lives as long as the process)
    if sys.stdout is None:
        sys.stdout = stream
    if sys.stderr is None:
        sys.stderr = stream
    return log


def prepare_process() -> None:
    """Call first in every entry point (``python -m intplan.cli``, the GUI's ``main``)."""
    multiprocessing.freeze_support()
    cache = numba_cache_dir(env=os.environ, package_dir=_PACKAGE_DIR, bundled=is_bundled())
    if cache is not None:
        try:
            cache.mkdir(parents=True, exist_ok=True)
        except OSError:
            pass  # numba then reports its own, clearer, caching problem
        else:
            os.environ["NUMBA_CACHE_DIR"] = str(cache)
    give_windowed_process_a_log(user_data_dir(os.environ, sys.platform))
