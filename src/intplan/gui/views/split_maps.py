"""Each PCN split option on its own small map, for the Compare view.

:class:`SplitMapsPanel` takes a finished ``SplitsResult`` (``show_options``) and draws
its best options side by side, each zoomed to the PCN, with the option's INTs as
areas. The Compare view adds it as a page and feeds it each run's result.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from intplan.gui.views.context import ViewContext
from intplan.gui.views.map import MapWidget, draw_assignment

MAX_MAPS = 4  # two by two: more would be too small to read at 1366x768


class _Option(Protocol):
    @property
    def groups(self) -> tuple[tuple[str, ...], ...]: ...


class _OptionResult(Protocol):
    @property
    def option(self) -> _Option: ...
    @property
    def int_codes(self) -> tuple[str, ...]: ...
    @property
    def rank(self) -> int: ...
    @property
    def current(self) -> bool: ...


class _SplitsResult(Protocol):
    @property
    def pcn(self) -> str: ...
    @property
    def options(self) -> Sequence[_OptionResult]: ...


def option_assignment(option: _OptionResult) -> dict[str, str]:
    """Practice code -> INT code for one option (its INT codes follow its group order)."""
    return {
        practice: code
        for group, code in zip(option.option.groups, option.int_codes, strict=True)
        for practice in group
    }


def option_title(option: _OptionResult) -> str:
    n = len(option.option.groups)
    today = " (today)" if option.current else ""
    return f"#{option.rank}: {n} INT{'s' if n > 1 else ''}{today}"


class SplitMapsPanel(QWidget):
    """Up to :data:`MAX_MAPS` options of one split comparison, best rank first."""

    def __init__(self, ctx: ViewContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.maps: list[MapWidget] = []
        self.note = QLabel("Compare split options to see each one on a map.")
        self.note.setObjectName("hint")
        self.note.setWordWrap(True)
        self.grid = QGridLayout()
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addLayout(self.grid, 1)

    def show_options(self, result: _SplitsResult) -> None:
        scenario = self.ctx.document.scenario
        for widget in self.maps:
            widget.setParent(None)
            widget.deleteLater()
        self.maps = []
        shown = list(result.options)[:MAX_MAPS]
        pcn_practices = scenario.practices_of_pcn.get(result.pcn, ())
        for n, option in enumerate(shown):
            widget = MapWidget()
            widget.set_overlays(edges=False)  # the option's new INTs have no adjacency yet
            draw_assignment(widget, scenario, option_assignment(option), option_title(option))
            widget.zoom_to(pcn_practices)
            self.grid.addWidget(widget, n // 2, n % 2)
            self.maps.append(widget)
        more = len(result.options) - len(shown)
        self.note.setText(
            f"PCN {result.pcn}: the {len(shown)} best-ranked options, each zoomed to the PCN; "
            "solid lines are the option's INT boundaries. Hover a practice for its details."
            + (f" {more} more option(s) are in the tables." if more > 0 else "")
        )
