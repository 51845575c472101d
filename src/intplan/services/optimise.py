"""Use case: recommend a skill mix and cover plan, explain it, and check it by simulation.

The GUI and the CLI both call :func:`run_optimise`. The optimiser itself cannot be
interrupted (PuLP solvers have no cancel), so cancel is checked between stages and
a result that arrives after Cancel is discarded (``Cancelled`` is raised).

This module runs the stages; the result records live in ``optimise_records``, applying a
plan to a scenario in ``optimise_plan``, its check by simulation in ``optimise_verify``
and the result sheets in ``optimise_sheets``. Callers import them from here.
"""

from __future__ import annotations

import threading

from intplan.domain import Scenario

# `X as X`: the optimiser's option and result types, re-exported (the GUI talks to services)
from intplan.optimise import OPTION_SOURCES as OPTION_SOURCES
from intplan.optimise import CoverFlow as CoverFlow
from intplan.optimise import OptimiseOptions as OptimiseOptions
from intplan.optimise import PlanRow as PlanRow
from intplan.optimise import optimise
from intplan.services.optimise_plan import MAX_POST_FTE as MAX_POST_FTE
from intplan.services.optimise_plan import PLANNED_EMPLOYER as PLANNED_EMPLOYER
from intplan.services.optimise_plan import apply_plan as apply_plan
from intplan.services.optimise_records import ActivityVerification as ActivityVerification
from intplan.services.optimise_records import OptimiseResult as OptimiseResult
from intplan.services.optimise_records import Verification as Verification
from intplan.services.optimise_records import WaitComparison as WaitComparison
from intplan.services.optimise_sheets import write_plan as write_plan
from intplan.services.optimise_verify import verify_plan
from intplan.services.progress import Progress, check_cancel, report


def run_optimise(
    scenario: Scenario,
    options: OptimiseOptions | None = None,
    *,
    verify_replications: int = 0,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> OptimiseResult:
    """Optimise ``scenario``; with ``verify_replications`` > 0, simulate before and after.

    Raises ``IntplanError`` subclasses for inputs that cannot be optimised, and
    ``Cancelled`` when ``cancel`` is set (nothing is written by this service).
    """
    options = options or OptimiseOptions()
    share = 1.0 if verify_replications <= 0 else 0.4

    def checkpoint(fraction: float, message: str) -> None:
        check_cancel(cancel)
        report(progress, share * fraction, message)

    check_cancel(cancel)
    result = optimise(scenario, options, checkpoint=checkpoint)
    check_cancel(cancel)
    verification: Verification | None = None
    note = ""
    if verify_replications > 0:
        if not result.feasible:
            note = "no plan to verify: the optimiser found no feasible plan"
        else:
            verification, note = verify_plan(
                scenario,
                result,
                verify_replications,
                options=options,
                progress=progress,
                cancel=cancel,
            )
    report(progress, 1.0, "done")
    return OptimiseResult(
        scenario_name=scenario.name,
        options=options,
        result=result,
        verification=verification,
        verification_note=note,
    )
