"""Read a staff register (.xlsx or .csv) into rows, accounting for every input row.

Merged cells are filled from their top-left cell (employers often merge an employer or
team name down a block of rows). Blank rows are skipped and counted. A row that cannot
be read (no role title, no base, an FTE that is not a number) is rejected with its file
and row number; nothing is dropped silently.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl.utils.cell import range_boundaries

from intplan.domain.workforce import MAX_FTE
from intplan.io._xlsx import NotXlsxError, XlsxReader
from intplan.io.errors import Issue, UnreadableFileError, WorkbookError
from intplan.io.registers.headers import FIELDS, HeaderMatch, find_header, normalise_header

Grid = list[list[object]]

_MERGE_REF = re.compile(rb'<mergeCell\s+ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')
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

    @property
    def rows_read(self) -> int:
        return len(self.rows) + len(self.rejected)


# -- raw grids ---------------------------------------------------------------------------


def _decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding used: UTF-8 (with or without BOM), else Windows-1252."""
    try:
        return data.decode("utf-8-sig"), "utf-8-sig" if data[:3] == b"\xef\xbb\xbf" else "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:  # bytes cp1252 leaves undefined (0x81, 0x8d, ...)
        return data.decode("latin-1"), "latin-1"


def _sniff_delimiter(text: str) -> str:
    """The delimiter that splits the most lines into the same number of fields.

    csv.Sniffer alone is fooled by a title line above the header or by decimal commas
    in a semicolon file ("0,8"), so its answer only breaks ties.
    """
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    try:
        sniffed = csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t|").delimiter
    except csv.Error:
        sniffed = ","
    best, best_score = sniffed, (0, 0, True)
    for d in ",;\t|":
        counts = [line.count(d) for line in lines if line.count(d)]
        if not counts:
            continue
        modal = Counter(counts).most_common(1)[0][0]
        score = (counts.count(modal), modal, d == sniffed)
        if score > best_score:
            best, best_score = d, score
    return best


def read_csv_grid(path: Path) -> tuple[Grid, str, str]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFileError(str(path), f"cannot read the file: {exc.strerror}") from exc
    text, encoding = _decode(data)
    delimiter = _sniff_delimiter(text)
    grid: Grid = [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    return grid, encoding, delimiter


def _merged_ranges(sheet_xml: bytes) -> list[str]:
    """Merged ranges of a sheet, from its XML (``<mergeCells>`` follows the cell data)."""
    at = sheet_xml.rfind(b"<mergeCells")
    return [] if at < 0 else [m.decode("ascii") for m in _MERGE_REF.findall(sheet_xml[at:])]


def _fill_merged(grid: Grid, ranges: Sequence[str]) -> None:
    for ref in ranges:
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        top = grid[min_row - 1] if min_row - 1 < len(grid) else []
        value = top[min_col - 1] if min_col - 1 < len(top) else None
        for r in range(min_row - 1, min(max_row, len(grid))):
            row = grid[r]
            if len(row) < max_col:
                row.extend([None] * (max_col - len(row)))
            for c in range(min_col - 1, max_col):
                row[c] = value


def read_xlsx_grids(path: Path) -> list[tuple[str, Grid, list[str]]]:
    """Every sheet as (name, grid, merged ranges), merged cells already filled.

    Values come from the scenario workbook's fast expat/regex reader (about 3x faster
    than openpyxl's read-only mode on a 10,000-row register).
    """
    try:
        with XlsxReader(str(path)) as reader, zipfile.ZipFile(path) as zf:
            out = []
            for name, part in reader.sheet_paths.items():
                rows = reader.rows(name)
                grid: Grid = [[] for _ in range(rows[-1][0] if rows else 0)]
                for n, values in rows:
                    grid[n - 1] = list(values)
                try:
                    ranges = _merged_ranges(zf.read(part))
                except KeyError:
                    ranges = []
                _fill_merged(grid, ranges)
                out.append((name, grid, ranges))
            return out
    except (zipfile.BadZipFile, NotXlsxError, OSError, KeyError, ValueError) as exc:
        raise UnreadableFileError(
            str(path), f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})"
        ) from exc


# -- cells -> rows -------------------------------------------------------------------------


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # staff numbers typed as numbers: 12345.0 -> "12345"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return " ".join(str(value).split())


def parse_number(value: object) -> float | None:
    """A number from a cell: 0.8, "0.8", "0,8" (European decimal comma), "80%"."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    s = cell_text(value).replace(" ", "")
    if not s:
        return None
    pct = s.endswith("%")
    s = s.rstrip("%")
    if s.count(",") == 1 and "." not in s:
        s = s.replace(",", ".")
    try:
        x = float(s)
    except ValueError:
        return None
    return x / 100.0 if pct else x


def _is_blank(cells: Sequence[object]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def rows_from_grid(
    grid: Grid,
    header: HeaderMatch,
    *,
    file: str,
    sheet: str | None,
    default_employer: str,
    week_hours: float,
) -> tuple[list[RegisterRow], list[RowRejection], list[int]]:
    cols: dict[str, int] = {}
    base_cols: list[tuple[int, str]] = []
    for c in header.columns:
        if c.field == "base":
            base_cols.append((c.index, c.kind_hint))
        else:
            cols.setdefault(c.field, c.index)
    header_text = {c.index: c.header for c in header.columns}

    rows: list[RegisterRow] = []
    rejected: list[RowRejection] = []
    blanks: list[int] = []
    pending_blanks: list[int] = []
    for i in range(header.row_index + 1, len(grid)):
        cells = grid[i]
        n = i + 1
        if _is_blank(cells):
            pending_blanks.append(n)  # only blanks before a later data row count
            continue
        blanks.extend(pending_blanks)
        pending_blanks.clear()

        def get(field: str, cells: Sequence[object] = cells) -> object:
            j = cols.get(field)
            return cells[j] if j is not None and j < len(cells) else None

        def reject(reason: str, n: int = n) -> None:
            rejected.append(RowRejection(file=file, sheet=sheet, row=n, reason=reason))

        role_title = cell_text(get("role"))
        if not role_title:
            reject("no role title")
            continue
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
            shown = cell_text(raw)
            reject(f"{column} {shown!r} is not a number" if shown else f"no {column} given")
            continue
        fte = round(fte, 6)
        if fte <= 0:
            reject(f"{column} must be more than 0 (got {fte:g})")
            continue
        if fte > MAX_FTE:
            hint = " (it looks like hours a week; use an Hours column)" if fte >= 4 else ""
            reject(f"FTE {fte:g} is above {MAX_FTE:g}{hint}")
            continue
        base, hint = "", ""
        for j, kind in base_cols:
            value = cell_text(cells[j]) if j < len(cells) else ""
            if value:
                base, hint = value, kind
                break
        kind_col = normalise_header(get("base_kind"))
        if kind_col in ("practice", "pcn", "team"):
            hint = kind_col
        vacant_text = normalise_header(get("vacant"))
        name = cell_text(get("name")) or " ".join(
            x for x in (cell_text(get("first_name")), cell_text(get("last_name"))) if x
        )
        vacant = vacant_text in _VACANT_WORDS or normalise_header(name) in (
            "vacant",
            "vacancy",
            "vacant post",
        )
        int_spec = cell_text(get("int"))
        if not base:
            reject("missing base: give the practice, PCN or team the person works from")
            continue
        rows.append(
            RegisterRow(
                file=file,
                sheet=sheet,
                row=n,
                staff_number=cell_text(get("staff_number")),
                name=name,
                role_title=role_title,
                fte=fte,
                employer=cell_text(get("employer")) or default_employer,
                base=base,
                base_kind_hint=hint,
                int_spec=int_spec,
                vacant=vacant,
            )
        )
    return rows, rejected, blanks


def _no_header(file: str, sheet: str | None, grid: Grid) -> WorkbookError:
    seen = [str(c).strip() for row in grid[:1] for c in row if c is not None and str(c).strip()]
    return WorkbookError(
        [
            Issue(
                file=file,
                sheet=sheet,
                row=None,
                column=None,
                message="no header row with a role column and an FTE (or hours) column in the "
                f"first rows (first row reads: {', '.join(seen[:12]) or 'nothing'}); name the "
                "columns with --column role='Job Title' --column fte='Hours FTE' or a mapping "
                f"sheet (fields: {', '.join(FIELDS)})",
            )
        ]
    )


def read_register(
    path: Path,
    *,
    columns: Mapping[str, str] | None = None,
    employer: str | None = None,
    week_hours: float = _DEFAULT_WEEK_HOURS,
) -> RegisterFile:
    """Read one register. ``columns`` maps field -> header for headers the aliases miss.

    Raises UnreadableFileError (missing, not xlsx/csv, corrupt) or WorkbookError (no header).
    """
    file = path.name
    if not path.is_file():
        raise UnreadableFileError(str(path), "file not found")
    suffix = path.suffix.lower()
    default_employer = employer or path.stem
    encoding = delimiter = None
    ranges: list[str] = []
    if suffix == ".csv" or suffix == ".txt":
        grid, encoding, delimiter = read_csv_grid(path)
        sheet: str | None = None
        header = find_header(grid, columns)
        if header is None:
            raise _no_header(file, None, grid)
    elif suffix in (".xlsx", ".xlsm"):
        best: tuple[str, Grid, list[str], HeaderMatch] | None = None
        sheets = read_xlsx_grids(path)
        for name, g, r in sheets:
            h = find_header(g, columns)
            if h is not None and (best is None or h.score > best[3].score):
                best = (name, g, r, h)
        if best is None:
            first_name, first_grid, _ = sheets[0] if sheets else ("", [], [])
            raise _no_header(file, first_name or None, first_grid)
        sheet, grid, ranges, header = best
    else:
        raise UnreadableFileError(
            str(path), f"{suffix or 'no extension'} is not supported: save it as .xlsx or .csv"
        )
    rows, rejected, blanks = rows_from_grid(
        grid,
        header,
        file=file,
        sheet=sheet,
        default_employer=default_employer,
        week_hours=week_hours,
    )
    return RegisterFile(
        file=file,
        sheet=sheet,
        header_row=header.row_index + 1,
        columns=tuple((c.header, c.field) for c in header.columns),
        ignored_columns=header.ignored,
        encoding=encoding,
        delimiter=delimiter,
        merged_ranges=tuple(ranges),
        blank_rows=tuple(blanks),
        rows=tuple(rows),
        rejected=tuple(rejected),
    )
