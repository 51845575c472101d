"""Every view fits an NHS laptop: 1366x768, and 1920x1080 at 125% and 150% scaling.

High-DPI scaling multiplies every size by the same factor, so 1920x1080 at 125% lays
out as a 1536x864 window and at 150% as 1280x720 (logical pixels); those sizes are
tested here, and once for real under ``QT_SCALE_FACTOR=1.5`` in a child process.
A control is "fully visible" when its visible region is its whole rectangle (nothing
clips it: not the window edge, not a parent too small); a tab bar fits when every
label fits without scroll arrows or elision. Controls inside a scroll area may scroll.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from gui_fakes import FakePrompts
from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtGui import QRegion
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QProgressBar,
    QTabBar,
    QTableView,
    QWidget,
)

from intplan.domain import Scenario
from intplan.gui import backend
from intplan.gui.app import stylesheet_path
from intplan.gui.main_window import MainWindow
from intplan.gui.views.optimise import KEY_PLAN_COLUMNS, OptimiseView
from intplan.io.workbook import write_scenario
from intplan.services.optimise import run_optimise, write_plan
from intplan.services.past_results import PastResults, read_past_results
from intplan.services.simulate import (
    SimulationOptions,
    run_simulation,
    write_simulation_results,
)

SIZES = {
    "1366x768": (1366, 768),
    "1920x1080-at-125": (1536, 864),
    "1920x1080-at-150": (1280, 720),
}
#: a results table must show this many rows without scrolling (one row is not a table)
MIN_TABLE_ROWS = 3
CONTROLS = (
    QAbstractButton,
    QComboBox,
    QAbstractSpinBox,
    QLineEdit,
    QProgressBar,
    QLabel,
    QTabBar,
)


@pytest.fixture(scope="module")
def kent_medway() -> Scenario:
    return backend.load_example()


def _inside(widget: QWidget, stop: QWidget, kind: type | tuple[type, ...]) -> bool:
    """``widget`` has an ancestor of ``kind`` below ``stop``."""
    parent = widget.parentWidget()
    while parent is not None and parent is not stop:
        if isinstance(parent, kind):
            return True
        parent = parent.parentWidget()
    return False


def _name(w: QWidget) -> str:
    text = ""
    for attr in ("text", "currentText", "placeholderText"):
        get = getattr(w, attr, None)
        if callable(get):
            text = str(get())
            if text:
                break
    return f"{type(w).__name__} {text[:40]!r}"


def clipped(root: QWidget) -> list[str]:
    """Every control under ``root`` that is squashed below its minimum size, clipped by
    the window or a parent, or (labels, tab bars) showing less than its text."""
    problems = []
    for w in root.findChildren(QWidget):
        if not isinstance(w, CONTROLS) or not w.isVisible():
            continue
        if _inside(w, root, (QAbstractItemView, QAbstractSpinBox, QComboBox)):
            continue  # parts of a table (it scrolls), a spin box or a combo box
        if isinstance(w, QAbstractButton) and isinstance(w.parentWidget(), QTabBar):
            continue  # a tab bar's scroll arrows: the tab bar check reports them
        if isinstance(w, QLabel) and not w.text():
            continue
        short = w.minimumSizeHint()
        if not isinstance(w, QLabel | QTabBar) and (
            w.width() < short.width() - 1 or w.height() < short.height() - 1
        ):
            problems.append(f"{_name(w)} is squashed ({w.size()} < {short})")
        elif _inside(w, root, QAbstractScrollArea):
            continue  # in a scroll area: it scrolls into view
        elif w.visibleRegion() != QRegion(w.rect()):
            seen = w.visibleRegion().boundingRect()
            problems.append(f"{_name(w)} is clipped ({seen} of {w.rect()})")
        elif isinstance(w, QTabBar) and w.sizeHint().width() > w.width() + 1:
            labels = [w.tabText(i) for i in range(w.count())]
            problems.append(f"tab labels {labels} need {w.sizeHint().width()} px, have {w.width()}")
        elif (
            isinstance(w, QLabel) and w.wordWrap() and w.heightForWidth(w.width()) > w.height() + 1
        ):
            problems.append(f"{_name(w)} is cut off at the bottom")
        elif isinstance(w, QLabel) and not w.wordWrap() and w.sizeHint().width() > w.width() + 1:
            problems.append(f"{_name(w)} is cut off at the right")
    for table in root.findChildren(QTableView):
        if table.isVisible() and not _inside(table, root, QAbstractScrollArea):
            rows = table.viewport().height() / table.verticalHeader().defaultSectionSize()
            if rows < MIN_TABLE_ROWS:
                problems.append(f"a table shows {rows:.1f} rows (at least {MIN_TABLE_ROWS})")
    return problems


def _settle() -> None:
    for _ in range(10):  # layouts settle in a few passes; no timers are involved
        QCoreApplication.processEvents()


#: every view class in the window's tabs, so a new view cannot escape the check
VIEWS = (
    "MappingView",
    "MapView",
    "CapacityView",
    "SimulateView",
    "OverviewView",
    "OptimiseView",
    "CompareView",
    "SweepView",
)
ALL_SIZES = tuple(SIZES)
#: views known not to fit yet (owned by other branches of issue 15), with what is wrong
#: and at which sizes; strict xfail, so a fix must take its entry out
NOT_YET: dict[str, tuple[str, tuple[str, ...]]] = {}


@pytest.fixture(scope="module")
def results(tiny: Scenario, tmp_path_factory: pytest.TempPathFactory) -> PastResults:
    """Results for the views to show, so their charts, tables and status lines hold
    text as after a run (a tiny scenario's: a Kent & Medway run takes minutes)."""
    path = tmp_path_factory.mktemp("results") / "tiny.xlsx"
    write_scenario(tiny, path)
    quick = SimulationOptions(replications=2, weeks=3, warmup_weeks=1, seed=3)
    write_simulation_results(run_simulation(tiny, quick), source=str(path), out=str(path))
    write_plan(run_optimise(tiny), source=str(path), out=str(path))
    return read_past_results(path)


@pytest.fixture(scope="module")
def windows(
    kent_medway: Scenario,
    results: PastResults,
    qapp: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Any:
    """One window per size, shared by the views' checks (building one takes seconds)."""
    made: dict[tuple[int, int], MainWindow] = {}
    style = stylesheet_path()

    def get(size: tuple[int, int]) -> MainWindow:
        if size not in made:
            ini = tmp_path_factory.mktemp("settings") / "settings.ini"
            window = MainWindow(
                kent_medway,
                prompts=FakePrompts(),
                settings=QSettings(str(ini), QSettings.Format.IniFormat),
            )
            if style is not None:  # the app's stylesheet: its padding changes the layout
                window.setStyleSheet(style.read_text(encoding="utf-8"))
            window.resize(*size)
            window.show()
            window.ensure_views()
            window.document.set_past_results(results)
            _settle()
            made[size] = window
        return made[size]

    yield get
    for window in made.values():
        window.document.undo_stack.setClean()
        window.close()
        window.deleteLater()


def _cases() -> list[Any]:
    cases = []
    for size_id, size in SIZES.items():
        for name in ("main window", *VIEWS):
            marks = []
            reason, sizes = NOT_YET.get(name, ("", ()))
            if size_id in sizes:
                marks.append(pytest.mark.xfail(strict=True, reason=f"issue 15: {reason}"))
            cases.append(pytest.param(size, name, id=f"{size_id}-{name}", marks=marks))
    return cases


@pytest.mark.parametrize(("size", "name"), _cases())
def test_every_view_fits(size: tuple[int, int], name: str, windows: Any) -> None:
    window: MainWindow = windows(size)
    assert (window.width(), window.height()) == size, "the window is larger than the screen"
    if os.environ.get("QT_SCALE_FACTOR"):  # the child process: Qt really scales
        assert window.devicePixelRatioF() == float(os.environ["QT_SCALE_FACTOR"])
    if name == "main window":
        found = [type(window.tabs.widget(n)).__name__ for n in range(window.tabs.count())]
        assert set(found) <= set(VIEWS), f"add the new views to VIEWS: {found}"
        problems = clipped(window.menuBar()) + clipped(window.tabs.tabBar())
        assert problems == [], "\n".join(problems)
        return
    index = next(
        (n for n in range(window.tabs.count()) if type(window.tabs.widget(n)).__name__ == name),
        None,
    )
    assert index is not None, f"no {name} in the window: update VIEWS"
    window.tabs.setCurrentIndex(index)
    _settle()
    view = window.tabs.widget(index)
    assert view is not None
    problems = clipped(view)
    if isinstance(view, OptimiseView):
        problems += _plan_columns(view)
    assert problems == [], "\n".join(problems)


def _plan_columns(view: OptimiseView) -> list[str]:
    """The plan's INT, role and FTE columns are on screen without scrolling sideways."""
    view.result_tabs.setCurrentWidget(view.plan_table)
    _settle()
    table = view.plan_table
    model = view.plan_model
    headers = [
        str(model.headerData(c, Qt.Orientation.Horizontal)) for c in range(model.columnCount())
    ]
    out = []
    for name in KEY_PLAN_COLUMNS:
        c = headers.index(name)
        right = table.columnViewportPosition(c) + table.columnWidth(c)
        if table.columnViewportPosition(c) < 0 or right > table.viewport().width():
            out.append(f"plan column {name!r} is off screen ({right} > {table.viewport().width()})")
    return out


SCALED = "1920x1080-at-150"


def _failing_at(size_id: str) -> set[str]:
    return {name for name, (_, sizes) in NOT_YET.items() if size_id in sizes}


@pytest.mark.slow
def test_fits_under_real_150_percent_scaling(tmp_path: Path) -> None:
    """The 1280x720 case again with Qt's own high-DPI scaling (QT_SCALE_FACTOR=1.5)."""
    env = dict(os.environ, QT_SCALE_FACTOR="1.5")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            __file__,
            "-k",
            f"test_every_view_fits and {SCALED}",
            "-q",
            "-p",
            "no:cacheprovider",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=Path(__file__).parents[2],
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    expected = sum(1 for name in ("main window", *VIEWS) if name not in _failing_at(SCALED))
    assert f"{expected} passed" in done.stdout, done.stdout[-2000:]
