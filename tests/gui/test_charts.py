"""One chart style: legends below the plot (never over the data), a single series named
by the axis title, tooltips that name what is under the pointer."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from intplan.gui.charts import PALETTE, ChartWidget, Series

pytestmark = pytest.mark.gui


def _chart(qtbot: QtBot, title: str, x_label: str, y_label: str) -> ChartWidget:
    chart = ChartWidget(title, x_label, y_label)
    qtbot.addWidget(chart)
    chart.resize(700, 400)
    chart.show()
    qtbot.waitExposed(chart)
    return chart


def _legend_clear_of_the_plot(chart: ChartWidget) -> bool:
    legend = chart._legend.sceneBoundingRect()
    plot = chart.getPlotItem().vb.sceneBoundingRect()
    return bool(legend.height() > 0 and legend.top() >= plot.bottom())


@pytest.mark.parametrize("kind", ["bars", "hbars"])
def test_bar_legend_only_when_there_are_several_series(qtbot: QtBot, kind: str) -> None:
    chart = _chart(qtbot, "Utilisation by role", "Utilisation (%)", "")
    one = [Series(name="Utilisation", values=[80.0, 60.0], low=[75.0, 55.0], high=[85.0, 65.0])]
    getattr(chart, kind)(["GP", "PN"], one)
    assert chart.legend_names() == []  # the axis title names it
    assert not chart._legend.isVisible()
    two = [*one, Series(name="Target", values=[85.0, 85.0])]
    getattr(chart, kind)(["GP", "PN"], two)
    assert chart.legend_names() == ["Utilisation", "Target"]
    qtbot.waitUntil(lambda: _legend_clear_of_the_plot(chart))


def test_many_lines_stay_distinct_and_the_legend_sits_below(qtbot: QtBot) -> None:
    chart = _chart(qtbot, "Mean wait by week", "Week", "Wait (hours)")
    n = len(PALETTE) + 3
    series = [Series(name=f"A{k}", values=[1.0, 2.0, 10.0 + k]) for k in range(n)]
    chart.lines([1.0, 2.0, 3.0], series)
    styles = [item.opts["pen"].style() for item in chart.getPlotItem().listDataItems()]
    # colours repeat past the palette, so the second round is dashed
    assert styles[: len(PALETTE)] == [Qt.PenStyle.SolidLine] * len(PALETTE)
    assert styles[len(PALETTE) :] == [Qt.PenStyle.DashLine] * 3
    assert len(chart.legend_names()) == n
    qtbot.waitUntil(lambda: _legend_clear_of_the_plot(chart))
    # every entry inside the chart, none cut off at the bottom
    for _, label in chart._legend.items:
        assert label.sceneBoundingRect().bottom() <= chart.height()


def test_hbars_put_values_on_the_bottom_axis_and_names_on_the_left(qtbot: QtBot) -> None:
    chart = _chart(qtbot, "Utilisation by role", "Utilisation (%)", "")
    chart.hbars(
        ["General practitioner", "Practice nurse"],
        [Series(name="Utilisation", values=[80.0, 60.0])],
        tips=["General practitioner (GP)", "Practice nurse (PN)"],
        fmt=lambda v: f"{v:.0f}%",
    )
    assert chart.axis_title("bottom") == "Utilisation (%)"
    assert chart.axis_title("left") == ""  # the names say what they are
    ticks = chart.getPlotItem().getAxis("left")._tickLevels[0]
    assert [name for _, name in ticks] == ["General practitioner", "Practice nurse"]
    # hovering a bar names it with its code and gives its figure
    assert chart.tooltip_at(50.0, 0.0) == "General practitioner (GP)\nUtilisation: 80%"
    assert chart.tooltip_at(50.0, -1.0).startswith("Practice nurse (PN)")


def test_stacked_bars_end_to_end_with_a_legend_and_tooltips(qtbot: QtBot) -> None:
    chart = _chart(qtbot, "Booking", "Share (%)", "")
    chart.stacked_hbars(
        ["Same-day consultation"],
        [Series(name="Same day", values=[70.0]), Series(name="Next day", values=[30.0])],
        tips=["Same-day consultation (SDC)"],
        fmt=lambda v: f"{v:.0f}%",
    )
    bars = [i for i in chart.getPlotItem().items if type(i).__name__ == "BarGraphItem"]
    assert [float(b.opts["x0"][0]) for b in bars] == [0.0, 70.0]
    assert chart.legend_names() == ["Same day", "Next day"]
    assert (
        chart.tooltip_at(10.0, 0.0) == "Same-day consultation (SDC)\nSame day: 70%\nNext day: 30%"
    )


def test_line_tooltip_names_the_nearest_line(qtbot: QtBot) -> None:
    chart = _chart(qtbot, "Mean wait by week", "Week", "Wait (hours)")
    chart.lines(
        [1.0, 2.0],
        [Series(name="Low", values=[1.0, 1.0]), Series(name="High", values=[5.0, 6.0])],
        fmt=lambda v: f"{v:.1f} hours",
    )
    assert chart.tooltip_at(2.1, 5.5) == "High\nWeek: 2\n6.0 hours"
    assert chart.tooltip_at(1.0, 0.0).startswith("Low")
