"""Crash handler: keep a recovery copy of unsaved work, offer it at the next start."""

from __future__ import annotations

import json
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QStandardPaths

from intplan.domain import Scenario
from intplan.gui import backend

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], object]


def recovery_dir() -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base) / "recovery"


@dataclass(frozen=True, slots=True, kw_only=True)
class RecoveryCopy:
    workbook: Path
    original: Path | None  # the file the user was editing; None if never saved
    saved_at: str

    @property
    def meta(self) -> Path:
        return self.workbook.with_suffix(".json")

    def describe(self) -> str:
        what = str(self.original) if self.original else "an unsaved scenario"
        return f"{what}\n(saved {self.saved_at})"

    def discard(self) -> None:
        self.workbook.unlink(missing_ok=True)
        self.meta.unlink(missing_ok=True)


def write_recovery(scenario: Scenario, original: Path | None) -> RecoveryCopy:
    folder = recovery_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    copy = RecoveryCopy(
        workbook=folder / f"recovery-{stamp}.xlsx",
        original=original,
        saved_at=time.strftime("%Y-%m-%d %H:%M:%S"),
    )
    backend.write_scenario(scenario, copy.workbook)
    copy.meta.write_text(
        json.dumps({"original": str(original) if original else None, "saved_at": copy.saved_at}),
        encoding="utf-8",
    )
    return copy


def pending_recovery() -> RecoveryCopy | None:
    """The newest recovery copy left by a crash, if any."""
    folder = recovery_dir()
    if not folder.is_dir():
        return None
    for workbook in sorted(folder.glob("recovery-*.xlsx"), reverse=True):
        meta = workbook.with_suffix(".json")
        try:
            info = json.loads(meta.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            info = {}
        original = info.get("original")
        return RecoveryCopy(
            workbook=workbook,
            original=Path(original) if original else None,
            saved_at=str(info.get("saved_at", "unknown time")),
        )
    return None


class CrashHandler:
    """Installed as ``sys.excepthook``; Qt routes exceptions raised in slots here."""

    def __init__(
        self,
        unsaved: Callable[[], tuple[Scenario, Path | None] | None],
        report: Callable[[str, str], None],
    ) -> None:
        self._unsaved = unsaved  # the dirty scenario and its file, or None when clean
        self._report = report  # (message, details) shown to the user
        self._previous: ExceptHook = sys.excepthook
        self._busy = False

    def install(self) -> None:
        self._previous = sys.excepthook
        sys.excepthook = self

    def uninstall(self) -> None:
        if sys.excepthook is self:
            sys.excepthook = self._previous

    def __call__(
        self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        details = "".join(traceback.format_exception(kind, exc, tb))
        sys.stderr.write(details)
        if self._busy:  # a failure while handling a failure: do not loop
            return
        self._busy = True
        try:
            message = f"intplan hit an unexpected problem: {exc}"
            state = self._unsaved()
            if state is not None:
                try:
                    copy = write_recovery(*state)
                    message += (
                        f"\n\nYour unsaved work was kept in {copy.workbook}; intplan will "
                        "offer it the next time it starts."
                    )
                except Exception as save_exc:  # the report must still reach the user
                    message += f"\n\nA recovery copy could not be written: {save_exc}"
            self._report(message, details)
        finally:
            self._busy = False
