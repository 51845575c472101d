"""Reference data shipped with intplan: roles, activities, rates, ... as CSV files.

Each CSV has a header row and a ``source`` column on every row. The files live in
``<repo>/resources`` in a source checkout and in ``intplan/resources`` inside an
installed wheel (hatch force-include); the example workbooks likewise live in
``<repo>/scenarios`` or ``intplan/scenarios``.

Each file is read by the workbook sheet it matches (:data:`FILES`: the same column
declarations, codecs and plausible ranges; a CSV's own header names are mapped there).
Loading collects every problem (file, row, column) before raising one
:class:`~intplan.io.errors.WorkbookError`; unknown extra columns are ignored so the
files can carry working columns (e.g. the salary a pay cost was derived from).
"""

from __future__ import annotations

import contextlib
import csv
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from intplan.domain import (
    ActivityType,
    ArrivalProfile,
    DemandRate,
    Eligibility,
    Intervention,
    IntplanError,
    Referral,
    Role,
    Rota,
    Seasonality,
)
from intplan.domain import limits as L
from intplan.domain.errors import DomainError
from intplan.io import schema as S
from intplan.io.cellnum import parse_number
from intplan.io.errors import Issue, UnreadableFileError, WorkbookError
from intplan.io.table_rows import typed_rows

_PACKAGE_DIR = Path(__file__).resolve().parent.parent  # .../intplan


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
    """One CSV row of a file that is not a sheet (national_benchmarks.csv): typed getters
    that record problems instead of raising. Numbers follow the workbook's rules
    (:func:`intplan.io.cellnum.parse_number`)."""

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
        x = parse_number(v)
        if x is None:
            self.fail(column, f"{v!r} is not a number")
            return 0.0
        return float(x)


@contextlib.contextmanager
def _csv_file(path: Path) -> Iterator[TextIO]:
    """The open CSV file; a file that cannot be read as UTF-8 CSV is unreadable."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            yield f
    except OSError as exc:
        raise UnreadableFileError(str(path), f"cannot read: {exc.strerror or exc}") from exc
    except (UnicodeDecodeError, csv.Error) as exc:
        raise UnreadableFileError(str(path), f"not a UTF-8 CSV file: {exc}") from exc


def _missing(path: Path, missing: list[str], issues: list[Issue]) -> None:
    issues.append(
        Issue(
            file=path.name,
            sheet=None,
            row=1,
            column=None,
            message=f"missing column(s): {', '.join(missing)}",
        )
    )


def _rows(path: Path, required: tuple[str, ...], issues: list[Issue]) -> Iterator[_Row]:
    with _csv_file(path) as f:
        reader = csv.DictReader(f)
        header = [h.strip() for h in (reader.fieldnames or [])]
        missing = [c for c in required if c not in header]
        if missing:
            _missing(path, missing, issues)
            return
        reader.fieldnames = header
        for i, values in enumerate(reader, start=2):  # row 1 is the header
            if not any((v or "").strip() for v in values.values() if isinstance(v, str)):
                continue
            yield _Row(path.name, i, values, issues)


#: readers of the reference CSVs that are not part of ReferenceData (national_benchmarks.csv,
#: read by ``intplan.io.benchmarks``) use the same row reader and problem collection
rows_of = _rows


def _load(
    path: Path,
    spec: S.SheetSpec,
    issues: list[Issue],
    codes: set[str] | None = None,
) -> tuple[tuple[int, Any], ...]:
    """(spreadsheet row number, object) for every row that converted cleanly, each
    built by the sheet declaration ``spec`` (headers as the CSV names them).

    ``codes`` collects the ``code`` column of every row, valid or not, so a bad cell
    in one row is not reported again as an unknown code wherever that code is used.
    """
    with _csv_file(path) as f:
        lines = list(csv.reader(f))
    header = [h.strip() for h in lines[0]] if lines else []
    col_of = {h: i for i, h in enumerate(header) if h in spec.headers}
    missing = [c.header for c in spec.columns if c.required and c.header not in col_of]
    if missing:
        _missing(path, missing, issues)
        return ()

    def report(row: int, column: str, message: str) -> None:
        issues.append(Issue(file=path.name, sheet=None, row=row, column=column, message=message))

    out: list[tuple[int, Any]] = []
    for row in typed_rows(spec, col_of, enumerate(lines[1:], start=2), report):
        if codes is not None and row.values.get("code") is not None:
            codes.add(str(row.values["code"]))
        if not row.ok:
            continue
        try:
            out.append((row.number, spec.build(row.values)))
        except DomainError as exc:
            col = spec.column_for_field(exc.field)
            column = col.header if col is not None and col.header in col_of else None
            issues.append(
                Issue(
                    file=path.name,
                    sheet=None,
                    row=row.number,
                    column=column,
                    message=exc.message if column else f"{exc.field}: {exc.message}",
                )
            )
    return tuple(out)


def _weights(header: str, attr: str, description: str) -> S.Column:
    """A reference CSV's list cell for a tuple of weights (one column per element in
    the workbook)."""
    return S.Column(
        header=header,
        kind=S.Kind.NUMBERS,
        description=description,
        limit=L.WEIGHT,
        attr=attr,
    )


_PROFILES = S.ARRIVAL_PROFILES
#: file name -> (its declaration, with the CSV's own headers; ReferenceData field)
FILES: dict[str, tuple[S.SheetSpec, str]] = {
    "rotas.csv": (S.ROTAS, "rotas"),
    "roles.csv": (S.ROLES, "roles"),
    "arrival_profiles.csv": (
        _PROFILES.renamed(
            {},
            columns=(
                _PROFILES.column("code"),
                _PROFILES.column("name"),
                _weights("day_weights", "day_weights", "Weights Monday to Sunday, ';'-separated"),
                _weights("hour_weights", "hour_weights", "Weights of hours 0-23, ';'-separated"),
                _PROFILES.column("source"),
            ),
        ),
        "arrival_profiles",
    ),
    "activities.csv": (S.ACTIVITIES, "activities"),
    "eligibility.csv": (S.ELIGIBILITY, "eligibilities"),
    "referrals.csv": (S.REFERRALS, "referrals"),
    "demand_rates.csv": (S.DEMAND_RATES, "demand_rates"),
    "seasonality.csv": (S.SEASONALITY, "seasonality"),
    "interventions.csv": (S.INTERVENTIONS.renamed({"int": "int_code"}), "interventions"),
}


def load_table(path: Path) -> tuple[Any, ...]:
    """Load one reference CSV (its file name picks the table kind)."""
    if path.name not in FILES:
        raise UnreadableFileError(str(path), f"not a known reference file ({', '.join(FILES)})")
    spec, _ = FILES[path.name]
    issues: list[Issue] = []
    items = _load(path, spec, issues)
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
    for name, (spec, field) in FILES.items():
        codes[field] = set()
        path = directory / name
        if not path.is_file():
            issues.append(
                Issue(file=name, sheet=None, row=None, column=None, message="file is missing")
            )
            tables[field] = ()
            continue
        tables[field] = _load(path, spec, issues, codes[field])
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
