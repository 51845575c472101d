"""Means with 95% confidence intervals across replications (t-distribution)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats as _st


@dataclass(frozen=True, slots=True, kw_only=True)
class Estimate:
    """A replication mean with its 95% CI; ``low``/``high`` are NaN with fewer than 2 values."""

    mean: float
    low: float
    high: float
    n: int

    @property
    def half_width(self) -> float:
        return (self.high - self.low) / 2.0

    @property
    def relative_half_width(self) -> float:
        if not math.isfinite(self.half_width) or self.mean == 0:
            return math.inf if self.mean == 0 and self.half_width > 0 else 0.0
        return abs(self.half_width / self.mean)

    def to_json(self) -> dict[str, float | int | list[float | None] | None]:
        return {"mean": _num(self.mean), "ci95": [_num(self.low), _num(self.high)], "n": self.n}


def _num(x: float) -> float | None:
    return None if not math.isfinite(x) else round(float(x), 6)


def estimate(
    values: Iterable[float],
    *,
    confidence: float = 0.95,
    lower: float | None = None,
    upper: float | None = None,
) -> Estimate:
    """Mean and t-interval of the finite values (NaN values, e.g. no data, are left out).

    ``lower``/``upper`` clip the interval to the quantity's range (a share cannot pass 1).
    """
    arr = np.asarray([v for v in values if math.isfinite(v)], dtype=float)
    n = int(arr.size)
    if n == 0:
        return Estimate(mean=math.nan, low=math.nan, high=math.nan, n=0)
    mean = float(arr.mean())
    if n < 2:
        return Estimate(mean=mean, low=math.nan, high=math.nan, n=1)
    sd = float(arr.std(ddof=1))
    half = float(_st.t.ppf(0.5 + confidence / 2.0, n - 1)) * sd / math.sqrt(n)
    low, high = mean - half, mean + half
    if lower is not None:
        low = max(low, lower)
    if upper is not None:
        high = min(high, upper)
    return Estimate(mean=mean, low=low, high=high, n=n)


def constant(value: float, n: int) -> Estimate:
    """A deterministic quantity (e.g. pay cost) reported in the same shape as an estimate."""
    return Estimate(mean=value, low=value, high=value, n=n)


# -- the adaptive mode's stopping rule ---------------------------------------------------
#: replications before the stopping rule is first checked: with fewer, a CI that looks
#: narrow by chance stops the run early and covers the mean less often than it claims
MIN_ADAPTIVE_REPLICATIONS = 20
#: Hoad, Robinson & Davies (2010), "Automated selection of the number of replications
#: for a discrete-event simulation", J. Oper. Res. Soc. 61:1632-1644: the precision must
#: hold for this many further replications (their kLimit) before the run stops
LOOK_AHEAD = 5


def look_ahead(n: int) -> int:
    """Further replications that must stay precise when the target is first met at ``n``
    (HRD's f(kLimit, n): kLimit up to 100 replications, then in proportion)."""
    return LOOK_AHEAD if n <= 100 else LOOK_AHEAD * n // 100


def is_precise(e: Estimate, target: float) -> bool:
    """Whether the CI's half-width is within ``target`` of the mean (relative)."""
    return e.n >= 2 and math.isfinite(e.half_width) and e.relative_half_width <= target


def replications_wanted(values: Sequence[float], target: float) -> int:
    """The confidence-interval method with a look-ahead (Hoad, Robinson & Davies 2010):
    the run stops at the first ``n = N + f(N)`` such that the 95% CI of the first ``k``
    values is within ``target`` (relative half-width) for every ``k`` from ``N`` to ``n``,
    with ``N`` at least :data:`MIN_ADAPTIVE_REPLICATIONS`.

    Returns ``len(values)`` when the rule has stopped at or before it, else the fewest
    replications in all at which it could stop (so callers can run them as one batch)."""
    n = len(values)
    if n < MIN_ADAPTIVE_REPLICATIONS:
        return MIN_ADAPTIVE_REPLICATIONS + look_ahead(MIN_ADAPTIVE_REPLICATIONS)
    run_start = -1  # first k of the current run of precise prefixes
    for k in range(MIN_ADAPTIVE_REPLICATIONS, n + 1):
        if is_precise(estimate(values[:k]), target):
            if run_start < 0:
                run_start = k
            if k >= run_start + look_ahead(run_start):
                return n
        else:
            run_start = -1
    if run_start < 0:
        return n + 1 + look_ahead(n + 1)
    return run_start + look_ahead(run_start)
