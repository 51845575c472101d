"""The skill-mix and cross-cover optimiser (LP/MILP with PuLP) and its explanations."""

from intplan.optimise.inputs import OptimiseInputError
from intplan.optimise.optimiser import optimise
from intplan.optimise.options import (
    OPTION_SOURCES,
    OptimiseOptions,
    SolverName,
    StaffingRuleName,
)
from intplan.optimise.result import (
    Binding,
    CostSummary,
    CoverFlow,
    DemandRow,
    OptimisationResult,
    PlanRow,
    Relaxation,
    StaffMove,
)
from intplan.optimise.solvers import SolveStatus, available_solvers

__all__ = [
    "OPTION_SOURCES",
    "Binding",
    "CostSummary",
    "CoverFlow",
    "DemandRow",
    "OptimisationResult",
    "OptimiseInputError",
    "OptimiseOptions",
    "PlanRow",
    "Relaxation",
    "SolveStatus",
    "SolverName",
    "StaffMove",
    "StaffingRuleName",
    "available_solvers",
    "optimise",
]
