"""Run sweep tasks (variant x replication) on Dask, or in this process.

``dask``: through ``dask.distributed``. Without a scheduler address, a quiet
``LocalCluster`` of worker processes (one thread each, no dashboard, logs on stderr) is
started for the run and closed after it; with one (``tcp://host:8786``) the run uses
that existing cluster, whose workers must have the same intplan version installed.
Progress comes from the futures as they complete; cancel (or Ctrl+C) cancels them.

``local``: the same tasks, variant by variant, through the simulator's own process pool
(:meth:`intplan.sim.Simulation.replications`). Both give identical numbers.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from intplan.domain import Scenario
from intplan.domain.errors import IntplanError
from intplan.services.progress import Cancelled
from intplan.services.sweep_tasks import (
    Assignment,
    PortableScenario,
    compile_variant,
    kpis_of,
    replicate,
)
from intplan.sim import ReplicationsCancelled, RunSpec

ENGINES: tuple[str, ...] = ("dask", "local")
#: seconds to wait for an existing scheduler to answer and to have a worker
CONNECT_TIMEOUT_S = 20

#: per variant, per replication: KPI values
TaskResults = list[list[dict[str, float]]]
OnDone = Callable[[int, int], None]  # (tasks done, tasks in all)


class SweepEngineError(IntplanError):
    """The Dask cluster cannot be reached or used (exit 2: the --scheduler value)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class EngineRun:
    results: TaskResults
    engine: str
    scheduler: str | None  # the scheduler's address (dask)
    workers: int
    compute_seconds: float  # summed over tasks, as the tasks measured it
    wall_seconds: float


def available_cores() -> int:
    """Cores this process may use: the LocalCluster's default size."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def _ignore_ctrl_c_plugin() -> Any:
    """A worker plugin for the LocalCluster's own workers: a terminal's Ctrl+C reaches
    the whole process group, and only this process should act on it (it cancels the
    futures and closes the cluster); a worker would die printing a traceback. (Built
    here so that importing this module does not import distributed.)"""
    from distributed import WorkerPlugin

    class IgnoreCtrlC(WorkerPlugin):
        def setup(self, worker: Any) -> None:
            if threading.current_thread() is threading.main_thread():
                signal.signal(signal.SIGINT, signal.SIG_IGN)

    return IgnoreCtrlC()


@contextlib.contextmanager
def _sigint_held_back() -> Iterator[None]:
    """Start worker processes with Ctrl+C blocked (POSIX): a terminal sends Ctrl+C to the
    whole process group, and only this process should act on it (by cancelling). Threads
    and processes started inside inherit the blocked signal; this thread gets it back."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def run_local(
    scenario: Scenario,
    assignments: Sequence[Assignment],
    spec: RunSpec,
    replications: int,
    *,
    workers: int | None,
    on_done: OnDone | None = None,
    cancel: threading.Event | None = None,
) -> EngineRun:
    """Variant by variant through the simulator's process pool (``workers`` None: auto)."""
    t0 = time.perf_counter()
    out: TaskResults = []
    total = len(assignments) * replications
    used = 1
    for v, assignment in enumerate(assignments):
        compiled = compile_variant(scenario, assignment, spec)
        chosen = workers or compiled.simulation.workers_for(replications)
        used = max(used, chosen)

        def progress(share: float, v: int = v) -> None:
            if on_done is not None:
                on_done(int(v * replications + share * replications), total)

        try:
            reps = compiled.simulation.replications(
                0, replications, workers=chosen, on_progress=progress, cancel=cancel
            )
        except ReplicationsCancelled as e:
            raise Cancelled() from e
        out.append(kpis_of(compiled, reps))
    wall = time.perf_counter() - t0
    return EngineRun(
        results=out,
        engine="local",
        scheduler=None,
        workers=used,
        compute_seconds=wall,
        wall_seconds=wall,
    )


@contextlib.contextmanager
def dask_client(scheduler: str | None, workers: int | None) -> Iterator[Any]:
    """A ``distributed.Client`` on ``scheduler``, or on a LocalCluster started here."""
    from distributed import Client, LocalCluster

    if scheduler is None:
        n = workers or available_cores()
        with _sigint_held_back():
            cluster = LocalCluster(  # type: ignore[no-untyped-call]  # distributed is partly typed
                n_workers=n,
                threads_per_worker=1,  # the engine is single-threaded numba; cores = workers
                processes=True,
                dashboard_address=None,
                # the scheduler still serves health checks over HTTP; on any free local port
                # (its default, 8787, clashes with a second cluster)
                scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                # workers log connection noise at ERROR while the cluster closes (a
                # heartbeat racing the scheduler's shutdown); task failures still reach
                # the client as exceptions
                silence_logs=logging.CRITICAL,
                memory_limit=0,  # as the local pool: no worker restarts on a busy machine
            )
        try:
            with Client(cluster) as client:  # type: ignore[no-untyped-call]
                client.register_plugin(_ignore_ctrl_c_plugin(), name="intplan-ignore-ctrl-c")
                yield client
        finally:
            cluster.close()
        return
    try:
        client = Client(scheduler, timeout=f"{CONNECT_TIMEOUT_S}s")  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError) as e:
        raise SweepEngineError(f"cannot reach the Dask scheduler {scheduler}: {e}") from e
    try:
        try:
            client.wait_for_workers(1, timeout=CONNECT_TIMEOUT_S)
        except TimeoutError:
            raise SweepEngineError(
                f"the Dask scheduler {scheduler} has no workers (start some with "
                f"`dask worker {scheduler}`)"
            ) from None
        yield client
    finally:
        client.close()  # type: ignore[no-untyped-call]


def run_dask(
    scenario: Scenario,
    assignments: Sequence[Assignment],
    spec: RunSpec,
    replications: int,
    *,
    scheduler: str | None,
    workers: int | None,
    on_done: OnDone | None = None,
    cancel: threading.Event | None = None,
    client: Any | None = None,
) -> EngineRun:
    """Every variant x replication as one Dask task (``client``: use this one)."""
    if client is None:
        with dask_client(scheduler, workers) as c:
            return run_dask(
                scenario,
                assignments,
                spec,
                replications,
                scheduler=scheduler,
                workers=workers,
                on_done=on_done,
                cancel=cancel,
                client=c,
            )
    from distributed import as_completed

    t0 = time.perf_counter()
    base = client.scatter(PortableScenario.of(scenario, uuid.uuid4().hex), broadcast=True)
    index: dict[Any, tuple[int, int]] = {}
    futures = []
    for v, assignment in enumerate(assignments):
        for r in range(replications):
            # pure=False: every task runs (no result shared by key); the key names it
            f = client.submit(
                replicate,
                base,
                assignment,
                spec,
                r,
                pure=False,
                key=f"sweep-v{v}-r{r}-{uuid.uuid4().hex[:8]}",
            )
            index[f] = (v, r)
            futures.append(f)
    results: list[list[dict[str, float]]] = [[{} for _ in range(replications)] for _ in assignments]
    stop_watch = threading.Event()

    def cancel_when_asked() -> None:  # cancel wakes as_completed by cancelling the futures
        while not stop_watch.is_set():
            if cancel is not None and cancel.wait(0.1):
                client.cancel(futures)
                return

    watcher = threading.Thread(target=cancel_when_asked, daemon=True)
    if cancel is not None:
        watcher.start()
    compute = 0.0
    completed = as_completed(futures)  # type: ignore[no-untyped-call]  # partly typed
    try:
        for done, future in enumerate(completed, start=1):
            if cancel is not None and cancel.is_set():
                raise Cancelled()
            if future.status == "error":
                future.result()  # raises the task's exception here
            kpis, seconds = future.result()
            v, r = index[future]
            results[v][r] = kpis
            compute += seconds
            if on_done is not None:
                on_done(done, len(futures))
    except BaseException:
        client.cancel(futures)  # Ctrl+C, cancel or a failed task: stop the rest
        raise
    finally:
        stop_watch.set()
    n_workers = len(client.scheduler_info().get("workers", {}))
    return EngineRun(
        results=results,
        engine="dask",
        scheduler=str(client.scheduler.address),
        workers=n_workers,
        compute_seconds=compute,
        wall_seconds=time.perf_counter() - t0,
    )
