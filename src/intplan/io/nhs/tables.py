"""Every table in a folder of downloaded NHS files: CSV or xlsx, bare or zipped.

A *table* is one CSV file or one worksheet, with its header row and a way to read its
data rows again. Files are identified later by their header row (``recognise``), never
by their name, because NHS England renames files between releases and planners rename
them on download. Header cells are compared after collapsing whitespace and upper-casing
(ePCN's headers carry embedded line breaks; other files change case between releases).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
import zlib
from collections.abc import Callable, Generator, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

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


#: a binary stream of a file's bytes, opened afresh for each pass (files are streamed:
#: a national Appointments crosstab or postcode directory is hundreds of MB)
Opener = Callable[[], AbstractContextManager[IO[bytes]]]
_SNIFF_BYTES = 1 << 20


def _encoding(opener: Opener) -> str:
    """NHS England CSVs are UTF-8 (often with a BOM); a few older ones are Windows-1252.
    Decided on the first megabyte."""
    with opener() as f:
        head = f.read(_SNIFF_BYTES)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig"


def _csv_rows(source: str, opener: Opener, encoding: str) -> Generator[Row, None, None]:
    n = 0
    try:
        with opener() as raw:
            text = io.TextIOWrapper(raw, encoding=encoding, newline="")
            for n, cells in enumerate(csv.reader(text), start=1):
                yield n, cells
    except UnicodeDecodeError:
        raise UnreadableFileError(
            source, f"is not valid {encoding} text (after row {n}); save it as UTF-8"
        ) from None
    except csv.Error as exc:
        raise UnreadableFileError(source, f"row {n + 1} is not valid CSV ({exc})") from None


def _csv_table(source: str, opener: Opener) -> Table | None:
    encoding = _encoding(opener)
    header: list[str] | None = None
    header_row = 0
    rows = _csv_rows(source, opener, encoding)
    for header_row, cells in rows:  # noqa: B007 - used after the loop
        if any(c.strip() for c in cells):
            header = cells
            break
    rows.close()
    if header is None:
        return None

    def read(skip: int = header_row) -> Iterator[Row]:
        for n, cells in _csv_rows(source, opener, encoding):
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
    folder: bool = False  # a subfolder: listed, never read, not an error


#: files operating systems and archivers leave beside downloads; skipped silently
SYSTEM_FILES = frozenset({"thumbs.db", "desktop.ini", "__macosx"})


def is_system_file(path: str) -> bool:
    """Hidden files (``.DS_Store``, ``._x.csv``), Office lock files (``~$x.xlsx``),
    ``Thumbs.db``, ``desktop.ini`` and anything under a zip's ``__MACOSX/``."""
    parts = [p for p in path.replace("\\", "/").split("/") if p]
    return any(p.startswith((".", "~$")) or p.lower() in SYSTEM_FILES for p in parts)


def _in_zip(path_opener: Opener, member: str) -> Opener:
    @contextmanager
    def open_member() -> Iterator[IO[bytes]]:
        with path_opener() as f, zipfile.ZipFile(f) as archive, archive.open(member) as m:
            yield m

    return open_member


def _tables_of(source: str, name: str, opener: Opener) -> tuple[list[Table], list[Skipped]]:
    suffix = Path(name).suffix.lower()
    if suffix == ".zip":
        tables: list[Table] = []
        skipped: list[Skipped] = []
        try:
            with opener() as f, zipfile.ZipFile(f) as archive:
                members = [
                    i.filename
                    for i in archive.infolist()
                    if not i.is_dir() and not is_system_file(i.filename)
                ]
        except (zipfile.BadZipFile, OSError):
            raise UnreadableFileError(source, "is not a readable zip file") from None
        for member in members:
            inner = f"{source} » {member}"
            try:
                t, s = _tables_of(inner, member, _in_zip(opener, member))
            except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
                raise UnreadableFileError(inner, f"cannot be extracted ({exc})") from None
            tables += t
            skipped += s
        return tables, skipped
    if suffix in (".xlsx", ".xlsm"):
        with opener() as f:
            data = f.read()
        return _xlsx_tables(source, data), []
    if suffix in (".csv", ".txt"):
        table = _csv_table(source, opener)
        return ([table], []) if table else ([], [Skipped(source=source, reason="is empty")])
    return [], [
        Skipped(source=source, reason=f"is not a CSV, xlsx or zip file ({suffix or 'no suffix'})")
    ]


def _file(path: Path) -> Opener:
    def open_file() -> IO[bytes]:
        return path.open("rb")

    return open_file


def read_folder(folder: Path) -> tuple[list[Table], list[Skipped]]:
    """Every table in every file directly inside ``folder`` (sorted by file name)."""
    if not folder.is_dir():
        raise UnreadableFileError(str(folder), "is not a folder")
    tables: list[Table] = []
    skipped: list[Skipped] = []
    for path in sorted(folder.iterdir()):
        if is_system_file(path.name):
            continue
        if not path.is_file():
            skipped.append(
                Skipped(
                    source=str(path),
                    reason="is a folder; only files directly in the folder are read",
                    folder=True,
                )
            )
            continue
        try:
            t, s = _tables_of(str(path), path.name, _file(path))
        except OSError as exc:
            raise UnreadableFileError(str(path), f"cannot be read ({exc.strerror})") from None
        tables += t
        skipped += s
    return tables, skipped
