"""The skill-mix and cross-cover LP/MILP, built with PuLP from precomputed inputs.

Units: FTE for staff, hours per week for work, £ per year for the objective.

Variables (i, j INTs; r role; a patient activity):
  post[i,r]      FTE recruited into INT i (fills vacancies first, then new posts);
                 with ``integer`` it is 0.1 × an integer count of tenths
  move[i,j,r]    existing FTE moved from i to an adjacent j
  cover[i,j,r]   hours a week role r in i lends to adjacent j
  serve[i,a,r]   hours a week of activity a (at preferred duration + travel) done by r in i
  unmet[i,a]     hours a week of activity a demand left unmet in i

FTE[i,r] = existing[i,r] + post[i,r] + Σ move[j,i,r] − Σ move[i,j,r].

Constraints (group names in brackets; the elastic re-solve adds slacks to the
hard groups budget, recruit, max_fte and core):
  [demand]   Σ_r serve[i,a,r] + unmet[i,a] = D[i,a]
  [hours]    Σ_a f[a,r]·serve[i,a,r] + Σ_j (1+ov_ij)·cover[i,j,r] − Σ_j cover[j,i,r]
             ≤ h[i,r]·FTE[i,r]        (f[i,a,r] = (minutes[a,r] + travel[i,a]) ÷
                                     (preferred minutes[a] + travel[i,a]); h[i,r] = on-duty
                                     hours per FTE × the pool's allowed utilisation ρ*[i,r]
                                     from the staffing rule, or the flat ceiling)
  [cover_cap] Σ_j (1+ov_ij)·cover[i,j,r] ≤ cover_share·h[i,r]·FTE[i,r]
  [move_cap] Σ_j move[i,j,r] ≤ move_share·existing[i,r]
  [core]     FTE[i,r] ≥ min_core_fte for core roles
  [recruit]  Σ_i post[i,r] ≤ recruit_limit[r]
  [max_fte]  Σ_i FTE[i,r] ≤ max_fte[r]            (when given)
  [budget]   Σ pay[r]·FTE[i,r] ≤ budget            (when budget > 0)

Objective: pay + 52·cover cost + move penalty + 52·unmet penalty·unmet
(``lexicographic``: first Σ unmet, then the rest with Σ unmet held at its minimum).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import pulp

from intplan.optimise.inputs import ModelInputs
from intplan.optimise.options import OptimiseOptions

FTE_STEP = 0.1  # --integer: posts in tenths of an FTE
HARD_GROUPS: tuple[str, ...] = ("budget", "recruit", "max_fte", "core")

_UNSAFE = re.compile(r"[^A-Za-z0-9_]")


class Objective(StrEnum):
    WEIGHTED = "weighted"  # cost + penalties
    UNMET = "unmet"  # lexicographic phase 1
    COST = "cost"  # lexicographic phase 2
    SLACK = "slack"  # elastic re-solve for infeasible plans


def sanitise(code: str) -> str:
    """An ASCII name part ``[A-Za-z0-9_]`` from a domain id."""
    return _UNSAFE.sub("_", code)


def _unique_names(codes: Iterable[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    used: set[str] = set()
    for code in codes:
        name = sanitise(code)
        candidate, n = name, 1
        while candidate in used:
            n += 1
            candidate = f"{name}_{n}"
        used.add(candidate)
        out[code] = candidate
    return out


@dataclass
class Model:
    """A built problem and the handles needed to read it back."""

    inputs: ModelInputs
    options: OptimiseOptions
    prob: Any
    objective: Objective
    post: dict[tuple[str, str], Any] = field(default_factory=dict)
    tenths: dict[tuple[str, str], Any] = field(default_factory=dict)  # integer mode
    move: dict[tuple[str, str, str], Any] = field(default_factory=dict)
    cover: dict[tuple[str, str, str], Any] = field(default_factory=dict)
    serve: dict[tuple[str, str, str], Any] = field(default_factory=dict)
    unmet: dict[tuple[str, str], Any] = field(default_factory=dict)
    #: (group, key) -> slack var; key is (), (role,) or (int, role)
    slack: dict[tuple[str, tuple[str, ...]], Any] = field(default_factory=dict)
    #: constraint name -> (group, key tuple)
    constraints: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    pay_expr: Any = None
    travel_expr: Any = None
    move_expr: Any = None
    unmet_expr: Any = None
    unmet_hours_expr: Any = None

    def post_value(self, i: str, r: str) -> float:
        if (i, r) in self.tenths:
            v = self.tenths[(i, r)].varValue
            return FTE_STEP * float(v or 0.0)
        var = self.post.get((i, r))
        return float(var.varValue or 0.0) if var is not None else 0.0


def build_model(
    inputs: ModelInputs,
    options: OptimiseOptions,
    *,
    objective: Objective = Objective.WEIGHTED,
    elastic: frozenset[str] = frozenset(),
    unmet_cap_hours: float | None = None,
) -> Model:
    """Build the problem. ``elastic`` lists hard groups that get penalised slacks."""
    sense = pulp.LpMinimize
    prob = pulp.LpProblem("intplan_skill_mix", sense)
    m = Model(inputs=inputs, options=options, prob=prob, objective=objective)
    n_int = _unique_names(inputs.ints)
    n_role = _unique_names(inputs.roles)
    n_act = _unique_names(inputs.activities)
    working = set(inputs.working_roles)
    core = set(inputs.core_roles) if options.min_core_fte > 0 else set()
    staffed_roles = tuple(r for r in inputs.roles if r in working or r in core)
    e = inputs.existing_fte
    weeks = inputs.annual_weeks

    # -- variables -----------------------------------------------------------
    for r in staffed_roles:
        ub_tenths = int(inputs.recruit_limit_fte[r] / FTE_STEP + 1e-9)
        for i in inputs.ints:
            name = f"post_{n_int[i]}_{n_role[r]}"
            if options.integer:
                m.tenths[(i, r)] = prob.add_variable(
                    f"tenths_{n_int[i]}_{n_role[r]}", 0, ub_tenths, cat=pulp.LpInteger
                )
            else:
                m.post[(i, r)] = prob.add_variable(name, 0)
    if inputs.move_cap_share > 0:
        for edge in inputs.edges:
            for r in staffed_roles:
                if e.get((edge.lender, r), 0.0) > 0:
                    m.move[(edge.lender, edge.borrower, r)] = prob.add_variable(
                        f"move_{n_int[edge.lender]}_{n_int[edge.borrower]}_{n_role[r]}", 0
                    )
    edge_of = {(x.lender, x.borrower): x for x in inputs.edges}
    if inputs.cover_cap_share > 0:
        for edge in inputs.edges:
            for r in inputs.working_roles:
                m.cover[(edge.lender, edge.borrower, r)] = prob.add_variable(
                    f"cover_{n_int[edge.lender]}_{n_int[edge.borrower]}_{n_role[r]}", 0
                )
    for i in inputs.ints:
        for a in inputs.activities:
            if inputs.demand[(i, a)].planned_hours_per_week <= 0:
                continue
            m.unmet[(i, a)] = prob.add_variable(f"unmet_{n_int[i]}_{n_act[a]}", 0)
            for r, _f in inputs.eligible.get(a, ()):
                if (i, a, r) in inputs.blocked:
                    continue
                m.serve[(i, a, r)] = prob.add_variable(
                    f"serve_{n_int[i]}_{n_act[a]}_{n_role[r]}", 0
                )

    # -- FTE change terms per (i, r) -----------------------------------------
    delta: dict[tuple[str, str], list[tuple[Any, float]]] = defaultdict(list)
    for (i, r), var in m.post.items():
        delta[(i, r)].append((var, 1.0))
    for (i, r), var in m.tenths.items():
        delta[(i, r)].append((var, FTE_STEP))
    for (i, j, r), var in m.move.items():
        delta[(i, r)].append((var, -1.0))
        delta[(j, r)].append((var, 1.0))
    lend: dict[tuple[str, str], list[tuple[Any, float]]] = defaultdict(list)
    borrow: dict[tuple[str, str], list[tuple[Any, float]]] = defaultdict(list)
    for (i, j, r), var in m.cover.items():
        lend[(i, r)].append((var, 1.0 + edge_of[(i, j)].overhead_share))
        borrow[(j, r)].append((var, 1.0))
    work: dict[tuple[str, str], list[tuple[Any, float]]] = defaultdict(list)
    for (i, a, r), var in m.serve.items():
        work[(i, r)].append((var, inputs.factor(i, a, r)))

    def add(name: str, group: str, key: tuple[str, ...], constraint: Any) -> None:
        prob.addConstraint(constraint, name)
        m.constraints[name] = (group, key)

    def slack(group: str, key: tuple[str, ...], sign: float) -> list[tuple[Any, float]]:
        if group not in elastic:
            return []
        named = [n_int[key[0]], n_role[key[1]]] if len(key) == 2 else [n_role[k] for k in key]
        parts = "_".join([group, *named])
        var = prob.add_variable(f"slack_{parts}", 0)
        m.slack[(group, key)] = var
        return [(var, sign)]

    # -- constraints -----------------------------------------------------------
    for (i, a), u in m.unmet.items():
        terms = [
            (m.serve[(i, a, r)], 1.0) for r, _ in inputs.eligible.get(a, ()) if (i, a, r) in m.serve
        ]
        terms.append((u, 1.0))
        add(
            f"demand_{n_int[i]}_{n_act[a]}",
            "demand",
            (i, a),
            pulp.LpConstraint(
                pulp.LpAffineExpression(terms),
                pulp.LpConstraintEQ,
                rhs=inputs.demand[(i, a)].planned_hours_per_week,
            ),
        )
    for r in inputs.working_roles:
        for i in inputs.ints:
            terms = list(work[(i, r)]) + lend[(i, r)]
            terms += [(v, -c) for v, c in borrow[(i, r)]]
            hr = inputs.usable(i, r)
            terms += [(v, -hr * c) for v, c in delta[(i, r)]]
            if not terms:
                continue
            add(
                f"hours_{n_int[i]}_{n_role[r]}",
                "hours",
                (i, r),
                pulp.LpConstraint(
                    pulp.LpAffineExpression(terms),
                    pulp.LpConstraintLE,
                    rhs=hr * e.get((i, r), 0.0),
                ),
            )
            if lend[(i, r)]:
                cap = inputs.cover_cap_share * hr
                terms = list(lend[(i, r)]) + [(v, -cap * c) for v, c in delta[(i, r)]]
                add(
                    f"cover_cap_{n_int[i]}_{n_role[r]}",
                    "cover_cap",
                    (i, r),
                    pulp.LpConstraint(
                        pulp.LpAffineExpression(terms),
                        pulp.LpConstraintLE,
                        rhs=cap * e.get((i, r), 0.0),
                    ),
                )
    moves_out: dict[tuple[str, str], list[tuple[Any, float]]] = defaultdict(list)
    for (i, _j, r), var in m.move.items():
        moves_out[(i, r)].append((var, 1.0))
    for (i, r), terms in moves_out.items():
        add(
            f"move_cap_{n_int[i]}_{n_role[r]}",
            "move_cap",
            (i, r),
            pulp.LpConstraint(
                pulp.LpAffineExpression(terms),
                pulp.LpConstraintLE,
                rhs=inputs.move_cap_share * e[(i, r)],
            ),
        )
    for r in staffed_roles:
        if r not in core:
            continue
        for i in inputs.ints:
            have = e.get((i, r), 0.0)
            if (1.0 - inputs.move_cap_share) * have >= options.min_core_fte - 1e-9:
                continue  # cannot bind: moves out are capped
            terms = list(delta[(i, r)]) + slack("core", (i, r), 1.0)
            add(
                f"core_{n_int[i]}_{n_role[r]}",
                "core",
                (i, r),
                pulp.LpConstraint(
                    pulp.LpAffineExpression(terms),
                    pulp.LpConstraintGE,
                    rhs=options.min_core_fte - have,
                ),
            )
    posts_of_role: dict[str, list[tuple[Any, float]]] = defaultdict(list)
    for (_i, r), var in m.post.items():
        posts_of_role[r].append((var, 1.0))
    for (_i, r), var in m.tenths.items():
        posts_of_role[r].append((var, FTE_STEP))
    for r in staffed_roles:
        terms = list(posts_of_role[r])
        add(
            f"recruit_{n_role[r]}",
            "recruit",
            (r,),
            pulp.LpConstraint(
                pulp.LpAffineExpression(terms + slack("recruit", (r,), -1.0)),
                pulp.LpConstraintLE,
                rhs=inputs.recruit_limit_fte[r],
            ),
        )
        if r in inputs.max_fte:
            existing_total = sum(f for (_, rr), f in e.items() if rr == r)
            add(
                f"max_fte_{n_role[r]}",
                "max_fte",
                (r,),
                pulp.LpConstraint(
                    pulp.LpAffineExpression(terms + slack("max_fte", (r,), -1.0)),
                    pulp.LpConstraintLE,
                    rhs=inputs.max_fte[r] - existing_total,
                ),
            )
    pay_terms = [
        (v, inputs.pay_gbp_per_fte[r] * c) for r, ts in posts_of_role.items() for v, c in ts
    ]
    current_cost = inputs.current_cost_gbp()
    if inputs.budget_gbp > 0:
        add(
            "budget",
            "budget",
            (),
            pulp.LpConstraint(
                pulp.LpAffineExpression(pay_terms + slack("budget", (), -1.0)),
                pulp.LpConstraintLE,
                rhs=inputs.budget_gbp - current_cost,
            ),
        )

    # -- objective -----------------------------------------------------------
    m.pay_expr = pulp.LpAffineExpression(pay_terms, constant=current_cost)
    m.travel_expr = pulp.LpAffineExpression(
        [(v, weeks * edge_of[(i, j)].cost_gbp_per_hour) for (i, j, _r), v in m.cover.items()]
    )
    m.move_expr = pulp.LpAffineExpression(
        [(v, options.move_penalty_gbp_per_fte) for v in m.move.values()]
    )
    m.unmet_hours_expr = pulp.LpAffineExpression([(v, 1.0) for v in m.unmet.values()])
    m.unmet_expr = pulp.LpAffineExpression(
        [(v, weeks * inputs.unmet_penalty_gbp_per_hour) for v in m.unmet.values()]
    )
    cost = m.pay_expr + m.travel_expr + m.move_expr
    if objective is Objective.SLACK:
        top_pay = max(inputs.pay_gbp_per_fte.values(), default=1.0) or 1.0
        prob += pulp.LpAffineExpression(
            [(v, 1.0 / top_pay if g == "budget" else 1.0) for (g, _), v in m.slack.items()]
        )
    elif objective is Objective.UNMET:
        prob += m.unmet_hours_expr
    elif objective is Objective.COST:
        prob += cost
    else:
        prob += cost + m.unmet_expr
    if unmet_cap_hours is not None:
        add(
            "unmet_total_cap",
            "unmet_cap",
            (),
            pulp.LpConstraint(m.unmet_hours_expr, pulp.LpConstraintLE, rhs=unmet_cap_hours),
        )
    return m


def fix_integers(m: Model) -> None:
    """Fix integer variables at their solution and relax them, for an LP with duals."""
    for var in m.tenths.values():
        value = round(float(var.varValue or 0.0))
        var.lowBound = value
        var.upBound = value
        var.cat = pulp.LpContinuous
