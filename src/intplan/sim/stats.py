"""Means with 95% confidence intervals across replications (t-distribution)."""

from __future__ import annotations

import math
from collections.abc import Iterable
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
