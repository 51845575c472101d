"""Each sheet declared once: its declaration writes a scenario's rows and reads them
back into equal objects; the one number parser's documented options."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from intplan.domain import ActivityKind, Patience, Scenario
from intplan.examples import build_dorset_bcp, build_tiny
from intplan.io import schema as S
from intplan.io.cellnum import parse_number
from intplan.io.errors import WorkbookError
from intplan.io.reference import FILES, load_table
from intplan.io.registers import parse_number as register_number
from intplan.io.table_rows import typed_rows

#: attributes joined in from another sheet (INTPractices, TeamPractices, Assignments)
LINKED = {"INTs": "practices", "Teams": "practices", "Staff": "assignments"}
OBJECT_SHEETS = [s for s in S.SHEETS if s.holds_items]


@pytest.fixture(scope="module", params=[build_tiny, build_dorset_bcp], ids=["tiny", "dorset"])
def scenario(request: pytest.FixtureRequest) -> Scenario:
    build: Callable[[], Scenario] = request.param
    return build()


@pytest.mark.parametrize("spec", OBJECT_SHEETS, ids=[s.name for s in OBJECT_SHEETS])
def test_every_sheet_round_trips_through_its_declaration(
    spec: S.SheetSpec, scenario: Scenario
) -> None:
    items = list(spec.items(scenario))
    rows = spec.rows(scenario)
    assert rows, f"the example has no {spec.name} rows to check"
    assert all(len(r) == len(spec.columns) for r in rows)
    problems: list[tuple[int, str, str]] = []
    col_of = {h: i for i, h in enumerate(spec.headers)}
    typed = typed_rows(spec, col_of, enumerate(rows, start=2), lambda *p: problems.append(p))
    assert problems == []
    assert len(typed) == len(items)
    for row, item in zip(typed, items, strict=True):
        if spec.owner is not None:
            owner, member = item
            assert row.values[spec.owner] == owner
            if spec.model is None:  # a membership: the member is a code
                (member_header,) = (h for h in spec.headers if h != spec.owner)
                assert row.values[member_header] == member
            else:
                assert spec.build(row.values) == member
            continue
        links: dict[str, Any] = {}
        if spec.name in LINKED:
            links[LINKED[spec.name]] = getattr(item, LINKED[spec.name])
        assert spec.build(row.values, **links) == item


def test_cells_are_written_as_a_user_types_them() -> None:
    roles = S.ROLES
    gp = next(r for r in build_tiny().roles if r.core)
    row = dict(zip(roles.headers, roles.cells(gp), strict=True))
    assert row["core"] == "yes"
    assert row["staff_group"] == gp.staff_group.value
    assert type(row["staff_group"]) is str
    assert row["skills"] == S.LIST_SEPARATOR.join(gp.skills) or None


def test_a_blank_optional_cell_takes_the_declared_domain_value() -> None:
    act = next(a for a in build_tiny().activities if a.kind is ActivityKind.PATIENT)
    values = dict(zip(S.ACTIVITIES.headers, S.ACTIVITIES.cells(act), strict=True))
    values.update(patience=None, booked_ahead_share=None)
    built = S.ACTIVITIES.build(values)
    assert built.patience is Patience.NONE  # blank = waits as long as it takes
    assert built.booked_ahead_share is None


@pytest.mark.parametrize(
    ("text", "options", "expected"),
    [
        ("0.5", {}, 0.5),
        (" 7 ", {}, 7),
        ("1e3", {}, 1000.0),
        ("0,5", {}, None),  # never 5, never silently 0.5 in a scenario
        ("80%", {}, None),
        ("1,000", {}, None),
        ("0,5", {"decimal_comma": True}, 0.5),
        ("5,", {"decimal_comma": True}, 5.0),
        (",5", {"decimal_comma": True}, 0.5),
        ("1,2,3", {"decimal_comma": True}, None),
        ("1,000.5", {"decimal_comma": True}, None),
        ("80%", {"percent": True}, 0.8),
        ("0.5%", {"percent": True}, 0.005),
        ("80%%", {"percent": True}, None),
        ("%", {"percent": True}, None),
        ("12,5%", {"decimal_comma": True, "percent": True}, 0.125),
        ("nan", {"decimal_comma": True, "percent": True}, None),
        ("inf%", {"decimal_comma": True, "percent": True}, None),
        ("1_000", {"decimal_comma": True, "percent": True}, None),
    ],
)
def test_number_rules_and_their_options(
    text: str, options: dict[str, bool], expected: float | None
) -> None:
    got = parse_number(text, **options)
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(expected)


def test_whole_numbers_stay_exact_integers() -> None:
    got = parse_number("123456789012345678")
    assert got == 123456789012345678
    assert type(got) is int


def test_registers_use_the_same_parser_with_the_hr_options() -> None:
    for text in ("0,8", "80%", "1e3", "nan", "0.8.1", "1,000.5"):
        expected = parse_number(text, decimal_comma=True, percent=True)
        assert register_number(text) == (None if expected is None else float(expected))
    assert register_number("1 000") == 1000.0  # spaces inside an HR export's number


def test_reference_csv_numbers_follow_the_workbook_rule(tmp_path: Path) -> None:
    path = tmp_path / "seasonality.csv"
    path.write_text('activity,month,factor,source\nSDC,1,"1,1",x\nSDC,2,1.1,x\n', encoding="utf-8")
    with pytest.raises(WorkbookError) as info:
        load_table(path)
    [issue] = info.value.issues
    assert (issue.file, issue.row, issue.column) == ("seasonality.csv", 2, "factor")
    assert "not a number" in issue.message


def test_reference_csv_headers_are_mapped_in_the_declaration(tmp_path: Path) -> None:
    spec, _ = FILES["interventions.csv"]
    assert "int_code" in spec.headers
    assert "int" not in spec.headers
    path = tmp_path / "interventions.csv"
    path.write_text(
        "code,name,activity,int_code,effect_pct,start_week,lag_weeks,ramp_weeks,source\n"
        "I1,Lever,SDC,INT9,-10,0,4,8,x\n",
        encoding="utf-8",
    )
    [lever] = load_table(path)
    assert lever.int_code == "INT9"
    assert lever.effect_pct == -10
