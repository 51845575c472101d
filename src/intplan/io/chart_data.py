"""Cut a result table down to what one readable chart shows.

A chart of 728 bars or 52 lines cannot be read (issue 15). A bar chart keeps the
``limit - 1`` rows that rank worst (or top) by its KPI plus one "others" bar; a line
chart keeps the ``limit - 1`` series with the highest (or lowest) mean plus one "others"
series. "Others" is the mean (or the sum) of what was left out, ignoring blanks. The
table itself is written whole; only the chart's own data block is cut.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from intplan.io.results import ChartSpec


@dataclass(frozen=True, slots=True)
class ChartData:
    """The rows a chart plots, with the note that says what was cut."""

    headers: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    caption: str  # appended to the chart's title


def _number(v: Any) -> float | None:
    if isinstance(v, bool) or not isinstance(v, int | float):
        return None
    return float(v) if math.isfinite(v) else None


def _combine(values: Sequence[Any], how: str) -> float | None:
    nums = [x for x in (_number(v) for v in values) if x is not None]
    if not nums:
        return None
    return sum(nums) if how == "sum" else sum(nums) / len(nums)


def _rank_key(v: float | None, keep: str) -> tuple[int, float]:
    # blanks rank last whichever end is kept
    if v is None:
        return (1, 0.0)
    return (0, -v if keep == "highest" else v)


def _others_label(n: int, how: str, noun: str = "others") -> str:
    return f"{noun} ({'total' if how == 'sum' else 'mean'} of {n})"


def cut(spec: ChartSpec, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> ChartData | None:
    """The chart's data cut to ``spec.limit`` bars or series, or None when it fits."""
    x = headers.index(spec.x_column)
    ys = [headers.index(c) for c in spec.y_columns]
    word = "worst" if spec.worst_first else "top"
    if spec.kind == "bar" and len(rows) > spec.limit:
        by = headers.index(spec.rank_by or spec.y_columns[0])
        ranked = sorted(rows, key=lambda r: _rank_key(_number(r[by]), spec.keep))
        kept, rest = ranked[: spec.limit - 1], ranked[spec.limit - 1 :]
        out = [(r[x], *(r[i] for i in ys)) for r in kept]
        out.append(
            (
                _others_label(len(rest), spec.others),
                *(_combine([r[i] for r in rest], spec.others) for i in ys),
            )
        )
        return ChartData(
            headers=(spec.x_column, *spec.y_columns),
            rows=tuple(out),
            caption=f"{word} {len(kept)} of {len(rows)}",
        )
    if spec.kind == "line" and len(spec.y_columns) > spec.limit:
        # a series ranks by its level over the whole run
        means = {i: _combine([r[i] for r in rows], "mean") for i in ys}
        ranked_cols = sorted(ys, key=lambda i: _rank_key(means[i], spec.keep))
        kept_cols = ranked_cols[: spec.limit - 1]
        rest_cols = ranked_cols[spec.limit - 1 :]
        label = _others_label(len(rest_cols), spec.others, "other")
        return ChartData(
            headers=(spec.x_column, *(headers[i] for i in kept_cols), label),
            rows=tuple(
                (
                    r[x],
                    *(r[i] for i in kept_cols),
                    _combine([r[i] for i in rest_cols], spec.others),
                )
                for r in rows
            ),
            caption=f"{word} {len(kept_cols)} of {len(ys)}",
        )
    return None
