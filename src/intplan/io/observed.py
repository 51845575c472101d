"""Read a user's own observed activity for ``intplan calibrate --observed FILE``.

Two CSV formats, recognised by their header row:

* an NHS England **Appointments in General Practice** practice-level crosstab
  (``Practice_Level_Crosstab_<Mon>_<YY>.csv``): the columns used are
  ``APPOINTMENT_MONTH_START_DATE, GP_CODE, TIME_BETWEEN_BOOK_AND_APPT,
  COUNT_OF_APPOINTMENTS, APPT_STATUS`` (others are ignored). Every row counts as
  activity ``GP`` (all general-practice appointments) of its practice.
* a **simple activity count** CSV: ``area, activity, bucket, count, months`` and an
  optional ``status``. ``area`` is an INT or practice code of the scenario, ``activity``
  an activity code (e.g. ``SDC``), ``bucket`` one of :data:`BUCKETS` or ``all`` (not
  known), ``count`` the contacts in ``months`` months, ``status`` ``attended`` (default)
  or ``dna``.

Every problem is collected with file, row and column and raised together. Areas are not
checked here (the reader does not know the scenario): the calibration service reports
rows for areas it does not know.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from intplan.io.errors import Issue, UnreadableFileError, WorkbookError

#: the NHS booking categories, request (booking) to appointment, in order
BUCKETS: tuple[str, ...] = (
    "same_day",
    "1_day",
    "2_7_days",
    "8_14_days",
    "15_21_days",
    "22_28_days",
    "over_28_days",
)
UNKNOWN_BUCKET = "unknown"
STATUSES = ("attended", "dna", "unknown")

#: Appointments in General Practice labels (note the double spaces the NHS uses)
AGP_BUCKETS: dict[str, str] = {
    "Same Day": "same_day",
    "1 Day": "1_day",
    "2 to 7 Days": "2_7_days",
    "8  to 14 Days": "8_14_days",
    "15  to 21 Days": "15_21_days",
    "22  to 28 Days": "22_28_days",
    "More than 28 Days": "over_28_days",
    "Unknown / Data Issue": UNKNOWN_BUCKET,
    "Unknown / Data Quality": UNKNOWN_BUCKET,
}
AGP_STATUSES = {"Attended": "attended", "DNA": "dna", "Unknown": "unknown"}
AGP_COLUMNS = (
    "APPOINTMENT_MONTH_START_DATE",
    "GP_CODE",
    "TIME_BETWEEN_BOOK_AND_APPT",
    "COUNT_OF_APPOINTMENTS",
    "APPT_STATUS",
)
SIMPLE_COLUMNS = ("area", "activity", "bucket", "count", "months")
#: the activity code an appointments extract is counted under
GP_ALL = "GP"


@dataclass(slots=True, kw_only=True)
class ObservedCounts:
    """Counts per (area, activity, bucket, status); ``months`` the period they cover."""

    file: str
    kind: str  # "appointments_extract" or "activity_counts"
    counts: dict[tuple[str, str, str, str], float] = field(default_factory=dict)
    months: dict[str, float] = field(default_factory=dict)  # area -> months covered
    rows: dict[str, int] = field(default_factory=dict)  # area -> data rows read

    def add(self, area: str, activity: str, bucket: str, status: str, count: float) -> None:
        key = (area, activity, bucket, status)
        self.counts[key] = self.counts.get(key, 0.0) + count
        self.rows[area] = self.rows.get(area, 0) + 1


def read_observed(path: Path) -> ObservedCounts:
    """Read either format (chosen by the header row); raise ``WorkbookError`` listing
    every bad cell, or ``UnreadableFileError`` for a file that is not such a CSV."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            reader = csv.reader(f)
            header = [h.strip() for h in next(reader, [])]
            body = list(enumerate(reader, start=2))
    except OSError as e:
        raise UnreadableFileError(str(path), f"cannot read: {e.strerror or e}") from e
    except (UnicodeDecodeError, csv.Error) as e:
        raise UnreadableFileError(str(path), f"not a UTF-8 CSV file: {e}") from e
    if all(c in header for c in AGP_COLUMNS):
        return _read_agp(path, header, body)
    if all(c in header for c in SIMPLE_COLUMNS):
        return _read_simple(path, header, body)
    raise UnreadableFileError(
        str(path),
        "the header row is neither an Appointments in General Practice practice-level "
        f"extract (needs {', '.join(AGP_COLUMNS)}) nor a simple activity count CSV "
        f"(needs {', '.join(SIMPLE_COLUMNS)}); see docs/calibration.md",
    )


class _Cells:
    def __init__(self, path: Path, header: list[str], issues: list[Issue]) -> None:
        self.file = path.name
        self.index = {h: i for i, h in enumerate(header)}
        self.issues = issues

    def get(self, values: list[str], column: str) -> str:
        i = self.index.get(column)
        return values[i] if i is not None and i < len(values) else ""

    def fail(self, row: int, column: str | None, message: str) -> None:
        self.issues.append(
            Issue(file=self.file, sheet=None, row=row, column=column, message=message)
        )

    def count(self, row: int, values: list[str], column: str) -> float | None:
        text = self.get(values, column).strip()
        try:
            v = float(text.replace(",", ""))
        except ValueError:
            self.fail(row, column, f"{text!r} is not a number")
            return None
        if not v >= 0 or v == float("inf"):
            self.fail(row, column, f"must be a count of 0 or more (got {text!r})")
            return None
        return v


def _read_agp(path: Path, header: list[str], body: list[tuple[int, list[str]]]) -> ObservedCounts:
    issues: list[Issue] = []
    cells = _Cells(path, header, issues)
    out = ObservedCounts(file=path.name, kind="appointments_extract")
    months: dict[str, set[str]] = {}
    for row, values in body:
        if not any(v.strip() for v in values):
            continue
        practice = cells.get(values, "GP_CODE").strip()
        month = cells.get(values, "APPOINTMENT_MONTH_START_DATE").strip()
        label = cells.get(values, "TIME_BETWEEN_BOOK_AND_APPT")  # not stripped: "8  to 14"
        status_label = cells.get(values, "APPT_STATUS").strip()
        ok = True
        if not practice:
            cells.fail(row, "GP_CODE", "must not be blank")
            ok = False
        if not month:
            cells.fail(row, "APPOINTMENT_MONTH_START_DATE", "must not be blank")
            ok = False
        bucket = AGP_BUCKETS.get(label.strip()) or AGP_BUCKETS.get(label)
        if bucket is None:
            cells.fail(
                row,
                "TIME_BETWEEN_BOOK_AND_APPT",
                f"{label!r} is not one of {', '.join(repr(k) for k in AGP_BUCKETS)}",
            )
            ok = False
        status = AGP_STATUSES.get(status_label)
        if status is None:
            cells.fail(
                row, "APPT_STATUS", f"{status_label!r} is not one of {', '.join(AGP_STATUSES)}"
            )
            ok = False
        count = cells.count(row, values, "COUNT_OF_APPOINTMENTS")
        if ok and count is not None and bucket is not None and status is not None:
            out.add(practice, GP_ALL, bucket, status, count)
            months.setdefault(practice, set()).add(month)
    if issues:
        raise WorkbookError(issues)
    out.months = {area: float(len(m)) for area, m in months.items()}
    return out


def _read_simple(
    path: Path, header: list[str], body: list[tuple[int, list[str]]]
) -> ObservedCounts:
    issues: list[Issue] = []
    cells = _Cells(path, header, issues)
    out = ObservedCounts(file=path.name, kind="activity_counts")
    for row, values in body:
        if not any(v.strip() for v in values):
            continue
        area = cells.get(values, "area").strip()
        activity = cells.get(values, "activity").strip()
        bucket = cells.get(values, "bucket").strip() or "all"
        status = cells.get(values, "status").strip().lower() or "attended"
        ok = True
        for column, text in (("area", area), ("activity", activity)):
            if not text:
                cells.fail(row, column, "must not be blank")
                ok = False
        if bucket == "all":
            bucket = UNKNOWN_BUCKET
        elif bucket not in BUCKETS:
            cells.fail(row, "bucket", f"{bucket!r} is not 'all' or one of {', '.join(BUCKETS)}")
            ok = False
        if status not in ("attended", "dna"):
            cells.fail(row, "status", f"{status!r} is not 'attended' or 'dna'")
            ok = False
        count = cells.count(row, values, "count")
        months = cells.count(row, values, "months")
        if months == 0:
            cells.fail(row, "months", "must be more than 0")
            months = None
        if not ok or count is None or months is None:
            continue
        known = out.months.get(area)
        if known is not None and known != months:
            cells.fail(row, "months", f"{area} was given {known:g} months on an earlier row")
            continue
        out.months[area] = months
        out.add(area, activity, bucket, status, count)
    if issues:
        raise WorkbookError(issues)
    return out
