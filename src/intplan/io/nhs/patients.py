"""Patients Registered at a GP Practice: the 5-year age band file and the practice map.

Publication: digital.nhs.uk, "Patients Registered at a GP Practice" (monthly). Files
``gp-reg-pat-prac-quin-age`` and ``gp-reg-pat-prac-map`` (docs/nhs-data.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from intplan.domain.geography import AGE_BANDS
from intplan.io.errors import Issue
from intplan.io.nhs._cells import Cells, extract_date
from intplan.io.nhs.tables import Table

#: the file's AGE_GROUP_5 values in order (``ALL`` is the practice total)
QUIN_BANDS: tuple[str, ...] = (
    *(f"{a}_{a + 4}" for a in range(0, 95, 5)),
    "95+",
)

#: share of each 5-year band that falls in each scenario band (AGE_BANDS: 0-17, 18-64,
#: 65-74, 75-84, 85+). 15_19 is split 3/5 : 2/5 (ages 15-17 and 18-19), assuming
#: people are spread evenly over the band's five single years of age.
_SPLIT: dict[str, tuple[float, float, float, float, float]] = {}
for _band in QUIN_BANDS:
    _low = 95 if _band == "95+" else int(_band.split("_")[0])
    if _low < 15:
        _SPLIT[_band] = (1, 0, 0, 0, 0)
    elif _low == 15:
        _SPLIT[_band] = (0.6, 0.4, 0, 0, 0)
    elif _low < 65:
        _SPLIT[_band] = (0, 1, 0, 0, 0)
    elif _low < 75:
        _SPLIT[_band] = (0, 0, 1, 0, 0)
    elif _low < 85:
        _SPLIT[_band] = (0, 0, 0, 1, 0)
    else:
        _SPLIT[_band] = (0, 0, 0, 0, 1)
assert len(AGE_BANDS) == 5


def to_scenario_bands(counts: dict[str, int]) -> tuple[int, int, int, int, int]:
    """5-year band counts -> the scenario's five bands (whole people, total kept)."""
    total = sum(counts.values())
    exact = [sum(n * _SPLIT[b][k] for b, n in counts.items()) for k in range(5)]
    out = [int(x) for x in exact]  # the 15_19 split is the only fraction; floor, then
    out[1] += total - sum(out)  # give the remainder to 18-64
    return out[0], out[1], out[2], out[3], out[4]


@dataclass(frozen=True, slots=True, kw_only=True)
class PracticeList:
    code: str
    postcode: str
    bands: tuple[int, int, int, int, int]
    stated_total: int | None  # the file's own SEX=ALL, AGE_GROUP_5=ALL figure


@dataclass(frozen=True, slots=True, kw_only=True)
class QuinAge:
    source: str
    extract_date: str | None
    practices: dict[str, PracticeList]
    rows_read: int


def read_quin_age(
    table: Table, issues: list[Issue], *, only: frozenset[str] | None = None
) -> QuinAge:
    """Practice rows (``ORG_TYPE=GP``) by 5-year band; other organisation levels are skipped.

    ``SEX=ALL`` rows are used where the file has them; otherwise MALE + FEMALE. With
    ``only``, rows of other practices are skipped unread (the national file holds every
    practice in England; a problem in another ICB's row is not this scenario's).
    """
    c = Cells(
        table,
        ("ORG_TYPE", "ORG_CODE", "SEX", "AGE_GROUP_5", "NUMBER_OF_PATIENTS"),
        ("EXTRACT_DATE", "POSTCODE"),
        issues=issues,
    )
    if not c.ok:
        return QuinAge(source=table.describe(), extract_date=None, practices={}, rows_read=0)
    by_sex: dict[tuple[str, str], dict[str, int]] = {}
    totals: dict[str, int] = {}
    postcodes: dict[str, str] = {}
    date: str | None = None
    n_rows = 0
    for row, cells in table.rows():
        n_rows += 1
        if c.get(cells, "ORG_TYPE").upper() != "GP":
            continue
        code = c.get(cells, "ORG_CODE").upper()
        if only is not None and code not in only:
            continue
        sex = c.get(cells, "SEX").upper()
        band = c.get(cells, "AGE_GROUP_5")
        if not code:
            issues.append(table.issue(row, c.header("ORG_CODE"), "the practice code is blank"))
            continue
        if sex not in ("ALL", "MALE", "FEMALE"):
            issues.append(table.issue(row, c.header("SEX"), f"{sex!r} is not ALL, MALE or FEMALE"))
            continue
        if band != "ALL" and band not in _SPLIT:
            issues.append(
                table.issue(
                    row, c.header("AGE_GROUP_5"), f"{band!r} is not a 5-year band (0_4 … 95+, ALL)"
                )
            )
            continue
        n = c.count(row, cells, "NUMBER_OF_PATIENTS")
        if n is None:
            continue
        if date is None:
            date = extract_date(c.get(cells, "EXTRACT_DATE"))
        postcodes.setdefault(code, c.get(cells, "POSTCODE"))
        if band == "ALL":
            if sex == "ALL":
                totals[code] = n
            continue
        counts = by_sex.setdefault((code, sex), {})
        counts[band] = counts.get(band, 0) + n
    practices: dict[str, PracticeList] = {}
    for code in sorted({k for k, _ in by_sex} | set(totals)):
        found = by_sex.get((code, "ALL"))
        if found is None:
            counts = dict(by_sex.get((code, "MALE"), {}))
            for b, n in by_sex.get((code, "FEMALE"), {}).items():
                counts[b] = counts.get(b, 0) + n
        else:
            counts = found
        practices[code] = PracticeList(
            code=code,
            postcode=postcodes.get(code, ""),
            bands=to_scenario_bands(counts),
            stated_total=totals.get(code),
        )
    return QuinAge(
        source=table.describe(), extract_date=date, practices=practices, rows_read=n_rows
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class MapRow:
    practice: str
    name: str
    postcode: str
    pcn: str
    pcn_name: str
    sub_icb: str
    sub_icb_name: str
    icb: str
    icb_ons: str
    icb_name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PracticeMap:
    source: str
    layout: str  # "sub-ICB" (July 2022 on) or "CCG" (before)
    extract_date: str | None
    rows: tuple[MapRow, ...]


#: column names of the two layouts: (sub-ICB/CCG code, name, ICB/STP code, ONS code, name)
_LAYOUTS = {
    "sub-ICB": (
        "SUB_ICB_LOCATION_CODE",
        "SUB_ICB_LOCATION_NAME",
        "ICB_CODE",
        "ONS_ICB_CODE",
        "ICB_NAME",
    ),
    "CCG": ("CCG_CODE", "CCG_NAME", "STP_CODE", "ONS_STP_CODE", "STP_NAME"),
}


def read_practice_map(table: Table, issues: list[Issue]) -> PracticeMap:
    """Practice -> PCN -> sub-ICB location (or CCG) -> ICB (or STP)."""
    layout = "sub-ICB" if table.has("ICB_CODE") else "CCG" if table.has("STP_CODE") else None
    if layout is None:
        issues.append(
            table.issue(
                table.first_row,
                None,
                "neither an ICB_CODE column (current layout) nor STP_CODE (CCG layout, before "
                "July 2022); download a mapping file from 2020 or later",
            )
        )
        return PracticeMap(source=table.describe(), layout="?", extract_date=None, rows=())
    sub, sub_name, icb, icb_ons, icb_name = _LAYOUTS[layout]
    c = Cells(
        table,
        ("PRACTICE_CODE", "PRACTICE_NAME", "PCN_CODE", "PCN_NAME", sub, icb),
        ("EXTRACT_DATE", "PRACTICE_POSTCODE", sub_name, icb_ons, icb_name),
        issues=issues,
    )
    if not c.ok:
        return PracticeMap(source=table.describe(), layout=layout, extract_date=None, rows=())
    rows: list[MapRow] = []
    date: str | None = None
    for row, cells in table.rows():
        code = c.get(cells, "PRACTICE_CODE").upper()
        if not code:
            issues.append(table.issue(row, c.header("PRACTICE_CODE"), "the practice code is blank"))
            continue
        if not c.get(cells, icb):
            issues.append(table.issue(row, c.header(icb), "the ICB code is blank"))
            continue
        if date is None:
            date = extract_date(c.get(cells, "EXTRACT_DATE"))
        rows.append(
            MapRow(
                practice=code,
                name=c.get(cells, "PRACTICE_NAME") or code,
                postcode=c.get(cells, "PRACTICE_POSTCODE"),
                pcn=c.get(cells, "PCN_CODE").upper(),
                pcn_name=c.get(cells, "PCN_NAME"),
                sub_icb=c.get(cells, sub).upper(),
                sub_icb_name=c.get(cells, sub_name),
                icb=c.get(cells, icb).upper(),
                icb_ons=c.get(cells, icb_ons).upper(),
                icb_name=c.get(cells, icb_name),
            )
        )
    return PracticeMap(source=table.describe(), layout=layout, extract_date=date, rows=tuple(rows))
