"""The workbook's sheets about the workforce: Rotas, Roles, Staff, Assignments."""

from __future__ import annotations

from intplan.domain import (
    DAYS,
    Assignment,
    BaseKind,
    EmployerType,
    Role,
    Rota,
    Staff,
    StaffGroup,
)
from intplan.domain import limits as L
from intplan.io.schema_model import (
    Column,
    Kind,
    SheetSpec,
    choice,
    code,
    num,
    ref,
    source,
    text,
    yes_no,
)

ROTAS = SheetSpec(
    name="Rotas",
    description="When a role works: days of the week and the daily window.",
    columns=(
        code("code", "Rota code (e.g. WEEKDAY, EXTENDED, H24)"),
        text("name", "Rota name"),
        *(
            yes_no(
                d,
                f"Works on {d.capitalize()}",
                fields=(d, "days") if i == 0 else (d,),
                attr="days",
                index=i,
            )
            for i, d in enumerate(DAYS)
        ),
        num(
            "start_hour",
            "Start of the daily window (0-24)",
            L.HOUR_OF_DAY,
            unit="hour of day",
            fmt="0.0#",
        ),
        num(
            "end_hour",
            "End of the daily window (0-24), after start_hour",
            L.HOUR_OF_DAY,
            unit="hour of day",
        ),
        source(),
    ),
    key=("code",),
    model=Rota,
    scenario_field="rotas",
)

ROLES = SheetSpec(
    name="Roles",
    description="Roles with pay, hours, productive time, skills and rota.",
    columns=(
        code("code", "Role code (GP, ANP, PN, ...)"),
        text("name", "Role name"),
        choice("staff_group", StaffGroup, "Staff group"),
        choice("employer_type", EmployerType, "Usual employer type"),
        num(
            "pay_cost_gbp_per_fte",
            "Annual pay cost of one FTE including employer on-costs",
            L.PAY_GBP_PER_FTE,
            unit="GBP per FTE per year",
            fmt="#,##0",
            width=14,
        ),
        num(
            "hours_per_fte_week",
            "Hours in a full-time week",
            L.HOURS_PER_FTE_WEEK,
            unit="hours",
            fmt="0.0#",
        ),
        num(
            "productive_fraction",
            "Share of contracted time available after leave, sickness and training",
            L.PRODUCTIVE_FRACTION,
            unit="0-1",
            fmt="0.00",
        ),
        Column(
            header="skills",
            kind=Kind.CODES,
            description="Skills, separated by ';' (may be blank)",
            required=False,
            width=24,
            if_blank=(),
        ),
        yes_no("core", "Part of the minimum core team of every INT"),
        ref("rota", "Rotas", "Default rota of the role"),
        num(
            "population_per_fte",
            "Reference registered population per FTE (blank = none)",
            L.POPULATION_PER_FTE,
            unit="people per FTE",
            fmt="#,##0",
            required=False,
        ),
        source(),
    ),
    key=("code",),
    model=Role,
    scenario_field="roles",
)

STAFF = SheetSpec(
    name="Staff",
    description="Named people (or pseudonyms, or vacant posts): role, employer, base and FTE. "
    "Their INT shares are in Assignments.",
    columns=(
        code("id", "Staff id (unique)"),
        text("name", "Name or pseudonym"),
        ref("role", "Roles", "Role code"),
        text("employer", "Employing organisation"),
        choice("base_kind", BaseKind, "Kind of base: practice, pcn or team"),
        code(
            "base",
            "Base code: a practice, PCN or team code according to base_kind",
        ),
        num(
            "fte",
            "Contracted whole-time equivalent (above 0, at most 1.5)",
            L.FTE,
            unit="FTE",
            fmt="0.00",
            fields=("fte", "assignments"),
        ),
        yes_no("vacant", "A vacant post rather than a person (blank = no)", required=False),
        ref(
            "rota", "Rotas", "Rota overriding the role's rota (blank = the role's)", required=False
        ),
    ),
    key=("id",),
    model=Staff,
    scenario_field="staff",
)

ASSIGNMENTS = SheetSpec(
    name="Assignments",
    description="Each person's FTE split across INTs, and the mapping rule that gave it. A "
    "person's rows add up to their FTE; a person with no rows is not yet mapped.",
    columns=(
        ref("staff_id", "Staff", "Staff id"),
        ref("int", "INTs", "INT code", fields=("int", "int_code"), attr="int_code"),
        num("fte", "FTE given to this INT", L.FTE, unit="FTE", fmt="0.000"),
        text(
            "rule",
            "Rule that gave the share: practice, pcn_share, team_share, manual, named",
            width=14,
        ),
    ),
    key=("staff_id", "int"),
    model=Assignment,
    link_items=lambda s: ((x.id, a) for x in s.staff for a in x.assignments),
    owner="staff_id",
)
