"""The entry-point set-up a Windows build depends on, tested where it can be on Linux.

The traps (issue 16): a frozen app must call ``multiprocessing.freeze_support()`` before
anything spawns; a spawned worker must not run the entry point again (that relaunches
the GUI); numba needs a writable ``NUMBA_CACHE_DIR`` when the package directory is
read-only or frozen (numba issue #4908); ``pythonw.exe`` has no stdout/stderr.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

from intplan import _frozen

SRC = Path(_frozen.__file__).resolve().parents[1]
CLI_MAIN = SRC / "intplan" / "cli" / "__main__.py"


def _never_writable(path: Path) -> bool:
    return False


def _always_writable(path: Path) -> bool:
    return True


def test_read_only_package_dir_puts_numba_cache_in_local_app_data(tmp_path: Path) -> None:
    env = {"LOCALAPPDATA": str(tmp_path / "Local")}
    chosen = _frozen.numba_cache_dir(
        env=env,
        package_dir=tmp_path / "pkgs" / "intplan",
        bundled=False,
        writable=_never_writable,
        platform="win32",
    )
    assert chosen == tmp_path / "Local" / "intplan" / "numba-cache"


def test_bundled_build_uses_local_app_data_even_when_writable(tmp_path: Path) -> None:
    env = {"LOCALAPPDATA": str(tmp_path / "Local")}
    chosen = _frozen.numba_cache_dir(
        env=env, package_dir=tmp_path, bundled=True, writable=_always_writable, platform="win32"
    )
    assert chosen == tmp_path / "Local" / "intplan" / "numba-cache"


def test_writable_source_install_keeps_numbas_default(tmp_path: Path) -> None:
    chosen = _frozen.numba_cache_dir(
        env={}, package_dir=tmp_path, bundled=False, writable=_always_writable, platform="linux"
    )
    assert chosen is None


def test_a_cache_dir_the_user_set_is_kept(tmp_path: Path) -> None:
    env = {"NUMBA_CACHE_DIR": str(tmp_path / "mine"), "LOCALAPPDATA": str(tmp_path)}
    chosen = _frozen.numba_cache_dir(
        env=env, package_dir=tmp_path, bundled=True, writable=_never_writable, platform="win32"
    )
    assert chosen is None


def test_linux_read_only_install_uses_xdg_cache_home(tmp_path: Path) -> None:
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    chosen = _frozen.numba_cache_dir(
        env=env, package_dir=tmp_path, bundled=False, writable=_never_writable, platform="linux"
    )
    assert chosen == tmp_path / "cache" / "intplan" / "numba-cache"


def test_the_bundle_marker_makes_a_package_dir_bundled(tmp_path: Path) -> None:
    assert not _frozen.is_bundled(tmp_path)
    (tmp_path / _frozen.BUNDLE_MARKER).write_text('{"build": "windows"}', encoding="utf-8")
    assert _frozen.is_bundled(tmp_path)


def test_prepare_process_calls_freeze_support_and_sets_the_cache_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    monkeypatch.setattr(multiprocessing, "freeze_support", lambda: calls.append("fs"))
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path))
    monkeypatch.setattr(_frozen, "is_bundled", lambda package_dir=None: True)
    _frozen.prepare_process()
    assert calls == ["fs"]
    cache = Path(os.environ["NUMBA_CACHE_DIR"])
    assert cache == tmp_path / "intplan" / "numba-cache"
    assert cache.is_dir()


def test_windowed_process_gets_a_log_file_for_stdout_and_stderr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # pythonw.exe starts with sys.stdout and sys.stderr set to None; a write would fail
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    log = _frozen.give_windowed_process_a_log(tmp_path)
    assert log == tmp_path / "intplan.log"
    assert sys.stderr is not None and sys.stdout is not None
    sys.stderr.write("seen\n")
    sys.stderr.flush()
    assert "seen" in log.read_text(encoding="utf-8")
    sys.stderr.close()


def test_console_process_keeps_its_streams(tmp_path: Path) -> None:
    assert _frozen.give_windowed_process_a_log(tmp_path) is None
    assert not (tmp_path / "intplan.log").exists()


def test_cli_entry_prepares_the_process_before_anything_else(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import intplan.cli

    order: list[str] = []
    monkeypatch.setattr(_frozen, "prepare_process", lambda: order.append("prepare"))

    def fake_main() -> int:
        order.append("main")
        return 0

    monkeypatch.setattr(intplan.cli, "main", fake_main)
    with pytest.raises(SystemExit) as stop:
        runpy.run_module("intplan.cli", run_name="__main__", alter_sys=False)
    assert stop.value.code == 0
    assert order == ["prepare", "main"]


def test_cli_entry_module_does_nothing_when_imported_by_a_worker() -> None:
    # a spawned worker imports the parent's main module under another name
    runpy.run_module("intplan.cli", run_name="__mp_main__", alter_sys=False)


def _spawned_worker_imports(prepare: dict[str, str]) -> dict[str, bool]:
    """What a fresh interpreter has imported after multiprocessing's own spawn set-up
    (``spawn.prepare``, which re-imports the parent's main module as ``__mp_main__``)."""
    code = (
        "import json, sys\n"
        "from multiprocessing import spawn\n"
        f"spawn.prepare({prepare!r})\n"
        "print(json.dumps({'qt': 'PySide6' in sys.modules,"
        " 'gui': 'intplan.gui.app' in sys.modules,"
        " 'cli': 'intplan.cli' in sys.modules}))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, bool] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_spawned_worker_of_python_m_intplan_cli_does_not_start_the_gui() -> None:
    imported = _spawned_worker_imports({"init_main_from_name": "intplan.cli.__main__"})
    assert imported == {"qt": False, "gui": False, "cli": False}


def test_spawned_worker_of_the_entry_run_by_path_does_not_start_the_gui() -> None:
    # A frozen or script launcher runs the entry file by path: the worker re-runs that
    # file as __mp_main__, and without a __name__ guard it would run intplan's main()
    # with no command, which opens the desktop app in every worker.
    imported = _spawned_worker_imports({"init_main_from_path": str(CLI_MAIN)})
    assert imported["qt"] is False and imported["gui"] is False


@pytest.mark.slow
def test_bundled_build_compiles_numba_into_the_user_cache(tmp_path: Path) -> None:
    """End to end: a bundled package (marker file) on a read-only-style install sends
    numba's cache to the user's cache folder, in the CLI and in its spawned workers."""
    import shutil

    pkgs = tmp_path / "pkgs"
    shutil.copytree(SRC / "intplan", pkgs / "intplan", ignore=shutil.ignore_patterns("__pycache__"))
    (pkgs / "intplan" / _frozen.BUNDLE_MARKER).write_text("{}", encoding="utf-8")
    cache_home = tmp_path / "cache"
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env |= {"PYTHONPATH": str(pkgs), "XDG_CACHE_HOME": str(cache_home)}
    workbook = SRC.parent / "scenarios" / "tiny.xlsx"
    out = tmp_path / "out.xlsx"
    done = subprocess.run(
        [sys.executable, "-m", "intplan.cli", "simulate", str(workbook), "--replications", "2",
         "--weeks", "1", "--workers", "2", "--out", str(out), "--json"],
        env=env, capture_output=True, text=True, timeout=600, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["replications"] == 2
    cached = list((cache_home / "intplan" / "numba-cache").rglob("*.nbi"))
    assert cached, "numba wrote no index into the user cache folder"
    assert not list((pkgs / "intplan").rglob("*.nbi")), "numba cached inside the package"
