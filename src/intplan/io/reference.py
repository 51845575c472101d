"""Reference data shipped with intplan: roles, activities, rates, ... as CSV files.

Each CSV has a header row and a ``source`` column on every row. The files live in
``<repo>/resources`` in a source checkout and in ``intplan/resources`` inside an
installed wheel (hatch force-include); the example workbooks likewise live in
``<repo>/scenarios`` or ``intplan/scenarios``.

Loading collects every problem (file, row, column) before raising one
:class:`~intplan.io.errors.WorkbookError`; unknown extra columns are ignored so the
files can carry working columns (e.g. the salary a pay cost was derived from).
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from intplan.domain import (
    ActivityKind,
    ActivityType,
    ArrivalProfile,
    CareSetting,
    DemandRate,
    DurationDistribution,
    Eligibility,
    EmployerType,
    Intervention,
    IntplanError,
    Referral,
    Role,
    Rota,
    Seasonality,
    StaffGroup,
)
from intplan.domain.errors import DomainError
from intplan.io.errors import Issue, UnreadableFileError, WorkbookError

T = TypeVar("T")

_PACKAGE_DIR = Path(__file__).resolve().parent.parent  # .../intplan
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}


def _locate(name: str) -> Path:
    """``intplan/<name>`` in a wheel, else ``<repo>/<name>`` in a source checkout."""
    installed = _PACKAGE_DIR / name
    if installed.is_dir():
        return installed
    checkout = _PACKAGE_DIR.parent.parent / name  # src/intplan -> repo root
    if checkout.is_dir():
        return checkout
    raise IntplanError(
        f"cannot find the {name!r} folder (looked in {installed} and {checkout}); "
        "the installation is incomplete"
    )


def resources_dir() -> Path:
    """Folder holding the reference CSV files."""
    return _locate("resources")


def scenarios_dir() -> Path:
    """Folder holding the bundled example workbooks."""
    return _locate("scenarios")


@dataclass(frozen=True, slots=True, kw_only=True)
class ReferenceData:
    """Every reference table, as domain objects, in file order."""

    rotas: tuple[Rota, ...]
    roles: tuple[Role, ...]
    arrival_profiles: tuple[ArrivalProfile, ...]
    activities: tuple[ActivityType, ...]
    eligibilities: tuple[Eligibility, ...]
    referrals: tuple[Referral, ...]
    demand_rates: tuple[DemandRate, ...]
    seasonality: tuple[Seasonality, ...]
    interventions: tuple[Intervention, ...]

    def role(self, code: str) -> Role:
        for r in self.roles:
            if r.code == code:
                return r
        raise KeyError(code)


class _Row:
    """One CSV row: typed getters that record problems instead of raising."""

    def __init__(self, file: str, row: int, values: dict[str, str], issues: list[Issue]) -> None:
        self.file = file
        self.row = row
        self.values = values
        self.issues = issues
        self.ok = True

    def fail(self, column: str | None, message: str) -> None:
        self.ok = False
        self.issues.append(
            Issue(file=self.file, sheet=None, row=self.row, column=column, message=message)
        )

    def raw(self, column: str) -> str:
        return (self.values.get(column) or "").strip()

    def text(self, column: str) -> str:
        v = self.raw(column)
        if not v:
            self.fail(column, "must not be blank")
        return v

    def number(self, column: str) -> float:
        v = self.raw(column)
        try:
            return float(v)
        except ValueError:
            self.fail(column, f"{v!r} is not a number")
            return 0.0

    def optional_number(self, column: str) -> float | None:
        return None if not self.raw(column) else self.number(column)

    def integer(self, column: str) -> int:
        v = self.raw(column)
        try:
            return int(v)
        except ValueError:
            self.fail(column, f"{v!r} is not a whole number")
            return 0

    def yes_no(self, column: str) -> bool:
        v = self.raw(column).lower()
        if v in _YES:
            return True
        if v not in _NO:
            self.fail(column, f"{self.raw(column)!r} is not yes or no")
        return False

    def numbers(self, column: str) -> tuple[float, ...]:
        v = self.raw(column)
        try:
            return tuple(float(x) for x in v.split(";"))
        except ValueError:
            self.fail(column, f"{v!r} is not a ';'-separated list of numbers")
            return ()

    def enum(self, column: str, kind: Callable[[str], T], allowed: Any) -> T | None:
        v = self.raw(column)
        try:
            return kind(v)
        except ValueError:
            options = ", ".join(str(x.value) for x in allowed)
            self.fail(column, f"{v!r} is not one of {options}")
            return None


def _rows(path: Path, required: tuple[str, ...], issues: list[Issue]) -> Iterator[_Row]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            header = [h.strip() for h in (reader.fieldnames or [])]
            missing = [c for c in required if c not in header]
            if missing:
                issues.append(
                    Issue(
                        file=path.name,
                        sheet=None,
                        row=1,
                        column=None,
                        message=f"missing column(s): {', '.join(missing)}",
                    )
                )
                return
            reader.fieldnames = header
            for i, values in enumerate(reader, start=2):  # row 1 is the header
                if not any((v or "").strip() for v in values.values() if isinstance(v, str)):
                    continue
                yield _Row(path.name, i, values, issues)
    except OSError as exc:
        raise UnreadableFileError(str(path), f"cannot read: {exc.strerror or exc}") from exc
    except (UnicodeDecodeError, csv.Error) as exc:
        raise UnreadableFileError(str(path), f"not a UTF-8 CSV file: {exc}") from exc


#: readers of the reference CSVs that are not part of ReferenceData (national_benchmarks.csv,
#: read by ``intplan.io.benchmarks``) use the same row reader and problem collection
rows_of = _rows


def _build(row: _Row, make: Callable[[], T]) -> T | None:
    """Construct the domain object unless a cell already failed; map its errors to cells."""
    if not row.ok:
        return None
    try:
        return make()
    except DomainError as exc:
        column = exc.field if exc.field in row.values else None
        row.fail(column, exc.message if column else f"{exc.field}: {exc.message}")
        return None


def _load(
    path: Path,
    required: tuple[str, ...],
    convert: Callable[[_Row], T | None],
    issues: list[Issue],
    codes: set[str] | None = None,
) -> tuple[tuple[int, T], ...]:
    """(spreadsheet row number, object) for every row that converted cleanly.

    ``codes`` collects the ``code`` column of every row, valid or not, so a bad cell
    in one row is not reported again as an unknown code wherever that code is used.
    """
    out: list[tuple[int, T]] = []
    for row in _rows(path, required, issues):
        if codes is not None:
            codes.add(row.raw("code"))
        item = convert(row)
        if item is not None:
            out.append((row.row, item))
    return tuple(out)


def _rota(r: _Row) -> Rota | None:
    days = tuple(r.yes_no(d) for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"))
    start, end = r.number("start_hour"), r.number("end_hour")
    code, name, source = r.text("code"), r.text("name"), r.text("source")
    return _build(
        r,
        lambda: Rota(
            code=code,
            name=name,
            days=days,  # type: ignore[arg-type]  # seven values by construction
            start_hour=start,
            end_hour=end,
            source=source,
        ),
    )


def _role(r: _Row) -> Role | None:
    group = r.enum("staff_group", StaffGroup, StaffGroup)
    employer = r.enum("employer_type", EmployerType, EmployerType)
    pay = r.number("pay_cost_gbp_per_fte")
    hours = r.number("hours_per_fte_week")
    productive = r.number("productive_fraction")
    skills = tuple(s.strip() for s in r.raw("skills").split(";") if s.strip())
    core = r.yes_no("core")
    ratio = r.optional_number("population_per_fte")
    code, name, rota, source = r.text("code"), r.text("name"), r.text("rota"), r.text("source")
    if group is None or employer is None:
        return None
    return _build(
        r,
        lambda: Role(
            code=code,
            name=name,
            staff_group=group,
            employer_type=employer,
            pay_cost_gbp_per_fte=pay,
            hours_per_fte_week=hours,
            productive_fraction=productive,
            skills=skills,
            core=core,
            rota=rota,
            population_per_fte=ratio,
            source=source,
        ),
    )


def _profile(r: _Row) -> ArrivalProfile | None:
    days, hours = r.numbers("day_weights"), r.numbers("hour_weights")
    code, name, source = r.text("code"), r.text("name"), r.text("source")
    return _build(
        r,
        lambda: ArrivalProfile(
            code=code, name=name, day_weights=days, hour_weights=hours, source=source
        ),
    )


def _activity(r: _Row) -> ActivityType | None:
    kind = r.enum("kind", ActivityKind, ActivityKind)
    setting = r.enum("setting", CareSetting, CareSetting)
    dist = r.enum("duration_distribution", DurationDistribution, DurationDistribution)
    priority = r.integer("priority")
    target = r.number("response_target_hours")
    cv = r.number("duration_cv")
    contacts = r.number("contacts_per_episode")
    gradient = r.number("deprivation_gradient")
    escalation = r.optional_number("escalation_hours")
    code, name = r.text("code"), r.text("name")
    profile, source = r.text("arrival_profile"), r.text("source")
    if kind is None or setting is None or dist is None:
        return None
    return _build(
        r,
        lambda: ActivityType(
            code=code,
            name=name,
            kind=kind,
            priority=priority,
            response_target_hours=target,
            setting=setting,
            arrival_profile=profile,
            duration_distribution=dist,
            duration_cv=cv,
            contacts_per_episode=contacts,
            deprivation_gradient=gradient,
            escalation_hours=escalation,
            source=source,
        ),
    )


def _eligibility(r: _Row) -> Eligibility | None:
    act, role, source = r.text("activity"), r.text("role"), r.text("source")
    minutes, pref = r.number("duration_minutes"), r.integer("preference")
    return _build(
        r,
        lambda: Eligibility(
            activity=act, role=role, duration_minutes=minutes, preference=pref, source=source
        ),
    )


def _referral(r: _Row) -> Referral | None:
    a, b, source = r.text("from_activity"), r.text("to_activity"), r.text("source")
    p, delay = r.number("probability"), r.number("delay_hours")
    rej = r.number("rejection_probability")
    return _build(
        r,
        lambda: Referral(
            from_activity=a,
            to_activity=b,
            probability=p,
            delay_hours=delay,
            rejection_probability=rej,
            source=source,
        ),
    )


def _rate(r: _Row) -> DemandRate | None:
    act, band, source = r.text("activity"), r.text("age_band"), r.text("source")
    rate = r.number("per_1000_per_week")
    return _build(
        r,
        lambda: DemandRate(activity=act, age_band=band, per_1000_per_week=rate, source=source),
    )


def _season(r: _Row) -> Seasonality | None:
    act, source = r.text("activity"), r.text("source")
    month, factor = r.integer("month"), r.number("factor")
    return _build(r, lambda: Seasonality(activity=act, month=month, factor=factor, source=source))


def _intervention(r: _Row) -> Intervention | None:
    code, name, act, source = r.text("code"), r.text("name"), r.text("activity"), r.text("source")
    int_code = r.raw("int_code") or None
    effect = r.number("effect_pct")
    start, lag, ramp = r.integer("start_week"), r.integer("lag_weeks"), r.integer("ramp_weeks")
    return _build(
        r,
        lambda: Intervention(
            code=code,
            name=name,
            activity=act,
            int_code=int_code,
            effect_pct=effect,
            start_week=start,
            lag_weeks=lag,
            ramp_weeks=ramp,
            source=source,
        ),
    )


#: file name -> (required columns, converter, ReferenceData field)
FILES: dict[str, tuple[tuple[str, ...], Callable[[_Row], Any], str]] = {
    "rotas.csv": (
        (
            "code",
            "name",
            "mon",
            "tue",
            "wed",
            "thu",
            "fri",
            "sat",
            "sun",
            "start_hour",
            "end_hour",
            "source",
        ),
        _rota,
        "rotas",
    ),
    "roles.csv": (
        (
            "code",
            "name",
            "staff_group",
            "employer_type",
            "pay_cost_gbp_per_fte",
            "hours_per_fte_week",
            "productive_fraction",
            "skills",
            "core",
            "rota",
            "population_per_fte",
            "source",
        ),
        _role,
        "roles",
    ),
    "arrival_profiles.csv": (
        ("code", "name", "day_weights", "hour_weights", "source"),
        _profile,
        "arrival_profiles",
    ),
    "activities.csv": (
        (
            "code",
            "name",
            "kind",
            "priority",
            "response_target_hours",
            "setting",
            "arrival_profile",
            "duration_distribution",
            "duration_cv",
            "contacts_per_episode",
            "deprivation_gradient",
            "escalation_hours",
            "source",
        ),
        _activity,
        "activities",
    ),
    "eligibility.csv": (
        ("activity", "role", "duration_minutes", "preference", "source"),
        _eligibility,
        "eligibilities",
    ),
    "referrals.csv": (
        (
            "from_activity",
            "to_activity",
            "probability",
            "delay_hours",
            "rejection_probability",
            "source",
        ),
        _referral,
        "referrals",
    ),
    "demand_rates.csv": (
        ("activity", "age_band", "per_1000_per_week", "source"),
        _rate,
        "demand_rates",
    ),
    "seasonality.csv": (("activity", "month", "factor", "source"), _season, "seasonality"),
    "interventions.csv": (
        (
            "code",
            "name",
            "activity",
            "int_code",
            "effect_pct",
            "start_week",
            "lag_weeks",
            "ramp_weeks",
            "source",
        ),
        _intervention,
        "interventions",
    ),
}


def load_table(path: Path) -> tuple[Any, ...]:
    """Load one reference CSV (its file name picks the table kind)."""
    if path.name not in FILES:
        raise UnreadableFileError(str(path), f"not a known reference file ({', '.join(FILES)})")
    required, convert, _ = FILES[path.name]
    issues: list[Issue] = []
    items = _load(path, required, convert, issues)
    if issues:
        raise WorkbookError(issues)
    return tuple(item for _, item in items)


def load_reference(directory: Path | None = None) -> ReferenceData:
    """Load every reference CSV from ``directory`` (default: the bundled resources).

    Raises one :class:`WorkbookError` listing every problem across all files.
    The bundled data is read once per process and cached.
    """
    if directory is None:
        return _bundled()
    return _load_all(directory)


@functools.cache
def _bundled() -> ReferenceData:
    return _load_all(resources_dir())


def _load_all(directory: Path) -> ReferenceData:
    issues: list[Issue] = []
    tables: dict[str, tuple[tuple[int, Any], ...]] = {}
    codes: dict[str, set[str]] = {}
    for name, (required, convert, field) in FILES.items():
        codes[field] = set()
        path = directory / name
        if not path.is_file():
            issues.append(
                Issue(file=name, sheet=None, row=None, column=None, message="file is missing")
            )
            tables[field] = ()
            continue
        tables[field] = _load(path, required, convert, issues, codes[field])
    _check_references(tables, codes, issues)
    if issues:
        raise WorkbookError(issues)
    return ReferenceData(**{k: tuple(item for _, item in v) for k, v in tables.items()})


def _check_references(
    tables: dict[str, tuple[tuple[int, Any], ...]],
    codes: dict[str, set[str]],
    issues: list[Issue],
) -> None:
    """Codes used across files must exist."""
    rotas, roles = codes["rotas"], codes["roles"]
    acts, profiles = codes["activities"], codes["arrival_profiles"]

    def check(file: str, field: str, column: str, attr: str, known: set[str]) -> None:
        for i, item in tables[field]:
            v = getattr(item, attr)
            if v is not None and v != "*" and v not in known:
                issues.append(
                    Issue(
                        file=file,
                        sheet=None,
                        row=i,
                        column=column,
                        message=f"unknown code {v!r}",
                    )
                )

    check("roles.csv", "roles", "rota", "rota", rotas)
    check("activities.csv", "activities", "arrival_profile", "arrival_profile", profiles)
    check("eligibility.csv", "eligibilities", "activity", "activity", acts)
    check("eligibility.csv", "eligibilities", "role", "role", roles)
    check("referrals.csv", "referrals", "from_activity", "from_activity", acts)
    check("referrals.csv", "referrals", "to_activity", "to_activity", acts)
    check("demand_rates.csv", "demand_rates", "activity", "activity", acts)
    check("seasonality.csv", "seasonality", "activity", "activity", acts)
    check("interventions.csv", "interventions", "activity", "activity", acts)
