"""What the Demand & capacity view's charts draw for one INT (pure functions).

The same rules as every chart (:mod:`intplan.gui.chart_style`): at most 15 bars, the
rest summed as "Others", names on the axis and codes in the tooltips.
"""

from __future__ import annotations

from collections.abc import Sequence

from intplan.gui.chart_style import DisplayNames, others_label, short, top_n
from intplan.gui.charts import BarData, Series
from intplan.services.capacity import ActivityDemand, RoleCapacity


def workload_bars(activities: Sequence[ActivityDemand], names: DisplayNames) -> BarData:
    """Workload by activity, largest first; the rest summed as "Others"."""
    kept, rest = top_n([a for a in activities if a.hours_per_week > 0], lambda a: a.hours_per_week)
    categories = [short(names.activity(a.activity)) for a in kept]
    tips = [names.activity_tip(a.activity) for a in kept]
    values = [a.hours_per_week for a in kept]
    if rest:
        categories.append(others_label(len(rest), "activities"))
        tips.append(
            f"{others_label(len(rest), 'activities')}, summed: "
            + ", ".join(names.activity_tip(a.activity) for a in rest)
        )
        values.append(sum(a.hours_per_week for a in rest))
    return BarData(
        categories=categories,
        tips=tips,
        series=[Series(name="Workload (hours/week)", values=values)],
    )


def role_bars(roles: Sequence[RoleCapacity], names: DisplayNames) -> tuple[BarData, list[str]]:
    """On-duty hours and workload of the roles that serve patients, busiest first (the
    rest summed as "Others"); and the names of roles left out because they serve no
    modelled activity (admin, data, leads): their on-duty hours would dwarf the rest."""
    serving = [r for r in roles if r.serves_demand]
    kept, rest = top_n(serving, lambda r: r.demand_hours_per_week)
    categories = [short(names.role(r.role)) for r in kept]
    tips = [names.role_tip(r.role) for r in kept]
    on_duty = [r.capacity_hours_per_week for r in kept]
    workload = [r.demand_hours_per_week for r in kept]
    if rest:
        categories.append(others_label(len(rest), "roles"))
        tips.append(
            f"{others_label(len(rest), 'roles')}, summed: "
            + ", ".join(names.role_tip(r.role) for r in rest)
        )
        on_duty.append(sum(r.capacity_hours_per_week for r in rest))
        workload.append(sum(r.demand_hours_per_week for r in rest))
    left_out = [names.role_tip(r.role) for r in roles if not r.serves_demand]
    data = BarData(
        categories=categories,
        tips=tips,
        series=[Series(name="On duty", values=on_duty), Series(name="Workload", values=workload)],
    )
    return data, left_out
