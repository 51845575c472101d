"""The one way to run the simulator: a run spec in, replications out.

``simulate``, ``compare``, ``compare-splits`` and the optimiser's verification all go
through :class:`Simulation`, so they cannot disagree about cover, warm-up or how a run
is seeded (issue "One model, one answer"). The per-replication KPI definitions they
report live beside it, in :mod:`intplan.sim.kpis`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from intplan.domain import Scenario
from intplan.sim.engine import ReplicationResult
from intplan.sim.engines import DEFAULT_ENGINE, check_engine
from intplan.sim.model import CompiledModel, compile_scenario
from intplan.sim.replications import auto_workers, run_replications
from intplan.sim.warmup import WarmupChoice, choose_warmup

#: Idle staff of adjacent INTs may take waiting requests. Off unless asked for, in every
#: command alike: as built, any idle neighbour takes any waiting request, which spreads one
#: INT's backlog across its neighbours (docs/model.md, "Cover").
DEFAULT_COVER = False


@dataclass(frozen=True, slots=True, kw_only=True)
class RunSpec:
    """What to simulate and how; ``None`` takes the scenario's Settings (or the rule)."""

    seed: int | None = None
    weeks: int | None = None
    #: None: the warm-up rule (:func:`intplan.sim.warmup.choose_warmup`)
    warmup_weeks: int | None = None
    #: INT codes to simulate (empty: every INT)
    ints: tuple[str, ...] = ()
    cover: bool = DEFAULT_COVER
    workers: int | None = None  # None: one per core for long runs (auto_workers)
    #: "kernel" (the compiled engine) or "reference" (the plain SimPy model, slow)
    engine: str = DEFAULT_ENGINE


class Simulation:
    """A scenario compiled once for a run spec; replications are drawn on demand.

    Replication ``r`` is the same whatever the total and however many workers run it,
    so a caller may ask for more replications later (adaptive runs, screening then
    re-running split options) and gets the same first ones."""

    def __init__(self, scenario: Scenario, spec: RunSpec) -> None:
        s = scenario.settings
        check_engine(spec.engine)
        self.spec = spec
        self.seed = s.seed if spec.seed is None else spec.seed
        self.weeks = s.horizon_weeks if spec.weeks is None else spec.weeks
        self.warmup: WarmupChoice = choose_warmup(scenario, spec.warmup_weeks)
        self.model: CompiledModel = compile_scenario(
            scenario,
            weeks=self.weeks,
            warmup_weeks=self.warmup.weeks,
            int_codes=spec.ints or None,
            cover=spec.cover,
        )
        self._n_scenario_ints = len(scenario.ints)

    def workers_for(self, replications: int) -> int:
        """The spec's workers, or the automatic choice for this many replications."""
        if self.spec.workers is not None:
            return self.spec.workers
        return auto_workers(self.model, replications)

    def replications(
        self,
        start: int,
        stop: int,
        *,
        workers: int | None = None,
        on_progress: Callable[[float], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> list[ReplicationResult]:
        """Replications ``start..stop-1``; raises ``ReplicationsCancelled`` on cancel."""
        return run_replications(
            self.model,
            seed=self.seed,
            n_scenario_ints=self._n_scenario_ints,
            start=start,
            stop=stop,
            workers=self.spec.workers if workers is None else workers,
            on_progress=on_progress,
            cancel=cancel,
            engine=self.spec.engine,
        )
