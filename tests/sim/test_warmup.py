"""The warm-up rule: the longest significant chain of booking delays plus a margin."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from intplan.domain import Referral, Scenario
from intplan.sim.warmup import MARGIN_WEEKS, choose_warmup, longest_delay_chain


def chain_scenario(make_queue: Callable[..., Scenario], *, trickle: float = 0.0) -> Scenario:
    """A0 (base demand, one contact) refers half its episodes to A1 after 100 h; A1 (three
    contacts an episode, booked 200 h apart) refers a third of its episodes to A2 after
    50 h: the chain A0 > A1 > A2 is 100 + 200 + 50 = 350 hours. With ``trickle``, A0
    also refers that share of its episodes straight to A2 after 2,000 hours."""
    base = make_queue(
        servers=2, arrivals_per_hour=(1.0, 0.0, 0.0), mean_minutes=10, priorities=(1, 2, 3)
    )
    acts = list(base.activities)
    acts[1] = dataclasses.replace(acts[1], contacts_per_episode=3, response_target_hours=200.0)

    def ref(frm: str, to: str, p: float, hours: float) -> Referral:
        return Referral(
            from_activity=frm,
            to_activity=to,
            probability=p,
            delay_hours=hours,
            rejection_probability=0.0,
            source="t",
        )

    refs = [ref("A0", "A1", 0.5, 100.0), ref("A1", "A2", 1 / 3, 50.0)]
    if trickle:
        refs.append(ref("A0", "A2", trickle, 2000.0))
    return dataclasses.replace(
        base,
        activities=tuple(acts),
        referrals=tuple(refs),
        settings=dataclasses.replace(base.settings, warmup_weeks=0),
    )


def test_the_rule_follows_the_known_chain(make_queue: Callable[..., Scenario]) -> None:
    scenario = chain_scenario(make_queue)
    hours, path = longest_delay_chain(scenario)
    assert hours == pytest.approx(350.0)
    assert path == ("A0", "A1", "A2")
    choice = choose_warmup(scenario)
    assert choice.weeks == 7  # ceil(350 / 168 + 4) = ceil(6.08)
    assert MARGIN_WEEKS == 4
    assert "A0 > A1 > A2 (2.1 weeks)" in choice.rule


def test_a_trickle_does_not_count_but_a_real_route_does(
    make_queue: Callable[..., Scenario],
) -> None:
    # A2 gets 0.5 x 1/3 of A0's episodes through A1; a direct 1% route is under a tenth
    # of that, a 10% route is more
    assert choose_warmup(chain_scenario(make_queue, trickle=0.01)).weeks == 7
    long_way = choose_warmup(chain_scenario(make_queue, trickle=0.1))
    assert long_way.weeks == 16  # ceil(2000 / 168 + 4) = ceil(15.9)
    assert "A0 > A2" in long_way.rule


def test_the_option_overrides_and_settings_are_a_floor(
    make_queue: Callable[..., Scenario],
) -> None:
    scenario = chain_scenario(make_queue)
    assert choose_warmup(scenario, 2).weeks == 2
    assert "given" in choose_warmup(scenario, 2).rule
    floored = dataclasses.replace(
        scenario, settings=dataclasses.replace(scenario.settings, warmup_weeks=10)
    )
    choice = choose_warmup(floored)
    assert choice.weeks == 10
    assert "Settings warmup_weeks (10)" in choice.rule


def test_kent_medway_is_longer_than_the_old_four_weeks() -> None:
    from intplan.examples import build_kent_medway

    assert choose_warmup(build_kent_medway()).weeks > 4


def test_new_episodes_booked_ahead_start_their_chain_a_mean_lead_late(
    make_queue: Callable[..., Scenario],
) -> None:
    scenario = chain_scenario(make_queue)
    acts = list(scenario.activities)
    acts[0] = dataclasses.replace(acts[0], booked_ahead_share=0.5, booked_ahead_mean_days=7.0)
    hours, path = longest_delay_chain(dataclasses.replace(scenario, activities=tuple(acts)))
    assert hours == pytest.approx(350.0 + 168.0)
    assert path == ("A0", "A1", "A2")
    # a share under a tenth does not count (as a trickle of referrals does not)
    acts[0] = dataclasses.replace(acts[0], booked_ahead_share=0.05)
    hours, _ = longest_delay_chain(dataclasses.replace(scenario, activities=tuple(acts)))
    assert hours == pytest.approx(350.0)


def test_a_follow_up_interval_replaces_the_target_in_the_chain(
    make_queue: Callable[..., Scenario],
) -> None:
    """A1's contacts 24 hours apart instead of its 200-hour target: 100 + 24 + 50."""
    s = chain_scenario(make_queue)
    acts = list(s.activities)
    assert acts[1].followup_interval_hours == 200.0  # blank: the response target
    acts[1] = dataclasses.replace(acts[1], followup_interval_days=1.0)
    hours, path = longest_delay_chain(dataclasses.replace(s, activities=tuple(acts)))
    assert path == ("A0", "A1", "A2")
    assert hours == pytest.approx(174.0)
