"""ESR staff-list exports through `intplan map --json`: people, FTE, roles, employers."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from esr_export import EXPECTED, TRUST_A_HEADER, write_exports

from intplan.cli import main
from intplan.domain import Scenario
from intplan.io.registers import RoleSynonyms, read_register, resource_path
from intplan.services.files import save_scenario


@pytest.fixture
def workbook(tiny: Scenario, tmp_path: Path) -> Path:
    path = tmp_path / "tiny.xlsx"
    save_scenario(tiny, path)
    return path


def _map(args: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    out_path = Path(args[0]).with_name("mapped.xlsx")
    assert main(["map", *args, "--out", str(out_path), "--json"]) == 0
    out: dict[str, Any] = json.loads(capsys.readouterr().out)
    return out


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_esr_exports_import_people_fte_roles_and_employers(
    workbook: Path, tmp_path: Path, suffix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = write_exports(tmp_path, suffix)
    j = _map([str(workbook), "--staff", str(a), "--staff", str(b), "--append"], capsys)
    people = {p["id"]: p for p in j["people"]}
    assert {k: (p["role"], round(p["fte"], 6)) for k, p in people.items()} == {
        k: (role, fte) for k, (role, fte, _) in EXPECTED.items()
    }
    rejected = {(r["file"], r["row"]): r["reason"] for r in j["rows_rejected"]}
    first = 3 if suffix == ".xlsx" else 2  # the xlsx export opens with a title row
    assert set(rejected) == {
        (a.name, first + 3),  # bank
        (a.name, first + 4),  # unknown job role
        (b.name, first + 1),  # honorary
    }
    assert "Bank" in rejected[(a.name, first + 3)]
    assert "Honorary" in rejected[(b.name, first + 1)]
    unknown = rejected[(a.name, first + 4)]
    assert "'Nursery Nurse'" in unknown and "did you mean" in unknown
    assert unknown.count("Nursery Nurse") == 1  # the same position title is not tried twice
    assert "occupation code 'H1D'" in unknown
    assert j["rows_merged"] == 0  # two assignments of one person are two rows, not a duplicate
    cols = j["files"][0]["columns"]
    assert cols["Employee Number"] == "staff_number"
    assert cols["Assignment Number"] == "assignment_number"
    assert cols["Contracted WTE"] == "fte"


def test_employers_come_from_the_organisation_column(tmp_path: Path) -> None:
    a, b = write_exports(tmp_path, ".csv")
    ra, rb = read_register(a), read_register(b)
    assert {r.employer for r in ra.rows} == {EXPECTED["20000001"][2]}
    assert {r.employer for r in rb.rows} == {EXPECTED["30000001"][2]}
    assert {r.person_number for r in ra.rows if r.staff_number.startswith("20000002")} == {
        "20000002"
    }
    assert rb.rows[0].name == "Gail Fenwick"


def test_two_assignments_over_one_fte_are_flagged_as_one_person(
    workbook: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = ",".join(TRUST_A_HEADER) + "\n"
    for k, wte in enumerate(("0.8", "0.5"), start=1):
        asg = "40000001" if k == 1 else f"40000001-{k}"
        text += (
            f"40000001,{asg},Nia Jones,Sister,Sister/Charge Nurse,Nursing,N6E,"
            f"Tiny district nursing,Fictional Community Health,CC1,Permanent,Band 6,{wte}\n"
        )
    reg = tmp_path / "two.csv"
    reg.write_text(text, encoding="utf-8")
    j = _map([str(workbook), "--staff", str(reg), "--append"], capsys)
    assert len(j["people"]) == 2
    (flag,) = j["flags"]
    assert flag["kind"] == "fte_over_one"


def test_column_option_names_an_esr_column(
    workbook: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reg = tmp_path / "odd.csv"
    reg.write_text(
        "Pers Ref,Staff Role Desc,Contract FTE,Dept\n"
        "50000001,Nurse Manager,1,Tiny district nursing\n",
        encoding="utf-8",
    )
    args = [str(workbook), "--staff", str(reg), "--append", "--column", "staff_number=Pers Ref"]
    args += ["--column", "role=Staff Role Desc", "--column", "fte=Contract FTE"]
    args += ["--column", "area_of_work=Dept"]
    j = _map(args, capsys)
    assert [(p["id"], p["role"]) for p in j["people"]] == [("50000001", "DN")]


@pytest.mark.parametrize(
    ("job_role", "code", "role"),
    [
        ("Staff Nurse", "", "CN"),
        ("Physiotherapist", "", "FCP"),
        ("Occupational Therapist", "", "OT"),
        ("Social Worker", "", "SW"),
        ("Pharmacist", "", "CP"),
        ("Paramedic", "", "PARA"),
        ("Advanced Practitioner", "", "ANP"),
        ("Modern Matron", "", "CM"),
        ("Health Care Assistant", "", "HCA"),
        ("Nurse Manager", "", "DN"),
        ("", "N6C", "DN"),
    ],
)
def test_esr_roles_table(job_role: str, code: str, role: str) -> None:
    syn = RoleSynonyms.load()
    got = syn.match(job_role).role if job_role else syn.match_occupation(code).role
    assert got == role


def test_every_esr_roles_row_names_a_catalogue_role_and_a_source() -> None:
    with resource_path("roles.csv").open(encoding="utf-8") as fh:
        roles = {r["code"] for r in csv.DictReader(fh)}
    with resource_path("esr_roles.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows
    for r in rows:
        assert r["kind"] in ("job_role", "occupation_code")
        assert r["role"] in roles, r
        assert r["source"].strip(), r


def test_position_title_and_cost_centre_are_used_when_they_match(
    workbook: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reg = tmp_path / "pos.csv"
    reg.write_text(
        "Employee Number,Position Title,Job Role,Cost Centre,Area of Work,WTE\n"
        "60000001,District Nurse,Specialist Practitioner X,DNTEAM,Nowhere,0.5\n"
        "60000002,District Nurse,,Nowhere,Elsewhere,0.5\n",
        encoding="utf-8",
    )
    j = _map([str(workbook), "--staff", str(reg), "--append"], capsys)
    assert [(p["id"], p["role"]) for p in j["people"]] == [("60000001", "DN")]
    (r,) = j["rows_rejected"]
    assert r["row"] == 3 and "'Nowhere'" in r["reason"] and "'Elsewhere'" in r["reason"]
