"""The main window: file handling, the navigator, and the views in tabs."""

from __future__ import annotations

import importlib
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QSettings, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QMainWindow,
    QMenu,
    QSplitter,
    QStyle,
    QTabWidget,
    QToolBar,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from intplan.domain import Scenario, ScenarioError
from intplan.domain.errors import IntplanError
from intplan.gui import backend
from intplan.gui.dialogs.about import AboutDialog
from intplan.gui.dialogs.issues import issue_rows
from intplan.gui.document import ScenarioDocument
from intplan.gui.models.navigator import CODE_ROLE, KIND_ROLE, NavigatorModel
from intplan.gui.prompts import Prompts, SaveChoice
from intplan.gui.views.common import is_illustrative
from intplan.gui.views.context import ViewContext
from intplan.gui.views.mapping import MappingView
from intplan.gui.worker import TaskRunner
from intplan.io.errors import UnreadableFileError, WorkbookError

if TYPE_CHECKING:
    from intplan.services.past_results import PastResults

MAX_RECENT = 8
#: the smallest the view area gets: what is left of 1280x720 beside a narrow navigator
TABS_MINIMUM = QSize(640, 420)
RECENT_KEY = "recent_files"


class NavigatorView(QTreeView):
    """The tree on the left; INT items accept people dragged from the staff table."""

    def __init__(self) -> None:
        super().__init__()
        self.setHeaderHidden(False)
        self.setUniformRowHeights(True)  # fast with thousands of staff rows
        self.setAcceptDrops(True)
        self.setDragEnabled(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)


class MainWindow(QMainWindow):
    def __init__(
        self,
        scenario: Scenario,
        path: Path | None = None,
        *,
        prompts: Prompts | None = None,
        settings: QSettings | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("MainWindow")
        self.prompts = prompts or Prompts()
        self.settings = settings or QSettings()
        self.document = ScenarioDocument(scenario, path, self)
        self.runner = TaskRunner(self)
        self.setWindowIcon(app_icon())
        self.resize(1360, 860)

        ctx = ViewContext(
            document=self.document,
            prompts=self.prompts,
            runner=self.runner,
            window=self,
            status=lambda text: self.statusBar().showMessage(text, 5000),
        )
        self.navigator_model = NavigatorModel(scenario)
        self._navigator_scenario = scenario
        self.navigator_model.people_dropped.connect(self._people_dropped)
        self.navigator = NavigatorView()
        self.navigator.setModel(self.navigator_model)
        self.navigator.clicked.connect(self._navigator_clicked)
        self.navigator.expandToDepth(1)

        self.mapping_view = MappingView(ctx)
        self.mapping_view.int_selected.connect(self._select_int)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        # The window must fit a 1366x768 screen (or 1920x1080 at 150%: 1280x720): a view
        # taller than the room must not push the window off the screen. Each view fits
        # itself with splitters and scroll areas (tests/gui/test_layout_1366.py).
        self.tabs.setMinimumSize(TABS_MINIMUM)
        self.tabs.addTab(self.mapping_view, "Geography && mapping")
        self._ctx = ctx
        self._views_built = False
        # The analysis views pull in pyqtgraph, scipy and the solvers (~2 s of imports):
        # import them on a background thread so the window paints first.
        self._loader = threading.Thread(target=_import_analysis_views, daemon=True)
        self._loader.start()
        self._loader_timer = QTimer(self)
        self._loader_timer.setInterval(50)
        self._loader_timer.timeout.connect(self._poll_loader)
        self._loader_timer.start()

        self.banner = QLabel()
        self.banner.setObjectName("illustrativeBanner")
        self.banner.setWordWrap(True)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.setSpacing(0)
        right_layout.addWidget(self.banner)
        right_layout.addWidget(self.tabs, 1)
        split = QSplitter()
        split.addWidget(self.navigator)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        split.setSizes([300, 1060])
        self.setCentralWidget(split)

        self._build_actions()
        self.document.scenario_changed.connect(self._scenario_changed)
        self.document.results_loaded.connect(self._show_past_results)
        self.document.dirty_changed.connect(lambda _: self._update_title())
        self.document.path_changed.connect(self._update_title)
        self.runner.busy_changed.connect(self._busy_changed)
        self._scenario_changed()

    def _poll_loader(self) -> None:
        if not self._loader.is_alive():
            self._loader_timer.stop()
            self.ensure_views()

    def ensure_views(self) -> None:
        """Add the analysis tabs (waits for their modules if still importing)."""
        if self._views_built:
            return
        self._loader.join()
        self._views_built = True
        from intplan.gui.views.registry import build_views

        for title, view in build_views(self._ctx):
            self.tabs.addTab(view, title)
            picked = getattr(view, "int_selected", None)  # the Map and Overview views
            if picked is not None:
                picked.connect(self._select_int)
        self._loader_timer.stop()
        self._show_past_results()

    # -- actions and menus -------------------------------------------------------
    def _action(
        self,
        text: str,
        slot: Callable[..., object],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        icon: QStyle.StandardPixmap | None = None,
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if icon is not None:
            action.setIcon(self.style().standardIcon(icon))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        sp = QStyle.StandardPixmap
        self.open_action = self._action(
            "&Open…",
            self.open_dialog,
            QKeySequence.StandardKey.Open,
            sp.SP_DialogOpenButton,
            "Open a scenario workbook",
        )
        self.example_action = self._action(
            "Open the &Kent && Medway example",
            self.open_example,
            tip="The bundled illustrative example",
        )
        self.save_action = self._action(
            "&Save",
            self.save,
            QKeySequence.StandardKey.Save,
            sp.SP_DialogSaveButton,
            "Save the scenario workbook",
        )
        self.save_as_action = self._action(
            "Save &As…", self.save_as, "Ctrl+Shift+S", tip="Save under a new name"
        )
        self.quit_action = self._action("&Quit", self.close, QKeySequence.StandardKey.Quit)
        self.undo_action = self.document.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence("Ctrl+Z"))
        self.undo_action.setIcon(self.style().standardIcon(sp.SP_ArrowBack))
        self.redo_action = self.document.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
        self.redo_action.setIcon(self.style().standardIcon(sp.SP_ArrowForward))
        self.run_action = self._action(
            "&Run", self.run_current, "F5", sp.SP_MediaPlay, "Run the current view (F5)"
        )
        self.cancel_action = self._action(
            "&Cancel run", self.runner.cancel, "Esc", sp.SP_MediaStop, "Cancel the running job"
        )
        self.cancel_action.setEnabled(False)
        self.about_action = self._action("&About intplan", self.show_about)
        self.export_pack_action = self._action(
            "Export &board pack…",
            self.export_board_pack,
            tip="A few-page PDF of the results shown: overview, run charts, plan, splits",
        )

        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        for action in (self.open_action, self.example_action):
            file_menu.addAction(action)
        self.recent_menu = QMenu("Open &Recent", self)
        file_menu.addMenu(self.recent_menu)
        file_menu.addSeparator()
        file_menu.addAction(self.save_action)
        file_menu.addAction(self.save_as_action)
        file_menu.addAction(self.export_pack_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = menu.addMenu("&Edit")
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        run_menu = menu.addMenu("&Run")
        run_menu.addAction(self.run_action)
        run_menu.addAction(self.cancel_action)
        help_menu = menu.addMenu("&Help")
        help_menu.addAction(self.about_action)
        self._refresh_recent()

        bar = QToolBar("Main")
        bar.setObjectName("mainToolbar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        items: list[QAction | None] = [
            self.open_action,
            self.save_action,
            None,
            self.undo_action,
            self.redo_action,
            None,
            self.run_action,
            self.cancel_action,
        ]
        for item in items:
            if item is None:
                bar.addSeparator()
            else:
                bar.addAction(item)
        self.addToolBar(bar)

    # -- document state -----------------------------------------------------------
    def _update_title(self) -> None:
        star = "*" if self.document.dirty else ""
        self.setWindowTitle(f"{star}{self.document.display_name} — intplan")

    def _scenario_changed(self) -> None:
        s = self.document.scenario
        if self._navigator_scenario is not s:  # the tree was built from this one already
            expanded = self._expanded_keys()
            self.navigator_model.set_scenario(s)
            self._restore_expanded(expanded)
            self._navigator_scenario = s
        if is_illustrative(s):
            self.banner.setText(
                f"Illustrative data: “{s.name}” uses fictional people and places "
                "(see About for the sources of its numbers). Replace it with your own workbook before drawing conclusions."
            )
            self.banner.show()
        else:
            self.banner.hide()
        self._update_title()
        self.statusBar().showMessage(
            f"{len(s.ints)} INTs · {len(s.practices)} practices · {s.population:,} people · "
            f"{len(s.staff):,} staff",
            0,
        )

    def _expanded_keys(self) -> set[tuple[str, str]]:
        keys = set()
        model = self.navigator_model
        stack = [model.index(r, 0) for r in range(model.rowCount())]
        while stack:
            index = stack.pop()
            if self.navigator.isExpanded(index):
                keys.add((index.data(KIND_ROLE), index.data(CODE_ROLE)))
                stack.extend(model.index(r, 0, index) for r in range(model.rowCount(index)))
        return keys

    def _restore_expanded(self, keys: set[tuple[str, str]]) -> None:
        if not keys:
            self.navigator.expandToDepth(1)
            return
        for kind, code in keys:
            index = self.navigator_model.find(kind, code)
            if index.isValid():
                self.navigator.expand(index)

    def _navigator_clicked(self, index: QModelIndex) -> None:
        kind = index.data(KIND_ROLE)
        code = str(index.data(CODE_ROLE))
        if kind == "int":
            self._select_int(code)
        elif kind == "staff":
            self.tabs.setCurrentWidget(self.mapping_view)
            self.mapping_view.show_person(code)

    def _select_int(self, code: str) -> None:
        index = self.navigator_model.find("int", code)
        if index.isValid() and self.navigator.currentIndex() != index:
            self.navigator.setCurrentIndex(index)
            self.navigator.scrollTo(index)
        self.mapping_view.show_int(code)
        for n in range(self.tabs.count()):
            view = self.tabs.widget(n)
            select = getattr(view, "select_int", None)
            if select is not None:
                select(code)

    def _people_dropped(self, staff_ids: list[str], int_code: str) -> None:
        # Deferred: the drop handler must return before the model is rebuilt.
        QTimer.singleShot(0, lambda: self.mapping_view.move_people(list(staff_ids), int_code))

    # -- files -------------------------------------------------------------------------
    def _start_dir(self) -> str:
        path = self.document.path
        if path is not None:
            return str(path.parent)
        recent = self.recent_files()
        return str(Path(recent[0]).parent) if recent else str(Path.home())

    def open_dialog(self) -> None:
        if not self._maybe_save():
            return
        path = self.prompts.open_workbook(self, self._start_dir())
        if path:
            self.open_path(Path(path))

    def open_path(self, path: Path) -> bool:
        """Open a workbook; any problem is shown as a list, never a traceback."""
        started = time.monotonic()
        try:
            scenario = backend.read_scenario(path)
        except WorkbookError as exc:
            self.prompts.show_issues(
                self,
                "Problems in the workbook",
                f"“{path.name}” could not be opened: {len(exc.issues)} problem(s) were found. "
                "Fix them in Excel and open the file again.",
                issue_rows(exc.issues),
            )
            return False
        except ScenarioError as exc:
            self.prompts.show_issues(
                self,
                "Problems in the scenario",
                f"“{path.name}” is not consistent: {len(exc.problems)} problem(s).",
                issue_rows(exc.problems, path.name),
            )
            return False
        except UnreadableFileError as exc:
            self.prompts.show_error(
                self, "Cannot open file", f"“{path.name}” cannot be opened: {exc.reason}"
            )
            return False
        except (IntplanError, OSError, RuntimeError) as exc:
            self.prompts.show_error(self, "Cannot open file", f"“{path.name}”: {exc}")
            return False
        self.document.reset(scenario, path)
        self._add_recent(path)
        past = self._read_past_results(path)
        found = f"; showing its stored results ({past.describe()})" if past and past.any else ""
        self.document.set_past_results(past)
        self.statusBar().showMessage(
            f"Opened {path.name} in {time.monotonic() - started:.1f} s{found}", 10000
        )
        return True

    def _read_past_results(self, path: Path) -> PastResults | None:
        """The results the workbook holds; damaged ones are listed, the scenario still opens."""
        try:
            return backend.read_past_results(path)
        except WorkbookError as exc:
            self.prompts.show_issues(
                self,
                "Problems in the stored results",
                f"“{path.name}” opened, but its stored results cannot be shown: "
                f"{len(exc.issues)} problem(s). Run again to replace them.",
                issue_rows(exc.issues),
            )
        except (IntplanError, OSError) as exc:
            self.prompts.show_error(
                self, "Stored results not shown", f"“{path.name}”: its results: {exc}"
            )
        return None

    def _show_past_results(self) -> None:
        """Hand the opened workbook's results to every view that shows them (once built)."""
        past = self.document.past_results
        if past is None or not past.any or not self._views_built:
            return
        for n in range(self.tabs.count()):
            show = getattr(self.tabs.widget(n), "show_loaded", None)
            if show is not None:
                show(past)

    def export_board_pack(self) -> None:
        """File ▸ Export board pack: the results on screen (or stored) as a PDF."""
        from intplan.gui.board_pack import export_board_pack

        self.ensure_views()
        export_board_pack(self)

    def open_example(self) -> None:
        if self._maybe_save():
            self.document.reset(backend.load_example(), None)

    def save(self) -> bool:
        if self.document.path is None:
            return self.save_as()
        return self._write(self.document.path)

    def save_as(self) -> bool:
        suggested = self.document.path or Path(self._start_dir()) / (
            _safe_name(self.document.scenario.name) + ".xlsx"
        )
        path = self.prompts.save_workbook(self, str(suggested))
        return bool(path) and self._write(Path(str(path)))

    def _write(self, path: Path) -> bool:
        try:
            backend.write_scenario(self.document.scenario, path)  # atomic: temp file + replace
        except (IntplanError, OSError, RuntimeError) as exc:
            self.prompts.show_error(self, "Cannot save", f"“{path.name}” was not saved: {exc}")
            return False
        self.document.mark_saved(path)
        self._add_recent(path)
        self.statusBar().showMessage(f"Saved {path}", 5000)
        return True

    def recent_files(self) -> list[str]:
        value = self.settings.value(RECENT_KEY, [])
        if isinstance(value, str):  # QSettings returns a lone string for one-item lists
            return [value]
        return [str(v) for v in value] if isinstance(value, list) else []

    def _add_recent(self, path: Path) -> None:
        items = [str(path)] + [p for p in self.recent_files() if p != str(path)]
        self.settings.setValue(RECENT_KEY, items[:MAX_RECENT])
        self._refresh_recent()

    def _refresh_recent(self) -> None:
        self.recent_menu.clear()
        items = self.recent_files()
        for p in items:
            action = self.recent_menu.addAction(Path(p).name)
            action.setToolTip(p)
            action.triggered.connect(lambda _=False, p=p: self._open_recent(Path(p)))
        self.recent_menu.setEnabled(bool(items))

    def _open_recent(self, path: Path) -> None:
        if self._maybe_save():
            self.open_path(path)

    def _maybe_save(self) -> bool:
        """True when it is fine to drop the current scenario (saved, discarded)."""
        if not self.document.dirty:
            return True
        choice = self.prompts.unsaved_changes(self, self.document.display_name)
        if choice is SaveChoice.SAVE:
            return self.save()
        return choice is SaveChoice.DISCARD

    # -- running ----------------------------------------------------------------------
    def run_current(self) -> None:
        self.ensure_views()
        run = getattr(self.tabs.currentWidget(), "run", None)
        if run is not None and not self.runner.busy:
            run()

    def _busy_changed(self, busy: bool) -> None:
        self.cancel_action.setEnabled(busy)
        self.run_action.setEnabled(not busy)
        self.open_action.setEnabled(not busy)
        self.example_action.setEnabled(not busy)

    def show_about(self) -> None:
        AboutDialog(self).exec()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._maybe_save():
            event.ignore()
            return
        # Cancel any run and wait for the worker so no thread outlives the window.
        self.runner.cancel()
        self.runner.wait()
        self._loader_timer.stop()
        self._loader.join(timeout=30)
        event.accept()


def _safe_name(name: str) -> str:
    keep = "".join(c if c.isalnum() or c in " -_" else " " for c in name)
    return "-".join(keep.lower().split()) or "scenario"


def app_icon() -> QIcon:
    here = Path(__file__).resolve()
    for candidate in (
        here.parents[1] / "resources" / "icons" / "intplan.svg",  # installed wheel
        here.parents[3] / "resources" / "icons" / "intplan.svg",  # source tree
    ):
        if candidate.is_file():
            return QIcon(str(candidate))
    return QIcon()


def _import_analysis_views() -> None:
    importlib.import_module("intplan.gui.views.registry")
