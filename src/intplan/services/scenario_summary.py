"""A scenario's headline numbers (size, staff, demand and capacity), for side-by-side lists."""

from __future__ import annotations

import math
from dataclasses import dataclass

from intplan.domain import Scenario
from intplan.services.capacity import capacity_table


@dataclass(frozen=True, slots=True, kw_only=True)
class ScenarioSummary:
    """One scenario's headline numbers, from its inputs (nothing simulated)."""

    label: str
    ints: int
    practices: int
    population: int
    headcount: int  # people in post (vacant posts left out)
    fte: float  # FTE in post
    demand_hours_per_week: float  # summed over INTs (services.capacity)
    capacity_hours_per_week: float

    @property
    def demand_share_of_capacity(self) -> float:
        c = self.capacity_hours_per_week
        return self.demand_hours_per_week / c if c else math.nan


def summarise(label: str, scenario: Scenario) -> ScenarioSummary:
    table = capacity_table(scenario)
    filled = [p for p in scenario.staff if not p.vacant]
    return ScenarioSummary(
        label=label,
        ints=len(scenario.ints),
        practices=len(scenario.practices),
        population=scenario.population,
        headcount=len(filled),
        fte=sum(p.fte for p in filled),
        demand_hours_per_week=sum(i.demand_hours_per_week for i in table.ints),
        capacity_hours_per_week=sum(i.capacity_hours_per_week for i in table.ints),
    )
