"""Expected contacts a week per INT × activity: base demand with its follow-ups, referral
episodes and re-presentations, over the measured weeks (mean) and in the peak week.

The simulator's rules (``intplan.sim``; docs/workbook-format.md, Referrals):

- A demand rate counts *contacts*; they arrive as episodes of ``contacts_per_episode``
  contacts on average (the first contact plus geometric follow-ups), so base episodes a
  week = base contacts ÷ contacts per episode.
- At an episode's last contact, a referral route from its activity is taken with the
  route's probability (the probability is *per episode*). The referral is screened out
  with ``rejection_probability × (1 − integration_level)``; a screened-out referral
  re-presents as a new episode of ``settings.represent_activity`` (when that is not a
  patient activity, nothing is screened out). Referred and re-presented episodes have
  their own follow-ups and referrals, so episodes solve E = E₀ + E·M (M: episodes of each
  activity started per episode of another).
- Seasonality × growth × interventions scale base demand week by week (week 0 = first
  measured week). ``contacts_per_week`` uses their mean over the measured weeks (what a
  run's averages see); ``peak_contacts_per_week`` puts every activity at its highest week
  at once (an upper bound on any single week's expected load).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from intplan.demand.attendance import (
    EpisodeAttendance,
    dna_after,
    episode_attendance,
    first_contact_dna,
)
from intplan.demand.model import (
    base_weekly_contacts,
    growth_factor,
    intervention_factor,
    patient_activities,
    seasonality_factor,
)
from intplan.domain import IntplanError, Referral, Scenario, Settings
from intplan.domain.units import HOURS_PER_WEEK


class ReferralLoopError(IntplanError):
    """Referral routes form a loop that never ends, so demand is unbounded."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ActivityContacts:
    """Expected contacts a week of one activity in one INT (mean over the measured weeks)."""

    int_code: str
    activity: str
    base_per_week: float  # from the demand rates, follow-ups included
    referred_per_week: float  # contacts of referral episodes accepted into this activity
    represented_per_week: float  # contacts of re-presentation episodes (screened-out referrals)
    episodes_per_week: float
    peak_contacts_per_week: float  # every activity in its highest week at once

    @property
    def contacts_per_week(self) -> float:
        return self.base_per_week + self.referred_per_week + self.represented_per_week


def week_factors(scenario: Scenario, int_code: str, activity: str, weeks: int) -> list[float]:
    """Seasonality × growth × interventions for measured weeks 0 … ``weeks`` − 1."""
    g = scenario.settings.annual_growth_pct
    return [
        seasonality_factor(scenario, activity, w)
        * growth_factor(g, w)
        * intervention_factor(scenario, int_code, activity, w)
        for w in range(weeks)
    ]


def episode_flows(
    scenario: Scenario, acts: tuple[str, ...]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Per episode of ``acts[b]``: ``accepted[b, a]`` referral episodes of ``acts[a]`` started,
    and ``rejected[b]`` screened-out referrals (they re-present). Routes are taken as the
    simulator takes them: one uniform per episode against cumulative probabilities."""
    return route_flows(acts, scenario.referrals, scenario.settings)


def route_flows(
    acts: Sequence[str], referrals: Iterable[Referral], settings: Settings
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """:func:`episode_flows` from the referral rows and settings alone (the example
    builders calibrate demand before a scenario exists)."""
    index = {a: k for k, a in enumerate(acts)}
    screening = settings.represent_activity in index  # else nothing is screened out
    reject_scale = 1.0 - settings.integration_level
    accepted = np.zeros((len(acts), len(acts)))
    rejected = np.zeros(len(acts))
    rows = list(referrals)
    for b in acts:
        cum = 0.0
        routes = sorted(
            (r for r in rows if r.from_activity == b and r.to_activity in index),
            key=lambda r: r.to_activity,
        )
        for r in routes:
            p = min(cum + r.probability, 1.0) - min(cum, 1.0)
            cum += r.probability
            screened = r.rejection_probability * reject_scale if screening else 0.0
            accepted[index[b], index[r.to_activity]] += p * (1.0 - screened)
            rejected[index[b]] += p * screened
    return accepted, rejected


def flow_matrix(
    acts: Sequence[str], referrals: Iterable[Referral], settings: Settings
) -> NDArray[np.float64]:
    """``M[b, a]``: episodes of ``acts[a]`` started by one episode of ``acts[b]``, referrals
    accepted and re-presentations of those screened out together."""
    accepted, rejected = route_flows(acts, referrals, settings)
    if rejected.any():
        accepted[:, list(acts).index(settings.represent_activity)] += rejected
    return accepted


def solve_episodes(
    base_episodes: NDArray[np.float64], m: NDArray[np.float64], acts: Sequence[str]
) -> NDArray[np.float64]:
    """Episodes a week per (INT, activity): E = E₀ + E·M, i.e. E = E₀ (I − M)⁻¹."""
    if m.size and float(np.max(np.abs(np.linalg.eigvals(m)))) >= 1.0 - 1e-12:
        looped = [acts[k] for k in range(len(acts)) if m[k].sum() >= 1.0 - 1e-12]
        raise ReferralLoopError(
            "Referrals: routes from "
            + (", ".join(looped) or "some activities")
            + " form a loop that every episode follows for ever, so demand never ends; "
            "lower a referral or rejection probability on the loop"
        )
    total = np.linalg.solve((np.eye(len(acts)) - m).T, base_episodes.T).T
    return np.asarray(total, dtype=np.float64)


def activity_contacts(
    scenario: Scenario, *, weeks: int | None = None, int_codes: tuple[str, ...] | None = None
) -> dict[tuple[str, str], ActivityContacts]:
    """(INT, activity) -> expected contacts a week, for every INT × patient activity.

    ``weeks``: measured weeks the mean runs over (default ``settings.horizon_weeks``).
    With did-not-attend on, contacts are those booked (missed ones and bookings again
    included) and only episodes that attend their last contact refer
    (:mod:`intplan.demand.attendance`)."""
    n_weeks = scenario.settings.horizon_weeks if weeks is None else weeks
    acts = patient_activities(scenario)
    if not acts:
        return {}
    ints = tuple(i.code for i in scenario.ints) if int_codes is None else int_codes
    mean_base = np.zeros((len(ints), len(acts)))
    peak_base = np.zeros((len(ints), len(acts)))
    for i, ic in enumerate(ints):
        for a, ac in enumerate(acts):
            base = base_weekly_contacts(scenario, ic, ac)
            if base <= 0:
                continue
            factors = week_factors(scenario, ic, ac, n_weeks)
            mean_base[i, a] = base * sum(factors) / len(factors)
            peak_base[i, a] = base * max(factors)
    flows = _Flows(scenario, acts, n_weeks * HOURS_PER_WEEK)
    mean = flows.contacts(mean_base)
    peak = flows.contacts(peak_base)
    out: dict[tuple[str, str], ActivityContacts] = {}
    for i, ic in enumerate(ints):
        for a, ac in enumerate(acts):
            out[(ic, ac)] = ActivityContacts(
                int_code=ic,
                activity=ac,
                base_per_week=float(mean.base[i, a]),
                referred_per_week=float(mean.referred[i, a]),
                represented_per_week=float(mean.represented[i, a]),
                episodes_per_week=float(mean.episodes[i, a]),
                peak_contacts_per_week=float(peak.total[i, a]),
            )
    return out


@dataclass(frozen=True, slots=True)
class _Contacts:
    """Contacts a week per (INT, activity) by how their episodes started."""

    base: NDArray[np.float64]
    referred: NDArray[np.float64]
    represented: NDArray[np.float64]
    episodes: NDArray[np.float64]

    @property
    def total(self) -> NDArray[np.float64]:
        return self.base + self.referred + self.represented


class _Flows:
    """Referral flows and each kind of episode's attendance, for one scenario."""

    def __init__(self, scenario: Scenario, acts: tuple[str, ...], horizon_hours: float) -> None:
        settings = scenario.settings
        n = len(acts)
        self.acts = acts
        self.cpe = np.array([scenario.activity_by_code[a].contacts_per_episode for a in acts])
        self.accepted, self.rejected = episode_flows(scenario, acts)
        self.rep = acts.index(settings.represent_activity) if self.rejected.any() else -1
        dna = settings.dna_probabilities()

        def attendance(a: int, first_dna: float) -> EpisodeAttendance:
            activity = scenario.activity_by_code[acts[a]]
            return episode_attendance(first_dna, activity, settings, horizon_hours)

        base = [attendance(a, first_contact_dna(scenario.activity_by_code[c], dna))
                for a, c in enumerate(acts)]  # fmt: skip
        self.base_attempts = np.array([x.attempts for x in base])
        self.base_completes = np.array([x.completes for x in base])
        keep = 1.0 - settings.integration_level
        delay = {(r.from_activity, r.to_activity): r.delay_hours * keep
                 for r in reversed(scenario.referrals)}  # fmt: skip
        self.route_attempts = np.ones((n, n))
        self.route_completes = np.ones((n, n))
        for b in range(n):
            for a in range(n):
                if self.accepted[b, a] > 0:
                    x = attendance(a, dna_after(delay[acts[b], acts[a]], dna))
                    self.route_attempts[b, a], self.route_completes[b, a] = x.attempts, x.completes
        rep = (
            attendance(self.rep, dna_after(settings.represent_delay_hours, dna))
            if self.rep >= 0
            else EpisodeAttendance(attempts=0.0, completes=0.0)
        )
        self.rep_attempts, self.rep_completes = rep.attempts, rep.completes
        # completed episodes of each activity started per completed episode of another
        self.completed_flow = self.accepted * self.route_completes
        if self.rep >= 0:
            self.completed_flow[:, self.rep] += self.rejected * self.rep_completes

    def contacts(self, base_contacts: NDArray[np.float64]) -> _Contacts:
        """Contacts a week from base contacts a week (per INT × activity, at the table's
        contacts per episode): E = E₀ + E·M on completed episodes, which alone refer."""
        started = base_contacts / self.cpe
        completed = solve_episodes(started * self.base_completes, self.completed_flow, self.acts)
        referred_episodes = completed @ self.accepted
        represented_episodes = np.zeros_like(started)
        if self.rep >= 0:
            represented_episodes[:, self.rep] = completed @ self.rejected
        return _Contacts(
            base=started * self.base_attempts,
            referred=completed @ (self.accepted * self.route_attempts),
            represented=represented_episodes * self.rep_attempts,
            episodes=started + referred_episodes + represented_episodes,
        )
