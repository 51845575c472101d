"""Home-visit travel: minutes added to every home contact in an INT.

The simulator adds this to each home-setting contact (``intplan.sim.model`` calls
:func:`home_visit_travel_minutes`), and the workload model counts the same minutes.
"""

from __future__ import annotations

import math

from intplan.domain import Scenario
from intplan.domain.units import MINUTES_PER_HOUR

#: assumption: even a single-practice INT's home visits are a short drive apart (~2 km)
MIN_HOME_VISIT_KM = 2.0


def mean_distance_km(xy: list[tuple[float, float]]) -> float:
    """Mean straight-line distance between every pair of points (0 for fewer than two)."""
    if len(xy) < 2:
        return 0.0
    d = [math.dist(p, q) for i, p in enumerate(xy) for q in xy[i + 1 :]]
    return sum(d) / len(d)


def home_visit_travel_minutes(scenario: Scenario, int_code: str) -> float:
    """Travel minutes per home visit: the mean distance between the INT's practices (at
    least :data:`MIN_HOME_VISIT_KM`) at ``settings.travel_speed_kmh``."""
    xy = [
        (scenario.practice_by_code[p].x_km, scenario.practice_by_code[p].y_km)
        for p in scenario.int_by_code[int_code].practices
    ]
    km = max(mean_distance_km(xy), MIN_HOME_VISIT_KM)
    return km / scenario.settings.travel_speed_kmh * MINUTES_PER_HOUR
