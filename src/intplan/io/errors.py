"""Errors reported against files: every problem with file, sheet, row and column."""

from __future__ import annotations

from dataclasses import dataclass

from intplan.domain.errors import IntplanError


@dataclass(frozen=True, slots=True, kw_only=True)
class Issue:
    """One problem in one cell (or row, or sheet) of a file."""

    file: str
    sheet: str | None  # None for whole-file problems, or a CSV
    row: int | None  # 1-based spreadsheet row; None for sheet-level problems
    column: str | None  # the column header as the user sees it
    message: str  # what is wrong and what would be right

    def __str__(self) -> str:
        where = [self.file]
        if self.sheet:
            where.append(f"sheet {self.sheet!r}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.message}"

    def to_json(self) -> dict[str, object]:
        return {
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


class WorkbookError(IntplanError):
    """The file was read but its content has problems (CLI exit 1). Lists them all."""

    def __init__(self, issues: list[Issue] | tuple[Issue, ...]) -> None:
        self.issues = tuple(issues)
        lines = "\n".join(f"  - {i}" for i in self.issues)
        super().__init__(f"{len(self.issues)} problem(s) found:\n{lines}")


class UnreadableFileError(IntplanError):
    """The file could not be opened as the expected kind of file (CLI exit 2)."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")
