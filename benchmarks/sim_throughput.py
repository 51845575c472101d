"""Throughput: one INT-year (~107k requests, 4 roles), intplan's engine vs an idiomatic
process-per-request SimPy model of the same INT, in the same run. Times are CPU seconds of this process (time.process_time), so
a busy shared machine slows every model alike without skewing the ratio.

    .venv/bin/python benchmarks/sim_throughput.py [--runs 3] [--intplan-only]

``--intplan-only`` times intplan's engine alone (to compare two versions of it, run
one after the other with different PYTHONPATHs; benchmarks/results/simulation.md).

The baseline is what a SimPy user would write first: a generator process per patient,
a PriorityResource per role, off-duty staff held by "blocker" processes at top priority,
``request | timeout`` for escalation, and a process per referral and follow-up. It uses
the same compiled arrival rates, durations, rotas and referrals, but for speed's sake in
its favour it leaves out leave/sickness, substitutes, cover, continuity and overtime.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import simpy

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sim_common import one_int_year

from intplan.domain.units import MINUTES_PER_WEEK
from intplan.sim.engine import run_replication
from intplan.sim.model import CompiledModel, compile_scenario


def baseline(m: CompiledModel, seed: int) -> tuple[int, float]:
    """Idiomatic SimPy: returns (requests, mean wait minutes)."""
    rng = random.Random(seed)  # scalar draws: the stdlib is faster than numpy one at a time
    env = simpy.Environment()
    n_r = len(m.role_codes)
    count = [0] * n_r
    for r in m.staff_role:
        count[r] += 1
    res = [simpy.PriorityResource(env, capacity=max(1, c)) for c in count]
    waits: list[float] = []
    served = [0]
    horizon = m.total_weeks * MINUTES_PER_WEEK

    def blocker(s: int) -> simpy.events.ProcessGenerator:
        """Holds one unit of the role's resource while person ``s`` is off duty."""
        r = m.staff_role[s]
        on = sorted((a, b) for _, a, b in m.staff_segments[s])
        week = 0
        while True:
            base = week * MINUTES_PER_WEEK
            for a, b in on:
                if env.now < base + a:
                    with res[r].request(priority=-1) as req:
                        yield req
                        yield env.timeout(base + a - env.now)
                yield env.timeout(max(0.0, base + b - env.now))
            week += 1
            if base + MINUTES_PER_WEEK > env.now:
                with res[r].request(priority=-1) as req:
                    yield req
                    yield env.timeout(base + MINUTES_PER_WEEK - env.now)

    def contact(a: int, prio: int, followups: int) -> simpy.events.ProcessGenerator:
        while True:
            role, minutes = m.eligibility[a][0]
            arrived = env.now
            with res[role].request(priority=prio) as req:
                patience = (
                    env.timeout(m.escalation_minutes[a])
                    if math.isfinite(m.escalation_minutes[a])
                    else None
                )
                got = yield (req | patience) if patience is not None else req
                if patience is not None and req not in got:
                    return  # escalated to ED
                waits.append(env.now - arrived)
                f = 1.0
                if m.dist_kind[a] == 1:
                    f = rng.expovariate(1.0)
                elif m.dist_kind[a] == 2:
                    sg = m.dist_sigma[a]
                    f = math.exp(sg * rng.gauss(0.0, 1.0) - 0.5 * sg * sg)
                travel = m.travel_minutes[0] if m.home[a] else 0.0
                yield env.timeout(minutes * f + travel)
            served[0] += 1
            u = rng.random()
            for b, cum, delay, _rej in m.referrals[a]:
                if u < cum:
                    env.process(delayed(b, delay))
                    break
            if followups <= 0:
                return
            followups -= 1
            yield env.timeout(m.followup_delay_minutes[a])

    def delayed(a: int, delay: float) -> simpy.events.ProcessGenerator:
        yield env.timeout(delay)
        yield env.process(contact(a, m.priority[a], 0))

    def arrivals(a: int) -> simpy.events.ProcessGenerator:
        cpe = m.contacts_per_episode[a]
        q = (cpe - 1) / cpe
        peak = float((m.demand[0, a] / cpe).max() * m.profiles[a].max()) / 60.0
        if peak <= 0:
            return
        while True:
            yield env.timeout(rng.expovariate(peak))
            if env.now >= horizon:
                return
            w = int(env.now // MINUTES_PER_WEEK)
            h = int(env.now % MINUTES_PER_WEEK // 60)
            rate = m.demand[0, a, w] / cpe * m.profiles[a, h] / 60.0
            if rng.random() * peak < rate:
                fu = int(math.log(1.0 - rng.random()) / math.log(q)) if q > 0 else 0
                env.process(contact(a, m.priority[a], fu))

    for s in range(len(m.staff_role)):
        env.process(blocker(s))
    for a in range(len(m.activity_codes)):
        env.process(arrivals(a))
    env.run(until=horizon)
    return served[0], float(np.mean(waits)) if waits else math.nan


def minimal_baseline(m: CompiledModel, seed: int) -> tuple[int, float]:
    """The smallest process-per-request model: constant capacity (mean staff on duty per
    role), preferred role only, no shifts, escalation, referrals or follow-ups."""
    rng = random.Random(seed)
    env = simpy.Environment()
    n_r = len(m.role_codes)
    on_duty = [0.0] * n_r
    for s, r in enumerate(m.staff_role):
        on_duty[r] += sum(b - a for _, a, b in m.staff_segments[s]) / MINUTES_PER_WEEK
    res = [simpy.PriorityResource(env, capacity=max(1, round(c))) for c in on_duty]
    waits: list[float] = []
    horizon = m.total_weeks * MINUTES_PER_WEEK

    def patient(a: int) -> simpy.events.ProcessGenerator:
        role, minutes = m.eligibility[a][0]
        arrived = env.now
        with res[role].request(priority=m.priority[a]) as req:
            yield req
            waits.append(env.now - arrived)
            yield env.timeout(minutes * rng.expovariate(1.0))

    def arrivals(a: int, rate: float) -> simpy.events.ProcessGenerator:
        while True:
            yield env.timeout(rng.expovariate(rate))
            env.process(patient(a))

    for a in range(len(m.activity_codes)):
        rate = float(m.demand[0, a].mean()) / MINUTES_PER_WEEK
        if rate > 0:
            env.process(arrivals(a, rate))
    env.run(until=horizon)
    return len(waits), float(np.mean(waits))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--intplan-only", action="store_true", help="skip the SimPy baselines")
    args = ap.parse_args()
    scenario = one_int_year()
    model = compile_scenario(scenario, weeks=52, warmup_weeks=0)
    print(
        f"one INT-year: {model.demand.sum():,.0f} expected contacts, roles {model.role_codes}, "
        f"{len(model.staff_int)} staff"
    )
    if args.intplan_only:  # load the compiled kernel before timing (a version's own cost)
        run_replication(model, np.random.SeedSequence(10**6), 1)
    ours, base, minimal = [], [], []
    for k in range(args.runs):
        t = time.process_time()
        r = run_replication(model, np.random.SeedSequence(k), 1)
        dt = time.process_time() - t
        n = float(r.served.sum())
        ours.append(n / dt)
        if args.intplan_only:
            print(f"run {k + 1}: intplan {n:,.0f} contacts in {dt:.2f} s ({n / dt:,.0f}/s)")
            continue
        t = time.process_time()
        n_b, wait_b = baseline(model, k)
        dt_b = time.process_time() - t
        base.append(n_b / dt_b)
        t = time.process_time()
        n_m, _ = minimal_baseline(model, k)
        dt_m = time.process_time() - t
        minimal.append(n_m / dt_m)
        print(
            f"run {k + 1}: intplan {n:,.0f} contacts in {dt:.2f} s ({n / dt:,.0f}/s); "
            f"baseline {n_b:,} in {dt_b:.2f} s ({n_b / dt_b:,.0f}/s); "
            f"mean wait intplan {r.wait_sum_minutes.sum() / n:.0f} min, baseline {wait_b:.0f} min; "
            f"minimal baseline {n_m:,} in {dt_m:.2f} s ({n_m / dt_m:,.0f}/s)"
        )
    if args.intplan_only:
        print(f"median: intplan {statistics.median(ours):,.0f} contacts/s")
        return
    mo, mb, mm = statistics.median(ours), statistics.median(base), statistics.median(minimal)
    print(
        f"median: intplan {mo:,.0f} contacts/s; same-INT baseline {mb:,.0f}/s "
        f"(speed-up {mo / mb:.1f}x); minimal baseline {mm:,.0f}/s (ratio {mo / mm:.1f}x)"
    )


if __name__ == "__main__":
    main()
