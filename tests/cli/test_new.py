"""`intplan new`: writes a template atomically, refuses to overwrite without --force."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from intplan.cli import main
from intplan.examples import build_tiny
from intplan.io.workbook import read_scenario


def test_new_writes_the_template_and_reports_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "t.xlsx"
    assert main(["new", str(out), "--template", "tiny", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["path"] == str(out)
    assert report["template"] == "tiny"
    assert report["counts"]["practices"] == 3
    assert report["counts"]["ints"] == 2
    assert read_scenario(out) == build_tiny()


def test_new_refuses_to_overwrite_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "mine.xlsx"
    out.write_bytes(b"precious")
    assert main(["new", str(out), "--template", "tiny"]) == 2
    assert "--force" in capsys.readouterr().err
    assert out.read_bytes() == b"precious"
    assert main(["new", str(out), "--template", "tiny", "--force"]) == 0
    assert read_scenario(out).name == "Tiny (illustrative)"
    assert list(tmp_path.iterdir()) == [out]  # no temporary file left behind


def test_new_defaults_to_kent_medway(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "km.xlsx"
    assert main(["new", str(out)]) == 0
    text = capsys.readouterr().out
    assert "kent-medway" in text and "184 practices" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["new", "plan.csv"], ".xlsx"),
        (["new", "no/such/folder/plan.xlsx"], "does not exist"),
        (["new", "x.xlsx", "--template", "narnia"], "invalid choice"),
    ],
)
def test_new_usage_errors_exit_2(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(args) == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
