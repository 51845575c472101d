"""The scenario workbook's layout, declared once: every sheet, every column.

The writer, the reader, the drop-down validations and ``docs/workbook-format.md``
are all driven by :data:`SHEETS`. A column's ``header`` carries its unit
(``fte``, ``travel_minutes``, ``per_1000_per_week``); ``fields`` names the domain
attributes whose errors are reported against that column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from intplan.domain import (
    AGE_BANDS,
    DAYS,
    MAX_LEAD_DAYS,
    ActivityKind,
    BaseKind,
    CareSetting,
    DurationDistribution,
    EmployerType,
    Patience,
    StaffGroup,
)
from intplan.domain import limits as L

#: Bumped when a sheet or column changes meaning; the reader refuses newer versions.
SCHEMA_VERSION = 1

#: Separator for list cells (role skills). Semicolons survive CSV export in UK locales.
LIST_SEPARATOR = ";"

YES_NO: tuple[str, ...] = ("yes", "no")


class Kind(StrEnum):
    TEXT = "text"  # free text
    CODE = "code"  # an id: letters, digits, '_', '-', '.'
    INTEGER = "whole number"
    NUMBER = "number"
    YES_NO = "yes/no"
    CHOICE = "choice"  # one of ``allowed``
    CODES = "list of codes"  # ';'-separated
    ANY = "any"  # the Settings/About value column: typed per key


@dataclass(frozen=True, slots=True, kw_only=True)
class Column:
    header: str
    kind: Kind
    description: str
    required: bool = True
    unit: str = ""
    allowed: tuple[str, ...] = ()  # for CHOICE (and YES_NO)
    codes_from: str | None = None  # sheet whose key column lists the valid codes
    number_format: str | None = None
    width: float = 12.0
    #: domain attribute names reported against this column (default: the header)
    fields: tuple[str, ...] = ()
    #: plausible range of a number column (checked cell by cell on load)
    limit: L.Limit | None = None

    @property
    def domain_fields(self) -> tuple[str, ...]:
        return self.fields or (self.header,)


@dataclass(frozen=True, slots=True, kw_only=True)
class SheetSpec:
    name: str
    description: str
    columns: tuple[Column, ...]
    #: headers whose values identify a row (extra columns are kept by this key)
    key: tuple[str, ...]
    _by_header: dict[str, Column] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_header.update({c.header: c for c in self.columns})

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)

    @property
    def table_name(self) -> str:
        # Excel table names must not look like cell references ("HCP1"); a prefix avoids it.
        return f"tbl_{self.name}"

    def column(self, header: str) -> Column:
        return self._by_header[header]

    def column_for_field(self, domain_field: str) -> Column | None:
        for c in self.columns:
            if domain_field in c.domain_fields:
                return c
        return None


# -- column helpers ---------------------------------------------------------


def _code(
    header: str, description: str, *, required: bool = True, fields: tuple[str, ...] = ()
) -> Column:
    return Column(
        header=header,
        kind=Kind.CODE,
        description=description,
        required=required,
        width=14,
        fields=fields,
    )


def _ref(
    header: str,
    sheet: str,
    description: str,
    *,
    required: bool = True,
    fields: tuple[str, ...] = (),
) -> Column:
    return Column(
        header=header,
        kind=Kind.CODE,
        description=description,
        codes_from=sheet,
        required=required,
        width=14,
        fields=fields,
    )


def _text(header: str, description: str, *, width: float = 28, required: bool = True) -> Column:
    return Column(
        header=header, kind=Kind.TEXT, description=description, width=width, required=required
    )


def _num(
    header: str,
    description: str,
    limit: L.Limit,
    *,
    unit: str = "",
    fmt: str | None = None,
    width: float = 12.0,
    required: bool = True,
    fields: tuple[str, ...] = (),
) -> Column:
    return Column(
        header=header,
        kind=Kind.NUMBER,
        description=description,
        unit=unit,
        number_format=fmt,
        width=width,
        required=required,
        fields=fields,
        limit=limit,
    )


def _int(
    header: str,
    description: str,
    limit: L.Limit,
    *,
    unit: str = "",
    number_format: str | None = None,
    fields: tuple[str, ...] = (),
) -> Column:
    return Column(
        header=header,
        kind=Kind.INTEGER,
        description=description,
        unit=unit,
        number_format=number_format,
        fields=fields,
        limit=limit,
    )


def _choice(
    header: str,
    allowed: tuple[str, ...],
    description: str,
    *,
    width: float = 16,
    required: bool = True,
) -> Column:
    return Column(
        header=header,
        kind=Kind.CHOICE,
        description=description,
        allowed=allowed,
        width=width,
        required=required,
    )


def _yes_no(
    header: str, description: str, *, required: bool = True, fields: tuple[str, ...] = ()
) -> Column:
    return Column(
        header=header,
        kind=Kind.YES_NO,
        description=description,
        allowed=YES_NO,
        width=8,
        required=required,
        fields=fields,
    )


def _source() -> Column:
    return _text(
        "source",
        "Where the numbers on this row come from: a seed citation (000:746), a public "
        "statistic, or 'assumption: <reason>'",
        width=48,
    )


def _values(enum: type[StrEnum]) -> tuple[str, ...]:
    return tuple(m.value for m in enum)


# -- sheets -----------------------------------------------------------------

ABOUT = SheetSpec(
    name="About",
    description="What this workbook is: schema version, scenario name and notes, the intplan "
    "version that wrote it, when. Rows: schema_version, name, notes, app_version, created, "
    "modified, label.",
    columns=(
        _code("key", "schema_version, name, notes, app_version, created, modified or label"),
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
        _code("key", "Setting name (see the list below)"),
        Column(
            header="value",
            kind=Kind.ANY,
            description="The setting's value, in the unit shown",
            width=14,
        ),
        _text("unit", "Unit of the value (informative; ignored on load)", width=14, required=False),
        _source(),
        _text(
            "description", "What the setting does (informative; ignored on load)", required=False
        ),
    ),
    key=("key",),
)

HCPS = SheetSpec(
    name="HCPs",
    description="Health & Care Partnerships.",
    columns=(_code("code", "HCP code"), _text("name", "HCP name")),
    key=("code",),
)

PCNS = SheetSpec(
    name="PCNs",
    description="Primary Care Networks, each in one HCP.",
    columns=(
        _code("code", "PCN code"),
        _text("name", "PCN name"),
        _ref("hcp", "HCPs", "The HCP the PCN belongs to"),
    ),
    key=("code",),
)

_BAND_HEADERS = ("list_0_17", "list_18_64", "list_65_74", "list_75_84", "list_85_plus")

PRACTICES = SheetSpec(
    name="Practices",
    description="GP practices: the building block of INTs. Registered list by age band.",
    columns=(
        _code("code", "Practice code (e.g. the ODS code)"),
        _text("name", "Practice name"),
        _ref("pcn", "PCNs", "The PCN the practice belongs to"),
        *(
            _int(
                h,
                f"Registered patients aged {band}",
                L.LIST_SIZE,
                unit="people",
                number_format="#,##0",
                fields=(f"list_{band}",) + (("list_by_age",) if i == 0 else ()),
            )
            for i, (h, band) in enumerate(zip(_BAND_HEADERS, AGE_BANDS, strict=True))
        ),
        _int(
            "deprivation_decile",
            "IMD decile of the practice population, 1 = most deprived",
            L.DECILE,
            unit="decile 1-10",
        ),
        _num(
            "x_km", "Easting of the practice on any local km grid", L.GRID_KM, unit="km", fmt="0.00"
        ),
        _num("y_km", "Northing of the practice on the same grid", L.GRID_KM, unit="km", fmt="0.00"),
    ),
    key=("code",),
)
BAND_HEADERS = _BAND_HEADERS

INTS = SheetSpec(
    name="INTs",
    description="Integrated Neighbourhood Teams. Their practices are listed in INTPractices.",
    columns=(
        _code("code", "INT code", fields=("code", "practices")),
        _text("name", "INT name"),
        _ref("hcp", "HCPs", "The HCP the INT sits in"),
    ),
    key=("code",),
)

INT_PRACTICES = SheetSpec(
    name="INTPractices",
    description="Which practices make up each INT: one row per membership. Every practice "
    "belongs to exactly one INT; row order is the INT's practice order.",
    columns=(
        _ref("int", "INTs", "INT code"),
        _ref("practice", "Practices", "Practice code"),
    ),
    key=("int", "practice"),
)

ADJACENCY = SheetSpec(
    name="Adjacency",
    description="Pairs of INTs that share a border and can cover each other (seed 000:746).",
    columns=(
        _ref("int_a", "INTs", "One INT"),
        _ref("int_b", "INTs", "The neighbouring INT (not the same as int_a)"),
        _num(
            "travel_minutes",
            "Typical travel time between the two INTs",
            L.TRAVEL_MINUTES,
            unit="minutes",
            fmt="0.0",
        ),
        _source(),
    ),
    key=("int_a", "int_b"),
)

TEAMS = SheetSpec(
    name="Teams",
    description="Community, mental-health, social-care or VCSE teams; the practices each "
    "covers are listed in TeamPractices.",
    columns=(
        _code("code", "Team code", fields=("code", "practices")),
        _text("name", "Team name"),
        _text("employer", "Employing organisation"),
    ),
    key=("code",),
)

TEAM_PRACTICES = SheetSpec(
    name="TeamPractices",
    description="Which practices each team covers: one row per practice covered.",
    columns=(
        _ref("team", "Teams", "Team code"),
        _ref("practice", "Practices", "Practice code"),
    ),
    key=("team", "practice"),
)

ROTAS = SheetSpec(
    name="Rotas",
    description="When a role works: days of the week and the daily window.",
    columns=(
        _code("code", "Rota code (e.g. WEEKDAY, EXTENDED, H24)"),
        _text("name", "Rota name"),
        *(
            _yes_no(d, f"Works on {d.capitalize()}", fields=(d, "days") if i == 0 else (d,))
            for i, d in enumerate(DAYS)
        ),
        _num(
            "start_hour",
            "Start of the daily window (0-24)",
            L.HOUR_OF_DAY,
            unit="hour of day",
            fmt="0.0#",
        ),
        _num(
            "end_hour",
            "End of the daily window (0-24), after start_hour",
            L.HOUR_OF_DAY,
            unit="hour of day",
        ),
        _source(),
    ),
    key=("code",),
)

ROLES = SheetSpec(
    name="Roles",
    description="Roles with pay, hours, productive time, skills and rota.",
    columns=(
        _code("code", "Role code (GP, ANP, PN, ...)"),
        _text("name", "Role name"),
        _choice("staff_group", _values(StaffGroup), "Staff group"),
        _choice("employer_type", _values(EmployerType), "Usual employer type"),
        _num(
            "pay_cost_gbp_per_fte",
            "Annual pay cost of one FTE including employer on-costs",
            L.PAY_GBP_PER_FTE,
            unit="GBP per FTE per year",
            fmt="#,##0",
            width=14,
        ),
        _num(
            "hours_per_fte_week",
            "Hours in a full-time week",
            L.HOURS_PER_FTE_WEEK,
            unit="hours",
            fmt="0.0#",
        ),
        _num(
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
        ),
        _yes_no("core", "Part of the minimum core team of every INT"),
        _ref("rota", "Rotas", "Default rota of the role"),
        _num(
            "population_per_fte",
            "Reference registered population per FTE (blank = none)",
            L.POPULATION_PER_FTE,
            unit="people per FTE",
            fmt="#,##0",
            required=False,
        ),
        _source(),
    ),
    key=("code",),
)

STAFF = SheetSpec(
    name="Staff",
    description="Named people (or pseudonyms, or vacant posts): role, employer, base and FTE. "
    "Their INT shares are in Assignments.",
    columns=(
        _code("id", "Staff id (unique)"),
        _text("name", "Name or pseudonym"),
        _ref("role", "Roles", "Role code"),
        _text("employer", "Employing organisation"),
        _choice("base_kind", _values(BaseKind), "Kind of base: practice, pcn or team"),
        _code(
            "base",
            "Base code: a practice, PCN or team code according to base_kind",
        ),
        _num(
            "fte",
            "Contracted whole-time equivalent (above 0, at most 1.5)",
            L.FTE,
            unit="FTE",
            fmt="0.00",
            fields=("fte", "assignments"),
        ),
        _yes_no("vacant", "A vacant post rather than a person (blank = no)", required=False),
        _ref(
            "rota", "Rotas", "Rota overriding the role's rota (blank = the role's)", required=False
        ),
    ),
    key=("id",),
)

ASSIGNMENTS = SheetSpec(
    name="Assignments",
    description="Each person's FTE split across INTs, and the mapping rule that gave it. A "
    "person's rows add up to their FTE; a person with no rows is not yet mapped.",
    columns=(
        _ref("staff_id", "Staff", "Staff id"),
        _ref("int", "INTs", "INT code", fields=("int", "int_code")),
        _num("fte", "FTE given to this INT", L.FTE, unit="FTE", fmt="0.000"),
        _text(
            "rule",
            "Rule that gave the share: practice, pcn_share, team_share, manual, named",
            width=14,
        ),
    ),
    key=("staff_id", "int"),
)

_HOURS = tuple(f"h{h:02d}" for h in range(24))

ARRIVAL_PROFILES = SheetSpec(
    name="ArrivalProfiles",
    description="Relative arrival weights by day of week and hour of day (normalised on use).",
    columns=(
        _code("code", "Profile code (INHOURS, SEVENDAY, FLAT)"),
        _text("name", "Profile name"),
        *(
            _num(
                d,
                f"Relative weight of {d.capitalize()}",
                L.WEIGHT,
                unit="weight",
                width=7,
                fields=(f"day_{i}",) + (("day_weights",) if i == 0 else ()),
            )
            for i, d in enumerate(DAYS)
        ),
        *(
            _num(
                h,
                f"Relative weight of hour {h[1:]}:00-{h[1:]}:59",
                L.WEIGHT,
                unit="weight",
                width=6,
                fields=(f"hour_{i:02d}",) + (("hour_weights",) if i == 0 else ()),
            )
            for i, h in enumerate(_HOURS)
        ),
        _source(),
    ),
    key=("code",),
)
HOUR_HEADERS = _HOURS

ACTIVITIES = SheetSpec(
    name="Activities",
    description="Activity types: priority, response target, setting, arrival profile, "
    "duration variability, episode length, deprivation gradient, escalation.",
    columns=(
        _code("code", "Activity code (SDC, RC, LTC, HV, UCR, ...)"),
        _text("name", "Activity name"),
        _choice("kind", _values(ActivityKind), "patient (requests) or meeting (MDT time)"),
        _int("priority", "1 = most urgent, 5 = least", L.PRIORITY, unit="1-5"),
        _num(
            "response_target_hours",
            "Target time from request to contact",
            L.TARGET_HOURS,
            unit="hours",
            fmt="0.0#",
            width=14,
        ),
        _choice("setting", _values(CareSetting), "clinic, home (adds travel) or remote"),
        _ref("arrival_profile", "ArrivalProfiles", "When requests arrive"),
        _choice(
            "duration_distribution", _values(DurationDistribution), "Shape of contact durations"
        ),
        _num(
            "duration_cv",
            "Coefficient of variation of durations",
            L.DURATION_CV,
            unit="ratio",
            fmt="0.00",
        ),
        _num(
            "contacts_per_episode",
            "Mean contacts in an episode of care",
            L.CONTACTS_PER_EPISODE,
            unit="contacts",
            fmt="0.0#",
        ),
        _num(
            "deprivation_gradient",
            "Demand multiplier 1+g at decile 1, 1-g at decile 10",
            L.DEPRIVATION_GRADIENT,
            unit="ratio",
            fmt="0.00",
        ),
        _num(
            "escalation_hours",
            "Waits beyond this escalate to ED (blank = never)",
            L.TARGET_HOURS,
            unit="hours",
            required=False,
        ),
        _source(),
        _choice(
            "patience",
            _values(Patience),
            "How long a waiting request stays before giving up (blank = none: it waits as "
            "long as it takes); used when Settings patience_enabled = 1",
            required=False,
        ),
        _num(
            "patience_mean_hours",
            "Mean time a waiting request stays before giving up (needed with a patience)",
            L.PATIENCE_HOURS,
            unit="hours",
            required=False,
        ),
        _num(
            "booking_horizon_days",
            "A request that cannot be seen within this many days is turned away (blank = no "
            "limit); used when Settings booking_horizon_enabled = 1",
            L.BOOKING_DAYS,
            unit="days",
            required=False,
        ),
        _num(
            "booked_ahead_share",
            "Share of new episodes whose first contact is booked for a later day on purpose "
            "(recall, a day that suits the patient), not because of a queue (blank = 0: "
            "each asks to be seen as soon as possible)",
            L.PROBABILITY,
            unit="share",
            fmt="0.00",
            required=False,
        ),
        _num(
            "booked_ahead_mean_days",
            "Mean booking lead of those, whole days: geometric on 1, 2, ... days, longer "
            f"than {MAX_LEAD_DAYS} booked {MAX_LEAD_DAYS} days ahead; a day the activity's "
            "arrival profile gives no requests (a closed day) moves to the next open day "
            "(needed with a booked_ahead_share)",
            L.LEAD_DAYS,
            unit="days",
            fmt="0.0",
            required=False,
        ),
    ),
    key=("code",),
)

ELIGIBILITY = SheetSpec(
    name="Eligibility",
    description="Which roles may do which activity, how long it takes them, and who is "
    "asked first. For meetings, duration is minutes per attending FTE per week.",
    columns=(
        _ref("activity", "Activities", "Activity code"),
        _ref("role", "Roles", "Role code"),
        _num(
            "duration_minutes",
            "Minutes per contact (meetings: per attending FTE per week)",
            L.DURATION_MINUTES,
            unit="minutes",
            fmt="0.0",
        ),
        _int("preference", "1 is asked first", L.PREFERENCE, unit="1-9"),
        _source(),
    ),
    key=("activity", "role"),
)

REFERRALS = SheetSpec(
    name="Referrals",
    description=(
        "After an activity's episode, a share of patients is referred on to another: "
        "decided once per episode, after its last contact (follow-ups do not refer)."
    ),
    columns=(
        _ref("from_activity", "Activities", "Referring activity"),
        _ref("to_activity", "Activities", "Activity referred to"),
        _num(
            "probability",
            "Share of episodes referred on (at most one route per episode; an "
            "activity's rows add up to 1 or less)",
            L.PROBABILITY,
            unit="0-1",
            fmt="0.0000",
        ),
        _num(
            "delay_hours",
            "Delay from the episode's last contact until the referred episode arrives "
            "(x (1 - integration_level))",
            L.DELAY_HOURS,
            unit="hours",
            fmt="0.0",
        ),
        _num(
            "rejection_probability",
            "Share of referrals screened out (x (1 - integration_level)); each re-presents "
            "once, as one episode of represent_activity one priority more urgent, after "
            "represent_delay_hours",
            L.PROBABILITY,
            unit="0-1",
            fmt="0.000",
        ),
        _source(),
    ),
    key=("from_activity", "to_activity"),
)

DEMAND_RATES = SheetSpec(
    name="DemandRates",
    description="Requests per 1,000 registered patients per week, by activity and age band.",
    columns=(
        _ref("activity", "Activities", "Activity code"),
        _choice("age_band", AGE_BANDS, "Age band", width=10),
        _num(
            "per_1000_per_week",
            "Requests per 1,000 patients in the band per week",
            L.RATE_PER_1000_PER_WEEK,
            unit="per 1,000 per week",
            fmt="0.00",
            width=14,
        ),
        _source(),
    ),
    key=("activity", "age_band"),
)

SEASONALITY = SheetSpec(
    name="Seasonality",
    description="Demand multiplier by calendar month; activity '*' applies to all.",
    columns=(
        _code("activity", "Activity code, or * for all activities"),
        _int("month", "Calendar month 1-12", L.MONTH, unit="month"),
        _num(
            "factor", "Demand multiplier for the month", L.SEASON_FACTOR, unit="ratio", fmt="0.00"
        ),
        _source(),
    ),
    key=("activity", "month"),
)

INTERVENTIONS = SheetSpec(
    name="Interventions",
    description="Demand levers: effect on an activity after a lag, reached over a ramp "
    "(lags: seed 000:277).",
    columns=(
        _code("code", "Intervention code"),
        _text("name", "Intervention name"),
        _ref("activity", "Activities", "Activity affected"),
        _ref(
            "int",
            "INTs",
            "INT it applies to (blank = every INT)",
            required=False,
            fields=("int", "int_code"),
        ),
        _num("effect_pct", "Change in demand once fully ramped", L.EFFECT_PCT, unit="%", fmt="0.0"),
        _int("start_week", "Simulation week it starts", L.WEEK, unit="week"),
        _int("lag_weeks", "Weeks before any effect", L.WEEK, unit="weeks"),
        _int("ramp_weeks", "Weeks from first effect to full effect", L.WEEK, unit="weeks"),
        _source(),
    ),
    key=("code",),
)

#: Every input sheet, in workbook order.
SHEETS: tuple[SheetSpec, ...] = (
    ABOUT,
    SETTINGS,
    HCPS,
    PCNS,
    PRACTICES,
    INTS,
    INT_PRACTICES,
    ADJACENCY,
    TEAMS,
    TEAM_PRACTICES,
    ROTAS,
    ROLES,
    STAFF,
    ASSIGNMENTS,
    ARRIVAL_PROFILES,
    ACTIVITIES,
    ELIGIBILITY,
    REFERRALS,
    DEMAND_RATES,
    SEASONALITY,
    INTERVENTIONS,
)
SHEET_BY_NAME: dict[str, SheetSpec] = {s.name: s for s in SHEETS}

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
ILLUSTRATIVE_LABEL = (
    "ILLUSTRATIVE: this scenario uses fictional or modelled figures, not real NHS data"
)


# -- the reference document --------------------------------------------------------

_DOC_INTRO = """\
# The scenario workbook (schema version {version})

A scenario is an Excel workbook (`.xlsx`) that you can open, edit and load back.
This page is generated from `src/intplan/io/schema.py`; regenerate it with
`.venv/bin/python -m intplan.io.schema > docs/workbook-format.md`
(a test fails when it is out of date).

## Rules for every sheet

- One sheet per table, each an Excel Table whose **header row is row 1**. Columns are
  matched by header name, so their order is free; header case is ignored.
- Units are in the headers: `fte`, `minutes`, `hours`, `per_1000_per_week`, `gbp`.
- A **blank optional cell** means "none" (for example no `escalation_hours` = never
  escalate). A blank required cell is an error.
- **Codes** (ids) are letters, digits, `_`, `-` and `.` with no spaces; spaces around a
  code are ignored. Code columns have drop-downs listing the codes on their sheet.
- **yes/no** cells take `yes` or `no` (also `y`/`n`, `true`/`false`, `1`/`0`, TRUE/FALSE).
- **Lists** (role skills) are separated by `{sep}`.
- Whole numbers may be stored as `3.0` (LibreOffice does); `3.5` is an error where a
  whole number is expected. Numbers typed as text (`'0.8`) are read as numbers.
- A fully blank row inside a table is skipped; a row with any cell filled is read, or
  reported. Loading lists **every** problem (file, sheet, row, column, message) at once.
- Formulas are read by their saved result. Cells showing an error (`#N/A`) are errors.
- **Extra columns** you add to a sheet and **extra sheets** are kept when intplan saves
  the scenario (extra columns are kept by the row's key: {keys}).
- **Result sheets** are written by runs and are not inputs: sheets named
  {results} alone or followed by a non-lower-case character (`ResultsWaits`,
  `Plan_FTE`, `Compare 2`). Saving a scenario writes inputs only.
- **Numbers** are plain decimals (`1000`, `0.8`, `-2.5`, `1e3`); `1_000`, `1,000`,
  `0,5`, `nan` and `inf` are not numbers. A cell that is empty is blank however it was
  saved (an empty value, an empty typed cell).
- Every number column has a **plausible range** (below): wide enough for any real INT,
  narrow enough that nothing inside it can exhaust memory or break the solver. A value
  outside it is reported with the range and the reason; every problem in a row is listed.
- **Demand bound**: at its busiest (list sizes x rates, at the worst deprivation, the
  busiest month, the highest growth over the horizon and every demand-raising
  intervention at full effect) a scenario may ask for at most {max_contacts:,} contacts
  a week, about 20 times Kent & Medway; the engine keeps a week's arrivals in memory.
- A file that is not a readable workbook (a damaged zip entry, an encrypted or
  unusually compressed part, XML that is cut off or not well-formed, a cell pointing at
  shared text that does not exist, a cell beyond column XFD or row 1,048,576) is
  refused as "not a readable workbook", naming the sheet and cell where it can; it is
  never read as far as it goes or replaced by defaults.
- Saving is atomic: a crash never leaves a half-written workbook.
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _range(limit: L.Limit | None) -> str:
    return f"{limit.text}: {_cell(limit.reason)}" if limit else ""


def format_markdown() -> str:
    """The reference for every sheet and column, as Markdown (docs/workbook-format.md)."""
    from intplan.domain import SETTING_SPECS
    from intplan.domain.limits import MAX_CONTACTS_PER_WEEK
    from intplan.io.results import RESULT_SHEET_PREFIXES

    keys = "; ".join(f"{s.name}: {' + '.join(s.key)}" for s in SHEETS)
    lines = [
        _DOC_INTRO.format(
            version=SCHEMA_VERSION,
            sep=LIST_SEPARATOR,
            keys=keys,
            results=", ".join(f"`{p}`" for p in RESULT_SHEET_PREFIXES),
            max_contacts=MAX_CONTACTS_PER_WEEK,
        ),
        "## Sheets",
        "",
        *(f"- [{s.name}](#{s.name.lower()}): {_cell(s.description)}" for s in SHEETS),
        "",
    ]
    for s in SHEETS:
        lines += [f"## {s.name}", "", s.description, ""]
        lines += [
            "| column | unit | type | required | allowed values | plausible range | meaning |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        for c in s.columns:
            allowed = (
                ", ".join(f"`{a}`" for a in c.allowed)
                if c.allowed
                else f"a code from {c.codes_from}"
                if c.codes_from
                else ""
            )
            lines.append(
                f"| `{c.header}` | {_cell(c.unit)} | {c.kind.value} | "
                f"{'yes' if c.required else 'no'} | {allowed} | {_range(c.limit)} | "
                f"{_cell(c.description)} |"
            )
        lines.append("")
        if s.name == "About":
            lines += [
                "Keys: " + ", ".join(f"`{k}`" for k in ABOUT_KEYS) + ". `schema_version` "
                f"must be {SCHEMA_VERSION}; `name` is required; `app_version`, `created`, "
                "`modified` and `label` are written by intplan (the label says "
                f'"{ILLUSTRATIVE_LABEL}" when the scenario name or notes say illustrative).',
                "",
            ]
        if s.name == "Settings":
            lines += [
                "| key | unit | default | plausible range | source of the default | meaning |",
                "| --- | --- | --- | --- | --- | --- |",
                *(
                    f"| `{p.key}` | {_cell(p.unit)} | {p.default} | {_range(p.limit)} | "
                    f"{_cell(p.source)} | {_cell(p.description)} |"
                    for p in SETTING_SPECS
                ),
                "",
                "A blank `source` means the default's source above applies.",
                "",
            ]
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":  # pragma: no cover - the doc generator
    import sys

    sys.stdout.write(format_markdown())
