"""Erlang B and C against published table values and closed forms."""

from __future__ import annotations

import math

import numpy as np
import pytest

from intplan.demand.queueing import erlang_b, erlang_c, mean_wait, share_within


@pytest.mark.parametrize(
    ("servers", "load", "expected"),
    [
        (1, 1.0, 0.5),  # A / (1 + A)
        (2, 1.0, 0.2),  # (A²/2) / (1 + A + A²/2)
        (10, 5.0, 0.018385),  # standard Erlang B table
        (5, 2.0, 0.036697),
        (100, 80.0, 0.004),  # about 0.4% (teletraffic tables)
    ],
)
def test_erlang_b_matches_tables(servers: int, load: float, expected: float) -> None:
    assert erlang_b(servers, load) == pytest.approx(expected, abs=5e-4 if servers == 100 else 1e-5)


@pytest.mark.parametrize(
    ("servers", "load", "expected"),
    [
        (1, 0.5, 0.5),  # M/M/1: P(wait) = ρ
        (2, 1.0, 1 / 3),  # M/M/2 at ρ = ½
        (10, 8.0, 0.40918),  # standard Erlang C table
        (3, 2.0, 0.44444),  # 4/9
    ],
)
def test_erlang_c_matches_tables(servers: int, load: float, expected: float) -> None:
    assert erlang_c(servers, load) == pytest.approx(expected, abs=1e-5)


def test_erlang_c_is_one_when_overloaded_and_stable_for_large_pools() -> None:
    assert erlang_c(5, 5.0) == 1.0
    assert erlang_c(5, 7.0) == 1.0
    assert 0.0 < erlang_c(1000, 950.0) < 1.0  # no overflow from A^c / c!


def test_fractional_servers_interpolate() -> None:
    c1, c2 = erlang_c(1, 0.5), erlang_c(2, 0.5)
    assert erlang_c(1.5, 0.5) == pytest.approx(0.5 * (c1 + c2))
    assert erlang_c(0.5, 0.0) == 0.0
    assert erlang_c(0.0, 0.1) == 1.0


def test_mm1_wait_and_service_level() -> None:
    # M/M/1, ρ = 0.8, mean service 10 minutes: Wq = ρ/(1−ρ) × s = 40 minutes
    assert mean_wait(1, 0.8, 10.0) == pytest.approx(40.0)
    assert mean_wait(1, 1.0, 10.0) == math.inf
    # P(W > t) = ρ e^{−(1−ρ) t / s}
    assert share_within(1, 0.8, 10.0, 20.0) == pytest.approx(1 - 0.8 * math.exp(-0.4))


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="≥ 0"):
        erlang_c(-1, 1.0)


def _erlang_c_closed_form(c: int, a: float) -> float:
    """Erlang C from factorials (fine for small c): the textbook formula."""
    top = a**c / math.factorial(c) * c / (c - a)
    return top / (sum(a**k / math.factorial(k) for k in range(c)) + top)


def test_priority_tail_single_class_is_erlang_c() -> None:
    from intplan.demand.queueing import priority_tail

    p, rate = priority_tail(5, 3.5, 0.0, 3.5, 2.0)
    assert p == pytest.approx(_erlang_c_closed_form(5, 3.5))
    assert rate == pytest.approx((5 - 3.5) / 2.0)
    # Cobham: the urgent class waits less than the low-priority one, same P(wait)
    p1, r1 = priority_tail(5, 3.5, 0.0, 1.0, 2.0)
    p2, r2 = priority_tail(5, 3.5, 1.0, 2.5, 2.0)
    assert p1 == p2 and r1 > rate > r2
    assert priority_tail(2, 1.5, 1.0, 1.0, 1.0) == (1.0, 0.0)  # the class saturates


def test_required_servers_known_answer() -> None:
    """A = 2 erlangs, 80% answered at once: C(3, 2) = 0.444 (too many wait), C(4, 2) =
    0.174 (Erlang C tables), so 4 servers in whole numbers; interpolated 3.904."""
    from intplan.demand.queueing import required_servers

    assert erlang_c(4, 2.0) == pytest.approx(0.17391, abs=1e-5)
    c = required_servers(lambda s: 1.0 - erlang_c(s, 2.0) >= 0.8, 2.0, tolerance=1e-6)
    assert math.ceil(c) == 4
    assert c == pytest.approx(3 + (0.44444 - 0.2) / (0.44444 - 0.17391), abs=1e-3)
    assert required_servers(lambda s: True, 0.0) == 0.0


def test_share_within_windows_matches_fcfs_formula() -> None:
    import numpy as np

    from intplan.demand.queueing import priority_tail, share_within_windows

    p, rate = priority_tail(3, 2.0, 0.0, 2.0, 10.0)
    windows = np.array([20.0, 0.0])  # the second arrival hour cannot make its target
    got = share_within_windows(p, rate, windows, np.array([0.75, 0.25]))
    assert got == pytest.approx(0.75 * share_within(3, 2.0, 10.0, 20.0))


def test_window_check_by_hand() -> None:
    """Window 10 h, s = 0.25 h, scv 0.25, days of 10 h, z = 1.2816 (90%).
    c = 3, A = 2: spare 10 h; variance 2·10·0.25·1.25 + 3·0.2·10·10 = 66.25; 1.2816·8.14
    = 10.43 > 10: not met with 20% absence; with none, variance 6.25 and it is met.
    c = 50, A = 40: spare 100 h; variance 125 + 1000 = 1125; 1.2816·33.5 = 43.0: met."""
    from intplan.demand.queueing import window_capacity_met

    def ok(c: float, a: float, absence: float) -> bool:
        return window_capacity_met(
            c,
            a,
            service_time=0.25,
            service_scv=0.25,
            window=10.0,
            day_hours=10.0,
            absence=absence,
            z=1.2816,
        )

    assert not ok(3.0, 2.0, 0.2)
    assert ok(3.0, 2.0, 0.0)
    assert ok(50.0, 40.0, 0.2)
    assert not ok(1.0, 1.0, 0.0)  # no spare at all


# -- Erlang A (M/M/c+M) ------------------------------------------------------------------
def test_erlang_a_with_patience_as_long_as_service_is_an_infinite_server_queue() -> None:
    # theta = mu: everyone in the system leaves at rate mu, so N ~ Poisson(lambda / mu)
    # and the abandonment rate is theta * E[(N - c)+]
    from scipy import stats

    from intplan.demand.queueing import erlang_a

    c, lam, mu = 3, 4.0, 1.0
    n = np.arange(200)
    pois = stats.poisson.pmf(n, lam / mu)
    expected = mu * float(np.sum(np.maximum(n - c, 0) * pois)) / lam
    got = erlang_a(c, lam, mu, mu)
    assert got.abandon_probability == pytest.approx(expected, rel=1e-9)
    assert got.wait_probability == pytest.approx(float(pois[c:].sum()), rel=1e-9)


def test_erlang_a_tends_to_erlang_c_as_patience_grows() -> None:
    from intplan.demand.queueing import erlang_a, erlang_c

    c, lam, mu = 3, 2.4, 1.0  # 80% load
    got = erlang_a(c, lam, mu, 1e-7)
    p_wait = erlang_c(c, lam / mu)
    assert got.wait_probability == pytest.approx(p_wait, rel=1e-4)
    assert got.served_wait_mean == pytest.approx(p_wait / (c * mu - lam), rel=1e-4)
    assert got.abandon_probability < 1e-5


@pytest.mark.parametrize(("c", "lam", "theta"), [(1, 0.9, 0.5), (1, 2.0, 0.2), (4, 5.0, 2.0)])
def test_erlang_a_abandonment_is_patience_rate_times_mean_wait(
    c: int, lam: float, theta: float
) -> None:
    # P(Ab) = theta * E[W] for exponential patience (Mandelbaum & Zeltyn 2004), and the
    # served wait is below the all-arrivals wait's share for the served
    from intplan.demand.queueing import erlang_a

    got = erlang_a(c, lam, 1.0, theta)
    assert got.abandon_probability == pytest.approx(theta * got.wait_mean, rel=1e-9)
    assert 0 < got.abandon_probability < got.wait_probability < 1
    assert got.served_wait_mean * (1 - got.abandon_probability) < got.wait_mean
