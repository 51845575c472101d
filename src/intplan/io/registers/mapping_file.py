"""The optional mapping workbook (``--mapping MAP.xlsx``).

Sheets are recognised by their header row, not their names:

- ``source_column | field``: register headers the aliases do not know (e.g. ``Hrs FTE`` ->
  ``fte``);
- ``staff | int | fte``: manual INT assignments; ``staff`` is a staff number or a name,
  ``fte`` is optional (several rows split a person; without ``fte`` the named INTs share
  the person by population);
- ``title | role``: extra role synonyms (``Frailty ANP`` -> ``FN``), used before the
  bundled table.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from intplan.io.errors import Issue, WorkbookError
from intplan.io.registers.headers import FIELDS, normalise_header
from intplan.io.registers.read import cell_text, parse_number, read_csv_grid, read_xlsx_grids
from intplan.io.registers.synonyms import Synonym


@dataclass(frozen=True, slots=True, kw_only=True)
class ManualRow:
    staff: str  # staff number or name, as written
    int_code: str
    fte: float | None
    row: int
    sheet: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class MappingFile:
    file: str
    columns: tuple[tuple[str, str], ...] = ()  # (field, source header)
    manual: tuple[ManualRow, ...] = ()
    synonyms: tuple[Synonym, ...] = ()

    def column_map(self) -> dict[str, str]:
        return dict(self.columns)


def _index(header: list[object]) -> dict[str, int]:
    return {normalise_header(h): i for i, h in enumerate(header) if normalise_header(h)}


def _cell(row: list[object], i: int | None) -> object:
    return row[i] if i is not None and i < len(row) else None


def read_mapping_file(path: Path) -> MappingFile:
    file = path.name
    if path.suffix.lower() == ".csv":
        grid, _, _ = read_csv_grid(path)
        sheets: list[tuple[str | None, list[list[object]]]] = [(None, grid)]
    else:
        sheets = [(name, g) for name, g, _ in read_xlsx_grids(path)]
    columns: list[tuple[str, str]] = []
    manual: list[ManualRow] = []
    synonyms: list[Synonym] = []
    issues: list[Issue] = []
    for sheet, grid in sheets:
        if not grid:
            continue
        idx = _index(grid[0])
        body = list(enumerate(grid[1:], start=2))
        if "source column" in idx and "field" in idx:
            for n, row in body:
                src = cell_text(_cell(row, idx["source column"]))
                fld = normalise_header(_cell(row, idx["field"])).replace(" ", "_")
                if not src and not fld:
                    continue
                if fld not in FIELDS:
                    issues.append(
                        Issue(
                            file=file,
                            sheet=sheet,
                            row=n,
                            column="field",
                            message=f"unknown field {fld!r}; use one of {', '.join(FIELDS)}",
                        )
                    )
                    continue
                columns.append((fld, src))
        elif "staff" in idx and "int" in idx:
            for n, row in body:
                who = cell_text(_cell(row, idx["staff"]))
                int_code = cell_text(_cell(row, idx["int"]))
                if not who and not int_code:
                    continue
                raw = _cell(row, idx.get("fte"))
                fte = parse_number(raw)
                if not who or not int_code or (cell_text(raw) and (fte is None or fte <= 0)):
                    issues.append(
                        Issue(
                            file=file,
                            sheet=sheet,
                            row=n,
                            column=None,
                            message="an assignment needs staff and int, and fte (if given) "
                            "must be a number above 0",
                        )
                    )
                    continue
                manual.append(ManualRow(staff=who, int_code=int_code, fte=fte, row=n, sheet=sheet))
        elif "title" in idx and "role" in idx:
            for _n, row in body:
                title = cell_text(_cell(row, idx["title"]))
                role = cell_text(_cell(row, idx["role"]))
                if title and role:
                    synonyms.append(
                        Synonym(synonym=title, role=role, source=f"mapping file {file}")
                    )
    if issues:
        raise WorkbookError(issues)
    if not (columns or manual or synonyms):
        raise WorkbookError(
            [
                Issue(
                    file=file,
                    sheet=None,
                    row=None,
                    column=None,
                    message="no mapping sheet found: expected a sheet headed "
                    "'source_column | field', 'staff | int | fte' or 'title | role'",
                )
            ]
        )
    return MappingFile(
        file=file, columns=tuple(columns), manual=tuple(manual), synonyms=tuple(synonyms)
    )
