"""Byte- and XML-level edits of an .xlsx for damage tests (shared by the fuzz suite)."""

from __future__ import annotations

import re
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

from intplan.io._xlsx import XlsxReader


def sheet_part(path: Path, sheet: str) -> str:
    with XlsxReader(str(path)) as r:
        return r.sheet_paths[sheet]


def rewrite(src: Path, dst: Path, edit: Callable[[str, bytes], bytes]) -> Path:
    """Copy ``src`` to ``dst`` with every member passed through ``edit(name, data)``."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, edit(info.filename, zin.read(info)))
    return dst


def edit_part(src: Path, dst: Path, part: str, edit: Callable[[str], str]) -> Path:
    return rewrite(
        src, dst, lambda n, d: edit(d.decode("utf-8")).encode("utf-8") if n == part else d
    )


def patch_headers(
    src: Path, dst: Path, part: str | None, *, flags: int = 0, method: int | None = None
) -> Path:
    """Set zip flag bits and/or the compression method of ``part`` (all when None),
    in both the local header and the central directory, leaving the data alone."""
    data = bytearray(src.read_bytes())
    with zipfile.ZipFile(src) as z:
        infos = [i for i in z.infolist() if part is None or i.filename == part]
    cd = data.rfind(b"PK\x05\x06")
    (cd_offset,) = struct.unpack_from("<I", data, cd + 16)
    targets = {i.header_offset for i in infos}
    pos = cd_offset
    while data[pos : pos + 4] == b"PK\x01\x02":
        (local,) = struct.unpack_from("<I", data, pos + 42)
        n, m, k = struct.unpack_from("<HHH", data, pos + 28)
        if local in targets:
            for flag_at, method_at in ((pos + 8, pos + 10), (local + 6, local + 8)):
                (f,) = struct.unpack_from("<H", data, flag_at)
                struct.pack_into("<H", data, flag_at, f | flags)
                if method is not None:
                    struct.pack_into("<H", data, method_at, method)
        pos += 46 + n + m + k
    dst.write_bytes(bytes(data))
    return dst


def flip_compressed(src: Path, dst: Path, part: str, n: int = 20) -> Path:
    """Invert ``n`` bytes in the middle of ``part``'s compressed data."""
    data = bytearray(src.read_bytes())
    with zipfile.ZipFile(src) as z:
        info = z.getinfo(part)
    name_len, extra_len = struct.unpack_from("<HH", data, info.header_offset + 26)
    start = info.header_offset + 30 + name_len + extra_len
    mid = start + info.compress_size // 2 - n // 2
    for i in range(max(start, mid), min(start + info.compress_size, mid + n)):
        data[i] ^= 0xFF
    dst.write_bytes(bytes(data))
    return dst


def first_cell(xml: str, column: str, row: int) -> re.Match[str]:
    m = re.search(rf'<c r="{column}{row}"[^>]*?(?:/>|>.*?</c>)', xml)
    assert m, f"no cell {column}{row}"
    return m
