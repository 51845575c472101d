"""``intplan calibrate --fit``: adjust demand scales so simulated volumes match observed.

The parameters fitted (docs/calibration.md): one **demand scale** per observed volume
measure, multiplying the scenario's demand rates (``per_1000_per_week``) of the
activities that measure counts: the four GP-practice activities together for
``gp_appointments_per_1000_per_month``, one activity for ``<CODE>_contacts_per_1000_per_month``.
Bucket shares and DNA rates are compared but not fitted by this version.

scipy's bounded least squares on relative errors, with common random numbers (every
evaluation simulates with the same seed, so a change in the figures comes from the
parameters, not from noise) and a small budget of evaluations.
"""

from __future__ import annotations

import dataclasses
import math
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import least_squares

from intplan.domain import IntplanError, Scenario
from intplan.domain.errors import DomainError, ScenarioError
from intplan.io.results import ResultTable
from intplan.services.calibrate import (
    GP_ACTIVITIES,
    CalibrationTable,
    Target,
    ValidationRow,
    calibration_table,
    simulated_measures,
)
from intplan.services.progress import Progress, check_cancel, report
from intplan.services.simulate import SimulationOptions, run_simulation

#: assumption: demand is not believed to be off by more than a factor of 4 either way
SCALE_BOUNDS = (0.25, 4.0)
#: assumption: enough for one or a few nearly linear parameters (each Jacobian costs n+1)
DEFAULT_EVALUATIONS = 12


class _BudgetSpent(Exception):
    """The --fit-evaluations budget is used up (scipy does not count its finite
    differences against max_nfev, so the budget is kept here)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class FittedParameter:
    name: str
    activities: tuple[str, ...]
    before: float
    after: float
    #: why the fitted value may not reach the target (capacity caps served contacts)
    note: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class FitResult:
    scenario: Scenario  # the fitted scenario (the input is unchanged)
    parameters: tuple[FittedParameter, ...]
    before: CalibrationTable
    after: CalibrationTable
    evaluations: int
    message: str

    def to_json(self) -> dict[str, Any]:
        return {
            "parameters": [dataclasses.asdict(p) for p in self.parameters],
            "evaluations": self.evaluations,
            "message": self.message,
            "after": [r.to_json() for r in self.after.rows],
        }


def volume_groups(
    scenario: Scenario, targets: list[Target]
) -> list[tuple[Target, tuple[str, ...]]]:
    """Each observed volume measure with the activities its demand scale multiplies."""
    codes = {a.code for a in scenario.activities}
    out = []
    for t in targets:
        if t.measure == "gp_appointments_per_1000_per_month":
            acts = tuple(a for a in GP_ACTIVITIES if a in codes)
        elif t.measure.endswith("_contacts_per_1000_per_month"):
            code = t.measure.removesuffix("_contacts_per_1000_per_month")
            acts = (code,) if code in codes else ()
        else:
            continue
        if acts and t.value > 0:
            out.append((t, acts))
    return out


def scale_demand(scenario: Scenario, factors: dict[str, float]) -> Scenario:
    """``scenario`` with each named activity's demand rates multiplied by its factor."""
    rates = tuple(
        dataclasses.replace(r, per_1000_per_week=r.per_1000_per_week * factors[r.activity])
        if r.activity in factors
        else r
        for r in scenario.demand_rates
    )
    try:
        return dataclasses.replace(scenario, demand_rates=rates)
    except (DomainError, ScenarioError) as e:
        raise IntplanError(f"the fitted demand rates are out of bounds: {e}") from e


def fit(
    scenario: Scenario,
    options: SimulationOptions,
    targets: list[Target],
    before: CalibrationTable,
    *,
    evaluations: int = DEFAULT_EVALUATIONS,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> FitResult:
    groups = volume_groups(scenario, targets)
    if not groups:
        raise IntplanError(
            "nothing to fit: the observed figures have no volume measure for an activity "
            "of this scenario (docs/calibration.md lists what --fit adjusts)"
        )
    # common random numbers: every evaluation uses the same seed
    seed = options.seed if options.seed is not None else scenario.settings.seed
    opts = dataclasses.replace(options, seed=seed)
    count = 0
    best: tuple[float, NDArray[np.float64]] = (math.inf, np.ones(len(groups)))

    def scaled(x: NDArray[np.float64]) -> Scenario:
        factors = {a: float(s) for (_, acts), s in zip(groups, x, strict=True) for a in acts}
        return scale_demand(scenario, factors)

    def residuals(x: NDArray[np.float64]) -> NDArray[np.float64]:
        nonlocal count, best
        check_cancel(cancel)
        if count >= evaluations:
            raise _BudgetSpent
        count += 1
        report(progress, min(count / (evaluations + 1), 0.95), f"fit evaluation {count}")
        candidate = scaled(x)
        sims = simulated_measures(candidate, run_simulation(candidate, opts, cancel=cancel))
        out = []
        for t, _ in groups:
            v = sims[t.measure].value
            out.append((v - t.value) / t.value if math.isfinite(v) else 10.0)
        r = np.asarray(out, dtype=np.float64)
        cost = float(r @ r)
        if cost < best[0]:
            best = (cost, np.array(x, dtype=np.float64))
        return r

    x0 = np.ones(len(groups))
    # a 5% finite-difference step: CRN keeps the response smooth at that scale, while a
    # tiny step would only see whole arrivals appear or vanish
    try:
        sol = least_squares(
            residuals,
            x0,
            bounds=SCALE_BOUNDS,
            diff_step=0.05,
            max_nfev=evaluations,
            x_scale=1.0,
        )
        x, message = sol.x, str(sol.message)
    except _BudgetSpent:
        x = best[1]
        message = f"stopped after {evaluations} simulations; the best point found is kept"
    fitted = scaled(x)
    after = calibration_table(fitted, options, targets, before.observed, cancel=cancel)
    report(progress, 1.0, "done")
    params = tuple(
        FittedParameter(
            name=f"demand scale {'+'.join(acts)}",
            activities=acts,
            before=1.0,
            after=float(s),
            note=_capacity_note(after, t, acts),
        )
        for (t, acts), s in zip(groups, x, strict=True)
    )
    return FitResult(
        scenario=fitted,
        parameters=params,
        before=before,
        after=after,
        evaluations=count,
        message=message,
    )


#: assumption: served below 95% of arrivals means capacity, not demand, sets the volume
_CAPPED_SHARE = 0.95


def _capacity_note(after: CalibrationTable, target: Target, activities: tuple[str, ...]) -> str:
    """Say so when the volume is still short and capacity is what holds it down: served
    contacts stop rising with demand once the staff are full (escalations take the rest)."""
    row = next(r for r in after.rows if r.measure == target.measure)
    if row.within is not False or row.simulated >= row.observed:
        return ""
    recs = [a for a in after.result.activities if a.activity in activities]
    arrivals = sum(a.arrivals_per_week.mean for a in recs)
    served = sum(a.served_per_week.mean for a in recs)
    if arrivals > 0 and served < _CAPPED_SHARE * arrivals:
        return (
            f"capacity-bound: {served / arrivals:.0%} of requests served; more demand "
            "does not add contacts - add capacity (FTE, productive fraction) instead"
        )
    return ""


def _cell(v: float) -> float | None:
    return v if math.isfinite(v) else None


def calibration_tables(table: CalibrationTable, fitted: FitResult | None) -> list[ResultTable]:
    """The ``Calibration`` sheet: the validation table (before/after when fitted) and the
    parameters changed."""
    after = {r.measure: r for r in fitted.after.rows} if fitted else {}

    def row(r: ValidationRow) -> tuple[Any, ...]:
        base: tuple[Any, ...] = (
            r.measure,
            _cell(r.observed),
            _cell(r.tolerance),
            r.comparison,
            _cell(r.simulated),
            _cell(r.difference),
            r.within,
        )
        if fitted:
            a = after[r.measure]
            base += (_cell(a.simulated), a.within)
        return (*base, r.note, r.source)

    headers: tuple[str, ...] = (
        "measure",
        "observed",
        "tolerance",
        "comparison",
        "simulated",
        "difference",
        "within",
    )
    if fitted:
        headers = (*headers, "simulated_after_fit", "within_after_fit")
    headers = (*headers, "note", "source")
    res = table.result
    tables = [
        ResultTable(
            sheet="Calibration",
            title="Simulated baseline against observed figures",
            note=f"{res.replications} replications x {res.weeks} weeks (+{res.warmup_weeks} "
            f"warm-up), seed {res.seed}. 'within' is blank when the measure is not simulated.",
            headers=headers,
            rows=tuple(row(r) for r in table.rows),
            widths={"measure": 34, "note": 50, "source": 60},
        )
    ]
    if fitted:
        tables.append(
            ResultTable(
                sheet="Calibration",
                title="Parameters changed by --fit",
                note=f"{fitted.evaluations} simulations; optimiser: {fitted.message}",
                headers=("parameter", "activities", "before", "after", "note"),
                rows=tuple(
                    (p.name, ", ".join(p.activities), p.before, p.after, p.note)
                    for p in fitted.parameters
                ),
                widths={"parameter": 34},
            )
        )
    if res.model_report:  # the baseline run's STRESS-DES report, as simulate writes it
        from intplan.services.model_report import model_report_table

        tables.append(model_report_table(res.model_report, scenario_name=res.scenario_name))
    return tables
