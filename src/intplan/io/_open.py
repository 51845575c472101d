"""Open a scenario workbook for reading, or say in plain words why it cannot be read."""

from __future__ import annotations

from pathlib import Path

from intplan.io._parts import DamagedXlsxError
from intplan.io._xlsx_read import NotXlsxError, XlsxReader
from intplan.io.errors import UnreadableFileError

_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")
UNREADABLE = "not a readable workbook"


def damaged(file: str, e: DamagedXlsxError) -> UnreadableFileError:
    """The error for a damaged package or part (CLI exit 2)."""
    return UnreadableFileError(file, f"{UNREADABLE}: {e}; restore a saved copy")


def open_workbook(path: Path) -> XlsxReader:
    file = str(path)
    if not path.exists():
        raise UnreadableFileError(file, "file not found")
    if path.is_dir():
        raise UnreadableFileError(file, "is a folder, not an Excel workbook")
    try:
        with path.open("rb") as f:
            head = f.read(8)
            if head == _OLE_MAGIC:
                body = head + f.read()
                if _ENCRYPTED_MARK in body:
                    raise UnreadableFileError(
                        file,
                        "the workbook is password-protected; remove the password in Excel "
                        "(File > Info > Protect Workbook) and save again",
                    )
                raise UnreadableFileError(
                    file,
                    "this is an old Excel 97-2003 (.xls) file or is password-protected; "
                    "open it in Excel, remove any password and save it as .xlsx",
                )
    except OSError as e:
        raise UnreadableFileError(file, f"cannot be opened: {e.strerror or e}") from e
    if not head:
        raise UnreadableFileError(file, "the file is empty (0 bytes); it is not an Excel workbook")
    if not head.startswith(b"PK"):
        raise UnreadableFileError(file, "not an Excel workbook (.xlsx)")
    try:
        return XlsxReader(file)
    except DamagedXlsxError as e:
        raise damaged(file, e) from e
    except NotXlsxError as e:
        raise UnreadableFileError(file, "not an Excel workbook (.xlsx)") from e
    except OSError as e:
        raise UnreadableFileError(file, f"cannot be read: {e.strerror or e}") from e
