"""The kernel against the reference model (plain SimPy): a differential oracle.

Both engines run the same CompiledModel with the same seeds. Their random streams differ,
so single replications differ and only distributions can agree: for every metric (mean
wait, share within target and share that waited per INT × activity, arrivals a week,
utilisation per INT × role, referrals and continuity per INT) the difference of the two
replication means must lie within its 95% Welch interval widened to a family-wise 1% over
the metrics of one comparison (Bonferroni), or within half a percentage point for shares
(saturated pools read 0.999 against 1.000 with almost no variance).

A comparison must be able to fail: a deliberately wrong engine (the reference model with
referrals decided after every contact, the bug of issue 12) is flagged by the same check,
and both correct engines match known answers where there are some (Erlang C; referred
episodes = p × episodes), which the wrong one does not.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray
from scipy import stats

from intplan.cli import main
from intplan.domain import DemandRate, Patience, Referral, Scenario
from intplan.examples import build_tiny
from intplan.io.workbook import write_scenario
from intplan.sim import engine, reference
from intplan.sim.engine import ReplicationResult, int_seeds
from intplan.sim.engines import ENGINES, run_replication_with
from intplan.sim.model import CompiledModel, SimulationInputError, compile_scenario
from intplan.sim.reference import Process, ReferenceModel
from intplan.sim.replications import replication_seeds

T = "test: reference model"
Runner = Callable[[CompiledModel, np.random.SeedSequence, int], ReplicationResult]
#: family-wise false-alarm rate of one comparison (split over its metrics)
FAMILY_ALPHA = 0.01
#: shares (utilisation, within target) differing by less than this agree (see docstring)
SHARE_TOLERANCE = 0.005


def replicate(run: Runner, model: CompiledModel, n_ints: int, reps: int, seed: int = 5) -> Any:
    return [run(model, ss, n_ints) for ss in replication_seeds(seed, 0, reps)]


def _ratio(num: NDArray[np.float64], den: NDArray[np.float64]) -> NDArray[np.float64]:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def metrics(m: CompiledModel, results: Sequence[ReplicationResult]) -> dict[str, list[float]]:
    """Per-replication values of every compared metric, keyed by a readable name."""

    def stack(name: str) -> NDArray[np.float64]:
        return np.stack([getattr(r, name) for r in results])

    served, esc = stack("served"), stack("escalated")
    per_activity = {
        "arrivals/week": stack("arrivals") / m.weeks,
        "wait mean min": _ratio(stack("wait_sum_minutes"), served),
        "within target": _ratio(stack("within_target"), served + esc),
        "waited share": _ratio(stack("waited"), served),
        # NHS booking categories: same day, and within a week of the request
        "same-day share": _ratio(
            stack("attended_by_bucket")[..., 0], stack("attended_by_bucket").sum(axis=-1)
        ),
        "within 7 days share": _ratio(
            stack("attended_by_bucket")[..., :3].sum(axis=-1),
            stack("attended_by_bucket").sum(axis=-1),
        ),
        "gave-up share": _ratio(stack("reneged"), stack("arrivals")),
        "turned-away share": _ratio(stack("turned_away"), stack("arrivals")),
        "did-not-attend rate": _ratio(
            stack("dna_by_bucket").sum(axis=-1),
            (stack("dna_by_bucket") + stack("attended_by_bucket")).sum(axis=-1),
        ),
    }
    out: dict[str, list[float]] = {}
    for i, ic in enumerate(m.int_codes):
        for a, ac in enumerate(m.activity_codes):
            if m.demand[i, a].sum() > 0 or served[:, i, a].sum() > 0:
                for name, x in per_activity.items():
                    out[f"{name} {ic} {ac}"] = x[:, i, a].tolist()
        for r, rc in enumerate(m.role_codes):
            if m.fte[i, r] > 0:
                util = _ratio(stack("busy_minutes"), stack("available_minutes"))
                out[f"utilisation {ic} {rc}"] = util[:, i, r].tolist()
        if any(m.referrals):
            out[f"referrals/week {ic}"] = (stack("referrals")[:, i] / m.weeks).tolist()
        if m.neighbours[i]:
            out[f"cover contacts/week {ic}"] = (stack("cover_contacts")[:, i] / m.weeks).tolist()
        if max(m.contacts_per_episode) > 1:
            cont = _ratio(stack("followups_same_person"), stack("followups"))
            out[f"continuity {ic}"] = cont[:, i].tolist()
    return out


@dataclasses.dataclass(frozen=True)
class Agreement:
    """One metric in both engines: means, their 95% CIs and the verdict."""

    name: str
    kernel: tuple[float, float]  # mean, 95% half-width
    reference: tuple[float, float]
    agrees: bool

    def __str__(self) -> str:
        k, r = self.kernel, self.reference
        flag = "" if self.agrees else "   <-- DISAGREES"
        return f"{self.name:<32} kernel {k[0]:10.3f} ± {k[1]:<8.3f} reference {r[0]:10.3f} ± {r[1]:.3f}{flag}"


def _mean_hw(x: NDArray[np.float64]) -> tuple[float, float, float]:
    """Mean, variance of the mean, 95% half-width."""
    n = len(x)
    var = float(x.var(ddof=1)) / n
    return float(x.mean()), var, float(stats.t.ppf(0.975, n - 1)) * math.sqrt(var)


def agreement(
    m: CompiledModel, kernel_results: Sequence[Any], reference_results: Sequence[Any]
) -> list[Agreement]:
    """Welch comparison of every metric, Bonferroni over the metrics (see the docstring)."""
    k_all, r_all = metrics(m, kernel_results), metrics(m, reference_results)
    alpha = FAMILY_ALPHA / len(k_all)
    out = []
    for name, k_values in k_all.items():
        k = np.asarray([v for v in k_values if math.isfinite(v)])
        r = np.asarray([v for v in r_all[name] if math.isfinite(v)])
        if len(k) < 2 or len(r) < 2:
            continue  # nothing to compare (e.g. nobody served in any replication)
        km, kv, khw = _mean_hw(k)
        rm, rv, rhw = _mean_hw(r)
        se = math.sqrt(kv + rv)
        df = (kv + rv) ** 2 / ((kv**2 / (len(k) - 1)) + (rv**2 / (len(r) - 1))) if se > 0 else 1
        allowed = float(stats.t.ppf(1 - alpha / 2, df)) * se
        is_share = not name.startswith(("wait mean", "arrivals", "referrals", "cover"))
        agrees = abs(km - rm) <= allowed + (SHARE_TOLERANCE if is_share else 1e-9)
        out.append(Agreement(name, (km, khw), (rm, rhw), agrees))
    return out


def assert_engines_agree(
    scenario: Scenario, *, weeks: int, warmup: int, reps: int, cover: bool = False
) -> None:
    m = compile_scenario(scenario, weeks=weeks, warmup_weeks=warmup, cover=cover)
    n = len(scenario.ints)
    table = agreement(
        m,
        replicate(engine.run_replication, m, n, reps),
        replicate(reference.run_replication, m, n, reps),
    )
    assert len(table) >= 5
    assert all(a.agrees for a in table), "\n" + "\n".join(map(str, table))


# -- M/M/c: both engines and Erlang C -----------------------------------------------
def erlang_c(c: int, offered: float) -> float:
    """Probability an arrival waits in M/M/c with offered load ``offered`` = lambda / mu."""
    top = offered**c / math.factorial(c) / (1.0 - offered / c)
    return top / (sum(offered**k / math.factorial(k) for k in range(c)) + top)


def mmc_case(
    make_queue: Callable[..., Scenario], rho: float, weeks: int, reps: int
) -> tuple[list[Agreement], float, float]:
    c, mean_minutes = 3, 30.0
    lam = rho * c / mean_minutes  # per minute
    s = make_queue(servers=c, arrivals_per_hour=lam * 60, mean_minutes=mean_minutes)
    m = compile_scenario(s, weeks=weeks, warmup_weeks=1, cover=False)
    k = replicate(engine.run_replication, m, 1, reps)
    r = replicate(reference.run_replication, m, 1, reps)
    p_wait = erlang_c(c, lam * mean_minutes)
    wq = p_wait / (c / mean_minutes - lam)
    table = agreement(m, k, r)
    for results in (k, r):  # each engine's 99% CI contains Erlang C's mean wait and P(wait)
        values = metrics(m, results)
        for name, exact in (("wait mean min I0 A0", wq), ("waited share I0 A0", p_wait)):
            mean, _, hw = _mean_hw(np.asarray(values[name]))
            widen = stats.t.ppf(0.995, reps - 1) / stats.t.ppf(0.975, reps - 1)
            assert abs(mean - exact) <= hw * widen, (name, mean, hw, exact)
    return table, wq, p_wait


def test_mmc_both_engines_agree_with_each_other_and_erlang_c(
    make_queue: Callable[..., Scenario],
) -> None:
    table, _, _ = mmc_case(make_queue, 0.8, weeks=10, reps=8)
    assert all(a.agrees for a in table), "\n" + "\n".join(map(str, table))


@pytest.mark.slow
@pytest.mark.parametrize("rho", [0.5, 0.9])
def test_mmc_agreement_at_other_loads(make_queue: Callable[..., Scenario], rho: float) -> None:
    table, _, _ = mmc_case(make_queue, rho, weeks=20, reps=12)
    assert all(a.agrees for a in table), "\n" + "\n".join(map(str, table))


# -- the tiny example -----------------------------------------------------------------
def scaled(s: Scenario, factor: float) -> Scenario:
    return dataclasses.replace(
        s,
        demand_rates=tuple(
            dataclasses.replace(d, per_1000_per_week=d.per_1000_per_week * factor)
            for d in s.demand_rates
        ),
    )


@pytest.mark.parametrize(("weeks", "reps"), [(10, 8), pytest.param(20, 30, marks=pytest.mark.slow)])
def test_tiny_at_a_stable_load_agrees(weeks: int, reps: int) -> None:
    # demand × 0.7: every pool below saturation, so waits settle and the test is sharp
    assert_engines_agree(scaled(build_tiny(), 0.7), weeks=weeks, warmup=4, reps=reps)


def test_tiny_with_did_not_attend_agrees() -> None:
    # missed contacts use the slot and half are booked again a week later (the defaults)
    s = scaled(build_tiny(), 0.7)
    s = dataclasses.replace(s, settings=dataclasses.replace(s.settings, dna_enabled=1))
    assert_engines_agree(s, weeks=10, warmup=4, reps=8)


def test_tiny_with_patience_and_a_booking_horizon_agrees() -> None:
    # as bundled (saturated GPs and nurses), same-day requests give up after 3 hours on
    # average and LTC reviews cannot be booked more than a week ahead
    s = build_tiny()
    acts = tuple(
        dataclasses.replace(a, patience=Patience.EXPONENTIAL, patience_mean_hours=3.0)
        if a.code == "SDC"
        else dataclasses.replace(a, booking_horizon_days=7.0)
        if a.code == "LTC"
        else a
        for a in s.activities
    )
    settings = dataclasses.replace(s.settings, patience_enabled=1, booking_horizon_enabled=1)
    s = dataclasses.replace(s, activities=acts, settings=settings)
    assert_engines_agree(s, weeks=10, warmup=4, reps=8)


@pytest.mark.slow
def test_tiny_with_cover_agrees() -> None:
    # idle staff of the adjacent INT take waiting requests, adding the edge's travel
    assert_engines_agree(scaled(build_tiny(), 0.7), weeks=20, warmup=4, reps=20, cover=True)


@pytest.mark.slow
def test_tiny_as_bundled_agrees() -> None:
    # as bundled, tiny's GPs and nurses are saturated: growing LTC backlogs, escalations
    assert_engines_agree(build_tiny(), weeks=26, warmup=4, reps=12)


# -- a referral chain -------------------------------------------------------------------
A_CONTACTS_PER_WEEK = 480.0
P_REFER, P_REJECT, A_CONTACTS_PER_EPISODE = 0.3, 0.5, 4.0


def referral_chain(make_queue: Callable[..., Scenario]) -> Scenario:
    """A (episodes of 4 contacts) refers 30% of episodes to B (episodes of 2 contacts);
    half of them are screened out and re-present as R, one level more urgent. Two servers
    at about 77% utilisation, so waits, priorities and continuity all matter."""
    base = make_queue(
        servers=2,
        arrivals_per_hour=(A_CONTACTS_PER_WEEK / 168.0, 0.0, 0.0),
        mean_minutes=30.0,
        priorities=(2, 2, 2),
    )
    a, b, r = base.activities
    return dataclasses.replace(
        base,
        activities=(
            dataclasses.replace(a, contacts_per_episode=A_CONTACTS_PER_EPISODE),
            dataclasses.replace(b, contacts_per_episode=2.0),
            r,
        ),
        demand_rates=tuple(
            DemandRate(activity=x.code, age_band="18-64", per_1000_per_week=v, source=T)
            for x, v in ((a, A_CONTACTS_PER_WEEK), (b, 0.0), (r, 0.0))
        ),
        referrals=(
            Referral(
                from_activity=a.code,
                to_activity=b.code,
                probability=P_REFER,
                delay_hours=2.0,
                rejection_probability=P_REJECT,
                source=T,
            ),
        ),
        settings=dataclasses.replace(
            base.settings, represent_activity=r.code, represent_delay_hours=3.0
        ),
    )


class PerContactReferrals(ReferenceModel):
    """A deliberately wrong engine: the referral decided after EVERY contact of an
    episode (the bug of issue 12), everything else as the reference model."""

    def episode(self, i: int, a: int, priority: int, delay: float = 0.0) -> Process:
        if delay > 0:
            yield self.env.timeout(delay)
        c = self.m.contacts_per_episode[a]
        followups = int(self.rng[i].geometric(1.0 / c)) - 1 if c > 1 else 0
        previous = -1
        for k in range(1 + followups):
            if k:
                yield self.env.timeout(self.m.followup_delay_minutes[a])
            req = self.new_request(i, a, priority, previous)
            if not (yield from self.contact(req)):
                return
            previous = req.server
            self.refer(req)  # wrong: per contact


def run_wrong(m: CompiledModel, ss: np.random.SeedSequence, n_ints: int) -> ReplicationResult:
    return PerContactReferrals(m, int_seeds(m, ss, n_ints)).run()


def referred_per_week(m: CompiledModel, results: Sequence[ReplicationResult]) -> list[float]:
    """B's arrivals a week: first contacts and follow-ups (B has 2 contacts an episode)."""
    return [float(r.arrivals[0, 1]) / m.weeks for r in results]


def test_referral_chain_agrees_and_a_per_contact_engine_is_caught(
    make_queue: Callable[..., Scenario],
) -> None:
    s = referral_chain(make_queue)
    m = compile_scenario(s, weeks=10, warmup_weeks=2, cover=False)
    reps = 8
    kernel_runs = replicate(engine.run_replication, m, 1, reps)
    reference_runs = replicate(reference.run_replication, m, 1, reps)
    wrong_runs = replicate(run_wrong, m, 1, reps)

    table = agreement(m, kernel_runs, reference_runs)
    assert all(a.agrees for a in table), "\n" + "\n".join(map(str, table))
    wrong = agreement(m, kernel_runs, wrong_runs)
    caught = {a.name for a in wrong if not a.agrees}
    assert {"arrivals/week I0 A1", "arrivals/week I0 A2", "referrals/week I0"} <= caught, caught

    # the known answer: B's contacts = p × (1 − rejection) × A's episodes × B's 2 contacts
    expected_b = P_REFER * (1 - P_REJECT) * A_CONTACTS_PER_WEEK / A_CONTACTS_PER_EPISODE * 2.0
    for name, runs in (("kernel", kernel_runs), ("reference", reference_runs)):
        mean, _, hw = _mean_hw(np.asarray(referred_per_week(m, runs)))
        assert abs(mean - expected_b) <= 1.5 * hw, (name, mean, hw, expected_b)
    wrong_mean = float(np.mean(referred_per_week(m, wrong_runs)))
    assert wrong_mean > 3 * expected_b  # about 4× (one decision per contact)


# -- choosing the engine ------------------------------------------------------------------
def test_either_engine_by_name_gives_the_same_result_shape(tiny: Scenario) -> None:
    m = compile_scenario(tiny, weeks=2, warmup_weeks=1, cover=False)
    (ss,) = replication_seeds(1, 0, 1)
    weeks: list[int] = []
    runs = {e: run_replication_with(e, m, ss, len(tiny.ints), weeks.append) for e in ENGINES}
    assert set(ENGINES) == {"kernel", "reference"}
    assert weeks == [0, 1, 2] * 2  # progress (and cancel) week by week in both
    kernel_run, reference_run = runs["kernel"], runs["reference"]
    for f in dataclasses.fields(ReplicationResult):
        k, r = getattr(kernel_run, f.name), getattr(reference_run, f.name)
        assert np.shape(k) == np.shape(r), f.name
    assert reference_run.served.sum() > 1000


def test_an_unknown_engine_is_named_in_the_error(tiny: Scenario) -> None:
    m = compile_scenario(tiny, weeks=1, warmup_weeks=0)
    with pytest.raises(SimulationInputError, match=r"unknown engine 'simpy'.*kernel, reference"):
        run_replication_with("simpy", m, np.random.SeedSequence(0), len(tiny.ints))


# -- intplan simulate --engine reference --------------------------------------------------
def test_cli_simulate_runs_the_reference_engine(
    tiny: Scenario, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "tiny.xlsx"
    write_scenario(tiny, path)
    common = ["simulate", str(path), "--replications", "2", "--weeks", "2", "--no-write", "--json"]
    outs = {}
    for engine_name in ("kernel", "reference"):
        # two workers: the reference engine also runs in spawned worker processes
        assert main([*common, "--engine", engine_name, "--workers", "2"]) == 0
        outs[engine_name] = json.loads(capsys.readouterr().out)
    kernel_out, reference_out = outs["kernel"], outs["reference"]
    assert [(a["int"], a["activity"]) for a in reference_out["activities"]] == [
        (a["int"], a["activity"]) for a in kernel_out["activities"]
    ]
    for k, r in zip(kernel_out["roles"], reference_out["roles"], strict=True):
        assert r["utilisation"] == pytest.approx(k["utilisation"], abs=0.1)
    assert main([*common, "--engine", "simpy"]) == 2  # argparse names the choices
    assert "kernel" in capsys.readouterr().err
