"""The model report of a run, item by item of STRESS-DES.

STRESS-DES (Monks et al. 2019, "Strengthening the reporting of empirical simulation
studies: Introducing the STRESS guidelines", J. Simulation 13(1):55-67) lists what a
discrete-event simulation study must report so others can judge and repeat it. Every
simulate output workbook gets a ``Model report`` sheet with these items filled in from
the run itself (scenario, sources, parameters, warm-up, replications, seeds, software,
machine, run time); docs/model.md follows the same structure.

:func:`model_report_rows` is a plain function of the scenario and the result; other
commands (calibrate) call it with their own result and add rows of their own through
``extra_rows``, then write :func:`model_report_table` with their other result sheets.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import os
import platform
from collections.abc import Sequence
from dataclasses import fields
from typing import TYPE_CHECKING

from intplan.domain import SETTING_SPECS, ActivityKind, Scenario
from intplan.services.model_report_data import DOC as _DOC
from intplan.services.model_report_data import Row, data_rows, num

if TYPE_CHECKING:
    from intplan.io.results import ResultTable
    from intplan.services.simulate import SimulationResult

#: the result sheet (a result-sheet prefix of its own: intplan.io.results)
SHEET_MODEL_REPORT = "Model report"

#: the most characters Excel keeps in one cell
EXCEL_CELL_CHARS = 32_767


#: STRESS-DES items in order (Monks et al. 2019, Table 1)
STRESS_ITEMS: tuple[tuple[str, str], ...] = (
    ("1.1", "Purpose of the model"),
    ("1.2", "Model outputs"),
    ("1.3", "Experimentation aims"),
    ("2.1", "Base model overview diagram"),
    ("2.2", "Base model logic"),
    ("2.3", "Scenario logic"),
    ("2.4", "Algorithms"),
    ("2.5.1", "Components: entities"),
    ("2.5.2", "Components: activities"),
    ("2.5.3", "Components: resources"),
    ("2.5.4", "Components: queues"),
    ("2.5.5", "Components: entry/exit points"),
    ("3.1", "Data sources"),
    ("3.2", "Pre-processing"),
    ("3.3", "Input parameters"),
    ("3.4", "Assumptions"),
    ("4.1", "Initialisation"),
    ("4.2", "Run length"),
    ("4.3", "Estimation approach"),
    ("5.1", "Software or programming language"),
    ("5.2", "Random sampling"),
    ("5.3", "Model execution"),
    ("5.4", "System specification"),
    ("6.1", "Computer model sharing statement"),
)

#: packages whose versions a run depends on (5.1)
PACKAGES: tuple[str, ...] = ("intplan", "numpy", "numba", "llvmlite", "simpy", "scipy", "openpyxl")


def package_version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def software_versions() -> dict[str, str]:
    """Python and the packages of :data:`PACKAGES`, name -> version."""
    out = {"Python": f"{platform.python_version()} ({platform.python_implementation()})"}
    out.update({p: package_version(p) for p in PACKAGES})
    return out


def usable_cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


# -- the items -------------------------------------------------------------------------


def _objectives(scenario: Scenario, result: SimulationResult) -> list[Row]:
    from intplan.services.simulate import ActivityRecord, IntRecord, RoleRecord

    def names(cls: type, skip: tuple[str, ...]) -> str:
        return ", ".join(f.name for f in fields(cls) if f.name not in skip)

    n_ints = len(result.ints)
    population = sum(i.population for i in result.ints)
    notes = f" Scenario notes: {scenario.notes}" if scenario.notes else ""
    if result.target_halfwidth is None:
        aim = "one run of one scenario with a fixed number of replications"
    else:
        aim = (
            f"one run of one scenario, replications added until the 95% CI of "
            f"{result.kpi} is within ±{result.target_halfwidth:.0%} of its mean"
        )
    return [
        (
            "1.1",
            "Purpose of the model",
            "Workforce and capacity planning for NHS Integrated Neighbourhood Teams (INTs): "
            "does each INT's staff, by role and rota, meet its registered population's "
            "demand, and with what waits, utilisation, backlog and escalations? "
            f"Scenario: {scenario.name!r}.{notes}",
        ),
        (
            "1.2",
            "Model outputs",
            "Each a mean across replications with a 95% t-interval (Results Sim sheets). "
            f"Per INT x activity: {names(ActivityRecord, ('int_code', 'activity'))}. "
            f"Per INT x role: {names(RoleRecord, ('int_code', 'role'))}. "
            f"Per INT: {names(IntRecord, ('int_code',))}. Weekly series per INT x activity "
            f"and INT x role. Definitions: {_DOC}, 'Outputs'. Headline KPI of this run: "
            f"{result.kpi}.",
        ),
        (
            "1.3",
            "Experimentation aims",
            f"This run: {aim}; {n_ints} INT(s) simulated "
            f"({', '.join(i.int_code for i in result.ints)}), population {population:,}; "
            f"cover between adjacent INTs {'on' if result.cover else 'off'}. Scenarios "
            "(other workbooks) are compared with `intplan compare`, PCN splits with "
            "`intplan compare-splits`, staffing plans with `intplan optimise`.",
        ),
    ]


def _logic(scenario: Scenario, result: SimulationResult) -> list[Row]:
    s = scenario.settings
    patient = [a for a in scenario.activities if a.kind is ActivityKind.PATIENT]
    meetings = [a for a in scenario.activities if a.kind is ActivityKind.MEETING]
    changed = [
        f"{sp.key} = {getattr(s, sp.key)!r} (default {sp.default!r})"
        for sp in SETTING_SPECS
        if getattr(s, sp.key) != sp.default
    ]
    interventions = [
        f"{i.code} ({i.name}): {i.effect_pct:+g}% on {i.activity} in "
        f"{i.int_code or 'every INT'} from week {i.start_week} after a {i.lag_weeks}-week lag, "
        f"over a {i.ramp_weeks}-week ramp"
        for i in scenario.interventions
    ]
    rows: list[Row] = [
        (
            "2.1",
            "Base model overview diagram",
            "request arrives (population demand, follow-up, referral, re-presentation) -> "
            "previous clinician / free eligible person in preference order / (cover) a "
            "neighbouring INT -> else the INT's queue -> contact (duration x random factor, "
            "plus travel for home visits) -> follow-up booked, or referral at the episode's "
            "end, or done; a request waiting past its escalation time leaves for ED. "
            f"Diagram: {_DOC}, '2.1 Base model overview diagram'.",
        ),
        (
            "2.2",
            "Base model logic",
            "Demand: contacts per 1,000 a week by age band x list size x deprivation "
            "multiplier, x seasonality, growth and interventions, as a non-homogeneous "
            "Poisson process by hour of week. Capacity: each person's FTE share per INT, on "
            "their role's rota, minus meetings and days lost to leave or sickness. Routing: "
            "priority first (1 = most urgent), then first come first served. "
            f"Cover between adjacent INTs is {'on' if result.cover else 'off'} in this run.",
        ),
        (
            "2.3",
            "Scenario logic",
            "The scenario differs from the base model only through its workbook: "
            f"integration_level {s.integration_level:g} (cuts referral rejection and delay "
            "in proportion); "
            + (
                f"interventions: {'; '.join(interventions)}"
                if interventions
                else "no interventions"
            )
            + "; settings changed from their defaults: "
            + ("; ".join(changed) if changed else "none")
            + ".",
        ),
        (
            "2.4",
            "Algorithms",
            "Rotas: people of one role and rota spread over the open hours by McNaughton's "
            "wrap-around rule (intplan.sim.rotas). Arrivals: Poisson counts per hour of the "
            "week. Episodes: geometric follow-ups with mean contacts_per_episode - 1, one "
            "response target apart; at most one referral per episode, drawn at its first "
            "contact and made after its last. Warm-up: the longest follow-up/referral delay "
            "chain + 4 weeks (intplan.sim.warmup). Adaptive replications: Hoad, Robinson & "
            f"Davies (2010) CI method with look-ahead. Details: {_DOC}.",
        ),
        (
            "2.5.1",
            "Components: entities",
            f"Requests for contacts of {len(patient)} patient activities, grouped into "
            "episodes (a first contact and its follow-ups); "
            f"{len(meetings)} meeting activities take staff time, not requests.",
        ),
        (
            "2.5.2",
            "Components: activities",
            "; ".join(
                f"{a.code} ({a.name}): priority {a.priority}, {a.setting.value}, target "
                f"{num(a.response_target_hours)} h, duration {a.duration_distribution.value}"
                + (
                    f" CV {num(a.duration_cv)}"
                    if a.duration_distribution.value == "lognormal"
                    else ""
                )
                + f", {num(a.contacts_per_episode)} contacts per episode"
                for a in patient
            ),
        ),
        ("2.5.3", "Components: resources", _resources(scenario, result)),
        (
            "2.5.4",
            "Components: queues",
            "One queue per INT, unlimited length: priority first, then first come first "
            "served; a free person takes the most urgent request they are eligible for. "
            "Escalation to ED after: "
            + ", ".join(
                f"{a.code} {num(a.escalation_hours)} h"
                for a in patient
                if a.escalation_hours is not None
            )
            + "; the others wait as long as it takes.",
        ),
        (
            "2.5.5",
            "Components: entry/exit points",
            "Entry: population demand (Demand rates), booked follow-ups, referrals "
            f"({len(scenario.referrals)} routes) and re-presentations of screened-out "
            f"referrals as {s.represent_activity} after {num(s.represent_delay_hours)} h. "
            "Exit: served, escalated to ED, or still waiting at the end (backlog).",
        ),
    ]
    return rows


def _resources(scenario: Scenario, result: SimulationResult) -> str:
    fte: dict[str, float] = {}
    for r in result.roles:
        fte[r.role] = fte.get(r.role, 0.0) + r.fte
    vacant = sum(1 for p in scenario.staff if p.vacant)
    rotas = "; ".join(
        f"{r.code} {r.days_per_week} days x {num(r.hours_per_day)} h" for r in scenario.rotas
    )
    return (
        f"Staff: {len(scenario.staff)} people or posts in the workbook ({vacant} vacant, "
        "giving no capacity); FTE assigned to the simulated INTs by role: "
        + ", ".join(f"{k} {v:.1f}" for k, v in sorted(fte.items()))
        + f". Rotas: {rotas}."
    )


def _experimentation(scenario: Scenario, result: SimulationResult) -> list[Row]:
    from intplan.sim import MIN_ADAPTIVE_REPLICATIONS

    s = scenario.settings
    kpi = result.kpi_estimate
    if result.target_halfwidth is None:
        source = (
            "the workbook's Settings value"
            if result.replications == s.replications
            else "chosen for this run (--replications)"
        )
        how = f"{result.replications} independent replications, a fixed number ({source})."
    else:
        how = (
            f"{result.replications} independent replications, chosen adaptively: the "
            "confidence-interval method with a look-ahead (Hoad, Robinson & Davies 2010, "
            f"J. Oper. Res. Soc. 61:1632-1644), at least {MIN_ADAPTIVE_REPLICATIONS}, then "
            f"until the 95% CI of {result.kpi} stayed within ±{result.target_halfwidth:.0%} "
            "of its mean over the look-ahead."
        )
    precision = ""
    if kpi.mean == kpi.mean and kpi.mean != 0 and kpi.high == kpi.high:
        half = (kpi.high - kpi.low) / 2
        precision = (
            f" {result.kpi}: {kpi.mean:.4g}, 95% CI {kpi.low:.4g} to {kpi.high:.4g} "
            f"(half-width {abs(half / kpi.mean):.1%} of the mean)."
        )
    return [
        (
            "4.1",
            "Initialisation",
            "The model starts empty and idle (no queues, episodes or referrals under way). "
            f"Warm-up: {result.warmup_weeks} weeks, simulated and discarded. How chosen: "
            f"{result.warmup_rule}."
            + (
                ""
                if result.warmup_rule.startswith("given")
                else f" The workbook's Settings warmup_weeks ({s.warmup_weeks}) is a floor "
                "for the rule."
            )
            + f" Method: {_DOC}, 'Warm-up'.",
        ),
        (
            "4.2",
            "Run length",
            f"{result.weeks} measured weeks after the warm-up ({result.weeks + result.warmup_weeks}"
            f" simulated weeks a replication); week 0 starts in calendar month "
            f"{s.start_month}; time is kept in minutes.",
        ),
        (
            "4.3",
            "Estimation approach",
            f"{how} Every output is the mean of the replications with a 95% Student-t "
            "confidence interval; replications share common random numbers across "
            f"scenarios (5.2).{precision}",
        ),
    ]


def _implementation(
    scenario: Scenario, result: SimulationResult, run_seconds: float, now: dt.datetime
) -> list[Row]:
    versions = software_versions()
    n_ints = len(scenario.ints)
    if result.engine == "reference":
        streams = "3 streams (arrivals, absences, in-run draws)"
        execution = (
            f"Reference engine: SimPy {versions['simpy']} process interaction (one "
            "generator per episode and per rota), next-event time advance."
        )
    else:
        streams = "4 streams (arrivals, absences, in-run uniforms, in-run normals)"
        execution = (
            f"Kernel engine: next-event time advance. A Python loop drives the calendar week "
            f"by week; inside a week one numba-compiled event loop (numba {versions['numba']}) "
            "merges the week's arrivals, shift starts and ends, and a binary heap of service "
            "ends and booked arrivals, in order of (time, sequence): simultaneous events go "
            "in the order they were created."
        )
    per_rep = run_seconds / result.replications if result.replications else float("nan")
    return [
        (
            "5.1",
            "Software or programming language",
            "; ".join(f"{k} {v}" for k, v in versions.items()) + f"; engine {result.engine!r}.",
        ),
        (
            "5.2",
            "Random sampling",
            f"Root seed {result.seed}. Replication r (from 0) uses numpy "
            f"SeedSequence({result.seed}).spawn(r + 1)[r]; within it, INT k (its position "
            f"among the scenario's {n_ints} INTs) uses that sequence's spawn({n_ints})[k], "
            f"which spawns {streams}, each a numpy Generator (PCG64). So results do not "
            "depend on the number of worker processes, adding replications leaves earlier "
            "ones unchanged, an INT's draws do not depend on which other INTs run with it, "
            "and changing staff leaves arrivals unchanged (common random numbers).",
        ),
        (
            "5.3",
            "Model execution",
            f"{execution} Replications ran on {result.workers} worker process(es) "
            "(spawned; identical results for any number).",
        ),
        (
            "5.4",
            "System specification",
            f"{platform.platform()}, {platform.machine()}, {os.cpu_count()} logical CPUs "
            f"({usable_cores()} usable by this process). Run time {run_seconds:.1f} s wall "
            f"clock for {result.replications} replications ({per_rep:.2f} s each on "
            f"{result.workers} process(es)); run finished {now:%Y-%m-%d %H:%M} UTC.",
        ),
    ]


def _code_access(scenario: Scenario, result: SimulationResult) -> Row:
    version = package_version("intplan")
    try:
        licence = importlib.metadata.metadata("intplan")["License"] or "not stated"
    except importlib.metadata.PackageNotFoundError:
        licence = "not stated"
    args = [f"--seed {result.seed}", f"--weeks {result.weeks}"]
    args.append(f"--warmup-weeks {result.warmup_weeks}")
    if result.target_halfwidth is None:
        args.append(f"--replications {result.replications}")
    else:
        args.append(f"--target-halfwidth {result.target_halfwidth:g} --kpi {result.kpi}")
    if len(result.ints) < len(scenario.ints):
        args += [f"--int {i.int_code}" for i in result.ints]
    if result.cover:
        args.append("--cover")
    if result.engine != "kernel":
        args.append(f"--engine {result.engine}")
    return (
        "6.1",
        "Computer model sharing statement",
        f"intplan {version} (licence: {licence}); its source distribution holds the model "
        f"code, tests, example builders and {_DOC}. This workbook holds every input, so "
        f"`intplan simulate WORKBOOK {' '.join(args)}` repeats the run (same numbers with "
        "the same versions, 5.1).",
    )


def _order(item: str) -> tuple[int, ...]:
    return tuple(int(p) for p in item.split("."))


def model_report_rows(
    scenario: Scenario,
    result: SimulationResult,
    *,
    run_seconds: float,
    now: dt.datetime | None = None,
    extra_rows: Sequence[Row] = (),
) -> list[Row]:
    """Every STRESS-DES item as (item, heading, text) rows, filled in from the run.

    ``run_seconds`` is the wall-clock time of the run being reported; ``now`` its end
    (default: the current UTC time). ``extra_rows`` (e.g. calibrate's fitted parameters)
    are merged in by item number, after the item's own rows.
    """
    when = now or dt.datetime.now(dt.UTC)
    rows = [
        *_objectives(scenario, result),
        *_logic(scenario, result),
        *data_rows(scenario),
        *_experimentation(scenario, result),
        *_implementation(scenario, result, run_seconds, when),
        _code_access(scenario, result),
        *extra_rows,
    ]
    known = {item for item, _ in STRESS_ITEMS}
    unknown = sorted({r[0] for r in rows} - known)
    if unknown:  # a programming error in a caller's extra rows
        raise ValueError(f"unknown STRESS-DES items {unknown}; use one of {sorted(known)}")
    return sorted(rows, key=lambda r: _order(r[0]))  # stable: extra rows follow the item's


def _clip(text: str) -> str:
    """Excel keeps at most 32,767 characters in a cell; say so rather than lose the file."""
    if len(text) <= EXCEL_CELL_CHARS:
        return text
    cut = "... (cut: Excel cells hold 32,767 characters; the workbook's sheets have the rest)"
    return text[: EXCEL_CELL_CHARS - len(cut)] + cut


def model_report_table(rows: Sequence[Row], *, scenario_name: str) -> ResultTable:
    """The ``Model report`` result sheet of ``rows``."""
    from intplan.io.results import ResultTable

    return ResultTable(
        sheet=SHEET_MODEL_REPORT,
        title=f"Model report: {scenario_name}",
        headers=("item", "heading", "text"),
        rows=tuple((item, heading, _clip(text)) for item, heading, text in rows),
        note=(
            "STRESS-DES items (Monks et al. 2019, J. Simulation 13(1):55-67), filled in "
            "from this run; the model is described in docs/model.md under the same items."
        ),
        widths={"item": 8, "heading": 34, "text": 140},
    )
