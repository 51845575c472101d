"""Atomic save: a failure mid-write leaves the old file exactly as it was."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from intplan.domain import Scenario
from intplan.io import _xlsx, workbook
from intplan.io.atomic import SaveError, atomic_write
from intplan.io.workbook import read_scenario, write_scenario


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".~"))


def test_atomic_write_replaces_on_success(tmp_path: Path) -> None:
    target = tmp_path / "a.bin"
    target.write_bytes(b"old")
    with atomic_write(target) as tmp:
        assert tmp.parent == tmp_path and tmp != target
        tmp.write_bytes(b"new")
        assert target.read_bytes() == b"old"  # not replaced until the block ends
    assert target.read_bytes() == b"new"
    assert _leftovers(tmp_path) == []


def test_atomic_write_keeps_old_file_when_the_writer_fails(tmp_path: Path) -> None:
    target = tmp_path / "a.bin"
    target.write_bytes(b"old content")
    with pytest.raises(RuntimeError), atomic_write(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("disk full")
    assert target.read_bytes() == b"old content"
    assert _leftovers(tmp_path) == []


def test_write_scenario_failing_midway_leaves_previous_workbook(
    tiny: Scenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "scenario.xlsx"
    write_scenario(tiny, path)
    before = path.read_bytes()

    real = _xlsx._sheet_xml
    calls = {"n": 0}

    def failing_sheet_xml(*args: object, **kwargs: object) -> str:
        calls["n"] += 1
        if calls["n"] == 5:  # several sheets are already in the zip by now
            raise OSError(28, "No space left on device")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(_xlsx, "_sheet_xml", failing_sheet_xml)
    changed = dataclasses.replace(tiny, name="Changed")
    with pytest.raises(SaveError, match="disk is full"):
        write_scenario(changed, path)
    assert calls["n"] == 5
    assert path.read_bytes() == before
    assert read_scenario(path) == tiny
    assert _leftovers(tmp_path) == []


def test_save_into_missing_folder_is_a_clear_error(tiny: Scenario, tmp_path: Path) -> None:
    with pytest.raises(SaveError, match="does not exist"):
        write_scenario(tiny, tmp_path / "no" / "such" / "dir" / "x.xlsx")


def test_created_stamp_survives_a_resave(tiny: Scenario, tmp_path: Path) -> None:
    path = tmp_path / "s.xlsx"
    write_scenario(tiny, path)
    first = workbook._previous_created(path)
    assert first is not None
    write_scenario(tiny, path)
    assert workbook._previous_created(path) == first
