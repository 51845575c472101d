"""Splice result sheets into a user's workbook package, keeping every other part as it was.

``open_workbook`` reads what the splice needs from the user's package (sheets, tables,
the relationship graph). The result sheets are built separately (by openpyxl, in a
package of their own) and ``splice`` adds them:

- a result sheet of the same name is replaced in place (same position, same sheet
  entry); a new one goes at the end;
- the parts the result sheets own (tables, drawings, charts) are copied in under fresh
  names;
- their cell formats are appended to the user's styles (``styles_merge``), and the
  result sheets' cells point at them by their new indexes (``restyle``, an XML pass);
- parts that only the replaced sheets used are removed (found by walking the
  relationships from the package root before and after), and so is the calculation
  chain, which Excel rebuilds;
- ``[Content_Types].xml``, the workbook's relationships, and ``workbook.xml`` (only
  when a sheet is added) are edited with a DOM; every other part, including every part
  of every other sheet (charts, images, comments, defined names, formats, validations,
  conditional formats, pivot tables …), is copied byte for byte.
"""

from __future__ import annotations

import io
import os
import posixpath
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.dom import minidom

from intplan.io._parts import DamagedXlsxError
from intplan.io.atomic import SaveError, atomic_write
from intplan.io.errors import UnreadableFileError
from intplan.io.opc import (
    CT_NS,
    DOC_REL_NS,
    PKG_REL_NS,
    XMLNS_NS,
    child,
    children,
    new_element,
    parse,
    prefix_for,
    reachable,
    relative,
    rels_xml,
    root,
    serialize,
)
from intplan.io.package import CONTENT_TYPES, Package, PackageError, Rel, rel_type, rels_part
from intplan.io.restyle import restyle
from intplan.io.styles_merge import merge_styles

_WORKSHEET_TYPE = f"{DOC_REL_NS}/worksheet"
_WORKSHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


class SheetNameClash(Exception):
    """A user's sheet has the result sheet's name in other letter case."""

    def __init__(self, existing: str, wanted: str) -> None:
        self.existing = existing
        self.wanted = wanted
        super().__init__(
            f"the sheet {existing!r} has the same name as the result sheet {wanted!r} "
            "(Excel ignores letter case); rename your sheet and run again"
        )


@dataclass(slots=True)
class Workbook:
    """What the splice needs to know about the user's package."""

    pkg: Package
    names: frozenset[str]
    rels: dict[str, list[Rel]]  # source part ("" = package) -> its relationships
    part: str  # the workbook part, usually xl/workbook.xml
    doc: minidom.Document  # workbook.xml
    sheets: dict[str, tuple[minidom.Element, str]]  # name -> (<sheet>, relationship id)
    table_names: dict[str, str]  # lower-case table name -> the sheet part holding it
    max_table_id: int


def open_workbook(pkg: Package) -> Workbook:
    names = pkg.names
    if CONTENT_TYPES not in names:
        raise PackageError(f"{CONTENT_TYPES} is missing")
    rels = pkg.all_rels()
    part = pkg.main_part()
    if part is None or part not in names:
        raise PackageError("the package has no workbook part")
    doc = parse(pkg.read(part, "the workbook part"), part)
    by_id = {r.id: r for r in rels.get(part, [])}
    sheets_el = child(root(doc), "sheets")
    if sheets_el is None:
        raise PackageError("the workbook lists no sheets")
    sheets: dict[str, tuple[minidom.Element, str]] = {}
    table_names: dict[str, str] = {}
    max_table_id = 0
    for el in children(sheets_el, "sheet"):
        rid = el.getAttributeNS(DOC_REL_NS, "id")
        sheets[el.getAttribute("name")] = (el, rid)
        sheet_rel = by_id.get(rid)
        if sheet_rel is None or sheet_rel.part is None:
            raise PackageError(f"the sheet {el.getAttribute('name')!r} has no part")
        for r in rels.get(sheet_rel.part, []):
            if rel_type(r) == "table" and r.part in names and r.part is not None:
                table = root(parse(pkg.read(r.part, "a table"), r.part))
                table_names[table.getAttribute("displayName").lower()] = sheet_rel.part
                table_names[table.getAttribute("name").lower()] = sheet_rel.part
                table_id = table.getAttribute("id")
                max_table_id = max(max_table_id, int(table_id) if table_id.isdigit() else 0)
    return Workbook(pkg, names, rels, part, doc, sheets, table_names, max_table_id)


def sheet_part(wb: Workbook, name: str) -> str | None:
    entry = wb.sheets.get(name)
    if entry is None:
        return None
    return next((r.part for r in wb.rels.get(wb.part, []) if r.id == entry[1]), None)


def check_names(wb: Workbook, result_sheets: Sequence[str]) -> None:
    lower = {name.lower(): name for name in wb.sheets}
    for wanted in result_sheets:
        existing = lower.get(wanted.lower())
        if existing is not None and existing != wanted:
            raise SheetNameClash(existing, wanted)


def taken_table_names(wb: Workbook, result_sheets: Sequence[str]) -> set[str]:
    """Table names in use on sheets that stay (result tables must not repeat them)."""
    replaced = {sheet_part(wb, s) for s in result_sheets}
    return {name for name, part in wb.table_names.items() if part not in replaced and name}


@dataclass(slots=True)
class Edit:
    """The new package: parts replaced or added, and parts dropped."""

    replace: dict[str, bytes] = field(default_factory=dict)
    delete: set[str] = field(default_factory=set)


def _content_types_doc(pkg: Package) -> minidom.Document:
    return parse(pkg.read(CONTENT_TYPES, "the content types"), CONTENT_TYPES)


class _Names:
    """Fresh part names, unused in either package's history."""

    def __init__(self, used: set[str]) -> None:
        self.used = set(used)
        self.n = 0

    def fresh(self, like: str) -> str:
        folder, base = posixpath.split(like)
        stem, ext = posixpath.splitext(base)
        stem = stem.rstrip("0123456789") or "part"
        while True:
            self.n += 1
            name = posixpath.join(folder, f"{stem}_intplan{self.n}{ext}")
            if name not in self.used:
                self.used.add(name)
                return name


def splice(wb: Workbook, result_sheets: Sequence[str], results: Package) -> Edit:
    """The edit that puts ``results``' sheets (built by openpyxl, in the order of
    ``result_sheets``) into the user's package."""
    edit = Edit()
    res = open_workbook(results)
    res_parts = [sheet_part(res, s) for s in result_sheets]
    res_types = results.content_types()
    ct_doc = _content_types_doc(wb.pkg)
    new_types: dict[str, str] = {}
    names = _Names(set(wb.names | results.names))
    rels = {source: list(items) for source, items in wb.rels.items()}
    next_table_id = wb.max_table_id + 1

    styles = next((r for r in rels.get(wb.part, []) if rel_type(r) == "styles"), None)
    res_styles = next(r for r in res.rels[res.part] if rel_type(r) == "styles")
    assert res_styles.part is not None
    if styles is not None and styles.part in wb.names:
        styles_doc = parse(wb.pkg.read(styles.part, "the styles"), styles.part)
        xf_map = merge_styles(styles_doc, parse(results.read(res_styles.part), "styles"))
        edit.replace[styles.part] = serialize(styles_doc)
    else:  # a package without styles (rare): take the result package's whole
        new_styles = names.fresh(res_styles.part)
        edit.replace[new_styles] = results.read(res_styles.part)
        new_types[new_styles] = res_types[res_styles.part]
        rels.setdefault(wb.part, []).append(
            Rel(_fresh_id(rels[wb.part]), res_styles.type, new_styles)
        )
        xf_map = {}

    def copy(part: str) -> str:
        """Copy a result part and everything it refers to under fresh names."""
        nonlocal next_table_id
        new = names.fresh(part)
        data = results.read(part)
        if res_types[part].endswith(".table+xml"):
            table = parse(data, part)
            root(table).setAttribute("id", str(next_table_id))
            next_table_id += 1
            data = serialize(table)
        edit.replace[new] = data
        new_types[new] = res_types[part]
        owned = [Rel(r.id, r.type, copy(r.part)) for r in res.rels.get(part, []) if r.part]
        if owned:
            rels[new] = owned
            edit.replace[rels_part(new)] = rels_xml(new, owned)
        return new

    wb_rels_doc = _workbook_rels_doc(wb)
    sheets_el = child(root(wb.doc), "sheets")
    assert sheets_el is not None
    added_sheet = False
    replaced_sheet = False
    for name, res_part in zip(result_sheets, res_parts, strict=True):
        assert res_part is not None
        folder = posixpath.join(posixpath.dirname(wb.part), "worksheets")
        new_part = names.fresh(posixpath.join(folder, "sheet.xml"))
        edit.replace[new_part] = restyle(results.read(res_part), xf_map, f"result sheet {name!r}")
        new_types[new_part] = _WORKSHEET_CT
        owned = [Rel(r.id, r.type, copy(r.part)) for r in res.rels.get(res_part, []) if r.part]
        if owned:
            rels[new_part] = owned
            edit.replace[rels_part(new_part)] = rels_xml(new_part, owned)
        if name in wb.sheets:
            rid = wb.sheets[name][1]
            replaced_sheet = True
        else:
            rid = _fresh_id(rels.get(wb.part, []))
            _add_sheet_entry(wb, sheets_el, name, rid)
            added_sheet = True
        _point(wb_rels_doc, rels, wb.part, Rel(rid, _WORKSHEET_TYPE, new_part))

    if replaced_sheet:  # cells of the old sheets may be listed there; Excel rebuilds it
        for r in [r for r in rels.get(wb.part, []) if rel_type(r) == "calcChain"]:
            _drop(wb_rels_doc, rels, wb.part, r.id)
    if added_sheet:
        edit.replace[wb.part] = serialize(wb.doc)
    edit.replace[rels_part(wb.part)] = serialize(wb_rels_doc)

    before = reachable({s: [r.part for r in rs if r.part] for s, rs in wb.rels.items()})
    after = reachable({s: [r.part for r in rs if r.part] for s, rs in rels.items()})
    for gone in before - after:
        edit.delete |= {gone, rels_part(gone)} & wb.names
    edit.delete -= set(edit.replace)
    edit.replace[CONTENT_TYPES] = _edit_content_types(ct_doc, edit.delete, new_types)
    return edit


def _workbook_rels_doc(wb: Workbook) -> minidom.Document:
    part = rels_part(wb.part)
    return parse(wb.pkg.read(part, "the workbook's relationships"), part)


def _fresh_id(rels: list[Rel]) -> str:
    ids = {r.id for r in rels}
    n = 1
    while f"rIdIntplan{n}" in ids:
        n += 1
    return f"rIdIntplan{n}"


def _point(doc: minidom.Document, rels: dict[str, list[Rel]], source: str, rel: Rel) -> None:
    """Make relationship ``rel.id`` of ``source`` point at ``rel.part`` (adding it if new)."""
    assert rel.part is not None
    rels[source] = [r for r in rels.get(source, []) if r.id != rel.id] + [rel]
    for el in children(root(doc), "Relationship"):
        if el.getAttribute("Id") == rel.id:
            break
    else:
        el = doc.createElementNS(PKG_REL_NS, _qualified(root(doc), "Relationship"))
        el.setAttribute("Id", rel.id)
        root(doc).appendChild(el)
    el.setAttribute("Type", rel.type)
    el.setAttribute("Target", relative(source, rel.part))
    if el.hasAttribute("TargetMode"):
        el.removeAttribute("TargetMode")


def _drop(doc: minidom.Document, rels: dict[str, list[Rel]], source: str, rid: str) -> None:
    rels[source] = [r for r in rels.get(source, []) if r.id != rid]
    for el in children(root(doc), "Relationship"):
        if el.getAttribute("Id") == rid:
            root(doc).removeChild(el)


def _qualified(parent: minidom.Element, local: str) -> str:
    return f"{parent.prefix}:{local}" if parent.prefix else local


def _add_sheet_entry(wb: Workbook, sheets_el: minidom.Element, name: str, rid: str) -> None:
    ids = [
        int(el.getAttribute("sheetId"))
        for el, _ in wb.sheets.values()
        if el.getAttribute("sheetId").isdigit()
    ]
    el = new_element(sheets_el, "sheet")
    el.setAttribute("name", name)
    el.setAttribute("sheetId", str(max([0, *ids]) + 1))
    prefix = prefix_for(sheets_el, DOC_REL_NS)
    if prefix is None:
        prefix = "r"
        el.setAttributeNS(XMLNS_NS, "xmlns:r", DOC_REL_NS)
    el.setAttributeNS(DOC_REL_NS, f"{prefix}:id", rid)
    sheets_el.appendChild(el)
    wb.sheets[name] = (el, rid)


def _edit_content_types(doc: minidom.Document, delete: set[str], new: dict[str, str]) -> bytes:
    top = root(doc)
    for el in children(top, "Override"):
        part = el.getAttribute("PartName").lstrip("/")
        if part in delete or part in new:
            top.removeChild(el)
    for part, content_type in new.items():
        el = doc.createElementNS(CT_NS, _qualified(top, "Override"))
        el.setAttribute("PartName", "/" + part)
        el.setAttribute("ContentType", content_type)
        top.appendChild(el)
    return serialize(doc)


def write_package(pkg: Package, edit: Edit, path: Path) -> None:
    """Write the user's package with ``edit`` applied to ``path``."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
        written: set[str] = set()
        for info in pkg.zip.infolist():
            name = info.filename
            if name in edit.delete or name in written:
                continue
            data = edit.replace.get(name)
            zout.writestr(name, data if data is not None else pkg.read(name))
            written.add(name)
        for name, data in edit.replace.items():
            if name not in written:
                zout.writestr(name, data)


def built_package(wb: Any) -> Package:
    """The openpyxl workbook ``wb`` (the result sheets) saved as a package in memory.

    Its parts are stored, not compressed: the package is read once, right away, and its
    parts are compressed once, as they go into the user's file (openpyxl's own ``save``
    deflates at level 6, which took longer than everything else in the splice for a
    Kent & Medway simulation's weekly sheets).
    """
    from openpyxl.writer.excel import ExcelWriter

    buf = io.BytesIO()
    ExcelWriter(wb, zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED, allowZip64=True)).save()
    return Package(zipfile.ZipFile(buf))


def splice_file(
    input_path: str | os.PathLike[str],
    output_path: str | os.PathLike[str],
    result_sheets: Sequence[str],
    build: Callable[[set[str]], Package],
    what: str,
) -> None:
    """Copy ``input_path`` to ``output_path`` (atomically; they may be the same file) with
    the sheets ``result_sheets`` spliced in from ``build(taken table names)``.

    ``what`` names the sheets in errors ("result sheets", "the Sweep sheet").
    """
    source = Path(input_path)
    if not source.is_file():
        raise UnreadableFileError(str(source), "file not found")
    try:
        pkg = Package.open(str(source))
    except (DamagedXlsxError, OSError) as e:
        raise UnreadableFileError(str(source), f"cannot be opened as a workbook: {e}") from e
    with pkg:
        try:
            wb = open_workbook(pkg)
            check_names(wb, result_sheets)
            edit = splice(wb, result_sheets, build(taken_table_names(wb, result_sheets)))
        except SheetNameClash as e:
            raise SaveError(str(output_path), str(e)) from e
        except DamagedXlsxError as e:
            raise UnreadableFileError(str(source), f"cannot add {what}: {e}") from e
        with atomic_write(output_path) as tmp:
            try:
                write_package(pkg, edit, tmp)
            except DamagedXlsxError as e:
                reason = f"a part cannot be read, so nothing was written: {e}"
                raise UnreadableFileError(str(source), reason) from e
