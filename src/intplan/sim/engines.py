"""Which event engine runs a replication.

``kernel`` is the compiled engine every service uses (:mod:`intplan.sim.engine`);
``reference`` is the plain SimPy model of the same rules (:mod:`intplan.sim.reference`),
about a hundred times slower, for auditors and as the tests' differential oracle. Both
read the same :class:`CompiledModel` and return the same :class:`ReplicationResult`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from intplan.sim import engine, reference
from intplan.sim.engine import ReplicationResult
from intplan.sim.model import CompiledModel, SimulationInputError

Runner = Callable[
    [CompiledModel, np.random.SeedSequence, int, Callable[[int], None] | None],
    ReplicationResult,
]
_RUNNERS: dict[str, Runner] = {
    "kernel": engine.run_replication,
    "reference": reference.run_replication,
}
ENGINES: tuple[str, ...] = tuple(_RUNNERS)
DEFAULT_ENGINE = "kernel"


def check_engine(name: str) -> str:
    """``name`` if it is a known engine, else a clear error listing them."""
    if name not in _RUNNERS:
        raise SimulationInputError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")
    return name


def run_replication_with(
    name: str,
    model: CompiledModel,
    replication: np.random.SeedSequence,
    n_scenario_ints: int,
    on_week: Callable[[int], None] | None = None,
) -> ReplicationResult:
    """One replication in engine ``name`` (a top-level function: worker processes pickle it)."""
    return _RUNNERS[check_engine(name)](model, replication, n_scenario_ints, on_week)
