from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from gui_fakes import FakePrompts
from PySide6.QtCore import QMimeData, Qt

from intplan.domain import Scenario
from intplan.gui import backend
from intplan.gui.main_window import MainWindow
from intplan.gui.models.staff import STAFF_MIME
from intplan.gui.prompts import SaveChoice
from intplan.io.errors import Issue, UnreadableFileError, WorkbookError

pytestmark = pytest.mark.gui


def _drop(window: MainWindow, ids: list[str], int_code: str, qtbot: Any) -> None:
    model = window.navigator_model
    mime = QMimeData()
    mime.setData(STAFF_MIME, "\n".join(ids).encode())
    target = model.find("int", int_code)
    assert model.dropMimeData(mime, Qt.DropAction.MoveAction, -1, 0, target) is False
    qtbot.waitUntil(lambda: not window.document.undo_stack.isClean(), timeout=2000)


def test_drop_moves_people_and_undo_redo(window: MainWindow, qtbot: Any, tiny: Scenario) -> None:
    assert not window.windowTitle().startswith("*")
    _drop(window, ["S001"], "INT-B", qtbot)
    moved = window.document.scenario.staff[0]
    assert moved.ints == ("INT-B",)
    assert window.windowTitle().startswith("*")
    # The navigator and the staff table follow the document.
    int_b = window.navigator_model.find("int", "INT-B")
    codes = {
        window.navigator_model.index(r, 0, int_b).data(Qt.ItemDataRole.UserRole + 11)
        for r in range(window.navigator_model.rowCount(int_b))
    }
    assert "S001" in codes
    assert window.mapping_view.model.row_at(0).ints == ("INT-B",)
    window.undo_action.trigger()
    assert window.document.scenario is tiny
    assert not window.windowTitle().startswith("*")
    window.redo_action.trigger()
    assert window.document.scenario.staff[0].ints == ("INT-B",)


def test_editing_fte_in_table_is_undoable(window: MainWindow, tiny: Scenario) -> None:
    view = window.mapping_view
    col = [c.header for c in view.model.columns].index("FTE")
    index = view.proxy.index(0, col)
    assert view.proxy.setData(index, 0.6)
    person = window.document.scenario.staff[0]
    assert person.fte == pytest.approx(0.6)
    assert sum(a.fte for a in person.assignments) == pytest.approx(0.6)
    window.undo_action.trigger()
    assert window.document.scenario.staff[0].fte == tiny.staff[0].fte


def test_invalid_edit_shows_message_not_traceback(window: MainWindow, prompts: FakePrompts) -> None:
    view = window.mapping_view
    col = [c.header for c in view.model.columns].index("Role")
    assert not view.proxy.setData(view.proxy.index(0, col), "NOT-A-ROLE")
    assert prompts.errors and "unknown role" in prompts.errors[0][1]
    assert window.document.undo_stack.isClean()


def test_search_filters_staff(window: MainWindow) -> None:
    view = window.mapping_view
    view.search.setText("dn")
    assert view.proxy.rowCount() == 4
    assert "4 of 19" in view.count_label.text()


def test_close_prompts_when_dirty(window: MainWindow, qtbot: Any, prompts: FakePrompts) -> None:
    _drop(window, ["S001"], "INT-B", qtbot)
    prompts.unsaved_answer = SaveChoice.CANCEL
    assert not window.close()
    assert prompts.asked_unsaved == 1
    prompts.unsaved_answer = SaveChoice.DISCARD
    assert window.close()


def test_clean_window_closes_without_asking(window: MainWindow, prompts: FakePrompts) -> None:
    assert window.close()
    assert prompts.asked_unsaved == 0


def test_bad_workbook_lists_every_issue(
    window: MainWindow, prompts: FakePrompts, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    issues = [
        Issue(file="bad.xlsx", sheet="Staff", row=7, column="fte", message="'x' is not a number"),
        Issue(file="bad.xlsx", sheet="Roles", row=3, column="code", message="duplicate"),
    ]

    def fail(path: Path) -> Scenario:
        raise WorkbookError(issues)

    monkeypatch.setattr(backend, "read_scenario", fail)
    prompts.open_answer = str(tmp_path / "bad.xlsx")
    window.open_dialog()
    assert len(prompts.issues) == 1
    _title, rows = prompts.issues[0]
    assert [(r.sheet, r.row, r.column) for r in rows] == [("Staff", 7, "fte"), ("Roles", 3, "code")]
    assert window.document.path is None  # still on the old scenario


def test_unreadable_file_shows_reason(
    window: MainWindow, prompts: FakePrompts, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def fail(path: Path) -> Scenario:
        raise UnreadableFileError(str(path), "not an Excel workbook")

    monkeypatch.setattr(backend, "read_scenario", fail)
    assert not window.open_path(tmp_path / "notes.txt")
    assert prompts.errors and "not an Excel workbook" in prompts.errors[0][1]


def test_issues_dialog_shows_rows(qtbot: Any, qtmodeltester: Any) -> None:
    from intplan.gui.dialogs.issues import IssuesDialog, issue_rows

    rows = issue_rows([Issue(file="a.xlsx", sheet="Staff", row=2, column="fte", message="too big")])
    dialog = IssuesDialog("Problems", "1 problem", rows)
    qtbot.addWidget(dialog)
    qtmodeltester.check(dialog.model)
    assert dialog.model.data(dialog.model.index(0, 4)) == "too big"


def test_about_names_version_and_sources(qtbot: Any) -> None:
    from intplan import __version__
    from intplan.gui.dialogs.about import AboutDialog

    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    text = dialog.label.text()
    assert __version__ in text
    assert "seed 000" in text and "illustrative" in text


def test_keyboard_shortcuts(window: MainWindow) -> None:
    shortcuts = {
        a.shortcut().toString()
        for a in (
            window.open_action,
            window.save_action,
            window.save_as_action,
            window.undo_action,
            window.redo_action,
            window.run_action,
        )
    }
    assert {"Ctrl+O", "Ctrl+S", "Ctrl+Shift+S", "Ctrl+Z", "Ctrl+Y", "F5"} <= shortcuts


def test_illustrative_banner_visible(window: MainWindow) -> None:
    assert window.banner.isVisible()
    assert "Illustrative" in window.banner.text()


def test_real_bad_files_give_dialogs_not_tracebacks(
    window: MainWindow, prompts: FakePrompts, tmp_path: Path, tiny: Scenario
) -> None:
    import openpyxl

    not_excel = tmp_path / "notes.xlsx"
    not_excel.write_text("this is not a workbook", encoding="utf-8")
    assert not window.open_path(not_excel)
    assert prompts.errors and "notes.xlsx" in prompts.errors[-1][1]

    # A real workbook with a broken cell: the reader names sheet, row and column.
    good = tmp_path / "good.xlsx"
    backend.write_scenario(tiny, good)
    book = openpyxl.load_workbook(good)
    sheet = book["Staff"]
    header = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=header.index("fte") + 1, value="lots")
    bad = tmp_path / "bad.xlsx"
    book.save(bad)
    assert not window.open_path(bad)
    assert prompts.issues, prompts.errors
    rows = prompts.issues[-1][1]
    assert any(r.sheet == "Staff" and r.row == 2 for r in rows)
    assert window.document.scenario is tiny
