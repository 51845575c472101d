"""Plain-words explanations: shadow prices of binding constraints, and infeasibility.

Shadow prices come from the LP's duals (for a MILP, from the LP with the integer
variables fixed at their solution). Relaxing a constraint can never raise the
minimum, so the *size* of a dual is what one more unit of its right-hand side
is worth; its sign depends on the solver's convention and is not used.
"""

from __future__ import annotations

from collections.abc import Callable

from intplan.optimise.inputs import ModelInputs
from intplan.optimise.model import HARD_GROUPS, Model, Objective, build_model
from intplan.optimise.options import OptimiseOptions
from intplan.optimise.result import Binding, Relaxation
from intplan.optimise.solvers import SolveStatus, solve

MIN_VALUE_GBP = 1.0  # a constraint worth less than £1 a year per unit is not "binding"


def _money(x: float) -> str:
    return f"£{x:,.0f}"


def binding_constraints(m: Model, unmet_by_int_role: set[tuple[str, str]]) -> list[Binding]:
    """Every constraint with a shadow price worth reporting, most valuable first.

    ``unmet_by_int_role`` holds (INT, role) pairs where the role could serve an
    activity with unmet demand in that INT: there, extra hours cut unmet demand.
    """
    inp = m.inputs
    weeks = inp.annual_weeks
    penalty_year = weeks * inp.unmet_penalty_gbp_per_hour
    weighted = m.objective is Objective.WEIGHTED
    out: list[Binding] = []
    for name, (group, key) in m.constraints.items():
        pi = m.prob.get_constraint_by_name(name).pi
        if pi is None:
            continue
        dual = abs(float(pi))
        i = r = a = None
        if group == "hours":
            i, r = key
            value = dual * inp.usable(i, r)
            unit = "FTE"
        elif group in ("recruit", "max_fte"):
            (r,) = key
            value, unit = dual, "FTE"
        elif group in ("core", "move_cap"):
            i, r = key
            value, unit = dual, "FTE"
        elif group == "cover_cap":
            i, r = key
            value, unit = dual, "hour a week"
        elif group == "budget":
            value, unit = dual * 1000.0, "£1,000 a year"
        elif group == "demand":
            i, a = key
            value, unit = dual, "hour a week"
        elif group == "unmet_cap":
            value, unit = dual, "hour a week"
        else:
            continue
        if value < MIN_VALUE_GBP:
            continue
        unmet_cut = 0.0
        if weighted and penalty_year > 0 and group != "demand":
            at_unmet_margin = group == "budget" or (
                i is not None and r is not None and (i, r) in unmet_by_int_role
            )
            if at_unmet_margin:
                unmet_cut = value / penalty_year
        sentence = _sentence(m, group, i, r, a, value, unmet_cut)
        out.append(
            Binding(
                group=group,
                int_code=i,
                role=r,
                activity=a,
                shadow_price=float(pi),
                unit=unit,
                value_gbp_per_year=value,
                unmet_hours_per_week=unmet_cut,
                sentence=sentence,
            )
        )

    # Most useful first: for staff hours, what an extra FTE saves beyond its own pay.
    def net(b: Binding) -> float:
        pay = inp.pay_gbp_per_fte[b.role] if b.group == "hours" and b.role else 0.0
        return b.value_gbp_per_year - pay

    out.sort(key=lambda b: (b.group == "demand", -net(b)))
    return out


def _sentence(
    m: Model,
    group: str,
    i: str | None,
    r: str | None,
    a: str | None,
    value: float,
    unmet_cut: float,
) -> str:
    inp = m.inputs
    int_name = f"{inp.int_names.get(i, i)} ({i})" if i else ""
    role_name = f"{inp.role_names.get(r, r)} ({r})" if r else ""
    penalty = _money(inp.unmet_penalty_gbp_per_hour)
    if group == "hours":
        assert r is not None
        pay = _money(inp.pay_gbp_per_fte[r])
        if unmet_cut > 0:
            return (
                f"One more FTE {role_name} in {int_name} would cut unmet demand by about "
                f"{unmet_cut:.1f} hours a week (worth {_money(value)} a year at {penalty} an "
                f"hour; the post costs {pay} a year)."
            )
        return (
            f"One more FTE {role_name} in {int_name} would cut cost by {_money(value)} a year "
            f"(the post itself costs {pay} a year)."
        )
    if group == "recruit":
        assert r is not None
        return (
            f"Recruitment of {role_name} is at its limit of "
            f"{inp.recruit_limit_fte[r]:.1f} FTE: each extra FTE that could be recruited "
            f"would cut cost by {_money(value)} a year."
        )
    if group == "max_fte":
        return (
            f"The supply cap on {role_name} binds: each extra FTE allowed would cut cost by "
            f"{_money(value)} a year."
        )
    if group == "core":
        return (
            f"The minimum core team rule ({m.options.min_core_fte:g} FTE {role_name} in "
            f"{int_name}) costs {_money(value)} a year per FTE it requires."
        )
    if group == "move_cap":
        return (
            f"The cap on moving staff binds for {role_name} in {int_name}: moving one more FTE "
            f"out would save {_money(value)} a year."
        )
    if group == "cover_cap":
        return (
            f"The cover cap binds for {role_name} in {int_name}: each extra hour a week it "
            f"could lend to neighbours would save {_money(value)} a year."
        )
    if group == "budget":
        extra = f" or cut unmet demand by about {unmet_cut:.1f} hours a week" if unmet_cut else ""
        return (
            f"The budget binds: each extra £1,000 a year would cut cost by {_money(value)}{extra}."
        )
    if group == "demand":
        act = f"{inp.activity_names.get(a or '', a)} ({a})"
        return (
            f"Each extra hour a week of {act} demand in {int_name} would cost "
            f"{_money(value)} a year."
        )
    return f"Accepting one more hour a week of unmet demand would save {_money(value)} a year."


def explain_infeasible(
    inputs: ModelInputs,
    options: OptimiseOptions,
    *,
    time_limit_seconds: float,
    checkpoint: Callable[[float, str], None] | None = None,
) -> tuple[list[Relaxation], str]:
    """Elastic re-solve: which hard requirements conflict, and the smallest relaxations.

    First every hard group gets penalised slacks (FTE count 1 each, budget £ count
    1 / the highest pay); groups with non-zero slacks are in the conflict. Then each
    hard group alone is made elastic: those that alone make a plan possible are
    offered as relaxations, each by its smallest amount. When none suffices alone,
    the combined relaxation is offered.
    """
    groups = frozenset(HARD_GROUPS)
    together = build_model(inputs, options, objective=Objective.SLACK, elastic=groups)
    outcome = solve(
        together.prob,
        options.solver,
        time_limit_seconds=time_limit_seconds,
        gap=options.gap,
        mip=False,
    )
    if not outcome.status.has_solution:
        return [], (
            "No plan meets every requirement, and relaxing the budget, recruitment limits, "
            "supply caps and minimum core team does not help either "
            f"(elastic re-solve: {outcome.status.value})."
        )
    conflict = _slacks(together)
    present = {g for g, _ in together.constraints.values()}
    relaxations: list[Relaxation] = []
    sufficient: list[str] = []
    candidates = [g for g in HARD_GROUPS if g in present]
    for n, group in enumerate(candidates):
        if checkpoint is not None:
            checkpoint(n / max(1, len(candidates)), f"relaxing {group}")
        alone = build_model(inputs, options, objective=Objective.SLACK, elastic=frozenset({group}))
        res = solve(
            alone.prob,
            options.solver,
            time_limit_seconds=time_limit_seconds,
            gap=options.gap,
            mip=False,
        )
        if res.status is SolveStatus.OPTIMAL:
            sufficient.append(group)
            for g, key, amount in _slacks(alone):
                relaxations.append(_relaxation(inputs, options, g, key, amount, True))
    if not sufficient:
        for g, key, amount in conflict:
            relaxations.append(_relaxation(inputs, options, g, key, amount, False))
    named = [g for g in HARD_GROUPS if g in sufficient or any(c[0] == g for c in conflict)]
    header = _conflict_header(inputs, named)
    return relaxations, header


def _slacks(m: Model) -> list[tuple[str, tuple[str, ...], float]]:
    out = []
    for (group, key), var in m.slack.items():
        v = float(var.varValue or 0.0)
        tol = 0.5 if group == "budget" else 1e-6
        if v > tol:
            out.append((group, key, v))
    return out


_GROUP_WORDS = {
    "budget": "the budget",
    "recruit": "the recruitment limits",
    "max_fte": "the supply caps",
    "core": "the minimum core team",
}


def _conflict_header(inputs: ModelInputs, groups: list[str]) -> str:
    words = [_GROUP_WORDS[g] for g in groups]
    listed = " and ".join(words) if len(words) < 3 else ", ".join(words[:-1]) + f" and {words[-1]}"
    keep = (
        f"keeping the {sum(inputs.existing_fte.values()):.1f} FTE already in post "
        f"(costing {_money(inputs.current_cost_gbp())} a year)"
    )
    if not groups:
        return "No plan meets every requirement."
    return f"No plan meets every requirement: {listed} conflict with {keep}."


def _relaxation(
    inputs: ModelInputs,
    options: OptimiseOptions,
    group: str,
    key: tuple[str, ...],
    amount: float,
    suffices: bool,
) -> Relaxation:
    i = key[0] if len(key) == 2 else None
    r = key[-1] if key else None
    tail = " (this alone makes a plan possible)" if suffices else " (together with the others)"
    if group == "budget":
        sentence = (
            f"Raise the budget from {_money(inputs.budget_gbp)} by at least "
            f"{_money(amount)} a year{tail}."
        )
        unit = "£ a year"
    elif group == "recruit":
        sentence = (
            f"Allow {amount:.2f} more FTE of {inputs.role_names.get(r or '', r)} ({r}) to be "
            f"recruited, above the limit of {inputs.recruit_limit_fte.get(r or '', 0.0):.2f} FTE"
            f"{tail}."
        )
        unit = "FTE"
    elif group == "max_fte":
        sentence = (
            f"Raise the supply cap on {inputs.role_names.get(r or '', r)} ({r}) by "
            f"{amount:.2f} FTE{tail}."
        )
        unit = "FTE"
    else:
        sentence = (
            f"Lower the minimum core team for {inputs.role_names.get(r or '', r)} ({r}) in "
            f"{inputs.int_names.get(i or '', i)} ({i}) by {amount:.2f} FTE, from "
            f"{options.min_core_fte:g} FTE{tail}."
        )
        unit = "FTE"
    return Relaxation(
        group=group,
        int_code=i,
        role=r,
        amount=amount,
        unit=unit,
        alone_suffices=suffices,
        sentence=sentence,
    )
