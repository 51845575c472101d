"""Replications: one SeedSequence child per replication, run locally or in a spawn pool.

Replication ``r`` always uses ``SeedSequence(seed).spawn(r + 1)[r]``, so adding
replications, or changing the number of workers, never changes earlier ones.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

import numpy as np

from intplan.sim.engine import ReplicationResult, warm_up
from intplan.sim.engines import DEFAULT_ENGINE, check_engine, run_replication_with
from intplan.sim.model import CompiledModel

#: expected contacts (all replications) below which one process is quicker than a pool:
#: a spawned worker takes ~1 s to start and a contact ~0.5 us, so 20 million contacts is
#: ~10 s of work (assumption, from the benchmarks in benchmarks/results/simulation.md)
PARALLEL_MIN_CONTACTS = 20_000_000


def available_cores() -> int:
    """Processor cores this process may use (its affinity where the OS reports one)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def auto_workers(model: CompiledModel, replications: int) -> int:
    """Processes for a run when the user has not chosen: one for a short run, else one
    per core up to one per replication (results are the same on any number)."""
    if float(model.demand.sum()) * replications < PARALLEL_MIN_CONTACTS:
        return 1
    return max(1, min(available_cores(), replications))


class ReplicationsCancelled(Exception):
    """The cancel token was set; partial results are discarded."""


def _ignore_sigint() -> None:
    """Workers leave Ctrl+C to the parent, which cancels cleanly (no worker tracebacks)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


#: a worker process's run: (engine, model, INTs in the scenario), set once when it starts
_worker_run: list[tuple[str, CompiledModel, int]] = []


def _start_worker(engine: str, model: CompiledModel, n_scenario_ints: int) -> None:
    """Receive the run once per worker (not pickled again with every replication), so the
    worker also builds the engine's per-model arrays once (:func:`intplan.sim.engine`)."""
    _ignore_sigint()
    _worker_run[:] = [(engine, model, n_scenario_ints)]
    # the model's many small tuples live for the whole worker: out of the collector's
    # way, each full collection during a replication no longer walks them all
    gc.freeze()


def _worker_replication(replication: np.random.SeedSequence) -> ReplicationResult:
    engine, model, n_scenario_ints = _worker_run[0]
    return run_replication_with(engine, model, replication, n_scenario_ints)


@contextlib.contextmanager
def _sigint_held_back() -> Iterator[None]:
    """Start workers with Ctrl+C held back (POSIX): a terminal sends Ctrl+C to the whole
    process group, and a worker still starting up (before ``_ignore_sigint`` runs) would die
    printing a KeyboardInterrupt traceback. Blocked signals are inherited by the workers
    (where ``_ignore_sigint`` then discards them) and delivered to this thread at the end."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def replication_seeds(seed: int, start: int, stop: int) -> list[np.random.SeedSequence]:
    return list(np.random.SeedSequence(seed).spawn(stop)[start:stop])


def run_replications(
    model: CompiledModel,
    *,
    seed: int,
    n_scenario_ints: int,
    start: int,
    stop: int,
    workers: int | None = 1,
    on_progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
    engine: str = DEFAULT_ENGINE,
) -> list[ReplicationResult]:
    """Replications ``start..stop-1`` in order (``workers`` None: :func:`auto_workers`).
    ``on_progress`` gets the share done (0..1); ``engine``: see :mod:`intplan.sim.engines`."""
    check_engine(engine)
    seeds = replication_seeds(seed, start, stop)
    n = len(seeds)
    if n == 0:
        return []
    if workers is None:
        workers = auto_workers(model, n)
    weeks = model.total_weeks
    if workers <= 1 or n == 1:
        out: list[ReplicationResult] = []
        for k, ss in enumerate(seeds):

            def on_week(w: int, k: int = k) -> None:
                if cancel is not None and cancel.is_set():
                    raise ReplicationsCancelled()
                if on_progress is not None:
                    on_progress((k + (w + 1) / weeks) / n)

            out.append(run_replication_with(engine, model, ss, n_scenario_ints, on_week))
        return out
    if engine == "kernel":
        warm_up(model)
    ctx = multiprocessing.get_context("spawn")  # what Windows does; safe everywhere
    results: dict[int, ReplicationResult] = {}
    with ProcessPoolExecutor(
        max_workers=min(workers, n),
        mp_context=ctx,
        initializer=_start_worker,
        initargs=(engine, model, n_scenario_ints),
    ) as pool:
        try:
            with _sigint_held_back():  # submit starts the worker processes
                pending: dict[Future[ReplicationResult], int] = {
                    pool.submit(_worker_replication, ss): k for k, ss in enumerate(seeds)
                }
            while pending:
                done, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                if cancel is not None and cancel.is_set():
                    raise ReplicationsCancelled()
                for f in done:
                    results[pending.pop(f)] = f.result()
                    if on_progress is not None:
                        on_progress(len(results) / n)
        except BaseException:
            # cancel or Ctrl+C: stop at once rather than wait for running replications.
            # Terminating the workers makes the pool fail every future (BrokenProcessPool,
            # ignored here); cancelling futures first races CPython 3.11's pool manager
            # thread, which then raises InvalidStateError in the background.
            for proc in list(getattr(pool, "_processes", {}).values()):
                proc.terminate()
            pool.shutdown(wait=True)
            raise
    return [results[k] for k in range(n)]
