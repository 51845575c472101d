"""Read and write the scenario workbook (layout in :mod:`intplan.io.schema`).

``write_scenario`` writes every input sheet as an Excel Table with a frozen header,
widths, number formats and drop-down validations, plus the user's extra sheets and
columns, atomically. ``read_scenario`` reads it back, collecting *every* problem as an
:class:`~intplan.io.errors.Issue` (sheet, row, column, message) before raising one
:class:`~intplan.io.errors.WorkbookError`; files that are not workbooks at all raise
:class:`~intplan.io.errors.UnreadableFileError`. Result sheets (see
:func:`intplan.io.results.is_result_sheet`) are not inputs and are ignored.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from intplan import __version__
from intplan.domain import (
    DAYS,
    HCP,
    INT,
    PCN,
    SETTING_SPECS,
    ActivityKind,
    ActivityType,
    Adjacency,
    ArrivalProfile,
    Assignment,
    BaseKind,
    CareSetting,
    DemandRate,
    DomainError,
    DurationDistribution,
    Eligibility,
    EmployerType,
    ExtraColumn,
    ExtraSheet,
    Intervention,
    Patience,
    Practice,
    Problem,
    Referral,
    Role,
    Rota,
    Scenario,
    ScenarioError,
    Seasonality,
    Settings,
    Staff,
    StaffGroup,
    Team,
)
from intplan.io import schema as S
from intplan.io._convert import (
    FAST_TYPES,
    YES_NO_WORDS,
    as_number,
    blank,
    closest,
    convert,
    limit_problem,
)
from intplan.io._open import damaged, open_workbook
from intplan.io._parts import DamagedXlsxError
from intplan.io._xlsx import (
    ErrorValue,
    FormulaValue,
    ListValidation,
    SheetData,
    XlsxReader,
    write_xlsx,
)
from intplan.io.atomic import atomic_write
from intplan.io.errors import Issue, UnreadableFileError, WorkbookError
from intplan.io.results import is_result_sheet

PathLike = str | os.PathLike[str]

_VALIDATION_HEADROOM = 1000  # rows below the data a drop-down still covers
_SINGULAR = {"Practices": "practice", "INTs": "INT", "Teams": "team", "Staff": "staff id"}


# == writing ===================================================================


def _yn(value: bool) -> str:
    return "yes" if value else "no"


def _input_rows(s: Scenario) -> dict[str, list[tuple[Any, ...]]]:
    """Data rows of every input sheet but About and Settings, in schema column order."""
    return {
        "HCPs": [(x.code, x.name) for x in s.hcps],
        "PCNs": [(x.code, x.name, x.hcp) for x in s.pcns],
        "Practices": [
            (x.code, x.name, x.pcn, *x.list_by_age, x.deprivation_decile, x.x_km, x.y_km)
            for x in s.practices
        ],
        "INTs": [(x.code, x.name, x.hcp) for x in s.ints],
        "INTPractices": [(x.code, p) for x in s.ints for p in x.practices],
        "Adjacency": [(x.int_a, x.int_b, x.travel_minutes, x.source) for x in s.adjacencies],
        "Teams": [(x.code, x.name, x.employer) for x in s.teams],
        "TeamPractices": [(x.code, p) for x in s.teams for p in x.practices],
        "Rotas": [
            (x.code, x.name, *(_yn(d) for d in x.days), x.start_hour, x.end_hour, x.source)
            for x in s.rotas
        ],
        "Roles": [
            (
                x.code,
                x.name,
                x.staff_group.value,
                x.employer_type.value,
                x.pay_cost_gbp_per_fte,
                x.hours_per_fte_week,
                x.productive_fraction,
                S.LIST_SEPARATOR.join(x.skills) or None,
                _yn(x.core),
                x.rota,
                x.population_per_fte,
                x.source,
            )
            for x in s.roles
        ],
        "Staff": [
            (
                x.id,
                x.name,
                x.role,
                x.employer,
                x.base_kind.value,
                x.base,
                x.fte,
                _yn(x.vacant),
                x.rota,
            )
            for x in s.staff
        ],
        "Assignments": [(x.id, a.int_code, a.fte, a.rule) for x in s.staff for a in x.assignments],
        "ArrivalProfiles": [
            (x.code, x.name, *x.day_weights, *x.hour_weights, x.source) for x in s.arrival_profiles
        ],
        "Activities": [
            (
                x.code,
                x.name,
                x.kind.value,
                x.priority,
                x.response_target_hours,
                x.setting.value,
                x.arrival_profile,
                x.duration_distribution.value,
                x.duration_cv,
                x.contacts_per_episode,
                x.deprivation_gradient,
                x.escalation_hours,
                x.source,
                x.patience.value,
                x.patience_mean_hours,
                x.booking_horizon_days,
                x.booked_ahead_share,
                x.booked_ahead_mean_days,
            )
            for x in s.activities
        ],
        "Eligibility": [
            (x.activity, x.role, x.duration_minutes, x.preference, x.source)
            for x in s.eligibilities
        ],
        "Referrals": [
            (
                x.from_activity,
                x.to_activity,
                x.probability,
                x.delay_hours,
                x.rejection_probability,
                x.source,
            )
            for x in s.referrals
        ],
        "DemandRates": [
            (x.activity, x.age_band, x.per_1000_per_week, x.source) for x in s.demand_rates
        ],
        "Seasonality": [(x.activity, x.month, x.factor, x.source) for x in s.seasonality],
        "Interventions": [
            (
                x.code,
                x.name,
                x.activity,
                x.int_code,
                x.effect_pct,
                x.start_week,
                x.lag_weeks,
                x.ramp_weeks,
                x.source,
            )
            for x in s.interventions
        ],
    }


def is_illustrative(scenario: Scenario) -> bool:
    text = f"{scenario.name}\n{scenario.notes}".lower()
    return "illustrative" in text


def _about_rows(s: Scenario, created: dt.datetime, modified: dt.datetime) -> list[tuple[Any, ...]]:
    stamp = "%Y-%m-%d %H:%M:%S"
    return [
        ("schema_version", S.SCHEMA_VERSION),
        ("name", s.name),
        ("notes", s.notes or None),
        ("app_version", __version__),
        ("created", created.strftime(stamp)),
        ("modified", modified.strftime(stamp)),
        ("label", S.ILLUSTRATIVE_LABEL if is_illustrative(s) else None),
    ]


def _settings_rows(s: Scenario) -> list[tuple[Any, ...]]:
    values = s.settings.values()
    return [
        (spec.key, values[spec.key], spec.unit, s.settings.sources.get(spec.key), spec.description)
        for spec in SETTING_SPECS
    ]


def _row_key(spec: S.SheetSpec, get: Callable[[str], Any]) -> str:
    return "/".join("" if (v := get(h)) is None else str(v) for h in spec.key)


def _validations(spec: S.SheetSpec, n_rows: dict[str, int]) -> list[ListValidation]:
    out = []
    for i, col in enumerate(spec.columns, start=1):
        if col.allowed:
            out.append(
                ListValidation(
                    column=i,
                    formula='"' + ",".join(col.allowed) + '"',
                    strict=True,
                    prompt=f"One of: {', '.join(col.allowed)}",
                )
            )
        elif col.codes_from:
            target = S.SHEET_BY_NAME[col.codes_from]
            letter = _letter(target.headers.index(target.key[0]) + 1)
            last = n_rows.get(target.name, 0) + 1 + _VALIDATION_HEADROOM
            out.append(
                ListValidation(
                    column=i,
                    # Warn rather than stop: a user may type a new code before adding its row.
                    formula=f"'{target.name}'!${letter}$2:${letter}${last}",
                    strict=False,
                    prompt=f"A code from the {target.name} sheet",
                )
            )
    return out


def _letter(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def scenario_sheets(
    scenario: Scenario, *, created: dt.datetime, modified: dt.datetime
) -> list[SheetData]:
    """Every sheet of the scenario workbook, ready for the writer."""
    rows = _input_rows(scenario)
    rows["About"] = _about_rows(scenario, created, modified)
    rows["Settings"] = _settings_rows(scenario)
    n_rows = {k: len(v) for k, v in rows.items()}
    extras: dict[str, list[ExtraColumn]] = {}
    for ec in scenario.extra_columns:
        extras.setdefault(ec.sheet, []).append(ec)
    sheets: list[SheetData] = []
    for spec in S.SHEETS:
        data = rows[spec.name]
        headers = list(spec.headers)
        widths = [c.width for c in spec.columns]
        formats = [c.number_format for c in spec.columns]
        body: list[Sequence[Any]] = list(data)
        if spec.name in extras:
            key_idx = [spec.headers.index(h) for h in spec.key]
            lookups = [dict(ec.values) for ec in extras[spec.name]]
            headers += [ec.header for ec in extras[spec.name]]
            widths += [14.0] * len(lookups)
            formats += [None] * len(lookups)
            body = []
            for r in data:
                key = "/".join("" if r[i] is None else str(r[i]) for i in key_idx)
                body.append((*r, *(lk.get(key) for lk in lookups)))
        bold: frozenset[tuple[int, int]] = frozenset()
        if spec.name == "About":
            label_row = 2 + S.ABOUT_KEYS.index("label")
            bold = frozenset({(label_row, 2), (3, 2)})
        sheets.append(
            SheetData(
                name=spec.name,
                rows=[tuple(headers), *body],
                table=spec.table_name,
                widths=widths,
                number_formats=formats,
                validations=_validations(spec, n_rows),
                bold_cells=bold,
            )
        )
    for extra in scenario.extra_sheets:
        sheets.append(
            SheetData(name=extra.name, rows=extra.rows, freeze_header=False, formulas=True)
        )
    return sheets


def _previous_created(path: Path) -> dt.datetime | None:
    """The About sheet's ``created`` stamp of the file being replaced, if it has one."""
    try:
        with XlsxReader(str(path)) as r:
            if "About" not in r.sheet_names:
                return None
            for _, values in r.rows("About"):
                if len(values) >= 2 and values[0] == "created" and isinstance(values[1], str):
                    return dt.datetime.strptime(values[1], "%Y-%m-%d %H:%M:%S")
    except Exception:  # any unreadable old file simply has no creation time to keep
        return None
    return None


def write_scenario(
    scenario: Scenario, path: PathLike, *, created: dt.datetime | None = None
) -> None:
    """Write ``scenario`` to ``path`` atomically (the old file survives any failure).

    Result sheets in a file being replaced are not kept: they belong to the old inputs.
    ``created`` defaults to the replaced file's About/created stamp, else now.
    """
    target = Path(path)
    now = dt.datetime.now().replace(microsecond=0)
    if created is None:
        created = (_previous_created(target) if target.exists() else None) or now
    sheets = scenario_sheets(scenario, created=created, modified=now)
    with atomic_write(target) as tmp:
        write_xlsx(str(tmp), sheets, title=scenario.name, created=created, modified=now)


# == reading ===================================================================


@dataclass(slots=True)
class _Row:
    number: int  # spreadsheet row, 1-based
    values: dict[str, Any]  # header -> converted value (None when blank)
    extras: dict[str, Any]
    ok: bool = True


@dataclass(slots=True)
class _Table:
    spec: S.SheetSpec
    rows: list[_Row]
    extra_headers: list[str]


@dataclass(slots=True)
class _Ctx:
    file: str
    issues: list[Issue] = field(default_factory=list)
    complete: bool = True  # every sheet and required column is present
    tables: dict[str, _Table] = field(default_factory=dict)
    #: sheet -> domain key -> spreadsheet rows holding it
    rows_by_key: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    #: sheet -> codes of rows that could not be read (references to them are not re-reported)
    failed: dict[str, set[str]] = field(default_factory=dict)
    known: dict[str, set[str]] = field(default_factory=dict)

    def issue(self, sheet: str | None, row: int | None, column: str | None, message: str) -> None:
        self.issues.append(
            Issue(file=self.file, sheet=sheet, row=row, column=column, message=message)
        )

    def remember(self, sheet: str, key: str, row: int) -> None:
        self.rows_by_key.setdefault(sheet, {}).setdefault(key, []).append(row)


def _read_table(ctx: _Ctx, reader: XlsxReader, spec: S.SheetSpec) -> _Table | None:
    if spec.name not in reader.sheet_paths:
        hint = closest(spec.name, [n for n in reader.sheet_names if n not in S.SHEET_BY_NAME])
        did = f"; is {hint!r} meant to be it? Rename it to {spec.name!r}" if hint else ""
        ctx.issue(spec.name, None, None, f"sheet {spec.name!r} is missing{did}")
        ctx.complete = False
        return None
    rows = reader.rows(spec.name)
    if not rows or rows[0][0] != 1:
        ctx.issue(
            spec.name,
            1,
            None,
            f"row 1 must hold the column headers: {', '.join(spec.headers)}",
        )
        ctx.complete = False
        return None
    header_cells = rows[0][1]
    col_of: dict[str, int] = {}
    unknown: dict[str, int] = {}
    expected_lower = {h.lower(): h for h in spec.headers}
    for i, h in enumerate(header_cells):
        if blank(h):
            continue
        name = str(h).strip()
        canonical = name if name in spec.headers else expected_lower.get(name.lower())
        if canonical is None:
            if name in unknown:
                ctx.issue(spec.name, 1, name, f"column {name!r} appears twice; rename one")
            unknown[name] = i
        elif canonical in col_of:
            ctx.issue(spec.name, 1, name, f"column {canonical!r} appears twice; delete one")
        else:
            col_of[canonical] = i
    structural = False
    for col in spec.columns:
        if col.header in col_of:
            continue
        hint = closest(col.header, unknown)
        if hint is not None:
            unknown.pop(hint)
            ctx.issue(
                spec.name,
                1,
                hint,
                f"column {hint!r} is not expected here; rename it to {col.header!r}",
            )
            structural = True
        elif col.required:
            ctx.issue(
                spec.name,
                1,
                None,
                f"required column {col.header!r} is missing ({col.description}); add it to row 1",
            )
            structural = True
    used = set(col_of.values()) | set(unknown.values())
    data = rows[1:]
    for number, values in data:
        for i, cell in enumerate(values):
            if i not in used and not blank(cell):
                ctx.issue(
                    spec.name,
                    number,
                    _letter(i + 1),
                    "a value in a column with no header; add a header in row 1 or clear it",
                )
                structural = True
                break
    if structural:
        ctx.complete = False
        return None
    table = _Table(spec=spec, rows=[], extra_headers=list(unknown))
    plan = [
        (c, c.header, col_of.get(c.header, -1), FAST_TYPES.get(c.kind, ()), c.limit)
        for c in spec.columns
    ]
    v: Any
    for number, values in data:
        if all(v is None or (type(v) is str and not v.strip()) for v in values):
            continue  # a blank row inside a table
        row = _Row(number=number, values={}, extras={})
        got = row.values
        n = len(values)
        for col, header, ci, fast, limit in plan:
            v = values[ci] if 0 <= ci < n else None
            tv = type(v)
            if tv in fast:
                # The common case: the cell already holds the right type.
                if tv is str:
                    stripped = v.strip()
                    if stripped:
                        got[header] = stripped if col.kind is S.Kind.CODE else v
                        continue
                elif (tv is int or math.isfinite(v)) and (
                    limit is None or limit.low <= v <= limit.high
                ):
                    got[header] = v
                    continue
            elif col.kind is S.Kind.YES_NO and tv is str and v in YES_NO_WORDS:
                got[header] = YES_NO_WORDS[v]
                continue
            if v is None or (tv is str and not v.strip()):
                got[header] = None
                if col.required:
                    ctx.issue(
                        spec.name,
                        number,
                        header,
                        f"is blank; a value is required ({col.description})",
                    )
                    row.ok = False
                continue
            value, problem = convert(col, v)
            problem = problem or limit_problem(col, value)
            if problem:
                ctx.issue(spec.name, number, header, problem)
                row.ok = False
            got[header] = value
        for name, i in unknown.items():
            v = values[i] if i < n else None
            if isinstance(v, ErrorValue):
                v = v.code
            elif isinstance(v, FormulaValue):
                v = v.formula
            row.extras[name] = v
        table.rows.append(row)
    ctx.tables[spec.name] = table
    return table


def _domain_error(ctx: _Ctx, spec: S.SheetSpec, row: _Row, e: DomainError) -> None:
    col = spec.column_for_field(e.field)
    message = e.message
    if e.field == "practices" and spec.name == "INTs":
        message = "the INT has no practices; add rows for it to the INTPractices sheet"
    elif e.field == "practices" and spec.name == "Teams":
        message = "the team covers no practices; add rows for it to the TeamPractices sheet"
    elif e.field == "assignments":
        message = f"{e.message} (see the Assignments sheet)"
    ctx.issue(spec.name, row.number, col.header if col else None, message)
    row.ok = False


def _build(
    ctx: _Ctx,
    name: str,
    make: Callable[[dict[str, Any]], Any],
    key: Callable[[Any], str],
    *,
    fail_key: str | None = None,
) -> list[Any]:
    """Domain objects of one sheet's readable rows; failed rows' codes are remembered."""
    table = ctx.tables.get(name)
    if table is None:
        return []
    spec = table.spec
    out = []
    failed = ctx.failed.setdefault(name, set())
    known = ctx.known.setdefault(name, set())
    key_header = fail_key or spec.key[0]
    for row in table.rows:
        obj = None
        if row.ok:
            try:
                obj = make(row.values)
            except DomainError as e:
                _domain_error(ctx, spec, row, e)
        if obj is None:
            code = row.values.get(key_header)
            if code is not None:
                failed.add(str(code))
            continue
        k = key(obj)
        ctx.remember(name, k, row.number)
        known.add(str(row.values[key_header]))
        out.append(obj)
    return out


def _links(
    ctx: _Ctx, sheet: str, owner_header: str, member_header: str
) -> dict[str, list[tuple[str, int]]]:
    """Owner code -> [(member code, row)] from a link sheet, with duplicates reported."""
    table = ctx.tables.get(sheet)
    out: dict[str, list[tuple[str, int]]] = {}
    if table is None:
        return out
    seen: set[tuple[str, str]] = set()
    for row in table.rows:
        if not row.ok:
            continue
        owner, member = row.values[owner_header], row.values[member_header]
        if (owner, member) in seen:
            ctx.issue(sheet, row.number, member_header, f"{member!r} is listed twice for {owner!r}")
            continue
        seen.add((owner, member))
        out.setdefault(owner, []).append((member, row.number))
    return out


def _read_about(ctx: _Ctx) -> tuple[str, str]:
    table = ctx.tables.get("About")
    name, notes = "", ""
    if table is None:
        return name, notes
    found: dict[str, _Row] = {}
    for row in table.rows:
        key = row.values.get("key")
        if key is None:
            continue
        ctx.remember("About", key, row.number)
        if key not in S.ABOUT_KEYS:
            hint = closest(key, S.ABOUT_KEYS)
            did = f"; did you mean {hint!r}?" if hint else ""
            ctx.issue("About", row.number, "key", f"unknown key {key!r}{did}")
            continue
        if key in found:
            first = found[key].number
            ctx.issue(
                "About", row.number, "key", f"{key!r} appears twice (also row {first}); delete one"
            )
            continue
        found[key] = row
    version_row = found.get("schema_version")
    if version_row is None:
        ctx.issue("About", None, "key", "the schema_version row is missing; add it (value 1)")
    else:
        v = as_number(version_row.values.get("value"))
        if v is None or not float(v).is_integer() or v < 1:
            ctx.issue("About", version_row.number, "value", "schema_version must be 1")
        elif v > S.SCHEMA_VERSION:
            ctx.issue(
                "About",
                version_row.number,
                "value",
                f"the workbook was written by a newer intplan (schema version {int(v)}); "
                "update intplan to open it",
            )
    name_row = found.get("name")
    raw_name = name_row.values.get("value") if name_row else None
    if name_row is None or blank(raw_name):
        ctx.issue(
            "About",
            name_row.number if name_row else None,
            "value",
            "the scenario name is missing; add a row 'name' with the scenario's name",
        )
    else:
        name = str(raw_name)
    notes_row = found.get("notes")
    if notes_row is not None and not blank(notes_row.values.get("value")):
        notes = str(notes_row.values.get("value"))
    return name, notes


def _read_settings(ctx: _Ctx) -> Settings:
    table = ctx.tables.get("Settings")
    if table is None:
        return Settings()
    specs = {s.key: s for s in SETTING_SPECS}
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for row in table.rows:
        key = row.values.get("key")
        if key is None:
            continue
        ctx.remember("Settings", key, row.number)
        spec = specs.get(key)
        if spec is None:
            hint = closest(key, specs)
            did = f"; did you mean {hint!r}?" if hint else ""
            ctx.issue("Settings", row.number, "key", f"unknown setting {key!r}{did}")
            continue
        if key in values:
            ctx.issue("Settings", row.number, "key", f"setting {key!r} appears twice")
            continue
        raw = row.values.get("value")
        kind = (
            S.Kind.TEXT
            if isinstance(spec.default, str)
            else S.Kind.INTEGER
            if isinstance(spec.default, int)
            else S.Kind.NUMBER
        )
        col = S.Column(header="value", kind=kind, description=spec.description, unit=spec.unit)
        value, problem = convert(col, raw)
        if problem:
            ctx.issue("Settings", row.number, "value", problem)
            continue
        if isinstance(value, str):
            value = value.strip()
            try:
                Settings(**{key: value})  # type: ignore[arg-type]  # the key's own type
            except DomainError as e:
                ctx.issue("Settings", row.number, "value", e.message)
                continue
        elif spec.limit is not None and (problem := spec.limit.problem(value)):
            # Only the setting's own range here: rules between settings (max >= min) are
            # checked once all are read, against the values given, not the defaults.
            ctx.issue("Settings", row.number, "value", problem)
            continue
        values[key] = value
        source = row.values.get("source")
        if source is not None and str(source).strip():
            sources[key] = str(source)
    try:
        return Settings(**values, sources=MappingProxyType(sources))
    except DomainError as e:
        rows = ctx.rows_by_key.get("Settings", {}).get(e.field, [None])
        ctx.issue("Settings", rows[0], "value", f"{e.field}: {e.message}")
        return Settings()


def _practice(v: dict[str, Any]) -> Practice:
    return Practice(
        code=v["code"],
        name=v["name"],
        pcn=v["pcn"],
        list_by_age=tuple(v[h] for h in S.BAND_HEADERS),
        deprivation_decile=v["deprivation_decile"],
        x_km=v["x_km"],
        y_km=v["y_km"],
    )


def _rota(v: dict[str, Any]) -> Rota:
    return Rota(
        code=v["code"],
        name=v["name"],
        days=tuple(v[d] for d in DAYS),
        start_hour=v["start_hour"],
        end_hour=v["end_hour"],
        source=v["source"],
    )


def _profile(v: dict[str, Any]) -> ArrivalProfile:
    return ArrivalProfile(
        code=v["code"],
        name=v["name"],
        day_weights=tuple(v[d] for d in DAYS),
        hour_weights=tuple(v[h] for h in S.HOUR_HEADERS),
        source=v["source"],
    )


def _map_problem(ctx: _Ctx, p: Problem) -> list[Issue]:
    out: list[Issue] = []

    def add(sheet: str, row: int | None, column: str | None, message: str) -> None:
        out.append(Issue(file=ctx.file, sheet=sheet, row=row, column=column, message=message))

    def suppressed(column: S.Column | None, value: Any) -> bool:
        if column is None or value is None:
            return False
        targets = (
            ("Practices", "PCNs", "Teams")
            if column.header == "base"
            else (column.codes_from,)
            if column.codes_from
            else ()
        )
        return any(str(value) in ctx.failed.get(t, set()) for t in targets)

    def hint(column: S.Column | None, value: Any) -> str:
        if column is None or not column.codes_from or value is None:
            return ""
        near = closest(str(value), ctx.known.get(column.codes_from, set()))
        return f"; did you mean {near!r}?" if near else ""

    def link_rows(sheet: str, owner_h: str, owner: str, member_h: str, known: str) -> None:
        table = ctx.tables[sheet]
        spec = table.spec
        for row in table.rows:
            if row.values.get(owner_h) != owner:
                continue
            member = row.values.get(member_h)
            if member is None or member in ctx.known.get(known, set()):
                continue
            col = spec.column(member_h)
            if not suppressed(col, member):
                what = _SINGULAR.get(known, known)
                add(sheet, row.number, member_h, f"unknown {what} {member!r}{hint(col, member)}")

    if p.table == "INTs" and p.field == "practices":
        link_rows("INTPractices", "int", p.key, "practice", "Practices")
        return out
    if p.table == "Teams" and p.field == "practices":
        link_rows("TeamPractices", "team", p.key, "practice", "Practices")
        return out
    if p.table == "Assignments":
        link_rows("Assignments", "staff_id", p.key, "int", "INTs")
        return out
    if p.table == "Practices" and p.field == "code" and "INT" in p.message:
        memberships = [
            r for r in ctx.tables["INTPractices"].rows if r.values.get("practice") == p.key
        ]
        if len(memberships) > 1:
            for r in memberships[1:]:
                add("INTPractices", r.number, "practice", p.message)
            return out
        if memberships:
            return out  # its INT row could not be read; that problem is already listed
        rows = ctx.rows_by_key.get("Practices", {}).get(p.key, [None])
        add(
            "Practices",
            rows[0],
            "code",
            "the practice is in no INT; add a row for it to the INTPractices sheet",
        )
        return out
    if p.table == "Settings":
        rows = ctx.rows_by_key.get("Settings", {}).get(p.key, [None])
        add("Settings", rows[0], "value", f"{p.key}: {p.message}")
        return out
    spec = S.SHEET_BY_NAME.get(p.table)
    if spec is None:
        add(p.table, None, None, str(p))
        return out
    table = ctx.tables.get(spec.name)
    rows = ctx.rows_by_key.get(spec.name, {}).get(p.key, [])
    if not rows and table is not None:
        # Table-level keys (e.g. Referrals by from_activity) match a row's first key column.
        rows = [r.number for r in table.rows if str(r.values.get(spec.key[0])) == p.key][:1]
    column = spec.column_for_field(p.field) if p.field else None
    if "appears" in p.message and len(rows) > 1:
        rows = rows[1:]
    by_number = {r.number: r for r in table.rows} if table else {}
    numbers: list[int | None] = list(rows) or [None]
    for n in numbers:
        row = by_number.get(n) if n is not None else None
        value = row.values.get(column.header) if row and column else None
        if suppressed(column, value):
            continue
        extra = hint(column, value) if p.message.startswith("unknown") else ""
        add(spec.name, n, column.header if column else None, p.message + extra)
    return out


def _extra_columns(ctx: _Ctx) -> tuple[ExtraColumn, ...]:
    out = []
    for spec in S.SHEETS:
        table = ctx.tables.get(spec.name)
        if table is None:
            continue
        for header in table.extra_headers:
            values = tuple(
                (_row_key(spec, r.values.get), r.extras[header])
                for r in table.rows
                if r.extras.get(header) is not None
            )
            out.append(ExtraColumn(sheet=spec.name, header=header, values=values))
    return tuple(out)


def _extra_sheet(reader: XlsxReader, name: str) -> ExtraSheet:
    rows = reader.rows(name, formulas=True)
    last = rows[-1][0] if rows else 0
    by_number = dict(rows)
    out: list[tuple[Any, ...]] = []
    for n in range(1, last + 1):
        values = [
            v.code if isinstance(v, ErrorValue) else v.formula if isinstance(v, FormulaValue) else v
            for v in by_number.get(n, [])
        ]
        while values and values[-1] is None:
            values.pop()
        out.append(tuple(values))
    return ExtraSheet(name=name, rows=tuple(out))


def read_scenario(path: PathLike) -> Scenario:
    """Read a scenario workbook; raise one WorkbookError listing every problem found.

    A file that cannot be read as a workbook at all (missing, not a zip, a damaged zip
    entry or XML part, a cell pointing at nothing) raises UnreadableFileError.
    """
    target = Path(path)
    ctx = _Ctx(file=str(path))
    reader = open_workbook(target)
    try:
        for spec in S.SHEETS:
            _read_table(ctx, reader, spec)
        extra_names = [
            n for n in reader.sheet_names if n not in S.SHEET_BY_NAME and not is_result_sheet(n)
        ]
        extra_sheets = tuple(_extra_sheet(reader, n) for n in extra_names)
    except DamagedXlsxError as e:
        raise damaged(str(path), e) from e
    except OSError as e:
        raise UnreadableFileError(str(path), f"cannot be read: {e.strerror or e}") from e
    finally:
        reader.close()
    return _assemble(ctx, extra_sheets)


def _assemble(ctx: _Ctx, extra_sheets: tuple[ExtraSheet, ...]) -> Scenario:
    name, notes = _read_about(ctx)
    settings = _read_settings(ctx)
    hcps = _build(ctx, "HCPs", lambda v: HCP(code=v["code"], name=v["name"]), lambda x: x.code)
    pcns = _build(
        ctx, "PCNs", lambda v: PCN(code=v["code"], name=v["name"], hcp=v["hcp"]), lambda x: x.code
    )
    practices = _build(ctx, "Practices", _practice, lambda x: x.code)
    int_members = _links(ctx, "INTPractices", "int", "practice")
    ints = _build(
        ctx,
        "INTs",
        lambda v: INT(
            code=v["code"],
            name=v["name"],
            hcp=v["hcp"],
            practices=tuple(m for m, _ in int_members.get(v["code"], [])),
        ),
        lambda x: x.code,
    )
    _orphans(ctx, "INTPractices", "int", int_members, "INTs")
    adjacencies = _build(
        ctx,
        "Adjacency",
        lambda v: Adjacency(
            int_a=v["int_a"],
            int_b=v["int_b"],
            travel_minutes=v["travel_minutes"],
            source=v["source"],
        ),
        lambda x: x.key,
    )
    team_members = _links(ctx, "TeamPractices", "team", "practice")
    teams = _build(
        ctx,
        "Teams",
        lambda v: Team(
            code=v["code"],
            name=v["name"],
            employer=v["employer"],
            practices=tuple(m for m, _ in team_members.get(v["code"], [])),
        ),
        lambda x: x.code,
    )
    _orphans(ctx, "TeamPractices", "team", team_members, "Teams")
    rotas = _build(ctx, "Rotas", _rota, lambda x: x.code)
    roles = _build(
        ctx,
        "Roles",
        lambda v: Role(
            code=v["code"],
            name=v["name"],
            staff_group=StaffGroup(v["staff_group"]),
            employer_type=EmployerType(v["employer_type"]),
            pay_cost_gbp_per_fte=v["pay_cost_gbp_per_fte"],
            hours_per_fte_week=v["hours_per_fte_week"],
            productive_fraction=v["productive_fraction"],
            skills=v["skills"] or (),
            core=v["core"],
            rota=v["rota"],
            population_per_fte=v["population_per_fte"],
            source=v["source"],
        ),
        lambda x: x.code,
    )
    assignments = _assignments(ctx)
    staff = _build(
        ctx,
        "Staff",
        lambda v: Staff(
            id=v["id"],
            name=v["name"],
            role=v["role"],
            employer=v["employer"],
            base_kind=BaseKind(v["base_kind"]),
            base=v["base"],
            fte=v["fte"],
            vacant=bool(v["vacant"]),
            rota=v["rota"],
            assignments=tuple(a for a, _ in assignments.get(v["id"], [])),
        ),
        lambda x: x.id,
    )
    _orphans(ctx, "Assignments", "staff_id", assignments, "Staff")
    profiles = _build(ctx, "ArrivalProfiles", _profile, lambda x: x.code)
    activities = _build(
        ctx,
        "Activities",
        lambda v: ActivityType(
            code=v["code"],
            name=v["name"],
            kind=ActivityKind(v["kind"]),
            priority=v["priority"],
            response_target_hours=v["response_target_hours"],
            setting=CareSetting(v["setting"]),
            arrival_profile=v["arrival_profile"],
            duration_distribution=DurationDistribution(v["duration_distribution"]),
            duration_cv=v["duration_cv"],
            contacts_per_episode=v["contacts_per_episode"],
            deprivation_gradient=v["deprivation_gradient"],
            escalation_hours=v["escalation_hours"],
            source=v["source"],
            patience=Patience(v["patience"] or Patience.NONE),
            patience_mean_hours=v["patience_mean_hours"],
            booking_horizon_days=v["booking_horizon_days"],
            booked_ahead_share=v["booked_ahead_share"],
            booked_ahead_mean_days=v["booked_ahead_mean_days"],
        ),
        lambda x: x.code,
    )
    eligibilities = _build(
        ctx,
        "Eligibility",
        lambda v: Eligibility(
            activity=v["activity"],
            role=v["role"],
            duration_minutes=v["duration_minutes"],
            preference=v["preference"],
            source=v["source"],
        ),
        lambda x: x.key,
    )
    referrals = _build(
        ctx,
        "Referrals",
        lambda v: Referral(
            from_activity=v["from_activity"],
            to_activity=v["to_activity"],
            probability=v["probability"],
            delay_hours=v["delay_hours"],
            rejection_probability=v["rejection_probability"],
            source=v["source"],
        ),
        lambda x: x.key,
    )
    rates = _build(
        ctx,
        "DemandRates",
        lambda v: DemandRate(
            activity=v["activity"],
            age_band=v["age_band"],
            per_1000_per_week=v["per_1000_per_week"],
            source=v["source"],
        ),
        lambda x: x.key,
    )
    seasonality = _build(
        ctx,
        "Seasonality",
        lambda v: Seasonality(
            activity=v["activity"], month=v["month"], factor=v["factor"], source=v["source"]
        ),
        lambda x: x.key,
    )
    interventions = _build(
        ctx,
        "Interventions",
        lambda v: Intervention(
            code=v["code"],
            name=v["name"],
            activity=v["activity"],
            int_code=v["int"],
            effect_pct=v["effect_pct"],
            start_week=v["start_week"],
            lag_weeks=v["lag_weeks"],
            ramp_weeks=v["ramp_weeks"],
            source=v["source"],
        ),
        lambda x: x.code,
    )
    scenario: Scenario | None = None
    if ctx.complete:
        try:
            scenario = Scenario(
                name=name or "unnamed",
                notes=notes,
                hcps=tuple(hcps),
                pcns=tuple(pcns),
                practices=tuple(practices),
                ints=tuple(ints),
                adjacencies=tuple(adjacencies),
                teams=tuple(teams),
                rotas=tuple(rotas),
                roles=tuple(roles),
                staff=tuple(staff),
                arrival_profiles=tuple(profiles),
                activities=tuple(activities),
                eligibilities=tuple(eligibilities),
                referrals=tuple(referrals),
                demand_rates=tuple(rates),
                seasonality=tuple(seasonality),
                interventions=tuple(interventions),
                settings=settings,
                extra_sheets=extra_sheets,
                extra_columns=_extra_columns(ctx),
            )
        except ScenarioError as e:
            for p in e.problems:
                ctx.issues.extend(_map_problem(ctx, p))
    if ctx.issues or scenario is None:
        raise WorkbookError(_sorted(ctx.issues))
    return scenario


def _assignments(ctx: _Ctx) -> dict[str, list[tuple[Assignment, int]]]:
    table = ctx.tables.get("Assignments")
    out: dict[str, list[tuple[Assignment, int]]] = {}
    if table is None:
        return out
    seen: set[tuple[str, str]] = set()
    for row in table.rows:
        if not row.ok:
            continue
        v = row.values
        if (v["staff_id"], v["int"]) in seen:
            ctx.issue(
                "Assignments",
                row.number,
                "int",
                f"{v['int']!r} is listed twice for {v['staff_id']!r}; merge the rows",
            )
            continue
        try:
            a = Assignment(int_code=v["int"], fte=v["fte"], rule=v["rule"])
        except DomainError as e:
            _domain_error(ctx, table.spec, row, e)
            continue
        seen.add((v["staff_id"], v["int"]))
        out.setdefault(v["staff_id"], []).append((a, row.number))
        ctx.remember("Assignments", f"{v['staff_id']}/{v['int']}", row.number)
    return out


def _orphans(
    ctx: _Ctx, sheet: str, header: str, links: dict[str, list[Any]], owner_sheet: str
) -> None:
    """Link rows whose owner code is not on the owner sheet."""
    known = ctx.known.get(owner_sheet, set())
    failed = ctx.failed.get(owner_sheet, set())
    for owner, members in links.items():
        if owner in known or owner in failed:
            continue
        near = closest(owner, known)
        did = f"; did you mean {near!r}?" if near else ""
        for _, number in members:
            ctx.issue(
                sheet,
                number,
                header,
                f"unknown {_SINGULAR.get(owner_sheet, owner_sheet)} {owner!r}{did}",
            )


def _sorted(issues: list[Issue]) -> list[Issue]:
    order = {s.name: i for i, s in enumerate(S.SHEETS)}
    return sorted(
        issues,
        key=lambda i: (order.get(i.sheet or "", -1), i.row if i.row is not None else 0),
    )


__all__ = ["is_illustrative", "read_scenario", "scenario_sheets", "write_scenario"]
