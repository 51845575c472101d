"""Expected contacts a week once referrals and re-presentations are added, in closed form.

The simulator (docs/model.md, "Referrals") starts episodes of each activity at the
demand table's rate ÷ `contacts_per_episode`; after an episode's last contact it refers
on with each `Referral.probability`, and a referral screened out (probability
`rejection_probability × (1 − integration_level)`) re-presents as one episode of
`represent_activity`. Episodes therefore flow along a linear network: with `e0` the
table's episodes a week (a row per INT) and `M[b, a]` the episodes of `a` started by one
episode of `b`, the episodes a week are `E = e0 + E·M`, so `E = e0·(I − M)⁻¹`, and the
contacts are `E × contacts_per_episode`.

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
from intplan.domain import ActivityType, Referral, Scenario, Settings


def contacts_per_episode(activities: Sequence[ActivityType]) -> NDArray[np.float64]:
    """Mean contacts of an episode per activity (the first contact and its follow-ups)."""
    return np.array([a.contacts_per_episode for a in activities])


def episode_flow(
    activities: Sequence[str], referrals: Iterable[Referral], settings: Settings
) -> NDArray[np.float64]:
    """``M[b, a]``: episodes of ``activities[a]`` started by one episode of ``activities[b]``
    (referrals that go through, and re-presentations of those screened out)."""
    index = {c: k for k, c in enumerate(activities)}
    rep = index.get(settings.represent_activity, -1)
    screened = 1.0 - settings.integration_level
    flow = np.zeros((len(activities), len(activities)))
    for ref in referrals:
        b, a = index.get(ref.from_activity), index.get(ref.to_activity)
        if b is None or a is None:
            continue  # referrals into or out of meetings: the simulator ignores them
        rejected = ref.rejection_probability * screened if rep >= 0 else 0.0
        flow[b, a] += ref.probability * (1.0 - rejected)
        if rep >= 0:
            flow[b, rep] += ref.probability * rejected
    return flow


def expected_contacts(
    scenario: Scenario, activities: tuple[str, ...], table_contacts: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Total contacts a week per activity (last axis) given the demand table's contacts
    a week ``table_contacts`` (any leading axes, e.g. one row per INT)."""
    cpe = contacts_per_episode([scenario.activity_by_code[a] for a in activities])
    flow = episode_flow(activities, scenario.referrals, scenario.settings)
    episodes = np.linalg.solve((np.eye(len(activities)) - flow).T, (table_contacts / cpe).T).T
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
    flow = episode_flow([a.code for a in activities], referrals, settings)
    return np.asarray(cpe * ((anchor_contacts / cpe) @ flow), dtype=np.float64)
