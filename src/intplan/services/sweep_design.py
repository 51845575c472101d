"""Sweep designs: which combinations of parameter values (variants) to simulate.

Variant 0 is always the baseline (the workbook as it is); the others set some of the
varied parameters. ``oat`` moves one parameter at a time through its levels with the
others at the workbook's values (a tornado); ``grid`` runs every combination of levels;
``lhs`` draws a seeded Latin hypercube over the ranges (scipy.stats.qmc).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import qmc

from intplan.services.sweep_params import Vary

DESIGNS: tuple[str, ...] = ("oat", "grid", "lhs")
#: levels per parameter when --vary gives no STEPS: a tornado needs LOW and HIGH; a grid
#: of three shows a bend
DEFAULT_STEPS = {"oat": 2, "grid": 3}
DEFAULT_SAMPLES = 20
#: variants a sweep may have (each runs every replication); more is a typing error
MAX_VARIANTS = 2_000


class DesignError(ValueError):
    """The design cannot be built from these --vary options (a usage error)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Variant:
    index: int
    #: (parameter label, value) for the parameters this variant sets; () = the baseline
    values: tuple[tuple[str, float], ...]

    @property
    def label(self) -> str:
        if not self.values:
            return "baseline"
        return ", ".join(f"{k}={v:.6g}" for k, v in self.values)


def build_design(
    design: str, varies: Sequence[Vary], *, samples: int = DEFAULT_SAMPLES, seed: int = 0
) -> tuple[Variant, ...]:
    """The variants, baseline first."""
    if not varies:
        raise DesignError("give at least one --vary NAME=LOW:HIGH")
    rows: list[tuple[tuple[str, float], ...]]
    if design == "oat":
        rows = [((v.label, x),) for v in varies for x in v.levels(DEFAULT_STEPS["oat"])]
    elif design == "grid":
        levels = [[(v.label, x) for x in v.levels(DEFAULT_STEPS["grid"])] for v in varies]
        count = int(np.prod([len(x) for x in levels]))
        if count > MAX_VARIANTS:
            raise DesignError(
                f"the grid has {count:,} variants; at most {MAX_VARIANTS:,} (fewer STEPS, or "
                "--design lhs)"
            )
        rows = [tuple(combo) for combo in itertools.product(*levels)]
    elif design == "lhs":
        if any(v.steps is not None for v in varies):
            raise DesignError("--design lhs draws values over LOW:HIGH; drop the :STEPS")
        unit = qmc.LatinHypercube(d=len(varies), rng=np.random.default_rng(seed)).random(samples)
        lows = np.array([v.low for v in varies])
        highs = np.array([v.high for v in varies])
        points = qmc.scale(unit, lows, highs)
        rows = [
            tuple((v.label, float(x)) for v, x in zip(varies, point, strict=True))
            for point in points
        ]
    else:
        raise DesignError(f"unknown design {design!r}; choose one of {', '.join(DESIGNS)}")
    if len(rows) + 1 > MAX_VARIANTS:
        raise DesignError(f"{len(rows):,} variants; at most {MAX_VARIANTS:,}")
    return (
        Variant(index=0, values=()),
        *(Variant(index=i, values=row) for i, row in enumerate(rows, start=1)),
    )
