"""``docs/workbook-format.md``: the reference for every sheet and column, generated
from the declarations (regenerate with ``python -m intplan.io.schema``)."""

from __future__ import annotations

from intplan.domain import SETTING_SPECS
from intplan.domain import limits as L
from intplan.domain.limits import MAX_CONTACTS_PER_WEEK
from intplan.io.results import RESULT_SHEET_PREFIXES
from intplan.io.schema import (
    ABOUT_KEYS,
    ILLUSTRATIVE_LABEL,
    LIST_SEPARATOR,
    SCHEMA_VERSION,
    SHEETS,
)

_DOC_INTRO = """\
# The scenario workbook (schema version {version})

A scenario is an Excel workbook (`.xlsx`) that you can open, edit and load back.
This page is generated from the declarations in `src/intplan/io/schema.py` (the
sheets themselves are in `schema_places.py`, `schema_people.py` and `schema_demand.py`);
regenerate it with
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
  saved (an empty value, an empty typed cell). The same rule reads the reference CSVs.
  Staff registers (`intplan map`) are the one exception, because HR exports write them:
  there a decimal comma (`0,8`) and a percent sign (`80%` = 0.8) are accepted. One
  parser, `intplan.io.cellnum.parse_number`, applies both rules.
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


def markdown() -> str:
    """The reference for every sheet and column, as Markdown (docs/workbook-format.md)."""
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
