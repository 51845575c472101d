"""Chart legends: a single series is named by the axis title, several need a legend."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from intplan.gui.charts import PALETTE, ChartWidget, Series

pytestmark = pytest.mark.gui


@pytest.mark.parametrize("kind", ["bars", "hbars"])
def test_bar_legend_only_when_there_are_several_series(qtbot: QtBot, kind: str) -> None:
    chart = ChartWidget("Utilisation by role", "Role", "Utilisation (%)")
    qtbot.addWidget(chart)
    one = [Series(name="Utilisation", values=[80.0, 60.0], low=[75.0, 55.0], high=[85.0, 65.0])]
    getattr(chart, kind)(["GP", "PN"], one)
    assert chart._legend.items == []  # it would sit on top of the bars
    two = [*one, Series(name="Target", values=[85.0, 85.0])]
    getattr(chart, kind)(["GP", "PN"], two)
    assert [label.text for _, label in chart._legend.items] == ["Utilisation", "Target"]


def test_many_lines_stay_distinct_and_leave_room_for_the_legend(qtbot: QtBot) -> None:
    chart = ChartWidget("Mean wait by week", "Week", "Wait (hours)")
    qtbot.addWidget(chart)
    n = len(PALETTE) + 3
    series = [Series(name=f"A{k}", values=[1.0, 2.0, 10.0 + k]) for k in range(n)]
    chart.lines([1.0, 2.0, 3.0], series)
    styles = [item.opts["pen"].style() for item in chart.getPlotItem().listDataItems()]
    # colours repeat past the palette, so the second round is dashed
    assert styles[: len(PALETTE)] == [Qt.PenStyle.SolidLine] * len(PALETTE)
    assert styles[len(PALETTE) :] == [Qt.PenStyle.DashLine] * 3
    assert len(chart._legend.items) == n
    top = 10.0 + n - 1
    assert chart.getPlotItem().viewRange()[1][1] > top * 1.2  # headroom above the lines
