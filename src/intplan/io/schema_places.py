"""The workbook's sheets about the document and its places: About, Settings, HCPs,
PCNs, Practices, INTs and the practices they hold, Adjacency, Teams."""

from __future__ import annotations

from intplan.domain import AGE_BANDS, HCP, INT, PCN, Adjacency, Practice, Team
from intplan.domain import limits as L
from intplan.io.schema_model import (
    SELF,
    Column,
    Kind,
    SheetSpec,
    code,
    integer,
    num,
    ref,
    source,
    text,
)

ABOUT = SheetSpec(
    name="About",
    description="What this workbook is: schema version, scenario name and notes, the intplan "
    "version that wrote it, when. Rows: schema_version, name, notes, app_version, created, "
    "modified, label.",
    columns=(
        code("key", "schema_version, name, notes, app_version, created, modified or label"),
        Column(
            header="value",
            kind=Kind.ANY,
            description="The value for the key (name is required; notes may be blank)",
            required=False,
            width=80,
        ),
    ),
    key=("key",),
)

SETTINGS = SheetSpec(
    name="Settings",
    description="Scenario-wide settings, one per row. A missing row takes its default. "
    "unit and description are written for the reader's benefit and ignored on load.",
    columns=(
        code("key", "Setting name (see the list below)"),
        Column(
            header="value",
            kind=Kind.ANY,
            description="The setting's value, in the unit shown",
            width=14,
        ),
        text("unit", "Unit of the value (informative; ignored on load)", width=14, required=False),
        source(),
        text("description", "What the setting does (informative; ignored on load)", required=False),
    ),
    key=("key",),
)

HCPS = SheetSpec(
    name="HCPs",
    description="Health & Care Partnerships.",
    columns=(code("code", "HCP code"), text("name", "HCP name")),
    key=("code",),
    model=HCP,
    scenario_field="hcps",
)

PCNS = SheetSpec(
    name="PCNs",
    description="Primary Care Networks, each in one HCP.",
    columns=(
        code("code", "PCN code"),
        text("name", "PCN name"),
        ref("hcp", "HCPs", "The HCP the PCN belongs to"),
    ),
    key=("code",),
    model=PCN,
    scenario_field="pcns",
)

BAND_HEADERS = ("list_0_17", "list_18_64", "list_65_74", "list_75_84", "list_85_plus")

PRACTICES = SheetSpec(
    name="Practices",
    description="GP practices: the building block of INTs. Registered list by age band.",
    columns=(
        code("code", "Practice code (e.g. the ODS code)"),
        text("name", "Practice name"),
        ref("pcn", "PCNs", "The PCN the practice belongs to"),
        *(
            integer(
                h,
                f"Registered patients aged {band}",
                L.LIST_SIZE,
                unit="people",
                number_format="#,##0",
                fields=(f"list_{band}",) + (("list_by_age",) if i == 0 else ()),
                attr="list_by_age",
                index=i,
            )
            for i, (h, band) in enumerate(zip(BAND_HEADERS, AGE_BANDS, strict=True))
        ),
        integer(
            "deprivation_decile",
            "IMD decile of the practice population, 1 = most deprived",
            L.DECILE,
            unit="decile 1-10",
        ),
        num(
            "x_km", "Easting of the practice on any local km grid", L.GRID_KM, unit="km", fmt="0.00"
        ),
        num("y_km", "Northing of the practice on the same grid", L.GRID_KM, unit="km", fmt="0.00"),
    ),
    key=("code",),
    model=Practice,
    scenario_field="practices",
)

INTS = SheetSpec(
    name="INTs",
    description="Integrated Neighbourhood Teams. Their practices are listed in INTPractices.",
    columns=(
        code("code", "INT code", fields=("code", "practices")),
        text("name", "INT name"),
        ref("hcp", "HCPs", "The HCP the INT sits in"),
    ),
    key=("code",),
    model=INT,
    scenario_field="ints",
)

INT_PRACTICES = SheetSpec(
    name="INTPractices",
    description="Which practices make up each INT: one row per membership. Every practice "
    "belongs to exactly one INT; row order is the INT's practice order.",
    columns=(
        ref("int", "INTs", "INT code"),
        ref("practice", "Practices", "Practice code", attr=SELF),
    ),
    key=("int", "practice"),
    link_items=lambda s: ((x.code, p) for x in s.ints for p in x.practices),
    owner="int",
)

ADJACENCY = SheetSpec(
    name="Adjacency",
    description="Pairs of INTs that share a border and can cover each other (seed 000:746).",
    columns=(
        ref("int_a", "INTs", "One INT"),
        ref("int_b", "INTs", "The neighbouring INT (not the same as int_a)"),
        num(
            "travel_minutes",
            "Typical travel time between the two INTs",
            L.TRAVEL_MINUTES,
            unit="minutes",
            fmt="0.0",
        ),
        source(),
    ),
    key=("int_a", "int_b"),
    model=Adjacency,
    scenario_field="adjacencies",
)

TEAMS = SheetSpec(
    name="Teams",
    description="Community, mental-health, social-care or VCSE teams; the practices each "
    "covers are listed in TeamPractices.",
    columns=(
        code("code", "Team code", fields=("code", "practices")),
        text("name", "Team name"),
        text("employer", "Employing organisation"),
    ),
    key=("code",),
    model=Team,
    scenario_field="teams",
)

TEAM_PRACTICES = SheetSpec(
    name="TeamPractices",
    description="Which practices each team covers: one row per practice covered.",
    columns=(
        ref("team", "Teams", "Team code"),
        ref("practice", "Practices", "Practice code", attr=SELF),
    ),
    key=("team", "practice"),
    link_items=lambda s: ((x.code, p) for x in s.teams for p in x.practices),
    owner="team",
)

#: Keys of the About sheet, in order.
ABOUT_KEYS: tuple[str, ...] = (
    "schema_version",
    "name",
    "notes",
    "app_version",
    "created",
    "modified",
    "label",
)
