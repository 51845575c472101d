"""The discrete-event engine: its one public surface.

Services call :class:`Simulation` with a :class:`RunSpec` and read per-replication KPIs
with the functions of :mod:`intplan.sim.kpis` re-exported here; an import-linter
contract keeps them off the submodules (pyproject.toml), so every command simulates
and measures the same way.
"""

from intplan.domain.units import MINUTES_PER_WEEK
from intplan.sim.engine import BOOKING_BUCKETS, ReplicationResult
from intplan.sim.engines import ENGINES
from intplan.sim.kpis import (
    KPIS,
    SIM_KPIS,
    aggregate_replication,
    backlog_growing,
    kpi_value,
    patient_serving_roles,
    safe_ratio,
    serving_work_and_duty,
    within_target_share,
)
from intplan.sim.model import CompiledModel, SimulationInputError
from intplan.sim.replications import ReplicationsCancelled
from intplan.sim.run import DEFAULT_COVER, RunSpec, Simulation
from intplan.sim.stats import (
    MIN_ADAPTIVE_REPLICATIONS,
    Estimate,
    constant,
    estimate,
    replications_wanted,
)
from intplan.sim.warmup import WarmupChoice, choose_warmup

__all__ = [
    "BOOKING_BUCKETS",
    "DEFAULT_COVER",
    "ENGINES",
    "KPIS",
    "MINUTES_PER_WEEK",
    "MIN_ADAPTIVE_REPLICATIONS",
    "SIM_KPIS",
    "CompiledModel",
    "Estimate",
    "ReplicationResult",
    "ReplicationsCancelled",
    "RunSpec",
    "Simulation",
    "SimulationInputError",
    "WarmupChoice",
    "aggregate_replication",
    "backlog_growing",
    "choose_warmup",
    "constant",
    "estimate",
    "kpi_value",
    "patient_serving_roles",
    "replications_wanted",
    "safe_ratio",
    "serving_work_and_duty",
    "within_target_share",
]
