"""The scenario parameters a sweep can vary: one table drives parsing, help, docs and
applying a variant to a Scenario.

A parameter is named ``name`` or ``name[KEY]`` (an activity, role or intervention code).
Applying a variant is a pure function: it returns a new, validated Scenario and never
changes the one it was given. Scales (``demand_scale``, ``fte_scale``) multiply the
workbook's values; the others set a value.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from intplan.domain import Scenario
from intplan.domain.demand import Patience
from intplan.domain.errors import IntplanError

KeyKind = Literal["activity", "role", "intervention"]


class SweepParameterError(IntplanError):
    """A ``--vary`` parameter does not fit the workbook (an unknown code, a switched-off
    behaviour): exit 1, like an ``--int`` the workbook lacks."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Parameter:
    """One row of the parameter table."""

    name: str
    key: KeyKind | None  # what goes in [KEY]; None: no key
    key_optional: bool  # True: no [KEY] means every activity / role
    what: str
    unit: str
    low: float  # valid range, inclusive
    high: float
    baseline: Callable[[Scenario, str | None], float | None]
    apply: Callable[[Scenario, str | None, float], Scenario]


# -- what each parameter reads and changes ------------------------------------------


def _growth(s: Scenario, _key: str | None) -> float:
    return s.settings.annual_growth_pct


def _set_growth(s: Scenario, _key: str | None, v: float) -> Scenario:
    return dataclasses.replace(s, settings=dataclasses.replace(s.settings, annual_growth_pct=v))


def _one(_s: Scenario, _key: str | None) -> float:
    return 1.0


def _scale_demand(s: Scenario, key: str | None, v: float) -> Scenario:
    rates = tuple(
        dataclasses.replace(r, per_1000_per_week=r.per_1000_per_week * v)
        if key is None or r.activity == key
        else r
        for r in s.demand_rates
    )
    return dataclasses.replace(s, demand_rates=rates)


def _effect(s: Scenario, key: str | None) -> float:
    return next(i.effect_pct for i in s.interventions if i.code == key)


def _set_effect(s: Scenario, key: str | None, v: float) -> Scenario:
    items = tuple(
        dataclasses.replace(i, effect_pct=v) if i.code == key else i for i in s.interventions
    )
    return dataclasses.replace(s, interventions=items)


def _productive(s: Scenario, key: str | None) -> float:
    return s.role_by_code[str(key)].productive_fraction


def _set_productive(s: Scenario, key: str | None, v: float) -> Scenario:
    roles = tuple(
        dataclasses.replace(r, productive_fraction=v) if r.code == key else r for r in s.roles
    )
    return dataclasses.replace(s, roles=roles)


def _scale_fte(s: Scenario, key: str | None, v: float) -> Scenario:
    staff = tuple(
        dataclasses.replace(
            p,
            fte=p.fte * v,
            assignments=tuple(dataclasses.replace(a, fte=a.fte * v) for a in p.assignments),
        )
        if key is None or p.role == key
        else p
        for p in s.staff
    )
    return dataclasses.replace(s, staff=staff)


def _patience(s: Scenario, key: str | None) -> float | None:
    return s.activity_by_code[str(key)].patience_mean_hours


def _set_patience(s: Scenario, key: str | None, v: float) -> Scenario:
    act = s.activity_by_code[str(key)]
    if not s.settings.patience_enabled:
        raise SweepParameterError(
            f"patience[{key}]: patience is switched off (Settings patience_enabled = 0), "
            "so varying it would change nothing; set patience_enabled to 1"
        )
    if act.patience is Patience.NONE:
        raise SweepParameterError(
            f"patience[{key}]: activity {key} has no patience shape (Activities sheet, "
            "column patience is 'none'), so varying its mean would change nothing"
        )
    return _replace_activity(s, str(key), patience_mean_hours=v)


def _horizon(s: Scenario, key: str | None) -> float | None:
    return s.activity_by_code[str(key)].booking_horizon_days


def _set_horizon(s: Scenario, key: str | None, v: float) -> Scenario:
    if not s.settings.booking_horizon_enabled:
        raise SweepParameterError(
            f"booking_horizon[{key}]: booking horizons are switched off (Settings "
            "booking_horizon_enabled = 0), so varying one would change nothing; set "
            "booking_horizon_enabled to 1"
        )
    return _replace_activity(s, str(key), booking_horizon_days=v)


def _replace_activity(s: Scenario, code: str, **changes: float) -> Scenario:
    acts = tuple(
        dataclasses.replace(a, **changes) if a.code == code else a  # type: ignore[arg-type]
        for a in s.activities
    )
    return dataclasses.replace(s, activities=acts)


#: The parameter table (docs/sweep.md shows it; ``intplan sweep --help`` lists it).
#: Valid ranges are the workbook's own limits (domain/limits.py) where one exists.
PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        name="growth",
        key=None,
        key_optional=False,
        what="population growth applied to demand (Settings annual_growth_pct)",
        unit="% per year",
        low=-10,
        high=10,
        baseline=_growth,
        apply=_set_growth,
    ),
    Parameter(
        name="demand_scale",
        key="activity",
        key_optional=True,
        what="multiplies the activity's demand rates (DemandRates); no [KEY]: every activity",
        unit="x workbook",
        low=0,
        high=10,
        baseline=_one,
        apply=_scale_demand,
    ),
    Parameter(
        name="effect",
        key="intervention",
        key_optional=False,
        what="the intervention's effect on its activity's demand (Interventions effect_pct)",
        unit="%",
        low=-100,
        high=500,
        baseline=_effect,
        apply=_set_effect,
    ),
    Parameter(
        name="productive",
        key="role",
        key_optional=False,
        what="the role's productive fraction after leave, sickness and training (Roles)",
        unit="0-1",
        low=0.05,
        high=1,
        baseline=_productive,
        apply=_set_productive,
    ),
    Parameter(
        name="fte_scale",
        key="role",
        key_optional=True,
        what="multiplies the FTE of every person in the role (Staff); no [KEY]: every role",
        unit="x workbook",
        low=0.01,
        high=1.5,
        baseline=_one,
        apply=_scale_fte,
    ),
    Parameter(
        name="patience",
        key="activity",
        key_optional=False,
        what="mean time a waiting request waits before giving up (Activities "
        "patience_mean_hours; needs patience_enabled = 1)",
        unit="hours",
        low=0.01,
        high=8760,
        baseline=_patience,
        apply=_set_patience,
    ),
    Parameter(
        name="booking_horizon",
        key="activity",
        key_optional=False,
        what="days ahead a request can be booked before it is turned away (Activities "
        "booking_horizon_days; needs booking_horizon_enabled = 1)",
        unit="days",
        low=0,
        high=365,
        baseline=_horizon,
        apply=_set_horizon,
    ),
)
PARAMETER_BY_NAME = {p.name: p for p in PARAMETERS}

#: at least LOW and HIGH; more levels than this is a grid nobody can read
MAX_STEPS = 21
_VARY = re.compile(r"^(?P<name>[a-z_]+)(?:\[(?P<key>[^\]]*)\])?=(?P<range>.*)$")


@dataclass(frozen=True, slots=True, kw_only=True)
class Vary:
    """One ``--vary NAME[KEY]=LOW:HIGH[:STEPS]``."""

    name: str
    key: str | None
    low: float
    high: float
    steps: int | None  # None: the design's default

    @property
    def label(self) -> str:
        return self.name if self.key is None else f"{self.name}[{self.key}]"

    @property
    def parameter(self) -> Parameter:
        return PARAMETER_BY_NAME[self.name]

    def levels(self, default_steps: int) -> tuple[float, ...]:
        n = self.steps or default_steps
        return tuple(self.low + (self.high - self.low) * i / (n - 1) for i in range(n))


def _number(text: str, what: str, spec: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{spec}: {what} {text!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{spec}: {what} must be a finite number")
    return value


def parse_vary(spec: str) -> Vary:
    """``NAME[KEY]=LOW:HIGH[:STEPS]`` checked against the table (ValueError with a message
    that says what would be right)."""
    m = _VARY.match(spec.strip())
    if m is None:
        raise ValueError(
            f"{spec!r}: write NAME=LOW:HIGH[:STEPS], e.g. growth=0:2 or demand_scale[SDC]=0.8:1.2:5"
        )
    name, key = m["name"], m["key"]
    param = PARAMETER_BY_NAME.get(name)
    if param is None:
        raise ValueError(
            f"{spec!r}: unknown parameter {name!r}; choose one of {', '.join(PARAMETER_BY_NAME)}"
        )
    if key is not None and (param.key is None or not key):
        raise ValueError(
            f"{spec!r}: {name} takes no [KEY]" if param.key is None else f"{spec!r}: empty [KEY]"
        )
    if key is None and param.key is not None and not param.key_optional:
        raise ValueError(f"{spec!r}: {name} needs [{param.key.upper()}], e.g. {name}[CODE]=…")
    parts = m["range"].split(":")
    if len(parts) not in (2, 3):
        raise ValueError(f"{spec!r}: give LOW:HIGH or LOW:HIGH:STEPS after '='")
    low = _number(parts[0], "LOW", spec)
    high = _number(parts[1], "HIGH", spec)
    steps: int | None = None
    if len(parts) == 3:
        try:
            steps = int(parts[2])
        except ValueError:
            raise ValueError(f"{spec!r}: STEPS {parts[2]!r} is not a whole number") from None
        if not 2 <= steps <= MAX_STEPS:
            raise ValueError(f"{spec!r}: STEPS must be from 2 to {MAX_STEPS} (got {steps})")
    if not low < high:
        raise ValueError(f"{spec!r}: LOW must be below HIGH")
    if low < param.low or high > param.high:
        raise ValueError(
            f"{spec!r}: {name} must stay within {param.low:g} to {param.high:g} {param.unit}"
        )
    return Vary(name=name, key=key, low=low, high=high, steps=steps)


def check_varies(varies: Sequence[Vary], scenario: Scenario) -> None:
    """Every [KEY] names something in the workbook and applying each parameter works
    (raises SweepParameterError listing what is wrong)."""
    problems: list[str] = []
    labels = [v.label for v in varies]
    for label in sorted({x for x in labels if labels.count(x) > 1}):
        problems.append(f"{label} is given more than once")
    known: dict[str, set[str]] = {
        "activity": {a.code for a in scenario.activities},
        "role": {r.code for r in scenario.roles},
        "intervention": {i.code for i in scenario.interventions},
    }
    for v in varies:
        kind = v.parameter.key
        if kind is not None and v.key is not None and v.key not in known[kind]:
            choices = ", ".join(sorted(known[kind])) or "(none in this workbook)"
            problems.append(
                f"{v.label}: the workbook has no {kind} {v.key!r}; choose one of {choices}"
            )
            continue
        for value in (v.low, v.high):  # both ends, so no worker meets a bad one mid-run
            try:
                v.parameter.apply(scenario, v.key, value)
            except IntplanError as e:
                problems.append(f"{v.label} = {value:g}: {e}")
                break
    if problems:
        raise SweepParameterError("; ".join(problems))


def baseline_value(v: Vary, scenario: Scenario) -> float | None:
    """The workbook's own value of the parameter (None: not set, e.g. no booking limit)."""
    return v.parameter.baseline(scenario, v.key)


def apply_variant(scenario: Scenario, values: Sequence[tuple[Vary, float]]) -> Scenario:
    """A new Scenario with each parameter set to its value (``scenario`` is unchanged)."""
    out = scenario
    for v, value in values:
        try:
            out = v.parameter.apply(out, v.key, value)
        except SweepParameterError:
            raise
        except IntplanError as e:
            raise SweepParameterError(
                f"{v.label} = {value:g} makes the scenario invalid: {e}"
            ) from e
    return out


def parameter_help() -> str:
    """The table as text for ``--help``."""
    rows = []
    for p in PARAMETERS:
        name = p.name if p.key is None else f"{p.name}[{p.key.upper()}]"
        rows.append(f"{name} ({p.unit}, {p.low:g} to {p.high:g}): {p.what}")
    return "; ".join(rows)
