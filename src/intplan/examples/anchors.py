"""The totals each bundled example's demand rates are calibrated to (its anchors).

A demand table row is what starts new episodes; an anchor is ALL of the activity's
contacts, however they arrive (its own episodes, referrals, re-presentations). Kent &
Medway and Dorset take theirs from `resources/demand_rates.csv`'s
`anchor_per_1000_per_week` column (national figures, see docs/reference-data.md); tiny
has illustrative ones.
"""

from __future__ import annotations

import csv

from intplan.domain import DemandRate
from intplan.examples.tiny import anchor_rates as tiny_anchor_rates
from intplan.io.reference import resources_dir

ANCHOR_COLUMN = "anchor_per_1000_per_week"


def reference_anchor_rates() -> tuple[DemandRate, ...]:
    """The anchors of ``resources/demand_rates.csv``, as a demand table."""
    with (resources_dir() / "demand_rates.csv").open(newline="", encoding="utf-8") as f:
        return tuple(
            DemandRate(
                activity=row["activity"],
                age_band=row["age_band"],
                per_1000_per_week=float(row[ANCHOR_COLUMN]),
                source=row["source"],
            )
            for row in csv.DictReader(f)
        )


def anchor_rates(template: str) -> tuple[DemandRate, ...]:
    """The anchors of the bundled example ``template`` (a name in ``TEMPLATES``)."""
    return tiny_anchor_rates() if template == "tiny" else reference_anchor_rates()
