"""``intplan calibrate --fit``: adjust documented parameters to match what is observed.

The parameters (``calibrate_params``, docs/calibration.md "Fitting"): a demand scale per
observed volume measure, and a productive fraction per role for the roles that do the
GP-practice activities when booking-category shares are observed. Each is bounded to a
documented plausible range.

scipy's bounded least squares. Each residual is (simulated - observed) / tolerance, so
"within tolerance" is |residual| <= 1 whatever the measure's unit. A weak pull of each
productive fraction to its workbook value (PRIOR_WEIGHT) keeps the problem well posed
when two roles affect the shares alike. Every evaluation simulates with the same seed
(common random numbers), so a change in the figures comes from the parameters, not noise.
"""

from __future__ import annotations

import dataclasses
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import least_squares

from intplan.domain import IntplanError, Scenario
from intplan.io.results import ResultTable
from intplan.services.calibrate import (
    CalibrationTable,
    Target,
    ValidationRow,
    calibration_table,
    simulated_measures,
)
from intplan.services.calibrate_params import (
    DEMAND_SCALE,
    PRODUCTIVE_FRACTION_BOUNDS,
    SCALE_BOUNDS,
    Parameter,
    apply,
    parameters,
    scale_demand,
    set_productive_fractions,
    share_targets,
    volume_groups,
)
from intplan.services.progress import Progress, check_cancel, report
from intplan.services.simulate import SimulationOptions, run_simulation

__all__ = [
    "PRODUCTIVE_FRACTION_BOUNDS",
    "SCALE_BOUNDS",
    "FitResult",
    "FittedParameter",
    "calibration_tables",
    "default_evaluations",
    "fit",
    "scale_demand",
    "set_productive_fractions",
]

#: assumption: a productive fraction's pull to its workbook value, per its whole range,
#: against one tolerance of misfit: weak enough that the data decide when they can
PRIOR_WEIGHT = 0.1
#: a measure whose tolerance is missing or zero is scaled by 10% of its observed value
_FALLBACK_TOLERANCE = 0.10
#: the residual of a measure the simulation could not produce (no contacts at all)
_MISSING = 10.0


def default_evaluations(n_parameters: int) -> int:
    """Enough simulations for about four finite-difference steps (each costs n + 1)."""
    return max(12, 4 * (n_parameters + 1))


class _BudgetSpent(Exception):
    """The --fit-evaluations budget is used up (scipy does not count its finite
    differences against max_nfev, so the budget is kept here)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class FittedParameter:
    name: str
    kind: str  # "demand_scale" or "productive_fraction"
    applies_to: tuple[str, ...]  # activity codes, or the role
    before: float
    after: float
    lower: float
    upper: float
    #: why the fitted value may not reach the target (capacity, a bound)
    note: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class FitResult:
    scenario: Scenario  # the fitted scenario (the input is unchanged)
    parameters: tuple[FittedParameter, ...]
    before: CalibrationTable
    after: CalibrationTable
    evaluations: int
    message: str
    fitted_measures: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "parameters": [dataclasses.asdict(p) for p in self.parameters],
            "fitted_measures": list(self.fitted_measures),
            "evaluations": self.evaluations,
            "message": self.message,
            "after": [r.to_json() for r in self.after.rows],
        }


def _scale(t: Target) -> float:
    if math.isfinite(t.tolerance) and t.tolerance > 0:
        return t.tolerance
    return max(abs(t.value) * _FALLBACK_TOLERANCE, 1e-9)


def fit(
    scenario: Scenario,
    options: SimulationOptions,
    targets: list[Target],
    before: CalibrationTable,
    *,
    evaluations: int | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> FitResult:
    params = parameters(scenario, targets, before.result)
    if not params:
        raise IntplanError(
            "nothing to fit: the observed figures have no volume measure for an activity "
            "of this scenario (docs/calibration.md lists what --fit adjusts)"
        )
    fitted_targets = [t for t, _ in volume_groups(scenario, targets)] + share_targets(targets)
    budget = evaluations if evaluations is not None else default_evaluations(len(params))
    # common random numbers: every evaluation uses the same seed
    seed = options.seed if options.seed is not None else scenario.settings.seed
    opts = dataclasses.replace(options, seed=seed)
    start = np.array([p.start for p in params], dtype=np.float64)
    priors = [(i, p) for i, p in enumerate(params) if p.kind != DEMAND_SCALE]
    count = 0
    best: tuple[float, NDArray[np.float64]] = (math.inf, start)

    def residuals(x: NDArray[np.float64]) -> NDArray[np.float64]:
        nonlocal count, best
        check_cancel(cancel)
        if count >= budget:
            raise _BudgetSpent
        count += 1
        report(progress, min(count / (budget + 1), 0.95), f"fit evaluation {count}")
        candidate = apply(scenario, params, x.tolist())
        sims = simulated_measures(candidate, run_simulation(candidate, opts, cancel=cancel))
        out = []
        for t in fitted_targets:
            v = sims[t.measure].value
            out.append((v - t.value) / _scale(t) if math.isfinite(v) else _MISSING)
        out += [PRIOR_WEIGHT * (x[i] - p.start) / (p.upper - p.lower) for i, p in priors]
        r = np.asarray(out, dtype=np.float64)
        cost = float(r @ r)
        if cost < best[0]:
            best = (cost, np.array(x, dtype=np.float64))
        return r

    # a 5% finite-difference step: CRN keeps the response smooth at that scale, while a
    # tiny step would only see whole arrivals appear or vanish
    try:
        sol = least_squares(
            residuals,
            start,
            bounds=([p.lower for p in params], [p.upper for p in params]),
            diff_step=0.05,
            max_nfev=budget,
        )
        x, message = best[1], str(sol.message)
    except _BudgetSpent:
        x = best[1]
        message = f"stopped after {budget} simulations; the best point found is kept"
    fitted = apply(scenario, params, x.tolist())
    after = calibration_table(fitted, options, targets, before.observed, cancel=cancel)
    report(progress, 1.0, "done")
    groups = {acts: t for t, acts in volume_groups(scenario, targets)}
    out = tuple(
        FittedParameter(
            name=p.name,
            kind=p.kind,
            applies_to=p.applies_to,
            before=p.start,
            after=float(v),
            lower=p.lower,
            upper=p.upper,
            note=_note(after, p, float(v), groups.get(p.applies_to)),
        )
        for p, v in zip(params, x, strict=True)
    )
    return FitResult(
        scenario=fitted,
        parameters=out,
        before=before,
        after=after,
        evaluations=count,
        message=message,
        fitted_measures=tuple(t.measure for t in fitted_targets),
    )


#: assumption: served below 95% of arrivals means capacity, not demand, sets the volume
_CAPPED_SHARE = 0.95


def _note(after: CalibrationTable, p: Parameter, value: float, target: Target | None) -> str:
    if target is not None:
        return _capacity_note(after, target, p.applies_to)
    at = "floor" if value <= p.lower + 0.005 else "ceiling" if value >= p.upper - 0.005 else ""
    if not at:
        return ""
    return (
        f"at the plausible {at} ({p.lower:g}-{p.upper:g}): staff time alone cannot match "
        "the observed shares; how far ahead appointments are booked may be what differs"
    )


def _capacity_note(after: CalibrationTable, target: Target, activities: Sequence[str]) -> str:
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
            base += (_cell(a.simulated), _cell(a.difference), a.within)
            base += ("yes" if r.measure in fitted.fitted_measures else "no",)
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
        headers = (
            *headers,
            "simulated_after_fit",
            "difference_after_fit",
            "within_after_fit",
            "fitted",
        )
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
                note=f"Every parameter --fit may move, old -> new, within its bounds "
                f"(docs/calibration.md). {fitted.evaluations} simulations; optimiser: "
                f"{fitted.message}",
                headers=(
                    "parameter",
                    "applies_to",
                    "before",
                    "after",
                    "lower",
                    "upper",
                    "changed",
                    "note",
                ),
                rows=tuple(
                    (
                        p.name,
                        ", ".join(p.applies_to),
                        p.before,
                        p.after,
                        p.lower,
                        p.upper,
                        "yes" if round(p.after, 4) != round(p.before, 4) else "no",
                        p.note,
                    )
                    for p in fitted.parameters
                ),
                number_formats={"before": "0.000", "after": "0.000"},
                widths={"parameter": 30, "note": 60},
            )
        )
    if res.model_report:  # the baseline run's STRESS-DES report, as simulate writes it
        from intplan.services.model_report import model_report_table

        tables.append(model_report_table(res.model_report, scenario_name=res.scenario_name))
    return tables
