"""A scenario workbook with a planner's own work on it, and checks that it survived.

Shared by the result-writing tests (openpyxl-made and LibreOffice-made workbooks).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import openpyxl
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from intplan.domain import Scenario
from intplan.io.workbook import write_scenario

USER_SHEET = "My charts"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
# A 1x1 PNG: an image a planner pasted beside their chart.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e22153b00000000049454e44ae426082"
)


#: the quickest runs that still write result sheets into the workbook
FAST_SIM = ["--replications", "1", "--weeks", "2", "--warmup-weeks", "0", "--seed", "3"]
FAST_SPLITS = [
    "--pcn",
    "PCN1",
    "--max-ints",
    "2",
    "--replications",
    "1",
    "--screen-replications",
    "1",
    "--top",
    "1",
    "--weeks",
    "2",
    "--warmup-weeks",
    "0",
    "--pop-min",
    "0",
    "--pop-max",
    "10000000",
]


def build(scenario: Scenario, path: Path) -> None:
    """``scenario`` plus a sheet of the user's own: chart, image, comment, defined names,
    a validation, a conditional format and formatted cells; and a comment on Staff."""
    write_scenario(scenario, path)
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet(USER_SHEET)
    ws.append(["quarter", "referrals"])
    for i in range(1, 5):
        ws.append([f"Q{i}", 100 * i])
    chart = BarChart()
    chart.title = "Referrals by quarter"
    chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=5), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=5))
    ws.add_chart(chart, "D2")
    ws["A1"].comment = Comment("Ask the PCN for Q4", "planner")
    ws["B2"].font = Font(bold=True, color="FF0000")
    ws["B2"].fill = PatternFill("solid", fgColor="FFFF00")
    ws["B2"].number_format = "#,##0.00"
    validation = DataValidation(type="list", formula1='"Q1,Q2,Q3,Q4"')
    validation.add("A2:A5")
    ws.add_data_validation(validation)
    ws.conditional_formatting.add(
        "B2:B5", CellIsRule(operator="greaterThan", formula=["250"], font=Font(bold=True))
    )
    wb.defined_names["MyReferrals"] = DefinedName(
        "MyReferrals", attr_text=f"'{USER_SHEET}'!$B$2:$B$5"
    )
    ws.defined_names["LocalName"] = DefinedName("LocalName", attr_text=f"'{USER_SHEET}'!$A$1")
    wb["Staff"]["A1"].comment = Comment("Checked against ESR in May", "planner")
    wb.save(path)
    _add_image(path)


def _add_image(path: Path) -> None:
    """Put a picture in the user's drawing (openpyxl needs Pillow to do it)."""
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    drawing = next(p for p in user_closure_names(parts) if p.startswith("xl/drawings/drawing"))
    rels = posixpath.join("xl/drawings/_rels", posixpath.basename(drawing) + ".rels")
    parts["xl/media/planner.png"] = PNG
    parts[rels] = parts[rels].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdPic" Target="../media/planner.png" Type="http://schemas.'
        b'openxmlformats.org/officeDocument/2006/relationships/image"/></Relationships>',
    )
    pic = (
        b'<xdr:oneCellAnchor xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/'
        b'spreadsheetDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        b"<xdr:from><xdr:col>0</xdr:col><xdr:colOff>0</xdr:colOff>"
        b"<xdr:row>8</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>"
        b'<xdr:ext cx="952500" cy="952500"/><xdr:pic><xdr:nvPicPr><xdr:cNvPr id="9" '
        b'name="Logo"/><xdr:cNvPicPr/></xdr:nvPicPr><xdr:blipFill><a:blip xmlns:r="http://'
        b'schemas.openxmlformats.org/officeDocument/2006/relationships" r:embed="rIdPic"/>'
        b"<a:stretch><a:fillRect/></a:stretch></xdr:blipFill><xdr:spPr><a:prstGeom "
        b'prst="rect"><a:avLst/></a:prstGeom></xdr:spPr></xdr:pic><xdr:clientData/>'
        b"</xdr:oneCellAnchor>"
    )
    parts[drawing] = re.sub(
        rb"(</(?:xdr:)?wsDr>)", pic.replace(b"\\", b"\\\\") + rb"\1", parts[drawing]
    )
    types = parts["[Content_Types].xml"]
    if b'Extension="png"' not in types:
        parts["[Content_Types].xml"] = types.replace(
            b"<Override", b'<Default Extension="png" ContentType="image/png"/><Override', 1
        )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def _resolve(source: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def _rels(parts: dict[str, bytes], part: str) -> list[tuple[str, str]]:
    """(type, target part) of each internal relationship of ``part``."""
    name = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
    if name not in parts:
        return []
    return [
        (el.get("Type", "").rsplit("/", 1)[-1], _resolve(part, el.get("Target", "")))
        for el in ET.fromstring(parts[name]).iter(REL)
        if el.get("TargetMode") != "External"
    ]


def sheet_part(parts: dict[str, bytes], sheet: str) -> str:
    wb_part = next(t for kind, t in _rels(parts, "") if kind == "officeDocument")
    targets = {
        el.get("Id"): _resolve(wb_part, el.get("Target", ""))
        for el in ET.fromstring(parts[_rels_name(wb_part)]).iter(REL)
    }
    for el in ET.fromstring(parts[wb_part]).iter(f"{MAIN}sheet"):
        if el.get("name") == sheet:
            return targets[el.get(R_ID)]
    raise AssertionError(f"no sheet {sheet!r}")


def _rels_name(part: str) -> str:
    return posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")


def closure(parts: dict[str, bytes], start: str) -> dict[str, bytes]:
    """``start`` and every part it reaches, with their rels parts: a sheet's whole content."""
    out: dict[str, bytes] = {}
    stack = [start]
    while stack:
        part = stack.pop()
        if part in out:
            continue
        if part:  # "" is the package itself, which has rels but no content
            out[part] = parts[part]
        if _rels_name(part) in parts:
            out[_rels_name(part)] = parts[_rels_name(part)]
        stack.extend(t for _, t in _rels(parts, part))
    return out


def user_closure_names(parts: dict[str, bytes]) -> list[str]:
    return sorted(closure(parts, sheet_part(parts, USER_SHEET)))


def read_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def user_sheet_content(path: Path) -> dict[str, bytes]:
    """Every part of the user's sheet (the sheet, its drawing, chart, image, comments …)."""
    parts = read_parts(path)
    return closure(parts, sheet_part(parts, USER_SHEET))


def chart_of_user_sheet(path: Path) -> bytes:
    """The user's chart part, found by following the sheet's drawing (must exist)."""
    parts = read_parts(path)
    sheet = sheet_part(parts, USER_SHEET)
    drawings = [t for kind, t in _rels(parts, sheet) if kind == "drawing"]
    assert len(drawings) == 1, drawings
    charts = [t for kind, t in _rels(parts, drawings[0]) if kind == "chart"]
    assert len(charts) == 1 and charts[0] in parts, charts
    images = [t for kind, t in _rels(parts, drawings[0]) if kind == "image"]
    assert all(i in parts for i in images)
    return parts[charts[0]]


def unreachable_parts(path: Path) -> set[str]:
    """Parts no relationship leads to (left-overs of replaced result sheets)."""
    parts = read_parts(path)
    seen = set(closure(parts, ""))
    return {p for p in parts if p not in seen and p != "[Content_Types].xml"}
