"""What ``intplan calibrate --fit`` may change, and how a value is put into a scenario.

Two kinds of documented parameter (docs/calibration.md, "Fitting"):

* a **demand scale** per observed volume measure: it multiplies the demand rates of the
  activities that measure counts (the four GP-practice activities together for
  ``gp_appointments_per_1000_per_month``; one activity for
  ``<CODE>_contacts_per_1000_per_month``);
* a **productive fraction** per role, for the roles that do the activities whose booking
  categories are observed (``gp_same_day_share``, ``gp_within_14_days_share``): how soon
  people are seen depends on how much staff time there is. At most as many roles as
  observed shares (the most contacts first), so the fit is never underdetermined.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass

from intplan.domain import IntplanError, Scenario
from intplan.domain.errors import DomainError, ScenarioError
from intplan.services.calibrate import GP_ACTIVITIES, Target
from intplan.services.simulate import SimulationResult

DEMAND_SCALE = "demand_scale"
PRODUCTIVE_FRACTION = "productive_fraction"

#: assumption: demand is not believed to be off by more than a factor of 4 either way
SCALE_BOUNDS = (0.25, 4.0)
#: the plausible range of a productive fraction (share of contracted weekdays worked).
#: Ceiling: the statutory minimum leave of 5.6 weeks (28 days, bank holidays included),
#: no sickness, no training: (261 - 28) / 261 = 0.89. Floor, assumption: the longest
#: Agenda for Change leave (33 days) + 8 bank holidays + 10 training days, then 15%
#: sickness: (261 - 51) x 0.85 / 261 = 0.68, rounded down to 0.65.
PRODUCTIVE_FRACTION_BOUNDS = (0.65, 0.89)
#: the booking-category shares that productive fractions are fitted to
FITTED_SHARES = ("gp_same_day_share", "gp_within_14_days_share")
#: assumption: a few roles at most, so a fit stays a few dozen simulations
MAX_ROLE_PARAMETERS = 3


@dataclass(frozen=True, slots=True, kw_only=True)
class Parameter:
    """One value the fit may move, with its bounds."""

    kind: str  # DEMAND_SCALE or PRODUCTIVE_FRACTION
    name: str
    applies_to: tuple[str, ...]  # activity codes (demand scale) or one role code
    start: float
    lower: float
    upper: float


def volume_groups(
    scenario: Scenario, targets: Sequence[Target]
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
        if acts and t.value > 0 and math.isfinite(t.value):
            out.append((t, acts))
    return out


def share_targets(targets: Sequence[Target]) -> list[Target]:
    """The observed booking-category shares productive fractions are fitted to."""
    return [
        t
        for t in targets
        if t.measure in FITTED_SHARES and t.comparison == "equal" and math.isfinite(t.value)
    ]


def fitted_roles(scenario: Scenario, baseline: SimulationResult, shares: int) -> list[str]:
    """The roles that may do the GP-practice activities, most contacts in the baseline
    first, no more than the observed shares (and MAX_ROLE_PARAMETERS)."""
    eligible = {e.role for e in scenario.eligibilities if e.activity in GP_ACTIVITIES}
    contacts: dict[str, float] = dict.fromkeys(eligible, 0.0)
    for r in baseline.roles:
        if r.role in contacts and math.isfinite(r.contacts_per_week.mean):
            contacts[r.role] += r.contacts_per_week.mean
    ranked = sorted((c for c in contacts if contacts[c] > 0), key=lambda c: (-contacts[c], c))
    return ranked[: min(shares, MAX_ROLE_PARAMETERS)]


def parameters(
    scenario: Scenario, targets: Sequence[Target], baseline: SimulationResult
) -> list[Parameter]:
    """Every parameter the observed ``targets`` can inform."""
    out = [
        Parameter(
            kind=DEMAND_SCALE,
            name=f"demand scale {'+'.join(acts)}",
            applies_to=acts,
            start=1.0,
            lower=SCALE_BOUNDS[0],
            upper=SCALE_BOUNDS[1],
        )
        for _, acts in volume_groups(scenario, targets)
    ]
    shares = len(share_targets(targets))
    roles = {r.code: r for r in scenario.roles}
    low, high = PRODUCTIVE_FRACTION_BOUNDS
    for code in fitted_roles(scenario, baseline, shares) if shares else []:
        start = roles[code].productive_fraction
        out.append(
            Parameter(
                kind=PRODUCTIVE_FRACTION,
                name=f"productive fraction {code}",
                applies_to=(code,),
                start=start,
                # a workbook value outside the range stays reachable
                lower=min(low, start),
                upper=max(high, start),
            )
        )
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


def set_productive_fractions(scenario: Scenario, fractions: dict[str, float]) -> Scenario:
    """``scenario`` with the named roles' productive fractions replaced."""
    try:
        roles = tuple(
            dataclasses.replace(r, productive_fraction=fractions[r.code])
            if r.code in fractions
            else r
            for r in scenario.roles
        )
        return dataclasses.replace(scenario, roles=roles)
    except (DomainError, ScenarioError) as e:
        raise IntplanError(f"the fitted productive fractions are out of bounds: {e}") from e


def apply(scenario: Scenario, params: Sequence[Parameter], values: Sequence[float]) -> Scenario:
    """``scenario`` with every parameter set to its value."""
    factors: dict[str, float] = {}
    fractions: dict[str, float] = {}
    for p, v in zip(params, values, strict=True):
        if p.kind == DEMAND_SCALE:
            factors.update(dict.fromkeys(p.applies_to, float(v)))
        else:
            fractions.update(dict.fromkeys(p.applies_to, float(v)))
    out = scale_demand(scenario, factors) if factors else scenario
    return set_productive_fractions(out, fractions) if fractions else out
