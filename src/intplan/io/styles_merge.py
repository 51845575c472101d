"""Add the cell formats of intplan's result sheets to a user's ``styles.xml``.

Cells point at formats by their index in ``cellXfs``. The user's formats keep their
indexes (ours are appended after them, or reused when an identical one is already there
from an earlier run), so every cell on the user's sheets looks exactly as before.
"""

from __future__ import annotations

from xml.dom import minidom

from intplan.io.opc import child, children, insert_in_order, new_element, root
from intplan.io.package import PackageError

# The order of a styleSheet's children (ECMA-376 CT_Stylesheet).
_ORDER = (
    "numFmts",
    "fonts",
    "fills",
    "borders",
    "cellStyleXfs",
    "cellXfs",
    "cellStyles",
    "dxfs",
    "tableStyles",
    "colors",
    "extLst",
)
_FIRST_CUSTOM_FORMAT = 164  # ids below are Excel's built-in number formats


def _add(parent: minidom.Element, local: str, **attrs: str) -> minidom.Element:
    el = new_element(parent, local)
    for name, value in attrs.items():
        el.setAttribute(name, value)
    parent.appendChild(el)
    return el


def _list(sheet: minidom.Element, local: str) -> minidom.Element:
    """The ``<local>`` list of the styleSheet, created (with Excel's default entry) if absent."""
    found = child(sheet, local)
    if found is None:
        found = new_element(sheet, local)
        insert_in_order(sheet, found, _ORDER)
    if local == "fills" and not children(found, "fill"):
        _add(_add(found, "fill"), "patternFill", patternType="none")
        _add(_add(found, "fill"), "patternFill", patternType="gray125")
    elif local == "borders" and not children(found, "border"):
        border = _add(found, "border")
        for side in ("left", "right", "top", "bottom", "diagonal"):
            _add(border, side)
    elif local == "cellStyleXfs" and not children(found, "xf"):
        _add(found, "xf", numFmtId="0", fontId="0", fillId="0", borderId="0")
    return found


def _recount(element: minidom.Element, local: str) -> None:
    element.setAttribute("count", str(len(children(element, local))))


def _flag(font: minidom.Element, local: str) -> bool:
    el = child(font, local)
    return el is not None and el.getAttribute("val") not in ("0", "false")


def _index_of(items: list[minidom.Element], candidate: minidom.Element) -> int | None:
    text = candidate.toxml()
    for i, item in enumerate(items):
        if item.toxml() == text:
            return i
    return None


def _append_unique(parent: minidom.Element, local: str, candidate: minidom.Element) -> int:
    """Index of an identical entry (an earlier run's), else append ``candidate``."""
    items = children(parent, local)
    found = _index_of(items, candidate)
    if found is not None:
        return found
    parent.appendChild(candidate)
    return len(items)


def merge_styles(base: minidom.Document, extra: minidom.Document) -> dict[int, int]:
    """Add ``extra``'s cell formats to ``base`` (edited in place).

    Returns the map from ``extra``'s ``cellXfs`` index to ``base``'s. Only what intplan's
    result sheets use is carried over: bold and italic, font size and name, and number
    formats (fonts are rebuilt without theme colours, as ``base`` may have no theme).
    """
    top = root(base)
    if top.localName != "styleSheet":
        raise PackageError("the styles part is not a styleSheet")
    extra_root = root(extra)
    fonts = _list(top, "fonts")
    cell_xfs = _list(top, "cellXfs")
    for local in ("fills", "borders", "cellStyleXfs"):
        _list(top, local)
    num_fmts = child(top, "numFmts")
    code_to_id = {
        f.getAttribute("formatCode"): int(f.getAttribute("numFmtId"))
        for f in (children(num_fmts, "numFmt") if num_fmts is not None else [])
        if f.getAttribute("numFmtId").isdigit()
    }
    next_format = max([_FIRST_CUSTOM_FORMAT - 1, *code_to_id.values()]) + 1

    extra_fonts = children(child(extra_root, "fonts") or extra_root, "font")
    font_map: dict[int, int] = {}
    for i, font in enumerate(extra_fonts):
        new = new_element(fonts, "font")
        for local in ("b", "i"):
            if _flag(font, local):
                new.appendChild(new_element(fonts, local))
        size = child(font, "sz")
        name = child(font, "name")
        for local, value in (
            ("sz", size.getAttribute("val") if size is not None else "11"),
            ("name", name.getAttribute("val") if name is not None else "Calibri"),
            ("family", "2"),
        ):
            el = new_element(fonts, local)
            el.setAttribute("val", value)
            new.appendChild(el)
        font_map[i] = _append_unique(fonts, "font", new)

    extra_formats = {
        int(f.getAttribute("numFmtId")): f.getAttribute("formatCode")
        for f in children(child(extra_root, "numFmts") or extra_root, "numFmt")
    }
    xf_map: dict[int, int] = {0: 0}
    for i, xf in enumerate(children(child(extra_root, "cellXfs") or extra_root, "xf")):
        if i == 0:
            continue  # the default format maps to the user's default
        fmt = int(xf.getAttribute("numFmtId") or "0")
        if fmt in extra_formats:
            code = extra_formats[fmt]
            if code not in code_to_id:
                if num_fmts is None:
                    num_fmts = new_element(top, "numFmts")
                    insert_in_order(top, num_fmts, _ORDER)
                _add(num_fmts, "numFmt", numFmtId=str(next_format), formatCode=code)
                code_to_id[code] = next_format
                next_format += 1
            fmt = code_to_id[code]
        font_id = font_map.get(int(xf.getAttribute("fontId") or "0"), 0)
        new = new_element(cell_xfs, "xf")
        for attr, value in (
            ("numFmtId", str(fmt)),
            ("fontId", str(font_id)),
            ("fillId", "0"),
            ("borderId", "0"),
            ("xfId", "0"),
        ):
            new.setAttribute(attr, value)
        if fmt:
            new.setAttribute("applyNumberFormat", "1")
        if font_id:
            new.setAttribute("applyFont", "1")
        xf_map[i] = _append_unique(cell_xfs, "xf", new)

    for element, local in ((fonts, "font"), (cell_xfs, "xf"), (num_fmts, "numFmt")):
        if element is not None:
            _recount(element, local)
    return xf_map
