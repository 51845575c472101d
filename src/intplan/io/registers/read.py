"""Read a staff register (.xlsx or .csv) into rows, accounting for every input row.

Merged cells are filled from their top-left cell (employers often merge an employer or
team name down a block of rows). Blank rows are skipped and counted. A row that cannot
be read (no role title, no base, an FTE that is not a number) is rejected with its file
and row number; nothing is dropped silently.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.utils.cell import get_column_letter

from intplan.domain.workforce import MAX_FTE
from intplan.io import cellnum
from intplan.io._xlsx import ErrorValue, FormulaValue
from intplan.io.errors import Issue, UnreadableFileError, WorkbookError
from intplan.io.registers.csv_text import Record, decode, parse_records, sniff_delimiter
from intplan.io.registers.headers import FIELDS, HeaderMatch, find_header, normalise_header
from intplan.io.registers.limits import MAX_CELL_CHARS, MAX_REGISTER_BYTES, MIN_FTE
from intplan.io.registers.xlsx_grid import SheetGrid, read_xlsx_sheets

Grid = list[list[object]]

_PERSONAL = ("staff_number", "assignment_number", "name", "first_name", "last_name")
#: ESR assignment categories that hold no contracted post (docs/mapping.md, "ESR exports")
_NOT_A_POST = frozenset({"bank", "honorary"})
_ASSIGNMENT_SUFFIX = re.compile(r"-\d+$")  # ESR: 12345678 is the first, 12345678-2 the second
_VACANT_WORDS = frozenset({"vacant", "vacancy", "yes", "y", "true", "1", "x"})
_DEFAULT_WEEK_HOURS = 37.5  # NHS AfC s.27 full-time week; the scenario's value is passed in


@dataclass(frozen=True, slots=True, kw_only=True)
class RegisterRow:
    """One staff row as read, before role and base are resolved against a scenario."""

    file: str
    sheet: str | None
    row: int  # 1-based row in the sheet or CSV file
    staff_number: str
    name: str
    role_title: str
    fte: float
    employer: str
    base: str
    base_kind_hint: str  # "practice", "pcn", "team" or "" (from the header or a column)
    int_spec: str  # an INT named in the register ("" = none)
    vacant: bool
    #: the person behind the row (ESR Employee Number) when ``staff_number`` is one of
    #: their assignments; "" = the staff number is the person
    person_number: str = ""
    #: more role titles to try, in order, when ``role_title`` is unknown (ESR Position Title)
    alt_titles: tuple[str, ...] = ()
    occupation_code: str = ""  # NHS occupation code, tried after every title
    #: more (base, kind hint) to try when ``base`` is not in the scenario (ESR Area of Work)
    alt_bases: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class RowRejection:
    file: str
    sheet: str | None
    row: int
    reason: str

    def to_json(self) -> dict[str, object]:
        return {"file": self.file, "sheet": self.sheet, "row": self.row, "reason": self.reason}


@dataclass(frozen=True, slots=True, kw_only=True)
class RegisterFile:
    """What one file gave: rows, rejections and notes on how it was read."""

    file: str
    sheet: str | None
    header_row: int  # 1-based
    columns: tuple[tuple[str, str], ...]  # (header, field) used
    ignored_columns: tuple[str, ...]
    encoding: str | None  # CSV only
    delimiter: str | None  # CSV only
    merged_ranges: tuple[str, ...]  # filled from their top-left cell
    blank_rows: tuple[int, ...]
    rows: tuple[RegisterRow, ...]
    rejected: tuple[RowRejection, ...]
    #: (.xlsx) other sheets with a staff header, and why they were not read
    sheets_not_read: tuple[tuple[str, str], ...] = ()
    #: every name and staff number in the data rows, read or rejected (for pseudonymising)
    identifiers: frozenset[str] = field(default=frozenset(), repr=False)

    @property
    def rows_read(self) -> int:
        return len(self.rows) + len(self.rejected)


# -- raw grids ---------------------------------------------------------------------------


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_REGISTER_BYTES:
            raise UnreadableFileError(
                str(path), f"the file is {size:,} bytes; the limit is {MAX_REGISTER_BYTES:,}"
            )
        return path.read_bytes()
    except OSError as exc:
        raise UnreadableFileError(str(path), f"cannot read the file: {exc.strerror}") from exc


def read_csv_records(path: Path) -> tuple[list[Record], str, str]:
    """Records of a CSV/TXT register, its encoding and its delimiter."""
    decoded = decode(_read_bytes(path))
    delimiter = sniff_delimiter(decoded.text)
    return parse_records(decoded, delimiter), decoded.encoding, delimiter


def read_csv_grid(path: Path) -> tuple[Grid, str, str]:
    """Rows of a CSV file as lists of cells (for the mapping workbook's CSV form)."""
    records, encoding, delimiter = read_csv_records(path)
    return [r.cells for r in records], encoding, delimiter


def read_xlsx_grids(path: Path) -> list[tuple[str, Grid, list[str]]]:
    """Every sheet as (name, grid, merged ranges), merged cells already filled."""
    return [(s.name, [r.cells for r in s.records], s.merged_ranges) for s in read_xlsx_sheets(path)]


# -- cells -> rows -------------------------------------------------------------------------


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # staff numbers typed as numbers: 12345.0 -> "12345"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, ErrorValue):
        return value.code
    if isinstance(value, FormulaValue):
        return value.formula
    return " ".join(str(value).split())


def parse_number(value: object) -> float | None:
    """A finite number from a cell: 0.8, "0.8", "0,8" (European decimal comma), "80%".

    The project's one parser (:func:`intplan.io.cellnum.parse_number`) with the options
    HR exports need: a decimal comma, a percent sign; spaces inside are ignored
    ("1 000"). Anything else is not a number: "nan", "inf", "1_000", "0.8.1", a number
    too large for a float. None means "not a number"; the caller reports it.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        x = float(value) if not isinstance(value, int) or abs(value) < 2**1023 else math.inf
        return x if math.isfinite(x) else None
    n = cellnum.parse_number(cell_text(value).replace(" ", ""), decimal_comma=True, percent=True)
    return None if n is None else float(n)


def _is_blank(cells: Sequence[object]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _column_name(j: int, header_text: Mapping[int, str]) -> str:
    return header_text.get(j) or f"column {get_column_letter(j + 1)}"


def _cell_problem(
    cells: Sequence[object], header_text: Mapping[int, str], max_fields: int | None
) -> str | None:
    """A value too long for a cell, or (CSV) values beyond the header's columns."""
    for j, c in enumerate(cells):
        if isinstance(c, str) and len(c) > MAX_CELL_CHARS:
            return (
                f"the value in {_column_name(j, header_text)} is {len(c):,} characters long; "
                f"the limit is {MAX_CELL_CHARS:,} (Excel's limit for a cell)"
            )
    if max_fields is not None and len(cells) > max_fields and not _is_blank(cells[max_fields:]):
        return (
            f"{len(cells)} fields where the header has {max_fields}: is there an unquoted "
            "delimiter inside a value (e.g. a comma in a name)? Quote the value or fix the row"
        )
    return None


def _fte_problem(fte: float, column: str) -> str | None:
    if fte <= 0:
        return f"{column} must be more than 0 (got {fte:g})"
    if fte < MIN_FTE:
        return f"FTE {fte:g} is below {MIN_FTE:g} (about 22 minutes a week); check the value"
    if fte > MAX_FTE:
        hint = " (it looks like hours a week; use an Hours column)" if fte >= 4 else ""
        return f"FTE {fte:g} is above {MAX_FTE:g}{hint}"
    return None


@dataclass(frozen=True, slots=True, kw_only=True)
class _Rows:
    rows: list[RegisterRow]
    rejected: list[RowRejection]
    blanks: list[int]
    identifiers: set[str]


def rows_from_grid(
    grid: Sequence[Record],
    header: HeaderMatch,
    *,
    file: str,
    sheet: str | None,
    default_employer: str,
    week_hours: float,
    max_fields: int | None = None,
) -> _Rows:
    """Every record below the header: a row, a rejection or a blank (counted)."""
    cols: dict[str, int] = {}
    base_cols: list[tuple[int, str]] = []
    for c in header.columns:
        if c.field == "base":
            base_cols.append((c.index, c.kind_hint))
        else:
            cols.setdefault(c.field, c.index)
    header_text = {c.index: c.header for c in header.columns}
    personal = [cols[f] for f in _PERSONAL if f in cols]

    out = _Rows(rows=[], rejected=[], blanks=[], identifiers=set())
    pending_blanks: list[int] = []
    for record in grid[header.row_index + 1 :]:
        cells = record.cells
        n = record.number
        if record.problem is None and _is_blank(cells):
            pending_blanks.append(n)  # only blanks before a later data row count
            continue
        out.blanks.extend(pending_blanks)
        pending_blanks.clear()
        for j in personal:
            text = cell_text(cells[j]) if j < len(cells) else ""
            if text:
                out.identifiers.add(text)

        def get(field: str, cells: Sequence[object] = cells) -> object:
            j = cols.get(field)
            return cells[j] if j is not None and j < len(cells) else None

        def reject(reason: str, n: int = n) -> None:
            out.rejected.append(RowRejection(file=file, sheet=sheet, row=n, reason=reason))

        problem = record.problem or _cell_problem(cells, header_text, max_fields)
        if problem:
            reject(problem)
            continue
        category = cell_text(get("assignment_category"))
        if category and _NOT_A_POST & set(normalise_header(category).split()):
            reject(
                f"{header_text[cols['assignment_category']]} {category!r}: bank and honorary "
                "assignments hold no contracted post, so they are not imported"
            )
            continue
        titles = [t for t in (cell_text(get("role")), cell_text(get("position_title"))) if t]
        titles = list(dict.fromkeys(titles))  # a Position Title equal to the Job Role
        occupation_code = cell_text(get("occupation_code")).upper()
        if not titles and not occupation_code:
            reject("no role title")
            continue
        role_title = titles[0] if titles else ""
        if "fte" in cols:
            raw = get("fte")
            fte = parse_number(raw)
            column = header_text[cols["fte"]]
        else:
            raw = get("hours")
            hours = parse_number(raw)
            fte = None if hours is None else hours / week_hours
            column = header_text[cols["hours"]]
        if fte is None:
            shown = cell_text(raw)[:40]
            reject(f"{column} {shown!r} is not a number" if shown else f"no {column} given")
            continue
        fte_problem = _fte_problem(fte, column)
        if fte_problem:
            reject(fte_problem)
            continue
        # base columns first (the first filled), then ESR's Cost Centre and Area of Work
        bases = [(cell_text(cells[j]), kind) for j, kind in base_cols if j < len(cells)]
        bases += [(cell_text(get(f)), "") for f in ("cost_centre", "area_of_work")]
        bases = [(b, k) for b, k in bases if b]
        base, hint = bases[0] if bases else ("", "")
        kind_col = normalise_header(get("base_kind"))
        if kind_col in ("practice", "pcn", "team"):
            hint = kind_col
        vacant_text = normalise_header(get("vacant"))
        first_last = [cell_text(get("first_name")), cell_text(get("last_name"))]
        name = cell_text(get("name")) or " ".join(x for x in first_last if x)
        if name:
            out.identifiers.add(name)
        vacant = vacant_text in _VACANT_WORDS or normalise_header(name) in (
            "vacant",
            "vacancy",
            "vacant post",
        )
        int_spec = cell_text(get("int"))
        if not base:
            reject("missing base: give the practice, PCN or team the person works from")
            continue
        staff_number = cell_text(get("staff_number"))
        assignment = cell_text(get("assignment_number"))
        person = staff_number or _ASSIGNMENT_SUFFIX.sub("", assignment)
        out.rows.append(
            RegisterRow(
                file=file,
                sheet=sheet,
                row=n,
                staff_number=assignment or staff_number,
                person_number=person if assignment else "",
                name=name,
                role_title=role_title,
                fte=fte,
                employer=cell_text(get("employer")) or default_employer,
                base=base,
                base_kind_hint=hint,
                int_spec=int_spec,
                vacant=vacant,
                alt_titles=tuple(titles[1:]),
                occupation_code=occupation_code,
                alt_bases=tuple(bases[1:]),
            )
        )
    return out


def _no_header(
    file: str, sheet: str | None, grid: Sequence[Record], *, show_values: bool, hint: str = ""
) -> WorkbookError:
    seen = [str(c).strip() for r in grid[:1] for c in r.cells if c is not None and str(c).strip()]
    reads = (
        f" (first row reads: {', '.join(s[:40] for s in seen[:12]) or 'nothing'})"
        if show_values
        else ""
    )
    return WorkbookError(
        [
            Issue(
                file=file,
                sheet=sheet,
                row=None,
                column=None,
                message="no header row with a role column and an FTE (or hours) column in the "
                f"first rows{reads}; name the columns with --column role='Job Title' "
                "--column fte='Hours FTE' or a mapping sheet "
                f"(fields: {', '.join(FIELDS)}){hint}",
            )
        ]
    )


def _pick_sheet(
    file: str,
    sheets: Sequence[SheetGrid],
    columns: Mapping[str, str] | None,
    wanted: str | None,
    show_values: bool,
) -> tuple[SheetGrid, HeaderMatch, tuple[tuple[str, str], ...]]:
    """The sheet to read, its header, and the sheets with a header that were not read."""
    if wanted is not None:
        named = [s for s in sheets if s.name == wanted] or [
            s for s in sheets if s.name.casefold() == wanted.casefold()
        ]
        if not named:
            raise WorkbookError(
                [
                    Issue(
                        file=file,
                        sheet=wanted,
                        row=None,
                        column=None,
                        message=f"no sheet named {wanted!r} (sheets: "
                        f"{', '.join(repr(s.name) for s in sheets)})",
                    )
                ]
            )
        h = find_header([r.cells for r in named[0].records], columns)
        if h is None:
            raise _no_header(file, named[0].name, named[0].records, show_values=show_values)
        return named[0], h, ()
    matches = [
        (s, h)
        for s in sheets
        if (h := find_header([r.cells for r in s.records], columns)) is not None
    ]
    visible = [(s, h) for s, h in matches if not s.hidden]
    if not visible:
        hidden = [s.name for s, _ in matches]
        hint = (
            f"; hidden sheet(s) {', '.join(map(repr, hidden))} have a header: hidden sheets "
            "are read only when named with --sheet"
            if hidden
            else ""
        )
        first = next((s for s in sheets if not s.hidden), sheets[0] if sheets else None)
        raise _no_header(
            file,
            first.name if first else None,
            first.records if first else [],
            show_values=show_values,
            hint=hint,
        )
    best, header = max(visible, key=lambda sh: sh[1].score)  # first of the best on ties
    not_read = tuple(
        (s.name, "hidden" if s.hidden else "another sheet matched better")
        for s, _ in matches
        if s is not best
    )
    return best, header, not_read


def read_register(
    path: Path,
    *,
    columns: Mapping[str, str] | None = None,
    employer: str | None = None,
    week_hours: float = _DEFAULT_WEEK_HOURS,
    sheet: str | None = None,
    show_values: bool = True,
) -> RegisterFile:
    """Read one register. ``columns`` maps field -> header for headers the aliases miss.

    ``sheet`` names the .xlsx sheet to read (hidden sheets are read only when named);
    ``show_values=False`` keeps cell values out of whole-file error messages
    (pseudonymised runs). Raises UnreadableFileError (missing, not xlsx/csv, corrupt,
    beyond the size limits) or WorkbookError (no header, no such sheet).
    """
    file = path.name
    if not path.is_file():
        raise UnreadableFileError(str(path), "file not found")
    suffix = path.suffix.lower()
    default_employer = employer or path.stem
    encoding = delimiter = None
    ranges: list[str] = []
    not_read: tuple[tuple[str, str], ...] = ()
    max_fields: int | None = None
    if suffix in (".csv", ".txt", ".tsv"):
        grid, encoding, delimiter = read_csv_records(path)
        sheet_name: str | None = None
        found = find_header([r.cells for r in grid], columns)
        if found is None:
            raise _no_header(file, None, grid, show_values=show_values)
        header = found
        header_cells = grid[header.row_index].cells
        max_fields = max((j + 1 for j, c in enumerate(header_cells) if cell_text(c)), default=0)
    elif suffix in (".xlsx", ".xlsm"):
        chosen, header, not_read = _pick_sheet(
            file, read_xlsx_sheets(path), columns, sheet, show_values
        )
        sheet_name, grid, ranges = chosen.name, chosen.records, chosen.merged_ranges
    else:
        raise UnreadableFileError(
            str(path), f"{suffix or 'no extension'} is not supported: save it as .xlsx or .csv"
        )
    got = rows_from_grid(
        grid,
        header,
        file=file,
        sheet=sheet_name,
        default_employer=default_employer,
        week_hours=week_hours,
        max_fields=max_fields,
    )
    return RegisterFile(
        file=file,
        sheet=sheet_name,
        header_row=grid[header.row_index].number,
        columns=tuple((c.header, c.field) for c in header.columns),
        ignored_columns=header.ignored,
        encoding=encoding,
        delimiter=delimiter,
        merged_ranges=tuple(ranges),
        blank_rows=tuple(got.blanks),
        rows=tuple(got.rows),
        rejected=tuple(got.rejected),
        sheets_not_read=not_read,
        identifiers=frozenset(got.identifiers),
    )
