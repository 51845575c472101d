"""`map --pseudonymise`: no name or staff number anywhere in the output or on the terminal.

The test unzips the written workbook and searches every part (sheets, shared strings,
the report sheet, document properties) for every identifier from the register and from
the workbook being updated, and searches stdout and stderr too.
"""

from __future__ import annotations

import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from esr_export import IDENTIFIERS as ESR_IDENTIFIERS
from esr_export import write_exports

from intplan.cli import main
from intplan.domain import Scenario
from intplan.domain.scenario import ExtraColumn, ExtraSheet
from intplan.services.files import save_scenario

EXISTING = {  # id -> name, for the workbook's own staff
    "ESR70000001": "Olivia Quartermaine",
    "ESR70000002": "Barnaby Fitzwilliam",
}
REGISTER = (
    "Staff Number,Name,Job Title,WTE,Practice Code,Team,Employer,Vacant\n"
    "ESR90817263,Henrietta Pemberton,GP,0.8,P1,,Riverside,\n"
    "ESR90817263,Henrietta Pemberton,GP,0.8,P1,,Riverside,\n"  # merged: same staff number
    "ESR90817264,Cornelius Abernathy,Practise Nursey,1,P2,,Riverside,\n"  # rejected role
    "ESR90817265,Wilhelmina Thistlewood,GP,nan,P2,,Riverside,\n"  # rejected FTE
    "ESR90817266,Percival Underhill,GP,0.5,P9,,Riverside,\n"  # rejected base
    "ESR90817267,Leaving Soon Jones,Practice Nurse,1,P3,,Riverside,yes\n"  # a vacant post
    "ESR70000001,Olivia Quartermaine,District Nurse,1,,DNTEAM,Fictional Community Health,\n"
)
IDENTIFIERS = [
    *EXISTING,
    *EXISTING.values(),
    "ESR90817263",
    "Henrietta Pemberton",
    "ESR90817264",
    "Cornelius Abernathy",
    "ESR90817265",
    "Wilhelmina Thistlewood",
    "ESR90817266",
    "Percival Underhill",
    "ESR90817267",
    "Leaving Soon Jones",
]


@pytest.fixture
def workbook(tiny: Scenario, tmp_path: Path) -> Path:
    staff = list(tiny.staff)
    for k, (sid, name) in enumerate(EXISTING.items()):
        staff[15 + k] = replace(staff[15 + k], id=sid, name=name)  # two district nurses
    scenario = replace(
        tiny,
        staff=tuple(staff),
        extra_sheets=(
            ExtraSheet(name="My notes", rows=(("Olivia Quartermaine is on leave",), ("x", 1))),
        ),
        extra_columns=(
            ExtraColumn(
                sheet="Staff",
                header="Notes",
                values=(("ESR70000002", "ask Barnaby Fitzwilliam (ESR70000002)"),),
            ),
        ),
    )
    path = tmp_path / "named.xlsx"
    save_scenario(scenario, path)
    return path


def _leaks(texts: dict[str, str]) -> list[tuple[str, str]]:
    return [
        (where, ident)
        for where, text in texts.items()
        for ident in IDENTIFIERS
        if ident.casefold() in text.casefold()
    ]


@pytest.mark.parametrize("mode", [[], ["--append"], ["--replace"]])
@pytest.mark.parametrize("as_json", [False, True])
def test_nothing_identifying_is_written_or_printed(
    workbook: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    mode: list[str],
    as_json: bool,
) -> None:
    reg = tmp_path / "reg.csv"
    reg.write_text(REGISTER, encoding="utf-8")
    out = tmp_path / "out.xlsx"
    args = ["map", str(workbook), "--staff", str(reg), "--pseudonymise", "k3y", "--out", str(out)]
    args += ["--report-sheet", *mode, *(["--json"] if as_json else [])]
    assert main(args) == 0
    printed = capsys.readouterr()
    with zipfile.ZipFile(out) as z:
        parts = {n: z.read(n).decode("utf-8", errors="replace") for n in z.namelist()}
    assert any("MappingReport" in p for p in parts.values())  # the report sheet is there
    texts = {**parts, "stdout": printed.out, "stderr": printed.err}
    assert _leaks(texts) == []
    assert "same staff number" in printed.out  # the merge is still reported, without it
    if not as_json and mode != ["--replace"]:  # the existing staff are not kept silently
        assert "existing people pseudonymised" in printed.out


def test_without_pseudonymise_the_names_are_kept(workbook: Path, tmp_path: Path) -> None:
    reg = tmp_path / "reg.csv"
    reg.write_text(REGISTER, encoding="utf-8")
    out = tmp_path / "out.xlsx"
    assert main(["map", str(workbook), "--staff", str(reg), "--out", str(out)]) == 0
    with zipfile.ZipFile(out) as z:
        strings = z.read("xl/sharedStrings.xml").decode()
    assert "Henrietta Pemberton" in strings and "Olivia Quartermaine is on leave" in strings


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("as_json", [False, True])
def test_esr_identifiers_are_not_written_or_printed(
    workbook: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    suffix: str,
    as_json: bool,
) -> None:
    """Employee and assignment numbers, full and split names of an ESR export."""
    a, b = write_exports(tmp_path, suffix)
    out = tmp_path / "out.xlsx"
    args = ["map", str(workbook), "--staff", str(a), "--staff", str(b), "--append"]
    args += ["--pseudonymise", "k3y", "--out", str(out), "--report-sheet"]
    assert main([*args, *(["--json"] if as_json else [])]) == 0
    printed = capsys.readouterr()
    with zipfile.ZipFile(out) as z:
        parts = {n: z.read(n).decode("utf-8", errors="replace") for n in z.namelist()}
    texts = {**parts, "stdout": printed.out, "stderr": printed.err}
    leaks = [
        (where, ident)
        for where, text in texts.items()
        for ident in ESR_IDENTIFIERS
        if ident.casefold() in text.casefold()
    ]
    assert leaks == []
    assert "Nursery Nurse" in printed.out  # the unmapped job role is still reported
