"""STRESS-DES section 3 (data) of the model report: sources, parameters, assumptions.

Every input row of a scenario carries its source; these rows list them by sheet, each
parameter with its value (intplan.services.model_report assembles the whole report).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from intplan.domain import SETTING_SPECS, Scenario

Row = tuple[str, str, str]  # (STRESS-DES item, heading, text)
DOC = "docs/model.md"


def _is_assumption(source: str) -> bool:
    return source.strip().lower().startswith("assumption")


def num(x: float) -> str:
    return f"{x:g}"


def _distinct(sources: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(s.strip() for s in sources if s.strip()))


def _group(items: Iterable[Any], key: Callable[[Any], str]) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for it in items:
        out.setdefault(key(it), []).append(it)
    return out


def _sources(items: Sequence[Any]) -> str:
    return "source: " + " || ".join(_distinct(i.source for i in items))


def data_rows(scenario: Scenario) -> list[Row]:
    s = scenario.settings
    tables: list[tuple[str, Sequence[Any]]] = [
        ("Activities", scenario.activities),
        ("Roles", scenario.roles),
        ("Eligibility", scenario.eligibilities),
        ("Referrals", scenario.referrals),
        ("Demand rates", scenario.demand_rates),
        ("Seasonality", scenario.seasonality),
        ("Interventions", scenario.interventions),
        ("Rotas", scenario.rotas),
        ("Arrival profiles", scenario.arrival_profiles),
        ("Adjacency", scenario.adjacencies),
    ]
    rows: list[Row] = [
        (
            "3.1",
            "Data sources",
            f"Scenario workbook {scenario.name!r}"
            + (f" (About notes: {scenario.notes})" if scenario.notes else "")
            + f"; {len(scenario.practices)} practices, {len(scenario.ints)} INTs, "
            f"{len(scenario.staff)} staff rows. Every reference row carries its source "
            "(publication and date); they are listed by sheet below and in 3.3.",
        )
    ]
    rows += [
        (
            "3.1",
            f"Sources: {name} ({len(items)} rows)",
            "; ".join(_distinct(i.source for i in items)),
        )
        for name, items in tables
        if items
    ]
    rows.append(
        (
            "3.2",
            "Pre-processing",
            "Demand per INT x activity = sum over its practices and age bands of rate x list "
            "size / 1,000 x deprivation multiplier 1 + g(5.5 - decile)/4.5; referral and "
            "re-presentation episodes are added by the model, so the bundled examples' rates "
            "hold only what referrals do not bring (scripts/calibrate_demand_rates.py). "
            "Staff are mapped to INTs by the mapping rules (intplan map): each assignment "
            "is an FTE share of one INT.",
        )
    )
    rows += [
        (
            "3.3",
            f"Settings: {sp.key}",
            f"{getattr(s, sp.key)!r} {sp.unit}; {sp.description}; source: {s.source(sp.key)}",
        )
        for sp in SETTING_SPECS
    ]
    rows += [
        (
            "3.3",
            f"Activity {a.code}",
            f"{a.name}: {a.kind.value}, priority {a.priority}, target "
            f"{num(a.response_target_hours)} h, {a.setting.value}, arrivals "
            f"{a.arrival_profile}, duration {a.duration_distribution.value} (CV "
            f"{num(a.duration_cv)}), {num(a.contacts_per_episode)} contacts per episode "
            f"{num(a.followup_interval_hours)} h apart, "
            f"deprivation gradient {num(a.deprivation_gradient)}, escalation "
            + ("never" if a.escalation_hours is None else f"{num(a.escalation_hours)} h")
            + f"; source: {a.source}",
        )
        for a in scenario.activities
    ]
    rows += [
        (
            "3.3",
            f"Role {r.code}",
            f"{r.name}: {num(r.hours_per_fte_week)} h per FTE week, productive fraction "
            f"{num(r.productive_fraction)}, rota {r.rota}, £{r.pay_cost_gbp_per_fte:,.0f} per "
            f"FTE a year; source: {r.source}",
        )
        for r in scenario.roles
    ]
    for act, rates in _group(scenario.demand_rates, lambda d: d.activity).items():
        values = ", ".join(f"{d.age_band} {num(d.per_1000_per_week)}" for d in rates)
        rows.append(
            ("3.3", f"Demand rates {act}", f"per 1,000 a week: {values}; {_sources(rates)}")
        )
    for act, elig in _group(scenario.eligibilities, lambda e: e.activity).items():
        values = ", ".join(
            f"{e.role} {num(e.duration_minutes)} min (preference {e.preference})"
            for e in sorted(elig, key=lambda e: e.preference)
        )
        rows.append(("3.3", f"Eligibility {act}", f"{values}; {_sources(elig)}"))
    rows += [
        (
            "3.3",
            f"Referral {f.from_activity} > {f.to_activity}",
            f"probability {num(f.probability)} per episode, delay {num(f.delay_hours)} h, "
            f"rejection {num(f.rejection_probability)}; source: {f.source}",
        )
        for f in scenario.referrals
    ]
    for act, months in _group(scenario.seasonality, lambda m: m.activity).items():
        values = ", ".join(f"{m.month}: {num(m.factor)}" for m in months)
        rows.append(("3.3", f"Seasonality {act}", f"factor by month {values}; {_sources(months)}"))
    rows += [
        (
            "3.3",
            f"Intervention {i.code}",
            f"{i.name}: {i.effect_pct:+g}% on {i.activity} ({i.int_code or 'all INTs'}), "
            f"start week {i.start_week}, lag {i.lag_weeks}, ramp {i.ramp_weeks} weeks; "
            f"source: {i.source}",
        )
        for i in scenario.interventions
    ]
    rows += [
        (
            "3.3",
            f"Arrival profile {p.code}",
            f"{p.name}: day weights {', '.join(num(w) for w in p.day_weights)}; hour "
            f"weights {', '.join(num(w) for w in p.hour_weights)}; source: {p.source}",
        )
        for p in scenario.arrival_profiles
    ]
    if scenario.adjacencies:
        minutes = [a.travel_minutes for a in scenario.adjacencies]
        rows.append(
            (
                "3.3",
                "Adjacency",
                f"{len(minutes)} pairs of adjacent INTs, travel {num(min(minutes))}-"
                f"{num(max(minutes))} min; {_sources(scenario.adjacencies)}",
            )
        )
    rows.append(
        (
            "3.4",
            "Model assumptions",
            "A follow-up is booked one response target after the previous contact ends; "
            "leave and sickness are independent lost days (1 - productive fraction); home "
            "visits add the mean distance between the INT's practices (at least 2 km) at "
            "travel_speed_kmh; staff take a contact only if it ends within the overtime "
            "limit; escalated requests leave the model; staff choose work only by "
            f"eligibility and priority. Limits: {DOC}, 'Limits'.",
        )
    )
    rows += [
        (
            "3.4",
            f"Assumed values: {name}",
            "; ".join(_key(name, i) + ": " + i.source for i in items if _is_assumption(i.source)),
        )
        for name, items in (*tables, ("Settings", _settings_items(scenario)))
        if any(_is_assumption(i.source) for i in items)
    ]
    return rows


class _SettingItem:
    """A setting shaped like a table row (key and source) for the assumptions list."""

    def __init__(self, key: str, source: str) -> None:
        self.key = key
        self.source = source


def _settings_items(scenario: Scenario) -> list[_SettingItem]:
    return [_SettingItem(sp.key, scenario.settings.source(sp.key)) for sp in SETTING_SPECS]


def _key(table: str, item: Any) -> str:
    for attr in ("code", "key"):
        if hasattr(item, attr):
            return str(getattr(item, attr))
    return table
