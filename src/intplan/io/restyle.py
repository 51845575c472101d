"""Renumber the cell formats a result sheet's XML points at, found by an XML parser.

Cells, rows and columns name their format by its index in the styles' ``cellXfs``
(``<c s="3">``, ``<row s="3" customFormat="1">``, ``<col style="3">``). When result
sheets join a user's workbook their formats are appended to the user's
(``styles_merge``), so those indexes change. Expat reports each start tag of a cell,
row or column with its attributes and its byte offset; the start tag is then tokenised
from that offset to find the attribute's value, and only those digits are replaced.
Elements are matched by namespace, whatever prefix the part uses: by the prefixes the
root declares for SpreadsheetML (every writer declares them there, openpyxl included),
or, when a declaration below the root could change them, by expat's namespace
processing. Everything else is copied byte for byte: no namespace declaration, prefix,
attribute order or whitespace changes, so a part stays exactly as it was written but
for the indexes (nothing is re-serialised, which is what loses prefixes elsewhere).
"""

from __future__ import annotations

from intplan.io._parts import DamagedXlsxError, parse, parser

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#: element -> the attribute holding its format index
_LOCAL = {"c": "s", "row": "s", "col": "style"}
#: the same, as namespace-aware expat names them
_STYLED = {f"{_MAIN} {local}": attr for local, attr in _LOCAL.items()}
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


def _styled_names(declarations: dict[str, str]) -> dict[str, str]:
    """The names (as written) of cells, rows and columns under the root's ``xmlns``
    declarations, each with the attribute holding its format index."""
    prefixes = [
        name.partition(":")[2] + ":" if ":" in name else ""
        for name, uri in declarations.items()
        if uri == _MAIN and (name == "xmlns" or name.startswith("xmlns:"))
    ]
    return {prefix + local: attr for prefix in prefixes for local, attr in _LOCAL.items()}


def _rebinds(xml: bytes, start: int, prefixes: set[bytes]) -> bool:
    """Whether a namespace declaration after byte ``start`` could change which elements
    are SpreadsheetML's: one of the default namespace, of a prefix in ``prefixes``, or of
    SpreadsheetML's own URI. A declaration's name always holds the bytes ``xmlns``, so
    this finds every one (and perhaps text that only looks like one: no harm)."""
    if xml.find(_MAIN.encode(), start) >= 0:
        return True
    at = xml.find(b"xmlns", start)
    while at >= 0:
        end = at + len(b"xmlns")
        if xml[end : end + 1] != b":":
            return True  # the default namespace
        name_end = end + 1
        while xml[name_end : name_end + 1] not in (b"", b"=", b" ", b"\t", b"\r", b"\n"):
            name_end += 1
        if xml[end + 1 : name_end] in prefixes:
            return True
        at = xml.find(b"xmlns", name_end)
    return False


_Found = list[tuple[int, str, str]]  # (byte offset of the start tag, attribute, value)


def _style_tags(xml: bytes, what: str, namespaces: bool) -> tuple[_Found, int, set[bytes]]:
    """Every styled cell, row and column; the root's offset and SpreadsheetML prefixes."""
    found: _Found = []
    root_at = 0
    prefixes: set[bytes] = set()
    p = parser(namespaces=namespaces)
    styled = _STYLED

    def start(name: str, attrs: dict[str, str]) -> None:
        attr = styled.get(name)
        if attr is not None:
            value = attrs.get(attr)
            if value is not None:
                found.append((p.CurrentByteIndex, attr, value))

    def root(name: str, attrs: dict[str, str]) -> None:
        nonlocal styled, root_at
        styled = _styled_names(attrs)
        prefixes.update(name.partition(":")[0].encode() for name in styled if ":" in name)
        root_at = p.CurrentByteIndex
        p.StartElementHandler = start

    p.StartElementHandler = start if namespaces else root
    parse(p, xml, what)
    return found, root_at, prefixes


def restyle(xml: bytes, xf_map: dict[int, int], what: str = "a result sheet") -> bytes:
    """``xml`` (a worksheet part) with every format index ``i`` replaced by
    ``xf_map.get(i, 0)`` (the default format for an index the map does not know)."""
    found, root_at, prefixes = _style_tags(xml, what, namespaces=False)
    root_end = xml.find(b">", root_at)  # or earlier, if a value holds ">": only stricter
    if _rebinds(xml, root_end, prefixes):
        # below such a declaration a name as written may not say which namespace its
        # element is in, so let expat resolve them (about 20% slower)
        found = _style_tags(xml, what, namespaces=True)[0]
    out: list[bytes] = []
    pos = 0
    for tag, attr, value in found:
        begin, end = _value_span(xml, tag, attr.encode())
        index = int(value) if value.isdigit() else 0
        out += (xml[pos:begin], str(xf_map.get(index, 0)).encode())
        pos = end
    out.append(xml[pos:])
    return b"".join(out)
