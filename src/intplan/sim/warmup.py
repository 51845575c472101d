"""How many weeks to simulate and discard before measuring: a rule computed from the
scenario (docs/model.md, "Warm-up").

The model starts empty: no queues, no episodes in progress, no referrals on their way.
A stream of booked arrivals (an activity's follow-ups, the referrals along one route)
first carries requests one delay after the contacts that feed it, and a referred
activity's own follow-ups one booking interval after that; new episodes booked ahead on
purpose start their chain one mean booking lead late. The rule waits for the
*longest such chain* to have carried its first requests, plus a margin for the queues
to settle: warm-up = ceil(longest chain in weeks + margin). Only routes that bring a
tenth or more of their destination's episodes count.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from intplan.demand import base_weekly_contacts, patient_activities
from intplan.domain import Scenario
from intplan.domain.units import HOURS_PER_WEEK

#: assumption: queues fed at their steady rate settle within a month (the old default)
MARGIN_WEEKS = 4.0
#: the Settings sheet's upper bound on warm-up weeks
MAX_WARMUP_WEEKS = 104
#: assumption: a route bringing less than this share of an activity's episodes does not
#: delay its settling enough to count
SIGNIFICANT_SHARE = 0.1
#: simple paths explored before settling for the longest found (a dense referral graph
#: of many activities has too many to list; real ones have a few hundred)
_MAX_EXPANSIONS = 200_000


@dataclass(frozen=True, slots=True, kw_only=True)
class WarmupChoice:
    weeks: int
    rule: str  # a short description of how ``weeks`` was chosen


def _episodes_per_week(scenario: Scenario, acts: tuple[str, ...]) -> dict[str, float]:
    """Expected new episodes a week per activity over all INTs (base demand and
    referrals, one referral chance per episode as the workbook defines it)."""
    base = {
        c: sum(base_weekly_contacts(scenario, i.code, c) for i in scenario.ints)
        / scenario.activity_by_code[c].contacts_per_episode
        for c in acts
    }
    episodes = dict(base)
    for _ in range(len(acts) + 1):  # referral chains are at most this long
        inflow = dict.fromkeys(acts, 0.0)
        for route, share in _routes(scenario, acts):
            inflow[route.to] += episodes[route.frm] * share
        episodes = {c: base[c] + inflow[c] for c in acts}
    return episodes


@dataclass(frozen=True, slots=True)
class _Route:
    frm: str
    to: str
    hours: float


def _routes(scenario: Scenario, acts: tuple[str, ...]) -> list[tuple[_Route, float]]:
    """Every booked route between patient activities with the share of the source's
    episodes it carries: referrals (delay × (1 − integration)) and the re-presentation
    of screened-out ones."""
    known = set(acts)
    settings = scenario.settings
    keep = 1.0 - settings.integration_level
    rep = settings.represent_activity
    out: list[tuple[_Route, float]] = []
    for ref in scenario.referrals:
        if ref.from_activity not in known or ref.to_activity not in known:
            continue
        rejected = ref.rejection_probability * keep if rep in known else 0.0
        out.append(
            (
                _Route(ref.from_activity, ref.to_activity, ref.delay_hours * keep),
                ref.probability * (1.0 - rejected),
            )
        )
        if rejected > 0:
            out.append(
                (
                    _Route(ref.from_activity, rep, settings.represent_delay_hours),
                    ref.probability * rejected,
                )
            )
    return out


def longest_delay_chain(scenario: Scenario) -> tuple[float, tuple[str, ...]]:
    """The longest chain of booking delays (hours) and the activities along it.

    Each activity with follow-ups (more than one contact an episode) adds its booking
    interval (``followup_interval_days``, else the response target); each
    route adds its delay. A route counts only if it brings at least
    :data:`SIGNIFICANT_SHARE` of its destination's episodes: a trickle arriving late
    hardly moves the destination's level. Chains are simple paths (no activity twice)."""
    acts = patient_activities(scenario)
    own = {
        c: scenario.activity_by_code[c].followup_interval_hours
        if scenario.activity_by_code[c].contacts_per_episode > 1
        else 0.0
        for c in acts
    }
    episodes = _episodes_per_week(scenario, acts)
    edges: dict[str, list[tuple[str, float]]] = {c: [] for c in acts}
    for route, share in _routes(scenario, acts):
        brought = episodes[route.frm] * share
        if brought > 0 and brought >= SIGNIFICANT_SHARE * episodes[route.to]:
            edges[route.frm].append((route.to, route.hours))
    best: tuple[float, tuple[str, ...]] = (0.0, ())
    expansions = 0

    def walk(node: str, hours: float, path: tuple[str, ...]) -> None:
        nonlocal best, expansions
        expansions += 1
        if hours > best[0]:
            best = (hours, path)
        if expansions > _MAX_EXPANSIONS:
            return
        for nxt, delay in edges[node]:
            if nxt not in path:
                walk(nxt, hours + delay + own[nxt], (*path, nxt))

    for start in acts:
        if episodes[start] > 0:
            walk(start, _lead_hours(scenario, start) + own[start], (start,))
    return best


def _lead_hours(scenario: Scenario, activity: str) -> float:
    """The mean booking lead, in hours, of an activity that books at least
    :data:`SIGNIFICANT_SHARE` of its new episodes ahead on purpose, else 0 (a chain's
    first link only: referred episodes are not booked ahead)."""
    a = scenario.activity_by_code[activity]
    if (
        a.books_ahead
        and a.booked_ahead_mean_days
        and (a.booked_ahead_share or 0.0) >= (SIGNIFICANT_SHARE)
    ):
        return a.booked_ahead_mean_days * 24.0
    return 0.0


def choose_warmup(scenario: Scenario, override: int | None = None) -> WarmupChoice:
    """Warm-up weeks and how they were chosen: ``override`` (the ``--warmup-weeks``
    option) if given; else the longest delay chain plus :data:`MARGIN_WEEKS`, rounded up,
    and never below the scenario's ``Settings.warmup_weeks`` (its floor)."""
    if override is not None:
        return WarmupChoice(weeks=override, rule="given (--warmup-weeks)")
    hours, path = longest_delay_chain(scenario)
    chain_weeks = hours / HOURS_PER_WEEK
    by_rule = min(MAX_WARMUP_WEEKS, math.ceil(chain_weeks + MARGIN_WEEKS - 1e-9))
    floor = scenario.settings.warmup_weeks
    chain = " > ".join(path) if len(path) > 1 else (path[0] if path else "none")
    rule = (
        f"longest follow-up/referral delay chain {chain} ({chain_weeks:.1f} weeks)"
        f" + {MARGIN_WEEKS:g} weeks margin, rounded up"
    )
    if by_rule >= floor:
        return WarmupChoice(weeks=by_rule, rule=rule)
    return WarmupChoice(
        weeks=floor, rule=f"Settings warmup_weeks ({floor}), more than the rule's {by_rule}: {rule}"
    )
