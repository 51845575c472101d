"""Per-replication KPI definitions: the one place each is defined, for every command.

``simulate`` summarises whole result arrays; the split comparison and ``compare``
reduce a replication to a few scenario-wide numbers (:func:`aggregate_replication`);
the adaptive mode watches one whole-run value (:func:`kpi_value`). They share
:func:`within_target_share`, so "within target" means the same everywhere.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from intplan.domain import IntplanError
from intplan.sim.engine import ReplicationResult
from intplan.sim.model import CompiledModel

#: KPIs the "add replications until precise" mode can watch
KPIS: tuple[str, ...] = ("wait_mean", "within_target", "utilisation")
#: the scenario-wide simulated KPIs of the split comparison and ``compare``
SIM_KPIS: tuple[str, ...] = ("wait", "within_target", "escalations", "utilisation", "continuity")


def safe_ratio(num: NDArray[np.float64], den: NDArray[np.float64]) -> NDArray[np.float64]:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def within_target_share(
    within: NDArray[np.float64], served: NDArray[np.float64], escalated: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Share of requests seen within target (NaN where there were none).

    Escalated requests were not seen within target, so they count in the denominator:
    within / (served + escalated). The one definition for every service (simulate, splits,
    compare).
    """
    return safe_ratio(within, served + escalated)


def kpi_value(kpi: str, r: ReplicationResult, serving: NDArray[np.bool_]) -> float:
    """One replication's value of a whole-run KPI (for the adaptive mode); ``serving``:
    :func:`patient_serving_roles`."""
    if kpi == "wait_mean":
        return float(r.wait_sum_minutes.sum() / max(1.0, r.served.sum()))
    if kpi == "within_target":
        return float(r.within_target.sum() / max(1.0, r.served.sum() + r.escalated.sum()))
    if kpi == "utilisation":
        work, duty = serving_work_and_duty(r, serving)
        return float(work.sum() / max(1.0, duty.sum()))
    raise IntplanError(f"unknown KPI {kpi!r}; choose one of {', '.join(KPIS)}")


def serving_work_and_duty(
    r: ReplicationResult, serving: NDArray[np.bool_]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Per INT: minutes of contact and travel (overtime included) and on-duty minutes of
    the patient-serving roles; their ratio is an INT's utilisation (docs/model.md), the
    quantity the workload model predicts as ``utilisation_expected``."""
    work = (r.busy_minutes[:, serving] + r.overtime_minutes[:, serving]).sum(axis=1)
    duty = r.available_minutes[:, serving].sum(axis=1)
    return np.asarray(work, dtype=np.float64), np.asarray(duty, dtype=np.float64)


def patient_serving_roles(model: CompiledModel) -> NDArray[np.bool_]:
    """Per role: eligible for at least one patient activity (meetings are not)."""
    mask = np.zeros(len(model.role_codes), dtype=bool)
    for row in model.eligibility:
        for r, _minutes in row:
            mask[r] = True
    return mask


def backlog_growing(
    weekly_backlog: NDArray[np.float64], arrivals_per_week: NDArray[np.float64]
) -> NDArray[np.bool_]:
    """Per INT x activity: the backlog at the end exceeds one week's arrivals AND is
    larger than at the end of the first half of the measured weeks. Inputs are means
    across replications: ``weekly_backlog`` (INT, activity, week), ``arrivals_per_week``
    (INT, activity). With fewer than 2 measured weeks growth cannot be judged: False."""
    n_w = weekly_backlog.shape[2]
    if n_w < 2:
        return np.zeros(weekly_backlog.shape[:2], dtype=bool)
    end, mid = weekly_backlog[:, :, -1], weekly_backlog[:, :, n_w // 2 - 1]
    return (end > arrivals_per_week) & (end > mid)


def aggregate_replication(
    r: ReplicationResult, population: int, weeks: int, serving: NDArray[np.bool_]
) -> dict[str, float]:
    """A replication reduced to the scenario-wide :data:`SIM_KPIS` (all INTs simulated)."""
    served = float(np.sum(r.served))
    esc = float(np.sum(r.escalated))
    work, duty = serving_work_and_duty(r, serving)
    followups = float(np.sum(r.followups))
    return {
        "wait": float(np.sum(r.wait_sum_minutes)) / served if served else math.nan,
        "within_target": float(
            within_target_share(
                np.asarray(np.sum(r.within_target)), np.asarray(served), np.asarray(esc)
            )
        ),
        "escalations": esc / (population / 1000.0) / weeks if population else math.nan,
        "utilisation": float(work.sum() / duty.sum()) if duty.sum() > 0 else math.nan,
        "continuity": float(np.sum(r.followups_same_person)) / followups if followups else math.nan,
    }
