"""docs/workbook-format.md is generated from the schema and must match it."""

from __future__ import annotations

from pathlib import Path

from intplan.io.schema import SHEETS, format_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "workbook-format.md"


def test_workbook_format_doc_is_up_to_date() -> None:
    assert DOC.read_text(encoding="utf-8") == format_markdown(), (
        "docs/workbook-format.md is out of date; regenerate it with "
        ".venv/bin/python -m intplan.io.schema > docs/workbook-format.md"
    )


def test_doc_names_every_sheet_and_column() -> None:
    text = format_markdown()
    for sheet in SHEETS:
        assert f"## {sheet.name}\n" in text
        for column in sheet.columns:
            assert f"| `{column.header}` |" in text
