"""Every table in a folder of downloaded NHS files: CSV or xlsx, bare or zipped.

A *table* is one CSV file or one worksheet, with its header row and a way to read its
data rows again. Files are identified later by their header row (``recognise``), never
by their name, because NHS England renames files between releases and planners rename
them on download. Header cells are compared after collapsing whitespace and upper-casing
(ePCN's headers carry embedded line breaks; other files change case between releases).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from intplan.io.errors import Issue, UnreadableFileError

Row = tuple[int, list[str]]  # (1-based row number in the file, cells)

_SPACE = re.compile(r"\s+")


def normalise(header: str) -> str:
    """``'Partner\\r\\nOrganisation\\r\\nCode'`` -> ``'PARTNER ORGANISATION CODE'``."""
    return _SPACE.sub(" ", header).strip().upper()


@dataclass(frozen=True, slots=True, kw_only=True)
class Table:
    """One CSV or worksheet: where it came from, its header and its data rows."""

    source: str  # the file as the user sees it, e.g. "dl/gpw.zip » 1 General Practice.csv"
    sheet: str | None
    header: tuple[str, ...]
    first_row: int  # the row number of the header (data start after it)
    read_rows: Callable[[], Iterator[Row]] = field(repr=False, compare=False)

    @property
    def columns(self) -> dict[str, int]:
        """Normalised header -> position (the first of any repeated header)."""
        out: dict[str, int] = {}
        for i, h in enumerate(self.header):
            out.setdefault(normalise(h), i)
        return out

    def has(self, *names: str) -> bool:
        cols = self.columns
        return all(normalise(n) in cols for n in names)

    def rows(self) -> Iterator[Row]:
        return self.read_rows()

    def issue(self, row: int | None, column: str | None, message: str) -> Issue:
        return Issue(file=self.source, sheet=self.sheet, row=row, column=column, message=message)

    def describe(self) -> str:
        return self.source + (f" (sheet {self.sheet!r})" if self.sheet else "")


def _decode(data: bytes) -> str:
    # NHS England CSVs are UTF-8 (often with a BOM); a few older ones are Windows-1252
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def _csv_table(source: str, data: bytes) -> Table | None:
    text = _decode(data)
    reader = csv.reader(io.StringIO(text))
    header: list[str] | None = None
    header_row = 0
    for header_row, cells in enumerate(reader, start=1):  # noqa: B007 - used after loop
        if any(c.strip() for c in cells):
            header = cells
            break
    if header is None:
        return None

    def read(skip: int = header_row) -> Iterator[Row]:
        for n, cells in enumerate(csv.reader(io.StringIO(text)), start=1):
            if n > skip and any(c.strip() for c in cells):
                yield n, cells

    return Table(
        source=source, sheet=None, header=tuple(header), first_row=header_row, read_rows=read
    )


def _cell_text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))  # ePCN dates are numbers like 20200701
    return str(v)


def _xlsx_tables(source: str, data: bytes) -> list[Table]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise UnreadableFileError(source, f"cannot be read as an Excel workbook ({exc})") from None
    tables: list[Table] = []
    try:
        for ws in book.worksheets:
            rows = [
                (n, [_cell_text(v) for v in values])
                for n, values in enumerate(ws.iter_rows(values_only=True), start=1)
            ]
            rows = [(n, cells) for n, cells in rows if any(c.strip() for c in cells)]
            if not rows:
                continue
            first, header = rows[0]
            body = rows[1:]

            def read(body: list[Row] = body) -> Iterator[Row]:
                return iter(body)

            tables.append(
                Table(
                    source=source,
                    sheet=ws.title,
                    header=tuple(header),
                    first_row=first,
                    read_rows=read,
                )
            )
    finally:
        book.close()
    return tables


@dataclass(frozen=True, slots=True, kw_only=True)
class Skipped:
    """A file in the folder that holds no table (not CSV, xlsx or zip, or empty)."""

    source: str
    reason: str


def _tables_of(source: str, name: str, data: bytes) -> tuple[list[Table], list[Skipped]]:
    suffix = Path(name).suffix.lower()
    if suffix == ".zip":
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile:
            raise UnreadableFileError(source, "is not a readable zip file") from None
        tables: list[Table] = []
        skipped: list[Skipped] = []
        with archive:
            for info in archive.infolist():
                if info.is_dir():
                    continue
                try:
                    inner = archive.read(info)
                except (zipfile.BadZipFile, OSError) as exc:
                    raise UnreadableFileError(
                        f"{source} » {info.filename}", f"cannot be extracted ({exc})"
                    ) from None
                t, s = _tables_of(f"{source} » {info.filename}", info.filename, inner)
                tables += t
                skipped += s
        return tables, skipped
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_tables(source, data), []
    if suffix in (".csv", ".txt"):
        table = _csv_table(source, data)
        return ([table], []) if table else ([], [Skipped(source=source, reason="is empty")])
    return [], [
        Skipped(source=source, reason=f"is not a CSV, xlsx or zip file ({suffix or 'no suffix'})")
    ]


def read_folder(folder: Path) -> tuple[list[Table], list[Skipped]]:
    """Every table in every file directly inside ``folder`` (sorted by file name)."""
    if not folder.is_dir():
        raise UnreadableFileError(str(folder), "is not a folder")
    tables: list[Table] = []
    skipped: list[Skipped] = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith((".", "~$")):  # hidden files, Office lock files
            continue
        if not path.is_file():
            skipped.append(
                Skipped(
                    source=str(path),
                    reason="is a folder; only files directly in the folder are read",
                )
            )
            continue
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UnreadableFileError(str(path), f"cannot be read ({exc.strerror})") from None
        t, s = _tables_of(str(path), path.name, data)
        tables += t
        skipped += s
    return tables, skipped
