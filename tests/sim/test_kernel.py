"""The compiled kernel's building blocks against plain numpy references."""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from intplan.domain import DurationDistribution, Scenario
from intplan.domain.units import MINUTES_PER_WEEK
from intplan.sim import engine, kernel
from intplan.sim.kernel.structures import heap_key, key_kind, key_payload, key_seq
from intplan.sim.model import DIST_EXPONENTIAL, DIST_LOGNORMAL, compile_scenario


def test_time_order_is_a_stable_sort() -> None:
    rng = np.random.default_rng(4)
    w0 = 3 * MINUTES_PER_WEEK
    # many exact ties (quarter hours), a few times past the week (chains into the next)
    t = w0 + np.round(rng.random(5000) * MINUTES_PER_WEEK / 15) * 15
    t[::97] += MINUTES_PER_WEEK * rng.random(len(t[::97]))
    got = kernel.time_order(t, w0)
    assert np.array_equal(got, np.argsort(t, kind="stable"))
    assert len(kernel.time_order(np.zeros(0), w0)) == 0


def _numpy_episodes(
    rng: np.random.Generator, lam: np.ndarray, w0: float, c: kernel.Static
) -> tuple[np.ndarray, ...]:
    """The numpy batches the kernel's draws must reproduce (common random numbers)."""
    counts = rng.poisson(lam).ravel()
    n = int(counts.sum())
    cell = np.repeat(np.arange(counts.size), counts)
    act = cell // lam.shape[1]
    u = rng.random((5, n))
    t = w0 + ((cell % lam.shape[1]) + u[0]) * 60.0
    kind = c.dist_kind[act]
    f = np.where(kind == DIST_EXPONENTIAL, -np.log1p(-u[4]), 1.0)
    logn = kind == DIST_LOGNORMAL
    s = c.dist_sigma[act[logn]]
    f[logn] = np.exp(s * rng.standard_normal(int(logn.sum())) - 0.5 * s * s)
    q = c.fu_q[act]
    with np.errstate(divide="ignore", invalid="ignore"):
        nfu = np.where(q > 0, np.floor(np.log1p(-u[3]) / np.log(np.where(q > 0, q, 0.5))), 0)
    return t, act, f, u[1], u[2], nfu


@pytest.mark.parametrize("which", ["tiny", "lognormal"])
def test_episodes_are_the_numpy_batches_draw_for_draw(
    tiny: Scenario, make_queue: Callable[..., Scenario], which: str
) -> None:
    scenario = (
        tiny
        if which == "tiny"
        else make_queue(
            servers=2,
            arrivals_per_hour=(3.0, 1.0),
            mean_minutes=30,
            priorities=(1, 2),
            distribution=DurationDistribution.LOGNORMAL,
        )
    )
    m = compile_scenario(scenario, weeks=2, warmup_weeks=0)
    c = engine.static_arrays(m)
    lam = (m.demand[0, :, 1] / np.asarray(m.contacts_per_episode))[:, None] * m.profiles
    mine, ref = np.random.default_rng(9), np.random.default_rng(9)
    got = kernel.episodes(mine, lam, MINUTES_PER_WEEK, c.dist_kind, c.dist_sigma, c.fu_q)
    want = _numpy_episodes(ref, lam, MINUTES_PER_WEEK, c)
    assert len(got[0]) > 100
    t, act, f, u_ref, u_rej, nfu = got
    assert np.array_equal(t, want[0]) and np.array_equal(act, want[1])
    # numpy's vectorised log1p may differ from the C library's in the last bit
    assert np.allclose(f, want[2], rtol=4e-16, atol=0)
    for g, w in zip((u_ref, u_rej, nfu), want[3:], strict=True):
        assert np.array_equal(g, w)
    assert mine.random() == ref.random()  # the stream goes on from the same place


@pytest.mark.parametrize("which", ["tiny", "relay"])
def test_week_shifts_are_sorted_by_time_then_sequence(
    tiny: Scenario, make_queue: Callable[..., Scenario], which: str
) -> None:
    # "relay": staff on a 24/7 rota, whose shift chains run on into the next week
    scenario = (
        tiny if which == "tiny" else make_queue(servers=3, arrivals_per_hour=1.0, mean_minutes=30)
    )
    m = compile_scenario(scenario, weeks=4, warmup_weeks=0)
    e = engine._Engine(m, list(np.random.SeedSequence(2).spawn(len(m.int_codes))))
    left = e.shifts_left
    for w in range(4):
        n = kernel.begin_week(e.c, e.s, w, True)
        s = e.s
        cols = [
            np.concatenate((old, new[:n]))
            for old, new in zip(left, (s.sh_t, s.sh_q, s.sh_k, s.sh_p, s.sh_x), strict=True)
        ]
        want = [x[np.lexsort((cols[1], cols[0]))] for x in cols]
        got = kernel.week_shifts(s, n, left, w * MINUTES_PER_WEEK)
        assert n > 0
        for g, x in zip(got, want, strict=True):
            assert np.array_equal(g, x)
        due = got[0] < (w + 1) * MINUTES_PER_WEEK
        left = kernel.Shifts(*(x[~due] for x in got))  # type: ignore[arg-type]  # same field order
    assert which == "tiny" or len(left.t) > 0


def test_the_kernel_cache_is_stamped_with_the_whole_package() -> None:
    """numba checks only the compiled function's own file; ``advance`` inlines handlers
    from other modules, so its cache must be stamped with all of them (sim/kernel/jit.py).
    Reads numba's private cache object: jit.py relies on the same internals."""
    from intplan.sim.kernel import jit

    dispatchers: tuple[Any, ...] = (kernel.advance, kernel.begin_week, kernel.finish)
    for fn in dispatchers:
        locator = fn._cache._impl.locator
        assert getattr(locator, "kernel_package", False)
        assert locator.get_source_stamp() == jit._package_stamp()


def test_heap_keys_carry_kind_and_payload_and_order_as_sequences() -> None:
    top = (1 << kernel.HEAP_PAYLOAD_BITS) - 1
    entries = [(1, 3, 0), (2, 0, top), (3, 2, 5), (10**9, 1, top), (10**9 + 1, 3, 0)]
    keys = [heap_key(q, k, p) for q, k, p in entries]
    assert [(key_seq(x), key_kind(x), key_payload(x)) for x in keys] == entries
    assert keys == sorted(keys)  # entries above are in sequence order


def _item(a: Any, i: int) -> Any:
    return a[i]


def test_only_the_kernel_indexes_without_wraparound() -> None:
    """Code compiled from sim/kernel reads ``a[i]`` without numba's negative-index
    wraparound (jit.py); any other numba code keeps Python's meaning of ``a[-1]``."""
    import numba
    from numba.np import arrayobj

    from intplan.sim.kernel import jit

    def compiled(module: str) -> Any:
        fn = types.FunctionType(_item.__code__, {}, f"item_{module.replace('.', '_')}")
        fn.__module__ = module
        return numba.njit(fn)

    outside, inside = compiled("tests.elsewhere"), compiled("intplan.sim.kernel.probe")
    a = np.arange(5.0)
    assert outside(a, -1) == 4.0 and inside(a, 3) == 3.0
    assert arrayobj.fix_integer_index is jit._index_in_kernel
    ir_outside = next(iter(outside.inspect_llvm().values()))
    ir_inside = next(iter(inside.inspect_llvm().values()))
    assert "select" in ir_outside  # the wraparound: i < 0 ? i + len : i
    assert "select" not in ir_inside
