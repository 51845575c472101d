"""Expected contacts a week once referrals and re-presentations are added, in closed form.

The simulator (docs/model.md, "Referrals") starts episodes of each activity at the
demand table's rate ÷ `contacts_per_episode`; after an episode's last contact it refers
on with each `Referral.probability`, and a referral screened out (probability
`rejection_probability × (1 − integration_level)`) re-presents as one episode of
`represent_activity`. Episodes therefore flow along a linear network, `E = e0 + E·M`; the network and its
solution are the one workload model's (`intplan.demand.contacts`), used here on the
demand table alone (no seasonality, growth or interventions).

The bundled examples' demand rates are calibrated with this arithmetic so that an
activity's total (its own rate plus what is referred into it) matches the national
figure it is anchored to (docs/reference-data.md); tests/examples checks it against the
anchors and against a simulation.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from numpy.typing import NDArray

from intplan.demand import base_weekly_contacts, patient_activities
from intplan.demand.contacts import flow_matrix, solve_episodes
from intplan.domain import ActivityType, Referral, Scenario, Settings


def contacts_per_episode(activities: Sequence[ActivityType]) -> NDArray[np.float64]:
    """Mean contacts of an episode per activity (the first contact and its follow-ups)."""
    return np.array([a.contacts_per_episode for a in activities])


def expected_contacts(
    scenario: Scenario, activities: tuple[str, ...], table_contacts: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Total contacts a week per activity (last axis) given the demand table's contacts
    a week ``table_contacts`` (any leading axes, e.g. one row per INT)."""
    cpe = contacts_per_episode([scenario.activity_by_code[a] for a in activities])
    flow = flow_matrix(activities, scenario.referrals, scenario.settings)
    base = np.atleast_2d(table_contacts / cpe)
    episodes = solve_episodes(base, flow, activities).reshape(np.shape(table_contacts))
    return np.asarray(episodes * cpe, dtype=np.float64)


def table_contacts(scenario: Scenario, int_codes: tuple[str, ...]) -> NDArray[np.float64]:
    """The demand table's contacts a week per INT × patient activity (no seasonality,
    growth or interventions)."""
    acts = patient_activities(scenario)
    return np.array([[base_weekly_contacts(scenario, i, a) for a in acts] for i in int_codes])


def referred_contacts(
    activities: Sequence[ActivityType],
    referrals: Iterable[Referral],
    settings: Settings,
    anchor_contacts: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Contacts a week that referrals and re-presentations bring to each activity when
    every activity's total is its anchor (``anchor_contacts``, same order): a demand table
    of ``anchor − referred`` then gives totals equal to the anchors."""
    cpe = contacts_per_episode(activities)
    flow = flow_matrix([a.code for a in activities], referrals, settings)
    return np.asarray(cpe * ((anchor_contacts / cpe) @ flow), dtype=np.float64)
