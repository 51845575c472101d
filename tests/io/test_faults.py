"""Saving under faults: a full disk, a folder we may not write, a save killed midway.

Each case must end in a ``SaveError`` naming the file and the reason (never a bare
``OSError``), every input byte-identical, and no temporary file left behind (or, after a
``kill -9``, one that the next save recognises and removes).
"""

from __future__ import annotations

import errno
import hashlib
import os
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from intplan.domain import Scenario
from intplan.io import _xlsx, atomic
from intplan.io.atomic import SaveError, atomic_write, temp_files_beside
from intplan.io.results import ResultTable, write_results
from intplan.io.workbook import read_scenario, write_scenario

_TABLE = ResultTable(
    sheet="ResultsWaits", title="Waits", headers=("int", "hours"), rows=(("INT-A", 1.5),)
)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _ours(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".~"))


def _mount_tmpfs(folder: Path, *options: str) -> bool:
    if sys.platform != "linux" or os.geteuid() != 0:
        return False
    opts = ",".join(("size=256k", *options))
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", opts, "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 256 KiB file system (tmpfs), when this test may mount one (root on Linux)."""
    folder = tmp_path / "small"
    folder.mkdir()
    if not _mount_tmpfs(folder):
        pytest.skip("mounting a small tmpfs needs root on Linux; the simulated test covers it")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def _fill(folder: Path, leave_bytes: int) -> None:
    """Fill the file system holding ``folder`` until about ``leave_bytes`` are free."""
    stat = os.statvfs(folder)
    free = stat.f_bavail * stat.f_frsize
    (folder / "filler").write_bytes(b"\0" * max(free - leave_bytes, 0))


def test_full_disk_for_real_is_a_clear_error_and_changes_nothing(
    tiny: Scenario, small_disk: Path
) -> None:
    path = small_disk / "tiny.xlsx"
    write_scenario(tiny, path)
    _fill(small_disk, leave_bytes=8 * 1024)  # far less than a copy of the workbook needs
    before = _sha(path)
    with pytest.raises(SaveError) as results_error:
        write_results(path, path, [_TABLE])
    with pytest.raises(SaveError) as scenario_error:
        write_scenario(tiny, path)
    for e in (results_error.value, scenario_error.value):
        assert e.path == str(path)
        assert "disk is full" in e.reason
    assert _sha(path) == before
    assert _ours(small_disk) == []
    (small_disk / "filler").unlink()
    assert read_scenario(path) == tiny


def test_full_disk_simulated_is_a_clear_error_and_changes_nothing(
    tiny: Scenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "tiny.xlsx"
    write_scenario(tiny, path)
    before = _sha(path)

    def no_space(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    # The disk fills while the zip is written (results) or sheets are added (scenario) ...
    monkeypatch.setattr(_xlsx, "_sheet_xml", no_space)
    with pytest.raises(SaveError, match="disk is full"):
        write_scenario(tiny, path)
    monkeypatch.undo()
    # ... or only when the data is flushed to disk.
    monkeypatch.setattr(atomic, "_fsync_path", no_space)
    with pytest.raises(SaveError, match="disk is full"):
        write_results(path, path, [_TABLE])
    assert _sha(path) == before
    assert _ours(tmp_path) == []


def test_read_only_file_system_is_a_clear_error(tiny: Scenario, tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    if not _mount_tmpfs(folder):
        pytest.skip("mounting a tmpfs needs root on Linux; the permission test covers it")
    try:
        write_scenario(tiny, folder / "tiny.xlsx")
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        before = _sha(folder / "tiny.xlsx")
        with pytest.raises(SaveError, match="read-only"):
            write_results(folder / "tiny.xlsx", folder / "tiny.xlsx", [_TABLE])
        assert _sha(folder / "tiny.xlsx") == before
    finally:
        subprocess.run(["umount", str(folder)], check=True)


@pytest.mark.skipif(
    sys.platform == "win32" or os.geteuid() == 0, reason="root and Windows ignore mode bits"
)
def test_unwritable_folder_is_a_clear_error(tiny: Scenario, tmp_path: Path) -> None:
    source = tmp_path / "tiny.xlsx"
    write_scenario(tiny, source)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(SaveError, match="permission"):
            write_results(source, locked / "out.xlsx", [_TABLE])
    finally:
        locked.chmod(0o700)
    assert list(locked.iterdir()) == []


def test_unwritable_folder_simulated(
    tiny: Scenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "tiny.xlsx"
    write_scenario(tiny, path)
    before = _sha(path)

    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(tmp_path))

    monkeypatch.setattr(tempfile, "mkstemp", denied)  # the module atomic writes with
    with pytest.raises(SaveError) as e:
        write_results(path, path, [_TABLE])
    assert e.value.path == str(path)
    assert "no permission to create files in the folder" in e.value.reason
    assert _sha(path) == before


def test_a_folder_as_target_is_a_clear_error(tiny: Scenario, tmp_path: Path) -> None:
    (tmp_path / "out.xlsx").mkdir()
    with pytest.raises(SaveError, match="is a folder"):
        write_scenario(tiny, tmp_path / "out.xlsx")


def test_temp_files_have_a_name_only_intplan_uses(tmp_path: Path) -> None:
    target = tmp_path / "plan.xlsx"
    with atomic_write(target) as tmp:
        tmp.write_bytes(b"x")
        assert tmp.name.startswith(".~plan.xlsx.intplan-")
        assert tmp.name.endswith(".tmp")
        assert temp_files_beside(target) == [tmp]


def _dead_pid() -> int:
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(child.stdout)


def test_stale_temp_files_are_removed_at_the_next_save(tiny: Scenario, tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    write_scenario(tiny, path)
    host = atomic._HOST
    stale = tmp_path / f".~plan.xlsx.intplan-{host}-{_dead_pid()}-abc123.tmp"
    live = tmp_path / f".~plan.xlsx.intplan-{host}-{os.getpid()}-def456.tmp"
    other_host_new = tmp_path / ".~plan.xlsx.intplan-00000000-1-ghi789.tmp"
    other_host_old = tmp_path / ".~plan.xlsx.intplan-00000000-2-jkl012.tmp"
    legacy_old = tmp_path / ".~plan.xlsx.k2j4_9zq.tmp"  # named by versions before 0.2
    keep = [
        live,  # a save in progress in this process
        other_host_new,  # maybe a save in progress on another computer (shared drive)
        tmp_path / ".~lock.plan.xlsx#",  # LibreOffice's lock file: not ours
        tmp_path / ".~other.xlsx.intplan-00000000-3-x.tmp",  # beside another workbook
        tmp_path / "notes.tmp",
    ]
    for p in (stale, other_host_old, legacy_old, *keep):
        p.write_bytes(b"half a zip")
    hour_ago = time.time() - 3600
    for p in (other_host_old, legacy_old):
        os.utime(p, (hour_ago, hour_ago))

    write_results(path, path, [_TABLE])

    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "plan.xlsx") == sorted(
        p.name for p in keep
    )
    assert read_scenario(path) == tiny


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_save_killed_midway_leaves_a_temp_file_the_next_save_removes(
    tiny: Scenario, tmp_path: Path
) -> None:
    path = tmp_path / "plan.xlsx"
    write_scenario(tiny, path)
    before = _sha(path)
    # The child starts a save, says so once its temporary file exists, then waits to be
    # killed (reading stdin: no timers).
    child_code = textwrap.dedent(
        f"""
        import sys
        from intplan.io.atomic import atomic_write
        with atomic_write({str(path)!r}) as tmp:
            tmp.write_bytes(b"PK half a workbook")
            print(tmp.name, flush=True)
            sys.stdin.read()
        """
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    child = subprocess.Popen(
        [sys.executable, "-c", child_code],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert child.stdout is not None
    temp_name = child.stdout.readline().strip()
    child.kill()
    child.wait()
    assert child.stdin is not None
    child.stdin.close()
    child.stdout.close()
    assert _ours(tmp_path) == [temp_name]  # what kill -9 leaves
    assert _sha(path) == before  # the workbook itself survived

    write_results(path, path, [_TABLE])
    assert _ours(tmp_path) == []
    assert read_scenario(path) == tiny


def test_save_error_names_the_file_and_reason(tmp_path: Path) -> None:
    target = tmp_path / f"{uuid.uuid4().hex}.xlsx"
    with pytest.raises(SaveError) as e, atomic_write(target):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    assert str(e.value).startswith(f"{target}: cannot save: the disk is full")
    assert not target.exists()
