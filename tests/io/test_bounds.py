"""Plausibility bounds: every number column has one, and nothing inside them crashes a run.

The tiny example is edited as a workbook (openpyxl) with every number column, and every
numeric setting, at its upper or its lower bound; it must load, simulate a week and
optimise (infeasible is a normal outcome) without a traceback.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from intplan.domain import SETTING_SPECS, IntplanError, Scenario
from intplan.domain.limits import FTE, MAX_CONTACTS_PER_WEEK, Limit
from intplan.domain.peak import peak_weekly_contacts
from intplan.io import schema as S
from intplan.io.errors import WorkbookError
from intplan.io.workbook import read_scenario, write_scenario
from intplan.optimise.options import OptimiseOptions
from intplan.services.optimise import run_optimise
from intplan.services.simulate import SimulationOptions, run_simulation

NUMBER_KINDS = (S.Kind.NUMBER, S.Kind.INTEGER)


def test_every_number_column_and_setting_has_a_bound() -> None:
    missing = [
        f"{s.name}.{c.header}"
        for s in S.SHEETS
        for c in s.columns
        if c.kind in NUMBER_KINDS and c.limit is None
    ]
    missing += [p.key for p in SETTING_SPECS if not isinstance(p.default, str) and p.limit is None]
    assert missing == []


def _edit_to_bounds(src: Path, out: Path, high: bool, list_size: int | None = None) -> Path:
    """Every bounded number cell at its bound, then the few cross-field rules restored."""
    wb = openpyxl.load_workbook(src)

    def bound(limit: Limit, whole: bool) -> float | int:
        x = limit.high if high else limit.low
        return int(x) if whole else x

    for spec in S.SHEETS:
        ws = wb[spec.name]
        header = [c.value for c in ws[1]]
        for col in spec.columns:
            if col.limit is None or col.header in spec.key:  # months are ids: kept distinct
                continue
            ci = header.index(col.header) + 1
            for r in range(2, ws.max_row + 1):
                if ws.cell(row=r, column=1).value is not None:
                    ws.cell(row=r, column=ci).value = bound(col.limit, col.kind is S.Kind.INTEGER)
    settings = wb["Settings"]
    for r in range(2, settings.max_row + 1):
        setting = next(
            (p for p in SETTING_SPECS if p.key == settings.cell(row=r, column=1).value), None
        )
        if setting is not None and setting.limit is not None:
            whole = isinstance(setting.default, int)
            settings.cell(row=r, column=2).value = bound(setting.limit, whole)
    _restore_cross_field_rules(wb, high, list_size)
    wb.save(out)
    return out


def _column(ws: Any, header: str) -> int:
    return [c.value for c in ws[1]].index(header) + 1


def _restore_cross_field_rules(wb: Any, high: bool, list_size: int | None) -> None:
    rotas = wb["Rotas"]
    for r in range(2, rotas.max_row + 1):  # a rota must have hours: 0-24 uses both bounds
        rotas.cell(row=r, column=_column(rotas, "start_hour")).value = 0
        rotas.cell(row=r, column=_column(rotas, "end_hour")).value = 24
    if not high:  # weights must not all be zero: one day and one hour at the lower bound + 1
        prof = wb["ArrivalProfiles"]
        for r in range(2, prof.max_row + 1):
            prof.cell(row=r, column=_column(prof, "mon")).value = 1
            prof.cell(row=r, column=_column(prof, "h09")).value = 1
    # A person's INT shares add up to their FTE: at the upper bound the person's FTE is
    # split; at the lower bound each share is at the bound and the person holds their sum.
    staff, assign = wb["Staff"], wb["Assignments"]
    owners = [assign.cell(row=r, column=1).value for r in range(2, assign.max_row + 1)]
    count = Counter(owners)
    share = {o: (FTE.high / n if high else FTE.low) for o, n in count.items()}
    for r, owner in enumerate(owners, start=2):
        assign.cell(row=r, column=_column(assign, "fte")).value = share[owner]
    for r in range(2, staff.max_row + 1):
        person = staff.cell(row=r, column=1).value
        if person in count:
            staff.cell(row=r, column=_column(staff, "fte")).value = share[person] * count[person]
    if list_size is not None:
        practices = wb["Practices"]
        for r in range(2, practices.max_row + 1):
            for h in S.BAND_HEADERS:
                practices.cell(row=r, column=_column(practices, h)).value = list_size


@pytest.fixture
def tiny_path(tiny: Scenario, tmp_path: Path) -> Path:
    path = tmp_path / "tiny.xlsx"
    write_scenario(tiny, path)
    return path


def _runs(scenario: Scenario) -> None:
    """One simulated week and one optimisation, with no traceback (infeasible is fine)."""
    result = run_simulation(
        scenario, SimulationOptions(weeks=1, warmup_weeks=0, replications=1, workers=1)
    )
    assert result.weeks == 1
    try:
        run_optimise(scenario, OptimiseOptions(time_limit_seconds=20))
    except IntplanError as e:  # e.g. meetings longer than the usable hours: said, not crashed
        assert str(e)


def test_every_column_at_its_upper_bound_breaks_only_the_demand_bound(
    tiny_path: Path, tmp_path: Path
) -> None:
    path = _edit_to_bounds(tiny_path, tmp_path / "high.xlsx", high=True)
    with pytest.raises(WorkbookError) as info:
        read_scenario(path)
    (issue,) = info.value.issues
    assert (issue.sheet, issue.column) == ("DemandRates", "per_1000_per_week")
    assert issue.row is not None and f"{MAX_CONTACTS_PER_WEEK:,}" in issue.message


def test_every_column_at_its_upper_bound_within_the_demand_bound_runs(
    tiny_path: Path, tmp_path: Path
) -> None:
    # Lists are the one column below their bound: at the bound the demand bound refuses
    # the workbook (above); here they are as large as it allows with everything else maxed.
    path = _edit_to_bounds(tiny_path, tmp_path / "high.xlsx", high=True, list_size=1650)
    scenario = read_scenario(path)
    peak, _ = peak_weekly_contacts(scenario)
    assert 0.9 * MAX_CONTACTS_PER_WEEK < peak <= MAX_CONTACTS_PER_WEEK
    _runs(scenario)


def test_every_column_at_its_lower_bound_runs(tiny_path: Path, tmp_path: Path) -> None:
    scenario = read_scenario(_edit_to_bounds(tiny_path, tmp_path / "low.xlsx", high=False))
    _runs(scenario)


def _columns() -> list[tuple[str, str]]:
    return [
        (s.name, c.header)
        for s in S.SHEETS
        for c in s.columns
        if c.limit is not None and s.name not in ("Rotas",)
    ] + [("Settings", p.key) for p in SETTING_SPECS if p.limit is not None]


@pytest.mark.slow
@pytest.mark.parametrize("high", [True, False], ids=["high", "low"])
@pytest.mark.parametrize(("sheet", "header"), _columns())
def test_one_column_at_a_bound_loads_and_runs_or_is_reported(
    tiny_path: Path, tmp_path: Path, sheet: str, header: str, high: bool
) -> None:
    """One column (or setting) at a bound, the rest as in the example."""
    wb = openpyxl.load_workbook(tiny_path)
    ws = wb[sheet]
    if sheet == "Settings":
        spec = next(p for p in SETTING_SPECS if p.key == header)
        assert spec.limit is not None
        value = spec.limit.high if high else spec.limit.low
        for r in range(2, ws.max_row + 1):
            if ws.cell(row=r, column=1).value == header:
                ws.cell(row=r, column=2).value = value
    else:
        col = S.SHEET_BY_NAME[sheet].column(header)
        assert col.limit is not None
        value = col.limit.high if high else col.limit.low
        ci = _column(ws, header)
        for r in range(2, ws.max_row + 1):
            if ws.cell(row=r, column=1).value is not None:
                ws.cell(row=r, column=ci).value = value
    wb.save(path := tmp_path / "one.xlsx")
    try:
        scenario = read_scenario(path)
    except WorkbookError as e:  # a cross-field rule (shares must add up, ...): reported
        assert all(i.sheet and i.row and i.column for i in e.issues), e
        return
    with contextlib.suppress(IntplanError):  # a clear refusal is an outcome, not a crash
        _runs(scenario)
