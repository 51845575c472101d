"""Erlang B and C against published table values and closed forms."""

from __future__ import annotations

import math

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
