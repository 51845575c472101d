"""Known answers for referral semantics: a referral is decided once per EPISODE.

docs/workbook-format.md defines `Referrals.probability` as the "share of episodes referred
on", and a rejected referral re-presents once. Scenario: activity A has episodes of
`c` contacts on average (one first contact and a geometric number of follow-ups with mean
`c - 1`); A refers to B with probability `p`; B and the re-presentation activity R have no
demand of their own. Then per week

    B's arrivals = p x (1 - rejection) x A's episodes
    R's arrivals = p x rejection x A's episodes

whatever `c` is; deciding per contact would multiply both by `c`.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable

import pytest

from intplan.domain import DemandRate, Referral, Scenario
from intplan.sim.engine import run_replication
from intplan.sim.model import compile_scenario
from intplan.sim.replications import replication_seeds

T = "test: referral known answer"
WEEKS, WARMUP = 30, 2
#: A's contacts a week; episodes a week = this / contacts per episode
A_CONTACTS_PER_WEEK = 480.0


def referral_chain(
    make_queue: Callable[..., Scenario], *, contacts: float, p: float, rejection: float
) -> Scenario:
    """A (episodes of ``contacts`` contacts) -> B with ``p``; rejected ones re-present as R.

    Plenty of fast servers, so every request is served at once and nothing escalates or
    waits past the end: the counts are the referral process alone."""
    base = make_queue(
        servers=8,
        arrivals_per_hour=(A_CONTACTS_PER_WEEK / 168.0, 0.0, 0.0),
        mean_minutes=5.0,
        priorities=(1, 1, 1),
    )
    a, b, r = base.activities
    return dataclasses.replace(
        base,
        activities=(dataclasses.replace(a, contacts_per_episode=contacts), b, r),
        demand_rates=tuple(
            DemandRate(activity=x.code, age_band="18-64", per_1000_per_week=v, source=T)
            for x, v in ((a, A_CONTACTS_PER_WEEK), (b, 0.0), (r, 0.0))
        ),
        referrals=(
            Referral(
                from_activity=a.code,
                to_activity=b.code,
                probability=p,
                delay_hours=1.0,
                rejection_probability=rejection,
                source=T,
            ),
        ),
        settings=dataclasses.replace(
            base.settings, represent_activity=r.code, represent_delay_hours=1.0
        ),
    )


def weekly_arrivals(scenario: Scenario, seed: int = 11) -> tuple[float, float, float]:
    model = compile_scenario(scenario, weeks=WEEKS, warmup_weeks=WARMUP)
    (ss,) = replication_seeds(seed, 0, 1)
    res = run_replication(model, ss, len(scenario.ints))
    a, b, r = res.arrivals[0] / WEEKS
    return float(a), float(b), float(r)


def assert_poisson_rate(observed_per_week: float, expected_per_week: float) -> None:
    """Counts over the run are Poisson (thinned Poisson episodes): within 4 sd."""
    n_obs, n_exp = observed_per_week * WEEKS, expected_per_week * WEEKS
    assert abs(n_obs - n_exp) < 4.0 * math.sqrt(n_exp) + 1.0, (
        f"{observed_per_week:.2f} a week, expected {expected_per_week:.2f}"
    )


@pytest.mark.parametrize("contacts", [1.0, 4.0])
def test_referrals_are_decided_once_per_episode(
    make_queue: Callable[..., Scenario], contacts: float
) -> None:
    p = 0.25
    a, b, r = weekly_arrivals(referral_chain(make_queue, contacts=contacts, p=p, rejection=0.0))
    assert_poisson_rate(a, A_CONTACTS_PER_WEEK)  # A's contacts as the demand table says
    episodes = A_CONTACTS_PER_WEEK / contacts
    assert_poisson_rate(b, p * episodes)  # not p x A's contacts
    assert r == 0.0


@pytest.mark.parametrize("contacts", [1.0, 4.0])
def test_rejected_referrals_re_present_once_per_episode(
    make_queue: Callable[..., Scenario], contacts: float
) -> None:
    p, rejection = 0.3, 0.5
    _, b, r = weekly_arrivals(
        referral_chain(make_queue, contacts=contacts, p=p, rejection=rejection)
    )
    episodes = A_CONTACTS_PER_WEEK / contacts
    assert_poisson_rate(b, p * (1.0 - rejection) * episodes)
    assert_poisson_rate(r, p * rejection * episodes)


def test_integration_level_cuts_rejections_not_referrals(
    make_queue: Callable[..., Scenario],
) -> None:
    p, rejection, integration = 0.3, 0.5, 0.6
    s = referral_chain(make_queue, contacts=4.0, p=p, rejection=rejection)
    s = dataclasses.replace(
        s, settings=dataclasses.replace(s.settings, integration_level=integration)
    )
    _, b, r = weekly_arrivals(s)
    episodes = A_CONTACTS_PER_WEEK / 4.0
    rejected = rejection * (1.0 - integration)
    assert_poisson_rate(b, p * (1.0 - rejected) * episodes)
    assert_poisson_rate(r, p * rejected * episodes)
