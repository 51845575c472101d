"""A deterministic mutation corpus over the tiny scenario workbook.

``mutant(base, i)`` turns case number ``i`` into one damaged workbook (bytes) with
``must_fail`` set when the damage must not load as a valid scenario: broken zip
entries, XML that is cut off or not well-formed, bad references, numbers outside their
bounds, duplicated rows, missing required columns. The same ``i`` always gives the
same mutant, so a failing case is reproduced by its number.
"""

from __future__ import annotations

import io
import random
import re
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from intplan.domain import SETTING_SPECS
from intplan.io import schema as S
from intplan.io._xlsx import XlsxReader
from intplan.io.cellnum import parse_number


@dataclass(frozen=True)
class Base:
    """A workbook to mutate, with where each input sheet and column lives."""

    name: str
    data: bytes
    members: dict[str, bytes]
    sheet_part: dict[str, str]  # input sheet -> zip member
    letters: dict[str, dict[str, str]]  # sheet -> header -> column letter
    rows: dict[str, list[int]]  # sheet -> data row numbers
    settings_rows: dict[str, int]  # setting key -> row
    read_set: frozenset[str]  # members the reader always parses


@dataclass(frozen=True)
class Mutant:
    kind: str
    data: bytes
    must_fail: bool
    detail: str


def load_base(name: str, data: bytes, path: str) -> Base:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        members = {i.filename: z.read(i) for i in z.infolist()}
    with XlsxReader(path) as r:
        parts = {s.name: r.sheet_paths[s.name] for s in S.SHEETS}
        letters, rows, settings_rows = {}, {}, {}
        for spec in S.SHEETS:
            got = r.rows(spec.name)
            header = got[0][1]
            letters[spec.name] = {
                str(h): get_column_letter(i + 1) for i, h in enumerate(header) if h is not None
            }
            rows[spec.name] = [n for n, _ in got[1:]]
            if spec.name == "Settings":
                settings_rows = {str(v[0]): n for n, v in got[1:]}
    read_set = set(parts.values()) | {
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "_rels/.rels",
    }
    read_set |= {m for m in members if m.endswith(("sharedStrings.xml", "styles.xml"))}
    return Base(name, data, members, parts, letters, rows, settings_rows, frozenset(read_set))


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in members.items():
            z.writestr(name, body)
    return buf.getvalue()


def _with_part(b: Base, part: str, xml: str) -> bytes:
    return _zip({**b.members, part: xml.encode("utf-8")})


def _local_headers(data: bytes) -> dict[str, tuple[int, int]]:
    """member -> (local header offset, central directory entry offset)."""
    out: dict[str, tuple[int, int]] = {}
    cd = data.rfind(b"PK\x05\x06")
    (pos,) = struct.unpack_from("<I", data, cd + 16)
    while data[pos : pos + 4] == b"PK\x01\x02":
        n, m, k = struct.unpack_from("<HHH", data, pos + 28)
        (local,) = struct.unpack_from("<I", data, pos + 42)
        out[data[pos + 46 : pos + 46 + n].decode()] = (local, pos)
        pos += 46 + n + m + k
    return out


# -- zip-level ----------------------------------------------------------------------


def flip_anywhere(b: Base, rng: random.Random) -> Mutant:
    data = bytearray(b.data)
    for _ in range(rng.randint(1, 20)):
        data[rng.randrange(len(data))] ^= rng.randint(1, 255)
    return Mutant("flip_anywhere", bytes(data), False, "")


def flip_member(b: Base, rng: random.Random) -> Mutant:
    part = rng.choice(sorted(b.read_set))
    data = bytearray(b.data)
    with zipfile.ZipFile(io.BytesIO(b.data)) as z:
        info = z.getinfo(part)
    n, m = struct.unpack_from("<HH", data, info.header_offset + 26)
    start = info.header_offset + 30 + n + m
    for _ in range(rng.randint(1, 20)):  # not the last byte: it may hold only padding bits
        data[start + rng.randrange(max(info.compress_size - 1, 1))] ^= rng.randint(1, 255)
    return Mutant("flip_member", bytes(data), True, part)


def truncate_file(b: Base, rng: random.Random) -> Mutant:
    cut = rng.randrange(len(b.data) - 22)
    return Mutant("truncate_file", b.data[:cut], True, str(cut))


def header_bits(b: Base, rng: random.Random) -> Mutant:
    part = rng.choice(sorted(b.read_set))
    local, central = _local_headers(b.data)[part]
    data = bytearray(b.data)
    if rng.random() < 0.5:
        for at in (local + 6, central + 8):
            data[at] |= 0x1  # "encrypted"
        detail = f"{part} encrypted"
    else:
        method = rng.choice([1, 6, 9, 12, 14, 98, 99])
        for at in (local + 8, central + 10):
            struct.pack_into("<H", data, at, method)
        detail = f"{part} method {method}"
    return Mutant("header_bits", bytes(data), True, detail)


def drop_member(b: Base, rng: random.Random) -> Mutant:
    part = rng.choice(sorted(b.members))
    members = {k: v for k, v in b.members.items() if k != part}
    uses_strings = any(b't="s"' in b.members[p] for p in b.sheet_part.values())
    must = part in set(b.sheet_part.values()) | {"xl/workbook.xml", "xl/_rels/workbook.xml.rels"}
    must |= part.endswith("sharedStrings.xml") and uses_strings
    return Mutant("drop_member", _zip(members), must, part)


# -- XML-level ----------------------------------------------------------------------


def truncate_xml(b: Base, rng: random.Random) -> Mutant:
    part = rng.choice(sorted(b.read_set))
    xml = b.members[part].decode("utf-8")
    root_end = xml.rfind("</")
    cut = rng.randrange(1, max(root_end, 2))
    return Mutant("truncate_xml", _with_part(b, part, xml[:cut]), True, f"{part}@{cut}")


_GARBAGE = ["<", "&", "&bogus;", "]]>", "\x00", "<c>", "</row>", "<!DOCTYPE x>", "\x01<x"]


def garbage_between_tags(b: Base, rng: random.Random) -> Mutant:
    part = rng.choice(sorted(b.read_set))
    xml = b.members[part].decode("utf-8")
    ends = [m.end() for m in re.finditer(">", xml)][1:-1]  # inside the root element
    at = rng.choice(ends)
    junk = rng.choice(_GARBAGE)
    return Mutant(
        "garbage", _with_part(b, part, xml[:at] + junk + xml[at:]), True, f"{part} {junk!r}"
    )


_CELL = re.compile(r'<c r="([A-Z]+)(\d+)"[^>]*?(?:/>|>.*?</c>)', re.S)


def _cells(xml: str) -> list[re.Match[str]]:
    return [m for m in _CELL.finditer(xml) if not m.group(0).endswith("/>")]


def _sheet(b: Base, rng: random.Random) -> tuple[str, str, str]:
    sheet = rng.choice([s.name for s in S.SHEETS])
    part = b.sheet_part[sheet]
    return sheet, part, b.members[part].decode("utf-8")


def char_ref(b: Base, rng: random.Random) -> Mutant:
    sheet, part, xml = _sheet(b, rng)
    m = rng.choice(_cells(xml))
    ref = rng.choice(["&#0;", "&#99999999999999999999;", "&#xD800;", "&#x110000;", "&#1;"])
    cell = f'<c r="{m.group(1)}{m.group(2)}" t="inlineStr"><is><t>a{ref}b</t></is></c>'
    return Mutant("char_ref", _with_part(b, part, xml.replace(m.group(0), cell, 1)), True, sheet)


def bad_ref(b: Base, rng: random.Random) -> Mutant:
    sheet, part, xml = _sheet(b, rng)
    m = rng.choice(_cells(xml))
    col, row = m.group(1), m.group(2)
    new = rng.choice(
        [
            f"ZZZZZZZZZZ{row}",
            f"XFE{row}",
            f"{col}0",
            f"{col}1048577",
            f"{col}99999999999",
            "a1",
            f"{col}-1",
        ]
    )
    cell = m.group(0).replace(f'r="{col}{row}"', f'r="{new}"', 1)
    return Mutant(
        "bad_ref", _with_part(b, part, xml.replace(m.group(0), cell, 1)), True, f"{sheet} {new}"
    )


def bad_shared(b: Base, rng: random.Random) -> Mutant:
    sheet, part, xml = _sheet(b, rng)
    shared = [m for m in _cells(xml) if 't="s"' in m.group(0)]
    if not shared:
        return dup_cell(b, rng)
    m = rng.choice(shared)
    v = rng.choice(["99999", "-1", "", "abc", "1.5", "1e3"])
    cell = re.sub(r"<v>[^<]*</v>", f"<v>{v}</v>", m.group(0))
    return Mutant(
        "bad_shared", _with_part(b, part, xml.replace(m.group(0), cell, 1)), True, f"{sheet} {v!r}"
    )


def bad_type(b: Base, rng: random.Random) -> Mutant:
    sheet, part, xml = _sheet(b, rng)
    m = rng.choice(_cells(xml))
    t = rng.choice(["zz", "q", "bool"])
    cell = re.sub(r' t="\w+"', "", m.group(0)).replace(" r=", f' t="{t}" r=', 1)
    return Mutant("bad_type", _with_part(b, part, xml.replace(m.group(0), cell, 1)), True, sheet)


def dup_cell(b: Base, rng: random.Random) -> Mutant:
    sheet, part, xml = _sheet(b, rng)
    m = rng.choice(_cells(xml))
    doubled = xml.replace(m.group(0), m.group(0) * 2, 1)
    return Mutant("dup_cell", _with_part(b, part, doubled), True, sheet)


# -- values and rows ----------------------------------------------------------------


def _set_cell(xml: str, ref: str, value: str | None, as_number: bool) -> str:
    m = re.search(rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)', xml, re.S)
    if value is None:
        new = ""
    elif as_number:
        new = f'<c r="{ref}" t="n"><v>{value}</v></c>'
    else:
        esc = value.replace("&", "&amp;").replace("<", "&lt;")
        new = f'<c r="{ref}" t="inlineStr"><is><t>{esc}</t></is></c>'
    if m:
        return xml[: m.start()] + new + xml[m.end() :]
    row = re.search(rf'<row r="{re.sub(r"[A-Z]+", "", ref)}"[^>]*>', xml)
    assert row, ref
    return xml[: row.end()] + new + xml[row.end() :]  # cell order does not matter to the reader


def _number_choices(low: float, high: float) -> list[str]:
    return [
        repr(high * 10 + 1), repr(low - 1), "1e12", "1e308", "-1e308", "1e999", "5e-324",
        "nan", "NaN", "inf", "-Infinity", "abc", "1_000", "1,000", "0,5", "\u0661\u0662",
        repr(high), repr(low), "",
    ]  # fmt: skip


def _number_must_fail(text: str, low: float, high: float, whole: bool, required: bool) -> bool:
    if not text.strip():
        return required
    x = parse_number(text)
    if x is None:
        return True
    return not (low <= x <= high) or (whole and not float(x).is_integer())


def value(b: Base, rng: random.Random) -> Mutant:
    if rng.random() < 0.2:
        spec_ = rng.choice([p for p in SETTING_SPECS if p.limit is not None])
        assert spec_.limit is not None
        sheet, low, high = "Settings", spec_.limit.low, spec_.limit.high
        whole, required = isinstance(spec_.default, int), True
        ref = f"{b.letters['Settings']['value']}{b.settings_rows[spec_.key]}"
        header = spec_.key
    else:
        specs = [s for s in S.SHEETS if b.rows[s.name] and any(c.limit for c in s.columns)]
        spec = rng.choice(specs)
        col = rng.choice([c for c in spec.columns if c.limit is not None])
        assert col.limit is not None
        sheet, low, high, header = spec.name, col.limit.low, col.limit.high, col.header
        whole, required = col.kind is S.Kind.INTEGER, col.required
        ref = f"{b.letters[sheet][header]}{rng.choice(b.rows[sheet])}"
    text = rng.choice(_number_choices(low, high))
    stored_as_number = rng.random() < 0.5
    xml = b.members[b.sheet_part[sheet]].decode("utf-8")
    new = _set_cell(xml, ref, text if text else None, stored_as_number)
    must = _number_must_fail(text, low, high, whole, required)
    if stored_as_number and text.strip() and parse_number(text) is None:
        must = True  # a stored number that is not one: the file is damaged
    if sheet == "Seasonality" and header == "month":
        must = True  # months are ids: a valid month now appears twice or goes missing
    part = b.sheet_part[sheet]
    return Mutant("value", _with_part(b, part, new), must, f"{sheet}!{ref}={text!r}")


def dup_row(b: Base, rng: random.Random) -> Mutant:
    sheet, part, xml = _sheet(b, rng)
    if not b.rows[sheet]:
        return dup_cell(b, rng)
    n = rng.choice(b.rows[sheet])
    m = re.search(rf'<row r="{n}"[^>]*>.*?</row>', xml, re.S)
    assert m
    last = max(b.rows[sheet]) + 1
    copy = re.sub(r'r="([A-Z]+)\d+"', rf'r="\g<1>{last}"', m.group(0))
    copy = copy.replace(f'<row r="{n}"', f'<row r="{last}"', 1)
    end = xml.index("</sheetData>")
    # About's notes and label rows may be blank: a second blank value is still a second row.
    return Mutant(
        "dup_row", _with_part(b, part, xml[:end] + copy + xml[end:]), True, f"{sheet} {n}"
    )


def drop_column(b: Base, rng: random.Random) -> Mutant:
    sheet, part, xml = _sheet(b, rng)
    spec = S.SHEET_BY_NAME[sheet]
    header, letter = rng.choice(sorted(b.letters[sheet].items()))
    new = re.sub(rf'<c r="{letter}\d+"[^>]*?(?:/>|>.*?</c>)', "", xml, flags=re.S)
    col = spec.column(header) if header in spec.headers else None
    must = col is not None and col.required
    return Mutant("drop_column", _with_part(b, part, new), must, f"{sheet}.{header}")


def clear_cell(b: Base, rng: random.Random) -> Mutant:
    sheet, part, xml = _sheet(b, rng)
    if not b.rows[sheet]:
        return dup_cell(b, rng)
    spec = S.SHEET_BY_NAME[sheet]
    header, letter = rng.choice(sorted(b.letters[sheet].items()))
    n = rng.choice(b.rows[sheet])
    row_xml = re.search(rf'<row r="{n}"[^>]*>(.*?)</row>', xml, re.S)
    row_cells = _cells(row_xml.group(1)) if row_xml else []
    target = next((c for c in row_cells if c.group(1) == letter), None)
    new = _set_cell(xml, f"{letter}{n}", None, False)
    col = spec.column(header) if header in spec.headers else None
    must = target is not None and col is not None and col.required
    if target is not None and len(row_cells) == 1:
        must = False  # the row is now blank, and a blank row is skipped
    if sheet == "About" and row_cells:
        key = _text_of(b, row_cells[0].group(0))
        if key in ("schema_version", "name") and target is not None:
            must = True  # without its value (or key) the row is missing or blank
    return Mutant("clear_cell", _with_part(b, part, new), must, f"{sheet}!{letter}{n}")


def _text_of(b: Base, cell: str) -> str:
    inline = re.search(r"<t[^>]*>([^<]*)</t>", cell)
    if inline:
        return inline.group(1)
    v = re.search(r"<v>(\d+)</v>", cell)
    if v and 't="s"' in cell:
        sst = next((body for k, body in b.members.items() if k.endswith("sharedStrings.xml")), b"")
        items = re.findall(r"<si>(.*?)</si>", sst.decode("utf-8"), re.S)
        return re.sub(r"<[^>]+>", "", items[int(v.group(1))])
    return ""


MUTATORS: tuple[tuple[Callable[[Base, random.Random], Mutant], int], ...] = (
    (flip_anywhere, 6),
    (flip_member, 6),
    (truncate_file, 3),
    (header_bits, 5),
    (drop_member, 4),
    (truncate_xml, 8),
    (garbage_between_tags, 8),
    (char_ref, 4),
    (bad_ref, 6),
    (bad_shared, 4),
    (bad_type, 3),
    (dup_cell, 3),
    (value, 24),
    (dup_row, 8),
    (drop_column, 5),
    (clear_cell, 8),
)


def mutant(base: Base, i: int) -> Mutant:
    rng = random.Random(i)
    funcs = [f for f, _ in MUTATORS]
    weights = [w for _, w in MUTATORS]
    return rng.choices(funcs, weights)[0](base, rng)
