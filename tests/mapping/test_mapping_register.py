"""Register rows -> staff: roles, bases, duplicates, FTE over 1.0, manual rows, pseudonyms."""

from __future__ import annotations

from dataclasses import replace

import pytest

from intplan.domain import BaseKind, Scenario
from intplan.io.registers import ManualRow, RegisterRow, RoleSynonyms
from intplan.mapping.register import import_rows, normalise_name, parse_int_spec

SYN = RoleSynonyms.load()


def _row(n: int, **kw: object) -> RegisterRow:
    values: dict[str, object] = {
        "file": "reg.xlsx",
        "sheet": "Staff",
        "row": n,
        "staff_number": "",
        "name": f"Person {n}",
        "role_title": "GP",
        "fte": 1.0,
        "employer": "E",
        "base": "P1",
        "base_kind_hint": "",
        "int_spec": "",
        "vacant": False,
    }
    values.update(kw)
    return RegisterRow(**values)  # type: ignore[arg-type]


def test_roles_and_bases_are_resolved(tiny: Scenario) -> None:
    out = import_rows(
        [
            _row(2, role_title="Salaried GP", base="p1"),
            _row(3, role_title="General Practice Nurse", base="Marsh Road Medical"),
            _row(4, role_title="Band 6 District Nurse", base="DNTEAM"),
            _row(5, role_title="GP Partner", base="PCN1"),
        ],
        tiny,
        SYN,
    )
    assert out.rejected == ()
    assert [(s.role, s.base_kind, s.base) for s in out.staff] == [
        ("GP", BaseKind.PRACTICE, "P1"),
        ("PN", BaseKind.PRACTICE, "P3"),
        ("DN", BaseKind.TEAM, "DNTEAM"),
        ("GP", BaseKind.PCN, "PCN1"),
    ]


def test_unknown_role_title_is_rejected_with_suggestions(tiny: Scenario) -> None:
    out = import_rows([_row(7, role_title="Practise Nurse")], tiny, SYN)
    assert out.staff == ()
    (r,) = out.rejected
    assert (r.file, r.row) == ("reg.xlsx", 7)
    assert "unknown role title 'Practise Nurse'" in r.reason
    assert "'Practice Nurse' (PN)" in r.reason


def test_role_not_in_the_scenario_is_rejected(tiny: Scenario) -> None:
    out = import_rows([_row(2, role_title="Clinical Pharmacist")], tiny, SYN)
    assert "role CP" in out.rejected[0].reason and "Roles sheet" in out.rejected[0].reason


def test_base_practice_not_in_the_scenario_is_rejected(tiny: Scenario) -> None:
    out = import_rows([_row(2, base="G82999", base_kind_hint="practice")], tiny, SYN)
    assert "practice 'G82999' is not in the scenario's Practices sheet" in out.rejected[0].reason


def test_unknown_team_says_how_to_add_it(tiny: Scenario) -> None:
    out = import_rows([_row(2, base="MHTEAM", base_kind_hint="team")], tiny, SYN)
    reason = out.rejected[0].reason
    assert "team 'MHTEAM'" in reason and "add a row there" in reason
    assert "DNTEAM" in reason  # the close match


def test_same_person_in_two_registers_is_merged_not_double_counted(tiny: Scenario) -> None:
    out = import_rows(
        [
            _row(2, staff_number="00123", name="Jane Smith"),
            _row(3, file="pcn.csv", staff_number="123", name="J Smith", base="PCN1"),
            _row(4, name="Bob Jones", role_title="Practice Nurse"),
            _row(9, file="other.xlsx", name="JONES, Bob", role_title="PN", fte=0.8),
        ],
        tiny,
        SYN,
    )
    assert len(out.staff) == 2
    assert sum(s.fte for s in out.staff) == 2.0
    m1, m2 = out.merged
    assert (m1.file, m1.row, m1.kept_file, m1.kept_row) == ("pcn.csv", 3, "reg.xlsx", 2)
    assert "same staff number" in m1.reason
    assert (m2.file, m2.row, m2.kept_row) == ("other.xlsx", 9, 4)
    assert "same name, role PN and base P1" in m2.reason and "FTE differed" in m2.reason


def test_same_name_different_role_is_two_records(tiny: Scenario) -> None:
    out = import_rows(
        [_row(2, name="Sam Lee", fte=0.5), _row(3, name="Sam Lee", role_title="PN", fte=0.4)],
        tiny,
        SYN,
    )
    assert len(out.staff) == 2 and out.merged == () and out.flags == ()


def test_total_fte_above_one_is_flagged_not_rejected(tiny: Scenario) -> None:
    out = import_rows(
        [
            _row(2, name="Sam Lee", fte=0.8),
            _row(3, file="b.csv", name="Sam Lee", base="P3", fte=0.6),
        ],
        tiny,
        SYN,
    )
    assert len(out.staff) == 2 and out.rejected == ()
    (flag,) = out.flags
    assert flag.kind == "fte_over_one" and "1.4 FTE" in flag.message
    assert flag.rows == (("reg.xlsx", 2), ("b.csv", 3))


def test_vacant_posts_are_never_merged_by_name(tiny: Scenario) -> None:
    out = import_rows(
        [_row(2, name="Vacant", vacant=True), _row(3, name="Vacant", vacant=True)], tiny, SYN
    )
    assert len(out.staff) == 2 and all(s.vacant and s.name == "Vacant post" for s in out.staff)


def test_ids_come_from_staff_numbers_and_stay_unique(tiny: Scenario) -> None:
    out = import_rows(
        [_row(2, staff_number="AB 12/3"), _row(3), _row(4, staff_number="X1", role_title="PN")],
        tiny,
        SYN,
        taken_ids={"X1"},
    )
    assert [s.id for s in out.staff] == ["AB-12-3", "R00002", "X1-2"]
    assert out.origin["R00002"] == ("reg.xlsx", 3)


def test_manual_rows_match_staff_number_or_name(tiny: Scenario) -> None:
    out = import_rows(
        [_row(2, staff_number="77"), _row(3, name="Ann Other")],
        tiny,
        SYN,
        manual=[
            ManualRow(staff="077", int_code="int-b", fte=None, row=2, sheet="M"),
            ManualRow(staff="ann other", int_code="INT-A", fte=0.5, row=3, sheet="M"),
            ManualRow(staff="ann other", int_code="INT-B", fte=0.5, row=4, sheet="M"),
            ManualRow(staff="Nobody", int_code="INT-B", fte=None, row=5, sheet="M"),
        ],
    )
    reqs = {out.origin[k]: v for k, v in out.requests.items()}
    assert reqs[("reg.xlsx", 2)].shares == (("INT-B", None),)
    assert reqs[("reg.xlsx", 3)].shares == (("INT-A", 0.5), ("INT-B", 0.5))
    assert all(r.rule == "manual" for r in reqs.values())
    assert [f.kind for f in out.flags] == ["manual_unmatched"]


def test_int_column_is_a_named_request(tiny: Scenario) -> None:
    out = import_rows([_row(2, int_spec="Marsh")], tiny, SYN)
    (req,) = out.requests.values()
    assert (req.rule, req.shares) == ("named", (("INT-B", None),))


def test_parse_int_spec() -> None:
    codes = {"INT-A": "INT-A", "INT-B": "INT-B"}
    spec = parse_int_spec("int-a: 0.4; INT-B=0,6", codes)
    assert spec is not None and spec.shares == (("INT-A", 0.4), ("INT-B", 0.6))
    spec = parse_int_spec("INT-A | INT-C", codes)
    assert spec is not None and spec.shares == (("INT-A", None), ("INT-C", None))


def test_pseudonymised_import_has_no_names_or_staff_numbers(tiny: Scenario) -> None:
    rows = [_row(2, staff_number="9911", name="Jane Smith"), _row(3, name="Bob Jones")]
    a = import_rows(rows, tiny, SYN, pseudonymise_key="k1")
    b = import_rows(rows, tiny, SYN, pseudonymise_key="k1")
    c = import_rows(rows, tiny, SYN, pseudonymise_key="k2")
    assert [s.name for s in a.staff] == [s.name for s in b.staff]  # stable
    assert [s.id for s in a.staff] == [s.id for s in b.staff]
    assert [s.name for s in a.staff] != [s.name for s in c.staff]  # keyed
    text = repr(a.staff)
    assert "Jane" not in text and "Smith" not in text and "9911" not in text
    assert all(s.name.startswith("Staff-") for s in a.staff)


def test_normalise_name() -> None:
    assert normalise_name("Smith, Dr Jane") == normalise_name("jane  SMITH")


def test_scenario_accepts_the_imported_staff(tiny: Scenario) -> None:
    out = import_rows([_row(2), _row(3, base="PCN1")], tiny, SYN)
    s = replace(tiny, staff=out.staff)
    assert len(s.staff) == 2


@pytest.mark.parametrize("title", ["Care Co-ordinator", "Social Prescriber"])
def test_roles_missing_from_tiny_are_explained(tiny: Scenario, title: str) -> None:
    out = import_rows([_row(2, role_title=title)], tiny, SYN)
    assert "not in the scenario's Roles sheet" in out.rejected[0].reason


def test_esr_assignments_are_separate_rows_linked_by_employee_number(tiny: Scenario) -> None:
    rows = [
        _row(
            2,
            staff_number="900",
            person_number="900",
            role_title="Sister/Charge Nurse",
            base="DNTEAM",
            fte=0.7,
        ),
        _row(
            3,
            staff_number="900-2",
            person_number="900",
            role_title="Sister/Charge Nurse",
            base="DNTEAM",
            fte=0.5,
        ),
        _row(4, staff_number="901-2", person_number="901", name="Solo", base="P1"),
    ]
    manual = [
        ManualRow(staff="900", int_code="INT-A", fte=None, row=2, sheet="M"),
        ManualRow(staff="901", int_code="INT-A", fte=None, row=3, sheet="M"),
    ]
    out = import_rows(rows, tiny, SYN, manual=manual)
    assert [(s.id, s.role, s.fte) for s in out.staff] == [
        ("900", "DN", 0.7),
        ("900-2", "DN", 0.5),
        ("901-2", "GP", 1.0),
    ]
    assert out.merged == ()
    kinds = sorted(f.kind for f in out.flags)
    assert kinds == ["fte_over_one", "manual_ambiguous"]  # 900 has two assignments
    assert out.requests["901-2"].rule == "manual"  # one assignment: the employee number finds it
