"""Write the scenario workbook: every input sheet from its declaration, atomically.

Each input sheet is an Excel Table with a frozen header, widths, number formats and
drop-down validations; the user's extra sheets and columns are written back as found.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from intplan.domain import ExtraColumn, Scenario
from intplan.io import schema as S
from intplan.io._xlsx import ListValidation, SheetData, XlsxReader, write_xlsx
from intplan.io.atomic import atomic_write
from intplan.io.workbook_keyed import STAMP, about_rows, settings_rows

PathLike = str | os.PathLike[str]

_VALIDATION_HEADROOM = 1000  # rows below the data a drop-down still covers
_EXTRA_WIDTH = 14.0  # a user's own column


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
            letter = get_column_letter(target.headers.index(target.key[0]) + 1)
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


def _with_extras(
    spec: S.SheetSpec, data: list[tuple[Any, ...]], extras: list[ExtraColumn]
) -> list[Sequence[Any]]:
    """``data`` with the user's extra columns appended, matched by each row's key."""
    key_idx = [spec.headers.index(h) for h in spec.key]
    lookups = [dict(ec.values) for ec in extras]
    body: list[Sequence[Any]] = []
    for r in data:
        key = "/".join("" if r[i] is None else str(r[i]) for i in key_idx)
        body.append((*r, *(lk.get(key) for lk in lookups)))
    return body


def scenario_sheets(
    scenario: Scenario, *, created: dt.datetime, modified: dt.datetime
) -> list[SheetData]:
    """Every sheet of the scenario workbook, ready for the writer."""
    rows = {spec.name: spec.rows(scenario) for spec in S.SHEETS if spec.holds_items}
    rows["About"] = about_rows(scenario, created, modified)
    rows["Settings"] = settings_rows(scenario)
    n_rows = {k: len(v) for k, v in rows.items()}
    extras: dict[str, list[ExtraColumn]] = {}
    for ec in scenario.extra_columns:
        extras.setdefault(ec.sheet, []).append(ec)
    sheets: list[SheetData] = []
    for spec in S.SHEETS:
        data = rows[spec.name]
        own = extras.get(spec.name, [])
        body: list[Sequence[Any]] = _with_extras(spec, data, own) if own else list(data)
        bold: frozenset[tuple[int, int]] = frozenset()
        if spec.name == "About":
            label_row = 2 + S.ABOUT_KEYS.index("label")
            bold = frozenset({(label_row, 2), (3, 2)})  # the label and the scenario name
        sheets.append(
            SheetData(
                name=spec.name,
                rows=[(*spec.headers, *(ec.header for ec in own)), *body],
                table=spec.table_name,
                widths=[c.width for c in spec.columns] + [_EXTRA_WIDTH] * len(own),
                number_formats=[c.number_format for c in spec.columns] + [None] * len(own),
                validations=_validations(spec, n_rows),
                bold_cells=bold,
            )
        )
    for extra in scenario.extra_sheets:
        sheets.append(
            SheetData(name=extra.name, rows=extra.rows, freeze_header=False, formulas=True)
        )
    return sheets


def previous_created(path: Path) -> dt.datetime | None:
    """The About sheet's ``created`` stamp of the file being replaced, if it has one."""
    try:
        with XlsxReader(str(path)) as r:
            if "About" not in r.sheet_names:
                return None
            for _, values in r.rows("About"):
                if len(values) >= 2 and values[0] == "created" and isinstance(values[1], str):
                    return dt.datetime.strptime(values[1], STAMP)
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
        created = (previous_created(target) if target.exists() else None) or now
    sheets = scenario_sheets(scenario, created=created, modified=now)
    with atomic_write(target) as tmp:
        write_xlsx(str(tmp), sheets, title=scenario.name, created=created, modified=now)
