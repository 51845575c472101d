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


Terms = list[tuple[Any, float]]  # (variable, coefficient) pairs of a linear expression


def build_model(
    inputs: ModelInputs,
    options: OptimiseOptions,
    *,
    objective: Objective = Objective.WEIGHTED,
    elastic: frozenset[str] = frozenset(),
    unmet_cap_hours: float | None = None,
) -> Model:
    """Build the problem. ``elastic`` lists hard groups that get penalised slacks."""
    prob = pulp.LpProblem("intplan_skill_mix", pulp.LpMinimize)
    m = Model(inputs=inputs, options=options, prob=prob, objective=objective)
    b = _Builder(m, elastic)
    # Variables and constraints are added in a fixed order, so the problem
    # (and its LP file) is the same from run to run.
    b.add_variables()
    b.add_demand()
    b.add_hours()
    b.add_move_caps()
    b.add_core()
    pay_terms = b.add_recruit_and_max_fte()
    b.add_budget(pay_terms)
    b.set_objective(pay_terms)
    if unmet_cap_hours is not None:
        b.add(
            "unmet_total_cap",
            "unmet_cap",
            (),
            pulp.LpConstraint(m.unmet_hours_expr, pulp.LpConstraintLE, rhs=unmet_cap_hours),
        )
    return m


class _Builder:
    """The steps of ``build_model``, sharing the model, names and FTE terms."""

    def __init__(self, m: Model, elastic: frozenset[str]) -> None:
        inputs, options = m.inputs, m.options
        self.m = m
        self.inputs = inputs
        self.options = options
        self.prob = m.prob
        self.elastic = elastic
        self.n_int = _unique_names(inputs.ints)
        self.n_role = _unique_names(inputs.roles)
        self.n_act = _unique_names(inputs.activities)
        working = set(inputs.working_roles)
        self.core = set(inputs.core_roles) if options.min_core_fte > 0 else set()
        self.staffed_roles = tuple(r for r in inputs.roles if r in working or r in self.core)
        self.edge_of = {(x.lender, x.borrower): x for x in inputs.edges}
        #: (i, r) -> FTE change terms; lend/borrow: cover hours out of/into (i, r)
        self.delta: dict[tuple[str, str], Terms] = defaultdict(list)
        self.lend: dict[tuple[str, str], Terms] = defaultdict(list)
        self.borrow: dict[tuple[str, str], Terms] = defaultdict(list)
        self.work: dict[tuple[str, str], Terms] = defaultdict(list)

    def add(self, name: str, group: str, key: tuple[str, ...], constraint: Any) -> None:
        self.prob.addConstraint(constraint, name)
        self.m.constraints[name] = (group, key)

    def slack(self, group: str, key: tuple[str, ...], sign: float) -> Terms:
        """A penalised slack term for ``group`` when it is elastic, else none."""
        if group not in self.elastic:
            return []
        if len(key) == 2:
            named = [self.n_int[key[0]], self.n_role[key[1]]]
        else:
            named = [self.n_role[k] for k in key]
        parts = "_".join([group, *named])
        var = self.prob.add_variable(f"slack_{parts}", 0)
        self.m.slack[(group, key)] = var
        return [(var, sign)]

    # -- variables -------------------------------------------------------------
    def add_variables(self) -> None:
        self._add_posts()
        self._add_moves_and_cover()
        self._add_serve_and_unmet()
        self._collect_fte_terms()

    def _add_posts(self) -> None:
        m, n_int, n_role = self.m, self.n_int, self.n_role
        for r in self.staffed_roles:
            ub_tenths = int(self.inputs.recruit_limit_fte[r] / FTE_STEP + 1e-9)
            for i in self.inputs.ints:
                if self.options.integer:
                    m.tenths[(i, r)] = self.prob.add_variable(
                        f"tenths_{n_int[i]}_{n_role[r]}", 0, ub_tenths, cat=pulp.LpInteger
                    )
                else:
                    m.post[(i, r)] = self.prob.add_variable(f"post_{n_int[i]}_{n_role[r]}", 0)

    def _add_moves_and_cover(self) -> None:
        inputs, m, n_int, n_role = self.inputs, self.m, self.n_int, self.n_role
        if inputs.move_cap_share > 0:
            for edge in inputs.edges:
                for r in self.staffed_roles:
                    if inputs.existing_fte.get((edge.lender, r), 0.0) > 0:
                        m.move[(edge.lender, edge.borrower, r)] = self.prob.add_variable(
                            f"move_{n_int[edge.lender]}_{n_int[edge.borrower]}_{n_role[r]}", 0
                        )
        if inputs.cover_cap_share > 0:
            for edge in inputs.edges:
                for r in inputs.working_roles:
                    m.cover[(edge.lender, edge.borrower, r)] = self.prob.add_variable(
                        f"cover_{n_int[edge.lender]}_{n_int[edge.borrower]}_{n_role[r]}", 0
                    )

    def _add_serve_and_unmet(self) -> None:
        inputs, m, n_int, n_act = self.inputs, self.m, self.n_int, self.n_act
        for i in inputs.ints:
            for a in inputs.activities:
                if inputs.demand[(i, a)].planned_hours_per_week <= 0:
                    continue
                m.unmet[(i, a)] = self.prob.add_variable(f"unmet_{n_int[i]}_{n_act[a]}", 0)
                for r, _f in inputs.eligible.get(a, ()):
                    if (i, a, r) in inputs.blocked:
                        continue
                    m.serve[(i, a, r)] = self.prob.add_variable(
                        f"serve_{n_int[i]}_{n_act[a]}_{self.n_role[r]}", 0
                    )

    def _collect_fte_terms(self) -> None:
        m = self.m
        for (i, r), var in m.post.items():
            self.delta[(i, r)].append((var, 1.0))
        for (i, r), var in m.tenths.items():
            self.delta[(i, r)].append((var, FTE_STEP))
        for (i, j, r), var in m.move.items():
            self.delta[(i, r)].append((var, -1.0))
            self.delta[(j, r)].append((var, 1.0))
        for (i, j, r), var in m.cover.items():
            self.lend[(i, r)].append((var, 1.0 + self.edge_of[(i, j)].overhead_share))
            self.borrow[(j, r)].append((var, 1.0))
        for (i, a, r), var in m.serve.items():
            self.work[(i, r)].append((var, self.inputs.factor(i, a, r)))

    # -- constraints -------------------------------------------------------------
    def add_demand(self) -> None:
        inputs, m = self.inputs, self.m
        for (i, a), u in m.unmet.items():
            terms = [
                (m.serve[(i, a, r)], 1.0)
                for r, _ in inputs.eligible.get(a, ())
                if (i, a, r) in m.serve
            ]
            terms.append((u, 1.0))
            self.add(
                f"demand_{self.n_int[i]}_{self.n_act[a]}",
                "demand",
                (i, a),
                pulp.LpConstraint(
                    pulp.LpAffineExpression(terms),
                    pulp.LpConstraintEQ,
                    rhs=inputs.demand[(i, a)].planned_hours_per_week,
                ),
            )

    def add_hours(self) -> None:
        """[hours] for every working pool, and [cover_cap] where it lends."""
        inputs = self.inputs
        e = inputs.existing_fte
        for r in inputs.working_roles:
            for i in inputs.ints:
                delta = self.delta[(i, r)]
                terms = list(self.work[(i, r)]) + self.lend[(i, r)]
                terms += [(v, -c) for v, c in self.borrow[(i, r)]]
                hr = inputs.usable(i, r)
                terms += [(v, -hr * c) for v, c in delta]
                if not terms:
                    continue
                self._add_le(
                    f"hours_{self.n_int[i]}_{self.n_role[r]}",
                    "hours",
                    (i, r),
                    terms,
                    hr * e.get((i, r), 0.0),
                )
                if self.lend[(i, r)]:
                    cap = inputs.cover_cap_share * hr
                    terms = list(self.lend[(i, r)]) + [(v, -cap * c) for v, c in delta]
                    self._add_le(
                        f"cover_cap_{self.n_int[i]}_{self.n_role[r]}",
                        "cover_cap",
                        (i, r),
                        terms,
                        cap * e.get((i, r), 0.0),
                    )

    def _add_le(
        self, name: str, group: str, key: tuple[str, ...], terms: Terms, rhs: float
    ) -> None:
        constraint = pulp.LpConstraint(pulp.LpAffineExpression(terms), pulp.LpConstraintLE, rhs=rhs)
        self.add(name, group, key, constraint)

    def add_move_caps(self) -> None:
        moves_out: dict[tuple[str, str], Terms] = defaultdict(list)
        for (i, _j, r), var in self.m.move.items():
            moves_out[(i, r)].append((var, 1.0))
        for (i, r), terms in moves_out.items():
            self._add_le(
                f"move_cap_{self.n_int[i]}_{self.n_role[r]}",
                "move_cap",
                (i, r),
                terms,
                self.inputs.move_cap_share * self.inputs.existing_fte[(i, r)],
            )

    def add_core(self) -> None:
        inputs, options = self.inputs, self.options
        for r in self.staffed_roles:
            if r not in self.core:
                continue
            for i in inputs.ints:
                have = inputs.existing_fte.get((i, r), 0.0)
                if (1.0 - inputs.move_cap_share) * have >= options.min_core_fte - 1e-9:
                    continue  # cannot bind: moves out are capped
                terms = list(self.delta[(i, r)]) + self.slack("core", (i, r), 1.0)
                self.add(
                    f"core_{self.n_int[i]}_{self.n_role[r]}",
                    "core",
                    (i, r),
                    pulp.LpConstraint(
                        pulp.LpAffineExpression(terms),
                        pulp.LpConstraintGE,
                        rhs=options.min_core_fte - have,
                    ),
                )

    def add_recruit_and_max_fte(self) -> Terms:
        """[recruit] and [max_fte] per role; returns the pay terms of the posts."""
        inputs, m = self.inputs, self.m
        posts_of_role: dict[str, Terms] = defaultdict(list)
        for (_i, r), var in m.post.items():
            posts_of_role[r].append((var, 1.0))
        for (_i, r), var in m.tenths.items():
            posts_of_role[r].append((var, FTE_STEP))
        for r in self.staffed_roles:
            terms = list(posts_of_role[r])
            self._add_le(
                f"recruit_{self.n_role[r]}",
                "recruit",
                (r,),
                terms + self.slack("recruit", (r,), -1.0),
                inputs.recruit_limit_fte[r],
            )
            if r in inputs.max_fte:
                existing_total = sum(f for (_, rr), f in inputs.existing_fte.items() if rr == r)
                self._add_le(
                    f"max_fte_{self.n_role[r]}",
                    "max_fte",
                    (r,),
                    terms + self.slack("max_fte", (r,), -1.0),
                    inputs.max_fte[r] - existing_total,
                )
        return [
            (v, inputs.pay_gbp_per_fte[r] * c) for r, ts in posts_of_role.items() for v, c in ts
        ]

    def add_budget(self, pay_terms: Terms) -> None:
        inputs = self.inputs
        if inputs.budget_gbp > 0:
            self._add_le(
                "budget",
                "budget",
                (),
                pay_terms + self.slack("budget", (), -1.0),
                inputs.budget_gbp - inputs.current_cost_gbp(),
            )

    # -- objective -------------------------------------------------------------
    def set_objective(self, pay_terms: Terms) -> None:
        inputs, m = self.inputs, self.m
        weeks = inputs.annual_weeks
        m.pay_expr = pulp.LpAffineExpression(pay_terms, constant=inputs.current_cost_gbp())
        m.travel_expr = pulp.LpAffineExpression(
            [
                (v, weeks * self.edge_of[(i, j)].cost_gbp_per_hour)
                for (i, j, _r), v in m.cover.items()
            ]
        )
        m.move_expr = pulp.LpAffineExpression(
            [(v, self.options.move_penalty_gbp_per_fte) for v in m.move.values()]
        )
        m.unmet_hours_expr = pulp.LpAffineExpression([(v, 1.0) for v in m.unmet.values()])
        m.unmet_expr = pulp.LpAffineExpression(
            [(v, weeks * inputs.unmet_penalty_gbp_per_hour) for v in m.unmet.values()]
        )
        cost = m.pay_expr + m.travel_expr + m.move_expr
        if m.objective is Objective.SLACK:
            top_pay = max(inputs.pay_gbp_per_fte.values(), default=1.0) or 1.0
            self.prob += pulp.LpAffineExpression(
                [(v, 1.0 / top_pay if g == "budget" else 1.0) for (g, _), v in m.slack.items()]
            )
        elif m.objective is Objective.UNMET:
            self.prob += m.unmet_hours_expr
        elif m.objective is Objective.COST:
            self.prob += cost
        else:
            self.prob += cost + m.unmet_expr


def fix_integers(m: Model) -> None:
    """Fix integer variables at their solution and relax them, for an LP with duals."""
    for var in m.tenths.values():
        value = round(float(var.varValue or 0.0))
        var.lowBound = value
        var.upBound = value
        var.cat = pulp.LpContinuous
