"""The one place that knows about solvers: choice, limits and honest status.

PuLP can report ``Optimal`` after a time limit (HiGHS maps ``kTimeLimit`` to
``LpStatusOptimal`` with an *integer-feasible* solution status), so the outcome
is read from ``prob.sol_status`` as well as ``prob.status``.

Solvers print from C, below Python's ``sys.stdout``: highspy 1.16 prints a
"Running HiGHS … Copyright" banner on file descriptor 1 when its first ``Highs``
object is made, before PuLP can set ``output_flag`` (PuLP sets it on that object),
so ``msg=False`` cannot stop it and ``intplan … --json`` would not parse. Every
solve therefore runs with file descriptor 1 pointed at the null device
(:func:`solver_output_silenced`).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import pulp

from intplan.optimise.options import SolverName


class SolveStatus(StrEnum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"  # stopped at the time limit with an incumbent
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    TIME_LIMIT_NO_SOLUTION = "time_limit_no_solution"
    ERROR = "error"

    @property
    def has_solution(self) -> bool:
        return self in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)


@dataclass(frozen=True, slots=True, kw_only=True)
class SolveOutcome:
    status: SolveStatus
    solver: SolverName
    objective: float | None
    solve_seconds: float
    message: str = ""
    mip_gap: float | None = None  # relative gap reported by the solver, MILPs only


def available_solvers() -> tuple[SolverName, ...]:
    """Solvers this installation can run, default first."""
    out = []
    if pulp.HiGHS(msg=False).available():
        out.append(SolverName.HIGHS)
    if _cbc(msg=False).available():
        out.append(SolverName.CBC)
    return tuple(out)


def make_solver(
    name: SolverName, *, time_limit_seconds: float, gap: float, mip: bool = True
) -> Any:
    """A PuLP solver object with a time limit and a gap always set, and no log on stdout."""
    if name is SolverName.HIGHS:
        return pulp.HiGHS(mip=mip, msg=False, timeLimit=time_limit_seconds, gapRel=gap)
    return _cbc(mip=mip, msg=False, timeLimit=time_limit_seconds, gapRel=gap)


def _cbc(**kwargs: Any) -> Any:
    """PULP_CBC_CMD, the CBC bundled with PuLP 3.x (pinned <4). PuLP 3.3 warns that
    PuLP 4 drops the bundled binary (use COIN_CMD then); the warning is silenced here
    only, so that it does not reach users or fail the tests."""
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message="PULP_CBC_CMD is deprecated", category=DeprecationWarning
        )
        return pulp.PULP_CBC_CMD(**kwargs)


class _Fd1Silencer:
    """Points file descriptor 1 at the null device while at least one solve runs.

    File descriptors belong to the process, not a thread: while the GUI's worker thread
    solves, whatever any thread writes to fd 1 is dropped (intplan writes nothing there
    then: the CLI reports after the solve, the GUI draws). A count under a lock lets
    solves overlap: the first one in redirects, the last one out restores, so fd 1 is
    never left pointing at the null device. Solver messages that matter (errors) come
    back through PuLP's status, not the console.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._depth = 0
        self._saved: int | None = None

    @contextlib.contextmanager
    def __call__(self) -> Iterator[None]:
        with self._lock:
            if self._depth == 0:
                self._saved = self._redirect()
            self._depth += 1
        try:
            yield
        finally:
            with self._lock:
                self._depth -= 1
                if self._depth == 0:
                    self._restore()

    @staticmethod
    def _redirect() -> int | None:
        if sys.stdout is not None:
            sys.stdout.flush()  # Python's own buffered output goes out first
        try:
            saved = os.dup(1)
        except OSError:  # no fd 1 at all (pythonw on Windows): nothing to protect
            return None
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, 1)
        finally:
            os.close(null)
        return saved

    def _restore(self) -> None:
        if self._saved is None:
            return
        if os.name == "posix":  # C stdio may still buffer solver text: drop it first
            with contextlib.suppress(OSError, AttributeError):
                ctypes.CDLL(None).fflush(None)
        os.dup2(self._saved, 1)
        os.close(self._saved)
        self._saved = None


#: ``with solver_output_silenced(): prob.solve(...)``: nothing reaches fd 1 meanwhile
solver_output_silenced = _Fd1Silencer()


def solve(
    prob: Any, name: SolverName, *, time_limit_seconds: float, gap: float, mip: bool = True
) -> SolveOutcome:
    """Solve ``prob`` in place and classify the outcome; never raises for solver failures."""
    solver = make_solver(name, time_limit_seconds=time_limit_seconds, gap=gap, mip=mip)
    start = time.perf_counter()
    try:
        with solver_output_silenced():
            prob.solve(solver)
    except pulp.PulpSolverError as exc:
        return SolveOutcome(
            status=SolveStatus.ERROR,
            solver=name,
            objective=None,
            solve_seconds=time.perf_counter() - start,
            message=f"{name.value} failed: {exc}",
        )
    seconds = time.perf_counter() - start
    status = classify(prob.status, prob.sol_status)
    gap_found: float | None = None
    message = ""
    if name is SolverName.HIGHS and getattr(prob, "solverModel", None) is not None:
        status, gap_found, message = _highs_detail(prob.solverModel, status)
    objective = pulp.value(prob.objective) if status.has_solution else None
    return SolveOutcome(
        status=status,
        solver=name,
        objective=None if objective is None else float(objective),
        solve_seconds=seconds,
        message=message,
        mip_gap=gap_found,
    )


def classify(status: int, sol_status: int) -> SolveStatus:
    """Map PuLP's (status, sol_status) pair to a SolveStatus."""
    if sol_status == pulp.LpSolutionOptimal and status == pulp.LpStatusOptimal:
        return SolveStatus.OPTIMAL
    if sol_status == pulp.LpSolutionIntegerFeasible:
        return SolveStatus.FEASIBLE
    if status == pulp.LpStatusInfeasible or sol_status == pulp.LpSolutionInfeasible:
        return SolveStatus.INFEASIBLE
    if status == pulp.LpStatusUnbounded or sol_status == pulp.LpSolutionUnbounded:
        return SolveStatus.UNBOUNDED
    if status == pulp.LpStatusNotSolved:
        return SolveStatus.TIME_LIMIT_NO_SOLUTION
    return SolveStatus.ERROR


def _highs_detail(highs: Any, status: SolveStatus) -> tuple[SolveStatus, float | None, str]:
    """Refine HiGHS's verdict: a gap for MILPs; an LP stopped early has no usable plan."""
    import highspy

    model_status = highs.getModelStatus()
    info = highs.getInfo()
    gap: float | None = None
    mip_gap = getattr(info, "mip_gap", None)
    if isinstance(mip_gap, float) and mip_gap < 1e30 and info.mip_node_count >= 0:
        gap = mip_gap
    time_limited = model_status in (
        highspy.HighsModelStatus.kTimeLimit,
        highspy.HighsModelStatus.kIterationLimit,
        highspy.HighsModelStatus.kInterrupt,
    )
    if time_limited:
        feasible = info.primal_solution_status == 2  # kSolutionStatusFeasible
        if not feasible:
            return SolveStatus.TIME_LIMIT_NO_SOLUTION, gap, "time limit before a feasible plan"
        return SolveStatus.FEASIBLE, gap, "time limit reached; best plan found so far"
    return status, gap, ""
