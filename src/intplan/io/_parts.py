"""Guarded access to the parts of an .xlsx package.

A workbook is a zip of XML parts, and a damaged or hostile file can fail in many
library-specific ways: encrypted or unsupported zip entries (RuntimeError,
NotImplementedError), corrupt deflate streams (zlib.error), bad CRCs, truncated or
malformed XML, entity expansion. Every one of them becomes a :class:`DamagedXlsxError`
naming the part, so callers handle one exception (and the CLI exits 2).
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from typing import IO
from xml.parsers import expat

#: Largest XML part read (uncompressed). Kent & Medway's largest sheet is about 3 MB;
#: this is a guard against zip bombs, not a practical limit.
MAX_PART_BYTES = 256 * 1024 * 1024

#: Excel and LibreOffice only ever write these two.
_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate"}

_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    ValueError,
    struct.error,
    NotImplementedError,
    RuntimeError,
)


class DamagedXlsxError(ValueError):
    """The package or one of its parts cannot be read; the message says which and why."""


class _DoctypeError(DamagedXlsxError):
    pass


def open_zip(path: str | IO[bytes]) -> zipfile.ZipFile:
    """The zip directory, or DamagedXlsxError (OSError passes: the file is not damaged)."""
    try:
        return zipfile.ZipFile(path)
    except _ZIP_ERRORS as e:
        raise DamagedXlsxError(f"the zip structure is damaged ({e})") from e


def read_part(zf: zipfile.ZipFile, name: str, what: str) -> bytes:
    """The bytes of zip member ``name`` (``what`` names it for the user)."""
    try:
        info = zf.getinfo(name)
    except KeyError as e:
        raise DamagedXlsxError(f"{what} ({name}) is missing from the zip") from e
    if info.flag_bits & 0x1:
        raise DamagedXlsxError(
            f"{what} ({name}) is encrypted inside the zip; Excel never saves a workbook "
            "this way. Open it in the program that made it and save it as a plain .xlsx"
        )
    if info.compress_type not in _METHODS:
        raise DamagedXlsxError(
            f"{what} ({name}) uses zip compression method {info.compress_type}, which "
            "Excel does not write (stored or deflate expected)"
        )
    if info.file_size > MAX_PART_BYTES:
        raise DamagedXlsxError(f"{what} ({name}) is larger than {MAX_PART_BYTES >> 20} MB")
    try:
        with zf.open(info) as f:
            data = f.read(MAX_PART_BYTES + 1)
    except _ZIP_ERRORS as e:
        raise DamagedXlsxError(f"{what} ({name}) is damaged in the zip ({e})") from e
    if len(data) > MAX_PART_BYTES:
        raise DamagedXlsxError(f"{what} ({name}) is larger than {MAX_PART_BYTES >> 20} MB")
    return data


def _no_doctype(*_: object) -> None:
    # SpreadsheetML never has a DTD; one can only be there to expand entities.
    raise _DoctypeError("it has a DOCTYPE declaration, which workbooks never have")


def parser(*, namespaces: bool = False) -> expat.XMLParserType:
    """An expat parser that refuses DTDs (entity expansion, external entities).

    With ``namespaces``, element and attribute names come as ``"namespace-URI local"``
    (whatever prefix the part uses), else as written.
    """
    p = expat.ParserCreate(namespace_separator=" ") if namespaces else expat.ParserCreate()
    p.StartDoctypeDeclHandler = _no_doctype
    return p


def parse(p: expat.XMLParserType, data: bytes, what: str) -> None:
    """Feed ``data`` to ``p``; malformed XML becomes DamagedXlsxError naming ``what``."""
    try:
        p.Parse(data, True)
    except expat.ExpatError as e:
        raise DamagedXlsxError(
            f"{what} is not well-formed XML (line {e.lineno}, column {e.offset}: "
            f"{expat.ErrorString(e.code)})"
        ) from e
    except _DoctypeError as e:
        raise DamagedXlsxError(f"{what}: {e}") from e


def check_well_formed(data: bytes, what: str) -> None:
    """Parse without handlers (C speed): the whole part must be well-formed XML."""
    parse(parser(), data, what)
