"""What one sweep task does, wherever it runs: one replication of one variant.

The same function runs in this process (``--engine local``) and on Dask workers, so
both give the same numbers: replication ``r`` of every variant uses the run's seed's
``r``-th child (common random numbers), whatever ran it.

A Scenario cannot be pickled as it is (Settings keeps its sources in a read-only
mapping), so it travels as a :class:`PortableScenario` and is rebuilt, and validated,
once per worker process.
"""

from __future__ import annotations

import dataclasses
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from intplan.domain import Scenario
from intplan.domain.settings import Settings
from intplan.services.sweep_params import Vary, apply_variant
from intplan.sim import RunSpec, Simulation, aggregate_replication, patient_serving_roles

Assignment = tuple[tuple[Vary, float], ...]
#: compiled variants kept per worker process: a K&M model is ~4 MB, and tasks of one
#: variant are submitted together, so a few are enough to avoid compiling twice
_KEEP = 8


@dataclass(frozen=True, slots=True)
class PortableScenario:
    """A Scenario in a form pickle can carry to another process or machine."""

    token: str  # identifies the scenario (workers cache it by this)
    fields: dict[str, Any]
    settings: dict[str, Any]
    sources: dict[str, str]

    @classmethod
    def of(cls, scenario: Scenario, token: str) -> PortableScenario:
        fields = {
            f.name: getattr(scenario, f.name)
            for f in dataclasses.fields(scenario)
            if f.name != "settings"
        }
        s = scenario.settings
        return cls(token, fields, s.values(), dict(s.sources))

    def scenario(self) -> Scenario:
        return Scenario(
            **self.fields,
            settings=Settings(**self.settings, sources=MappingProxyType(self.sources)),
        )


@dataclass(frozen=True, slots=True)
class CompiledVariant:
    simulation: Simulation
    serving: Any  # patient-serving roles mask
    population: int


_BASES: dict[str, Scenario] = {}
_VARIANTS: OrderedDict[tuple[str, Assignment, RunSpec], CompiledVariant] = OrderedDict()


def compile_variant(scenario: Scenario, assignment: Assignment, spec: RunSpec) -> CompiledVariant:
    variant = apply_variant(scenario, [(v, x) for v, x in assignment])
    sim = Simulation(variant, spec)
    return CompiledVariant(
        simulation=sim,
        serving=patient_serving_roles(sim.model),
        population=sum(variant.int_population(c) for c in sim.model.int_codes),
    )


def kpis_of(compiled: CompiledVariant, reps: Sequence[Any]) -> list[dict[str, float]]:
    sim = compiled.simulation
    return [
        aggregate_replication(r, compiled.population, sim.weeks, compiled.serving) for r in reps
    ]


def replicate(
    base: PortableScenario, assignment: Assignment, spec: RunSpec, rep: int
) -> tuple[dict[str, float], float]:
    """Replication ``rep`` of one variant: its KPIs and the seconds it computed."""
    t0 = time.perf_counter()
    scenario = _BASES.get(base.token)
    if scenario is None:
        _BASES.clear()  # one sweep at a time per worker
        scenario = _BASES[base.token] = base.scenario()
    key = (base.token, assignment, spec)
    compiled = _VARIANTS.get(key)
    if compiled is None:
        compiled = compile_variant(scenario, assignment, spec)
        _VARIANTS[key] = compiled
        while len(_VARIANTS) > _KEEP:
            _VARIANTS.popitem(last=False)
    reps = compiled.simulation.replications(rep, rep + 1, workers=1)
    return kpis_of(compiled, reps)[0], time.perf_counter() - t0
