"""National benchmarks (``resources/national_benchmarks.csv``): what the NHS observes.

One row per measure: ``measure, value, comparison, tolerance, unit, period, source,
tolerance_source``. ``comparison`` is ``equal`` (within when |simulated - value| <=
tolerance) or ``at_least`` (a standard: within when simulated >= value - tolerance).
Every row names its ``source`` and why its tolerance is what it is. Problems are
collected (file, row, column) and raised together, as for the other reference CSVs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from intplan.io.errors import Issue, WorkbookError
from intplan.io.reference import resources_dir, rows_of

BENCHMARKS_FILE = "national_benchmarks.csv"
COMPARISONS = ("equal", "at_least")
_COLUMNS = (
    "measure",
    "value",
    "comparison",
    "tolerance",
    "unit",
    "period",
    "source",
    "tolerance_source",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Benchmark:
    measure: str
    value: float
    comparison: str  # "equal" or "at_least"
    tolerance: float
    unit: str
    period: str
    source: str
    tolerance_source: str

    def within(self, simulated: float) -> bool:
        if not math.isfinite(simulated):
            return False
        if self.comparison == "at_least":
            return simulated >= self.value - self.tolerance - 1e-12
        return abs(simulated - self.value) <= self.tolerance + 1e-12


def load_benchmarks(path: Path | None = None) -> tuple[Benchmark, ...]:
    """The benchmarks in file order (default: the bundled national ones)."""
    path = path or resources_dir() / BENCHMARKS_FILE
    issues: list[Issue] = []
    out: list[Benchmark] = []
    seen: set[str] = set()
    for r in rows_of(path, _COLUMNS, issues):
        measure = r.text("measure")
        value = r.number("value")
        tolerance = r.number("tolerance")
        comparison = r.text("comparison")
        if comparison and comparison not in COMPARISONS:
            r.fail("comparison", f"{comparison!r} is not one of {', '.join(COMPARISONS)}")
        if r.ok and tolerance < 0:
            r.fail("tolerance", "must be 0 or more")
        if measure in seen:
            r.fail("measure", f"{measure!r} is given twice")
        seen.add(measure)
        for column in ("unit", "period", "source", "tolerance_source"):
            r.text(column)
        if r.ok:
            out.append(
                Benchmark(
                    measure=measure,
                    value=value,
                    comparison=comparison,
                    tolerance=tolerance,
                    unit=r.raw("unit"),
                    period=r.raw("period"),
                    source=r.raw("source"),
                    tolerance_source=r.raw("tolerance_source"),
                )
            )
    if issues:
        raise WorkbookError(issues)
    return tuple(out)
