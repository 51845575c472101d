"""Renumber the cell formats a result sheet's XML points at, found by an XML parser.

Cells, rows and columns name their format by its index in the styles' ``cellXfs``
(``<c s="3">``, ``<row s="3" customFormat="1">``, ``<col style="3">``). When result
sheets join a user's workbook their formats are appended to the user's
(``styles_merge``), so those indexes change. Expat (with namespace processing, so an
element is matched by its namespace, whatever prefix the part uses) reports each start
tag of a cell, row or column with its attributes and its byte offset; the start tag is
then tokenised from that offset to find the attribute's value, and only those digits
are replaced. Everything else is copied byte for byte: no namespace declaration, prefix,
attribute order or whitespace changes, so a part stays exactly as it was written but
for the indexes (nothing is re-serialised, which is what loses prefixes elsewhere).
"""

from __future__ import annotations

from intplan.io._parts import DamagedXlsxError, parse, parser

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#: element (as namespace-aware expat names it) -> the attribute holding its format index
_STYLED = {f"{_MAIN} c": "s", f"{_MAIN} row": "s", f"{_MAIN} col": "style"}
_SPACE = b" \t\r\n"


def _value_span(xml: bytes, tag: int, attr: bytes) -> tuple[int, int]:
    """Where the value of ``attr`` lies in the start tag beginning at byte ``tag``.

    A well-formed start tag is ``<name (space name space? = space? quoted)* space? /?>``
    and a quoted value never holds its own quote character, so walking the attributes in
    order finds the value exactly.
    """
    i = tag + 1
    while xml[i] not in _SPACE and xml[i] not in b"/>":
        i += 1  # the element name
    while True:
        while xml[i] in _SPACE:
            i += 1
        if xml[i] in b"/>":
            break
        eq = xml.index(b"=", i)
        name = xml[i:eq].rstrip()
        i = eq + 1
        while xml[i] in _SPACE:
            i += 1
        close = xml.index(xml[i : i + 1], i + 1)
        if name == attr:
            return i + 1, close
        i = close + 1
    raise DamagedXlsxError(f"a result sheet's start tag at byte {tag} has no {attr.decode()}")


def restyle(xml: bytes, xf_map: dict[int, int], what: str = "a result sheet") -> bytes:
    """``xml`` (a worksheet part) with every format index ``i`` replaced by
    ``xf_map.get(i, 0)`` (the default format for an index the map does not know)."""
    found: list[tuple[int, str, str]] = []  # (byte offset of the tag, attribute, value)
    p = parser(namespaces=True)

    def start(name: str, attrs: dict[str, str]) -> None:
        attr = _STYLED.get(name)
        if attr is not None:
            value = attrs.get(attr)
            if value is not None:
                found.append((p.CurrentByteIndex, attr, value))

    p.StartElementHandler = start
    parse(p, xml, what)
    out: list[bytes] = []
    pos = 0
    for tag, attr, value in found:
        begin, end = _value_span(xml, tag, attr.encode())
        index = int(value) if value.isdigit() else 0
        out += (xml[pos:begin], str(xf_map.get(index, 0)).encode())
        pos = end
    out.append(xml[pos:])
    return b"".join(out)
