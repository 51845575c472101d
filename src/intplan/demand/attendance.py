"""Did-not-attend in the expected contacts: what missed contacts do to an episode.

The simulator's rule (docs/model.md, "Did not attend"; Settings ``dna_enabled``): a booked
contact is missed with the probability of its booking category (calendar days from
booking to contact, Settings ``dna_*``), and its slot is used either way. A missed
contact is booked again ``dna_represent_delay_hours`` later with probability
``dna_represent_probability``; otherwise the episode ends there, with no more follow-ups
and no referral. So with did-not-attend on, an episode books more contacts per position
it reaches (missed ones, bookings again) but reaches fewer positions, and refers less.

Per episode this module gives the expected contacts booked (``attempts``: what takes
staff time and what the simulator counts as arrivals) and the chance the episode
completes (attends its last contact, so that its referral is decided). *Approximation:*
a contact's booking category is its booking delay alone (a follow-up's interval, a
referral's delay, a booking lead); time waiting in a queue is left out, as everywhere in
the workload model.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from intplan.domain import ActivityType, Settings, lead_cdf


def booking_bucket(days: int) -> int:
    """The NHS booking category (Settings ``DNA_BUCKET_DEFAULTS`` order) of a contact
    ``days`` calendar days after it was booked: the simulator's ``kernel.tally.bucket``."""
    if days <= 0:
        return 0
    if days == 1:
        return 1
    if days <= 28:
        return 2 + (days - 1) // 7
    return 6


def dna_after(hours: float, dna: Sequence[float]) -> float:
    """The did-not-attend probability of a contact booked ``hours`` ahead, the booking
    at a uniform time of day (so a delay of 30 hours is 1 or 2 calendar days)."""
    whole = math.floor(hours / 24.0)
    part = hours / 24.0 - whole
    return (1.0 - part) * dna[booking_bucket(whole)] + part * dna[booking_bucket(whole + 1)]


def lead_probabilities(mean_days: float) -> list[float]:
    """P(lead = d) for d = 1 .. MAX_LEAD_DAYS, from the simulator's lead distribution."""
    cdf = lead_cdf(mean_days)
    return [p - q for p, q in zip(cdf, (0.0, *cdf[:-1]), strict=True)]


def first_contact_dna(activity: ActivityType, dna: Sequence[float]) -> float:
    """DNA probability of a new (not referred) episode's first contact: the same day,
    or, for the share booked ahead on purpose, over the booking-lead distribution."""
    same_day = dna[0]
    if not activity.books_ahead or activity.booked_ahead_mean_days is None:
        return same_day
    share = activity.booked_ahead_share or 0.0
    ahead = sum(
        p * dna[booking_bucket(d)]
        for d, p in enumerate(lead_probabilities(activity.booked_ahead_mean_days), start=1)
    )
    return (1.0 - share) * same_day + share * ahead


@dataclass(frozen=True, slots=True)
class EpisodeAttendance:
    attempts: float  # expected contacts booked per episode (missed and rebooked included)
    completes: float  # probability the episode attends its last contact


def episode_attendance(
    first_dna: float, activity: ActivityType, settings: Settings, horizon_hours: float
) -> EpisodeAttendance:
    """Expected contacts booked and completion of one episode of ``activity`` whose first
    contact is missed with probability ``first_dna``. Follow-ups: a geometric number
    with mean ``contacts_per_episode`` − 1, each booked one follow-up interval ahead.
    With did-not-attend off: ``contacts_per_episode`` attempts, completion 1.

    A contact is booked again at most as often as the run's ``horizon_hours`` allows
    (one ``dna_represent_delay_hours`` apart): a patient who always misses and is always
    booked again books one contact per delay, not infinitely many."""
    dna = settings.dna_probabilities()
    again = settings.dna_represent_probability
    rebooked_dna = dna_after(settings.dna_represent_delay_hours, dna)
    # from a missed contact booked again: contacts until one is attended or not rebooked
    most = max(1.0, math.floor(horizon_hours / max(settings.dna_represent_delay_hours, 1.0)))
    x = rebooked_dna * again
    chain = most if x >= 1.0 else (1.0 - x**most) / (1.0 - x)

    def position(p: float) -> tuple[float, float]:
        """(contacts booked, attended) for one contact of the episode missed with ``p``."""
        return 1.0 + p * again * chain, (1.0 - p) + p * again * (1.0 - rebooked_dna) * chain

    c = activity.contacts_per_episode
    q = (c - 1.0) / c if c > 1.0 else 0.0  # P(another follow-up)
    a1, c1 = position(first_dna)
    af, cf = position(dna_after(activity.followup_interval_hours, dna))
    return EpisodeAttendance(
        attempts=a1 + c1 * af * q / (1.0 - q * cf),
        completes=c1 * (1.0 - q) / (1.0 - q * cf),
    )
