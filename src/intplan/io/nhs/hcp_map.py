"""The planner's own HCP mapping file for `intplan new --from … --hcp-map FILE`.

NHS England publishes no file that says which Health & Care Partnership a PCN belongs
to, so without one `intplan new` groups PCNs by sub-ICB location. A planner who knows
their HCPs gives a CSV with a header row and two columns, `pcn` (the PCN's ODS code,
e.g. `U12345`) and `hcp` (the partnership's name); an optional `hcp_code` column gives
its code (default: derived from the name). Every problem is listed with file, row and
column; nothing is guessed.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from intplan.io.errors import Issue, UnreadableFileError, WorkbookError

_CODE = re.compile(r"[^A-Za-z0-9]+")


@dataclass(frozen=True, slots=True, kw_only=True)
class HcpMap:
    source: str
    hcp_of: dict[str, tuple[str, str]]  # PCN code -> (HCP code, HCP name)
    rows_read: int


def hcp_code(name: str) -> str:
    """A code for an HCP named ``name``: its words' initials and digits, upper case."""
    words = [w for w in _CODE.split(name) if w]
    return "HCP-" + ("".join(w[0] for w in words).upper() or "X")


def _cell(cells: list[str], i: int | None) -> str:
    return cells[i].strip() if i is not None and i < len(cells) else ""


def read_hcp_map(path: Path) -> HcpMap:
    """Read ``path`` (CSV, UTF-8 with or without a BOM)."""
    src = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise UnreadableFileError(src, f"not a readable UTF-8 CSV file ({e})") from None
    rows = list(csv.reader(text.splitlines()))
    if not rows:
        raise WorkbookError(
            [
                Issue(
                    file=src,
                    sheet=None,
                    row=1,
                    column=None,
                    message="the file is empty; expected pcn,hcp",
                )
            ]
        )
    header = [h.strip().lower() for h in rows[0]]
    issues: list[Issue] = []
    for need in ("pcn", "hcp"):
        if need not in header:
            issues.append(
                Issue(
                    file=src,
                    sheet=None,
                    row=1,
                    column=need,
                    message="this column is missing (pcn, hcp)",
                )
            )
    if issues:
        raise WorkbookError(issues)
    i_pcn, i_hcp = header.index("pcn"), header.index("hcp")
    i_code = header.index("hcp_code") if "hcp_code" in header else None
    hcp_of: dict[str, tuple[str, str]] = {}
    first_row: dict[str, int] = {}
    codes: dict[str, str] = {}  # HCP code -> name, one name per code
    for n, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        pcn, name = _cell(cells, i_pcn).upper(), _cell(cells, i_hcp)
        if not pcn:
            issues.append(
                Issue(
                    file=src,
                    sheet=None,
                    row=n,
                    column="pcn",
                    message="empty; give the PCN's ODS code",
                )
            )
            continue
        if not name:
            issues.append(
                Issue(
                    file=src,
                    sheet=None,
                    row=n,
                    column="hcp",
                    message="empty; give the partnership's name",
                )
            )
            continue
        code = _cell(cells, i_code) or hcp_code(name)
        if codes.setdefault(code, name) != name:
            issues.append(
                Issue(
                    file=src,
                    sheet=None,
                    row=n,
                    column="hcp_code" if i_code is not None else "hcp",
                    message=f"HCP code {code!r} already names {codes[code]!r}; give each "
                    "partnership its own hcp_code",
                )
            )
            continue
        if pcn in hcp_of:
            issues.append(
                Issue(
                    file=src,
                    sheet=None,
                    row=n,
                    column="pcn",
                    message=f"{pcn} is already mapped on row {first_row[pcn]}",
                )
            )
            continue
        hcp_of[pcn] = (code, name)
        first_row[pcn] = n
    if issues:
        raise WorkbookError(issues)
    return HcpMap(source=src, hcp_of=hcp_of, rows_read=len(rows) - 1)
