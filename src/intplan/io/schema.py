"""The scenario workbook's layout, declared once: every sheet, every column.

The writer, the reader, the reference CSV loader, the drop-down validations and
``docs/workbook-format.md`` are all driven by :data:`SHEETS`. A column's ``header``
carries its unit (``fte``, ``travel_minutes``, ``per_1000_per_week``); ``fields`` names
the domain attributes whose errors are reported against that column, ``attr`` the
attribute it holds. What a column and a sheet are: :mod:`intplan.io.schema_model`; the
sheets by area: :mod:`~intplan.io.schema_places`, :mod:`~intplan.io.schema_people`,
:mod:`~intplan.io.schema_demand`; the document: :mod:`~intplan.io.schema_doc`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from intplan.io.schema_demand import (
    ACTIVITIES,
    ARRIVAL_PROFILES,
    DEMAND_RATES,
    ELIGIBILITY,
    HOUR_HEADERS,
    INTERVENTIONS,
    REFERRALS,
    SEASONALITY,
)
from intplan.io.schema_model import (
    LIST_SEPARATOR,
    YES_NO,
    Column,
    Kind,
    SheetSpec,
)
from intplan.io.schema_people import (
    ASSIGNMENTS,
    ROLES,
    ROTAS,
    STAFF,
)
from intplan.io.schema_places import (
    ABOUT,
    ABOUT_KEYS,
    ADJACENCY,
    BAND_HEADERS,
    HCPS,
    INT_PRACTICES,
    INTS,
    PCNS,
    PRACTICES,
    SETTINGS,
    TEAM_PRACTICES,
    TEAMS,
)

#: Bumped when a sheet or column changes meaning; the reader refuses newer versions.
SCHEMA_VERSION = 1

if TYPE_CHECKING:
    from intplan.domain import Scenario

ILLUSTRATIVE_LABEL = (
    "ILLUSTRATIVE: this scenario uses fictional or modelled figures, not real NHS data"
)


def is_illustrative(scenario: Scenario) -> bool:
    """Whether the scenario says it is illustrative (or fictional) in its name or notes:
    such a workbook carries ILLUSTRATIVE_LABEL and the app and reports show a banner."""
    text = f"{scenario.name}\n{scenario.notes}".lower()
    return "illustrative" in text or "fictional" in text


#: Every input sheet, in workbook order.
SHEETS: tuple[SheetSpec, ...] = (
    ABOUT,
    SETTINGS,
    HCPS,
    PCNS,
    PRACTICES,
    INTS,
    INT_PRACTICES,
    ADJACENCY,
    TEAMS,
    TEAM_PRACTICES,
    ROTAS,
    ROLES,
    STAFF,
    ASSIGNMENTS,
    ARRIVAL_PROFILES,
    ACTIVITIES,
    ELIGIBILITY,
    REFERRALS,
    DEMAND_RATES,
    SEASONALITY,
    INTERVENTIONS,
)
SHEET_BY_NAME: dict[str, SheetSpec] = {s.name: s for s in SHEETS}


def format_markdown() -> str:
    """The reference for every sheet and column, as Markdown (docs/workbook-format.md)."""
    from intplan.io.schema_doc import markdown  # the document imports these declarations

    return markdown()


__all__ = [
    "ABOUT",
    "ABOUT_KEYS",
    "ACTIVITIES",
    "ADJACENCY",
    "ARRIVAL_PROFILES",
    "ASSIGNMENTS",
    "BAND_HEADERS",
    "DEMAND_RATES",
    "ELIGIBILITY",
    "HCPS",
    "HOUR_HEADERS",
    "ILLUSTRATIVE_LABEL",
    "INTERVENTIONS",
    "INTS",
    "INT_PRACTICES",
    "LIST_SEPARATOR",
    "PCNS",
    "PRACTICES",
    "REFERRALS",
    "ROLES",
    "ROTAS",
    "SCHEMA_VERSION",
    "SEASONALITY",
    "SETTINGS",
    "SHEETS",
    "SHEET_BY_NAME",
    "STAFF",
    "TEAMS",
    "TEAM_PRACTICES",
    "YES_NO",
    "Column",
    "Kind",
    "SheetSpec",
    "format_markdown",
    "is_illustrative",
]

if __name__ == "__main__":  # pragma: no cover - the doc generator
    import sys

    sys.stdout.write(format_markdown())
