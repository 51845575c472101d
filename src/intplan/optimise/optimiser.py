"""Run the optimiser on a scenario: build, solve, read the plan back, explain it."""

from __future__ import annotations

import dataclasses
import time
from collections import defaultdict
from collections.abc import Callable

from intplan.domain import Scenario
from intplan.optimise.explain import binding_constraints, explain_infeasible
from intplan.optimise.inputs import ModelInputs, build_inputs
from intplan.optimise.model import Model, Objective, build_model, fix_integers
from intplan.optimise.options import OptimiseOptions
from intplan.optimise.result import (
    ActivityOutlook,
    Binding,
    CostSummary,
    CoverFlow,
    DemandRow,
    OptimisationResult,
    PlanRow,
    Relaxation,
    StaffMove,
)
from intplan.optimise.solvers import SolveOutcome, SolveStatus, solve
from intplan.optimise.staffing import ROUNDS, PoolCheck

#: checkpoint(fraction, message): progress, and the caller's chance to cancel
Checkpoint = Callable[[float, str], None]
TINY = 1e-6
MAX_BINDING_SENTENCES = 10  # the full list is in ``binding``
LEX_TOLERANCE = 1e-7  # relative slack on the phase-1 unmet minimum in phase 2


def optimise(
    scenario: Scenario,
    options: OptimiseOptions | None = None,
    *,
    checkpoint: Checkpoint | None = None,
) -> OptimisationResult:
    """Recommend a skill mix and cover plan; infeasible is a result, not an exception.

    Raises ``OptimiseInputError`` (an ``IntplanError``) when the inputs cannot be
    optimised as given (e.g. a supply cap below the staff already in post).
    """
    options = options or OptimiseOptions()

    def step(fraction: float, message: str) -> None:
        if checkpoint is not None:
            checkpoint(fraction, message)

    step(0.0, "preparing demand and capacity")
    t0 = time.perf_counter()
    inputs = build_inputs(scenario, options)
    rounds = ROUNDS if inputs.staffing is not None else 1
    build_seconds, solve_seconds = time.perf_counter() - t0, 0.0
    for k in range(rounds):
        base = 0.1 + 0.7 * k / rounds

        def sub(fraction: float, message: str, base: float = base) -> None:
            step(base + 0.7 * fraction / rounds, message)

        step(base, "building the model" if k == 0 else f"staffing round {k + 1} of {rounds}")
        model, outcome, built, solved = _build_and_solve(inputs, options, sub)
        build_seconds += built
        solve_seconds += solved
        if not outcome.status.has_solution:
            return _no_plan(scenario, inputs, options, outcome, build_seconds, step)
        if k == rounds - 1:
            break
        usable = _relinearise(model)
        if all(
            abs(v - inputs.usable_hours.get(key, v)) <= 0.005 * max(v, 1e-9)
            for key, v in usable.items()
        ):
            break
        inputs = dataclasses.replace(inputs, usable_hours=usable)
    rounds_used = k + 1

    step(0.8, "reading the plan")
    plan, cover, moves, demand = _read_plan(model)
    pools = _pool_checks(model)
    costs = _costs(model)
    if options.integer and model.tenths:
        # Duals of a MILP are not defined: fix the posts and re-solve the LP.
        step(0.85, "re-solving the LP with posts fixed, for shadow prices")
        fix_integers(model)
        dual_run = solve(
            model.prob,
            options.solver,
            time_limit_seconds=options.time_limit_seconds,
            gap=options.gap,
            mip=False,
        )
        binding = _binding(model, demand) if dual_run.status.has_solution else []
    else:
        binding = _binding(model, demand)
    step(0.95, "explaining")
    explanations = _explain(model.inputs, plan, cover, moves, demand, costs, binding, outcome)
    step(1.0, "done")
    return OptimisationResult(
        status=outcome.status,
        solver=outcome.solver.value,
        objective=outcome.objective,
        solve_seconds=solve_seconds,
        build_seconds=build_seconds,
        integer=options.integer,
        lexicographic=options.lexicographic,
        mip_gap=outcome.mip_gap,
        message=outcome.message,
        plan=plan,
        cover=cover,
        moves=moves,
        demand=demand,
        binding=tuple(binding),
        relaxations=(),
        explanations=tuple(explanations),
        costs=costs,
        names=_names(inputs),
        staffing_rule=options.staffing_rule.value,
        service_level=options.service_level if inputs.staffing is not None else None,
        rounds=rounds_used,
        pools=pools,
        outlook=_outlook(model, pools),
    )


def _build_and_solve(
    inputs: ModelInputs, options: OptimiseOptions, step: Checkpoint
) -> tuple[Model, SolveOutcome, float, float]:
    """One LP (or the two of ``lexicographic``): (model, outcome, build s, solve s)."""
    t0 = time.perf_counter()
    if options.lexicographic:
        phase1 = build_model(inputs, options, objective=Objective.UNMET)
        build_seconds = time.perf_counter() - t0
        step(0.2, "phase 1: minimising unmet demand")
        out1 = _solve(phase1, options)
        if not out1.status.has_solution:
            return phase1, out1, build_seconds, out1.solve_seconds
        floor = float(out1.objective or 0.0)
        cap = floor * (1.0 + LEX_TOLERANCE) + TINY
        t1 = time.perf_counter()
        model = build_model(inputs, options, objective=Objective.COST, unmet_cap_hours=cap)
        build_seconds += time.perf_counter() - t1
        step(0.5, "phase 2: minimising cost")
        outcome = _solve(model, options)
        return model, outcome, build_seconds, out1.solve_seconds + outcome.solve_seconds
    model = build_model(inputs, options)
    build_seconds = time.perf_counter() - t0
    step(0.3, "solving")
    outcome = _solve(model, options)
    return model, outcome, build_seconds, outcome.solve_seconds


def _pool_loads(
    m: Model,
) -> tuple[dict[tuple[str, str], dict[str, float]], dict[tuple[str, str], float]]:
    """The plan's workload per pool, hours a week by activity in the role's own hours
    (cover lent and borrowed spread over the pool's mix), and its FTE."""
    inp = m.inputs
    gross: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    for (i, a, r), var in m.serve.items():
        hours = _val(var) * inp.factor(i, a, r)
        if hours > TINY:
            gross[(i, r)][a] = hours
    net: dict[tuple[str, str], float] = defaultdict(float)
    overhead = {(e.lender, e.borrower): e.overhead_share for e in inp.edges}
    for (i, j, r), var in m.cover.items():
        v = _val(var)
        net[(i, r)] += (1.0 + overhead[(i, j)]) * v
        net[(j, r)] -= v
    fte: dict[tuple[str, str], float] = defaultdict(float)
    for (i, r), f in inp.existing_fte.items():
        fte[(i, r)] += f
    for i, r in {*m.post, *m.tenths}:
        fte[(i, r)] += m.post_value(i, r)
    for (i, j, r), var in m.move.items():
        fte[(i, r)] -= _val(var)
        fte[(j, r)] += _val(var)
    loads: dict[tuple[str, str], dict[str, float]] = {}
    for key in {*gross, *net, *fte}:
        mix = gross.get(key, {})
        total = sum(mix.values())
        target = max(0.0, total + net.get(key, 0.0))
        if total > 0:
            loads[key] = {a: h * target / total for a, h in mix.items()}
        else:
            loads[key] = {}
    return loads, dict(fte)


def _relinearise(m: Model) -> dict[tuple[str, str], float]:
    """Usable hours per FTE of every pool, re-linearised at the plan's loads (a pool's
    allowed utilisation only ever falls from one round to the next)."""
    inp = m.inputs
    rule = inp.staffing
    assert rule is not None  # only called under the queueing rule
    loads, fte = _pool_loads(m)
    out = dict(inp.usable_hours)
    for (i, r), mix in loads.items():
        if r in inp.on_duty_hours_per_fte:
            rho = rule.allowed_utilisation(i, r, mix, max(0.0, fte.get((i, r), 0.0)))
            # never relaxed between rounds, so the rounds settle instead of see-sawing
            out[(i, r)] = min(inp.usable(i, r), inp.on_duty_hours_per_fte[r] * rho)
    return out


def _pool_checks(m: Model) -> tuple[PoolCheck, ...]:
    """Every pool with work in the plan, checked against the exact requirement."""
    rule = m.inputs.staffing
    if rule is None:
        return ()
    loads, fte = _pool_loads(m)
    order = {r: k for k, r in enumerate(m.inputs.roles)}
    ints = {i: k for k, i in enumerate(m.inputs.ints)}
    out = [
        rule.check(i, r, mix, max(0.0, fte.get((i, r), 0.0)))
        for (i, r), mix in loads.items()
        if sum(mix.values()) > TINY
    ]
    return tuple(sorted(out, key=lambda p: (ints[p.int_code], order[p.role])))


def _outlook(m: Model, pools: tuple[PoolCheck, ...]) -> tuple[ActivityOutlook, ...]:
    rule = m.inputs.staffing
    if rule is None:
        return ()
    inp = m.inputs
    share = {(p.int_code, p.role, a): s for p in pools for a, s, _ in p.shares}
    out = []
    for i in inp.ints:
        for a in inp.activities:
            if (i, a) not in m.unmet:
                continue
            served = [(r, _val(m.serve.get((i, a, r)))) for r, _ in inp.eligible.get(a, ())]
            unmet = _val(m.unmet[(i, a)])
            total = sum(h for _, h in served) + unmet
            expected = (
                sum(h * share.get((i, r, a), 0.0) for r, h in served) / total if total else 0.0
            )
            reach = max((rule.reach(i, r, a) for r, _ in inp.eligible.get(a, ())), default=0.0)
            out.append(
                ActivityOutlook(
                    int_code=i,
                    activity=a,
                    expected_share=expected,
                    reach=reach,
                    unmet_hours_per_week=unmet if unmet > TINY else 0.0,
                )
            )
    return tuple(out)


def _solve(model: Model, options: OptimiseOptions) -> SolveOutcome:
    return solve(
        model.prob,
        options.solver,
        time_limit_seconds=options.time_limit_seconds,
        gap=options.gap,
        mip=options.integer,
    )


def _names(inputs: ModelInputs) -> dict[str, str]:
    return {**inputs.activity_names, **inputs.role_names, **inputs.int_names}


def _no_plan(
    scenario: Scenario,
    inputs: ModelInputs,
    options: OptimiseOptions,
    outcome: SolveOutcome,
    build_seconds: float,
    step: Checkpoint,
) -> OptimisationResult:
    relaxations: tuple[Relaxation, ...] = ()
    explanations: list[str] = []
    if outcome.status is SolveStatus.INFEASIBLE:
        step(0.6, "finding which requirements conflict")
        found, header = explain_infeasible(
            inputs,
            options,
            time_limit_seconds=options.time_limit_seconds,
            checkpoint=lambda f, msg: step(0.6 + 0.4 * f, msg),
        )
        relaxations = tuple(found)
        explanations = [header, *(r.sentence for r in found)]
    elif outcome.status is SolveStatus.TIME_LIMIT_NO_SOLUTION:
        explanations = [
            f"The solver found no plan within the time limit of {options.time_limit_seconds:g} s;"
            " allow more time, or solve without --integer."
        ]
    else:
        explanations = [
            f"The solver could not solve the model ({outcome.status.value}). "
            f"{outcome.message}".strip()
        ]
    return OptimisationResult(
        status=outcome.status,
        solver=outcome.solver.value,
        objective=None,
        solve_seconds=outcome.solve_seconds,
        build_seconds=build_seconds,
        integer=options.integer,
        lexicographic=options.lexicographic,
        mip_gap=None,
        message=outcome.message,
        plan=(),
        cover=(),
        moves=(),
        demand=(),
        binding=(),
        relaxations=relaxations,
        explanations=tuple(explanations),
        costs=None,
        names=_names(inputs),
    )


def _val(var: object) -> float:
    v = getattr(var, "varValue", None)
    return float(v) if v is not None else 0.0


def _read_plan(
    m: Model,
) -> tuple[
    tuple[PlanRow, ...], tuple[CoverFlow, ...], tuple[StaffMove, ...], tuple[DemandRow, ...]
]:
    inp = m.inputs
    moved_in: dict[tuple[str, str], float] = defaultdict(float)
    moved_out: dict[tuple[str, str], float] = defaultdict(float)
    moves: list[StaffMove] = []
    for (i, j, r), var in m.move.items():
        v = _val(var)
        if v > TINY:
            moved_out[(i, r)] += v
            moved_in[(j, r)] += v
            moves.append(StaffMove(from_int=i, to_int=j, role=r, fte=v))
    lent: dict[tuple[str, str], float] = defaultdict(float)
    borrowed: dict[tuple[str, str], float] = defaultdict(float)
    cover: list[CoverFlow] = []
    travel = {(e.lender, e.borrower): e.travel_minutes for e in inp.edges}
    for (i, j, r), var in m.cover.items():
        v = _val(var)
        if v > TINY:
            lent[(i, r)] += v
            borrowed[(j, r)] += v
            cover.append(
                CoverFlow(
                    from_int=i, to_int=j, role=r, hours_per_week=v, travel_minutes=travel[(i, j)]
                )
            )
    plan: list[PlanRow] = []
    for i in inp.ints:
        for r in inp.roles:
            cur = inp.existing_fte.get((i, r), 0.0)
            vac = inp.vacant_fte.get((i, r), 0.0)
            rec = m.post_value(i, r)
            rec = rec if rec > TINY else 0.0
            new = cur + rec + moved_in[(i, r)] - moved_out[(i, r)]
            if max(cur, vac, new) <= TINY:
                continue
            pay = inp.pay_gbp_per_fte[r]
            plan.append(
                PlanRow(
                    int_code=i,
                    role=r,
                    current_fte=cur,
                    vacant_fte=vac,
                    moved_in_fte=moved_in[(i, r)],
                    moved_out_fte=moved_out[(i, r)],
                    recruited_fte=rec,
                    recommended_fte=max(0.0, new),
                    current_cost_gbp=pay * cur,
                    recommended_cost_gbp=pay * max(0.0, new),
                    hours_lent_per_week=lent[(i, r)],
                    hours_borrowed_per_week=borrowed[(i, r)],
                )
            )
    demand: list[DemandRow] = []
    for i in inp.ints:
        for a in inp.activities:
            d = inp.demand[(i, a)].planned_hours_per_week
            if d <= 0:
                continue
            served = tuple(
                (r, _val(m.serve.get((i, a, r))))
                for r, _ in inp.eligible.get(a, ())
                if _val(m.serve.get((i, a, r))) > TINY
            )
            u = _val(m.unmet[(i, a)])
            demand.append(
                DemandRow(
                    int_code=i,
                    activity=a,
                    demand_hours_per_week=d,
                    unmet_hours_per_week=u if u > TINY else 0.0,
                    served_hours_by_role=served,
                )
            )
    return tuple(plan), tuple(cover), tuple(moves), tuple(demand)


def _costs(m: Model) -> CostSummary:
    import pulp

    def v(expr: object) -> float:
        x = pulp.value(expr)
        return float(x) if x is not None else 0.0

    inp = m.inputs
    return CostSummary(
        current_pay_gbp=inp.current_cost_gbp(),
        pay_gbp=v(m.pay_expr),
        travel_gbp=v(m.travel_expr),
        move_penalty_gbp=v(m.move_expr),
        unmet_penalty_gbp=v(m.unmet_expr),
        demand_hours_per_week=sum(d.planned_hours_per_week for d in inp.demand.values()),
        unmet_hours_per_week=v(m.unmet_hours_expr),
    )


def _binding(m: Model, demand: tuple[DemandRow, ...]) -> list[Binding]:
    unmet_pairs: set[tuple[str, str]] = set()
    for row in demand:
        if row.unmet_hours_per_week > TINY:
            for r, _ in m.inputs.eligible.get(row.activity, ()):
                unmet_pairs.add((row.int_code, r))
    return binding_constraints(m, unmet_pairs)


def _explain(
    inp: ModelInputs,
    plan: tuple[PlanRow, ...],
    cover: tuple[CoverFlow, ...],
    moves: tuple[StaffMove, ...],
    demand: tuple[DemandRow, ...],
    costs: CostSummary,
    binding: list[Binding],
    outcome: SolveOutcome,
) -> list[str]:
    out: list[str] = []
    recruited = sum(p.recruited_fte for p in plan)
    filled = sum(p.vacancies_filled_fte for p in plan)
    dropped = sum(p.vacancies_dropped_fte for p in plan)
    moved = sum(m.fte for m in moves)
    lent = sum(c.hours_per_week for c in cover)
    share = (
        costs.unmet_hours_per_week / costs.demand_hours_per_week * 100
        if (costs.demand_hours_per_week > 0)
        else 0.0
    )
    out.append(
        f"Recruit {recruited:.1f} FTE ({filled:.1f} filling vacancies, "
        f"{recruited - filled:.1f} in new posts), leave {dropped:.1f} FTE of vacancies unfilled, "
        f"move {moved:.1f} FTE between neighbouring INTs and lend {lent:.0f} hours a week of "
        f"cover. Pay goes from £{costs.current_pay_gbp:,.0f} to £{costs.pay_gbp:,.0f} a year; "
        f"unmet demand is {costs.unmet_hours_per_week:.1f} of "
        f"{costs.demand_hours_per_week:.1f} hours a week ({share:.1f}%)."
    )
    if outcome.status is SolveStatus.FEASIBLE:
        gap = f" (gap {outcome.mip_gap * 100:.2f}%)" if outcome.mip_gap is not None else ""
        out.append(f"The solver stopped at its time limit: this plan may not be optimal{gap}.")
    changes = sorted(
        (p for p in plan if abs(p.recommended_fte - p.current_fte) > 0.05),
        key=lambda p: -abs(p.recommended_fte - p.current_fte),
    )
    for p in changes[:5]:
        verb = "up" if p.recommended_fte > p.current_fte else "down"
        out.append(
            f"{inp.role_names[p.role]} ({p.role}) in {inp.int_names[p.int_code]} "
            f"({p.int_code}) goes {verb} from {p.current_fte:.1f} to {p.recommended_fte:.1f} FTE."
        )
    for c in sorted(cover, key=lambda c: -c.hours_per_week)[:3]:
        out.append(
            f"{inp.int_names[c.from_int]} ({c.from_int}) lends {c.hours_per_week:.1f} hours a week "
            f"of {inp.role_names[c.role]} ({c.role}) to {inp.int_names[c.to_int]} ({c.to_int})."
        )
    unmet_by_act: dict[str, float] = defaultdict(float)
    for d in demand:
        unmet_by_act[d.activity] += d.unmet_hours_per_week
    for a, hours in sorted(unmet_by_act.items(), key=lambda x: -x[1]):
        if hours > 0.05:
            out.append(f"{hours:.1f} hours a week of {inp.activity_names[a]} ({a}) stay unmet.")
    for a, requests in inp.unservable.items():
        out.append(
            f"{inp.activity_names[a]} ({a}): {requests:.1f} requests a week that no role can "
            "do, so they are left out of the plan; add a row to Eligibility."
        )
    out.extend(_grouped_sentences(binding)[:MAX_BINDING_SENTENCES])
    return out


def _grouped_sentences(binding: list[Binding]) -> list[str]:
    """One sentence per (constraint group, role, value): the same limit in many INTs is
    said once, with the other INTs listed, so the top of the list stays informative."""
    groups: dict[tuple[str, str | None, int], list[Binding]] = {}
    for b in binding:
        if b.group != "demand":
            groups.setdefault((b.group, b.role, round(b.value_gbp_per_year)), []).append(b)
    out = []
    for rows in groups.values():
        sentence = rows[0].sentence
        others = [b.int_code for b in rows[1:] if b.int_code]
        if others:
            shown = ", ".join(others[:6]) + (" …" if len(others) > 6 else "")
            sentence += f" The same holds in {len(others)} other INT(s): {shown}."
        out.append(sentence)
    return out
