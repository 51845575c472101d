"""Chart legends: a single series is named by the axis title, several need a legend."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from intplan.gui.charts import ChartWidget, Series

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
