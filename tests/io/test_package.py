"""The one package reader: relationships resolved from the part that holds them, and
missing or damaged parts refused with their names; the value reader on top of it."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from intplan.io._parts import DamagedXlsxError
from intplan.io._xlsx_read import FormulaValue, NotXlsxError, XlsxReader
from intplan.io.package import Package, Rel, rel_type, source_of

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"


def _rels(*rels: tuple[str, str, str] | tuple[str, str, str, str]) -> str:
    items = "".join(
        f'<Relationship Id="{r[0]}" Type="{_R}/{r[1]}" Target="{r[2]}"'
        + (f' TargetMode="{r[3]}"' if len(r) == 4 else "")
        + "/>"
        for r in rels
    )
    return f'<Relationships xmlns="{_PKG}">{items}</Relationships>'


def _sheet(cells: str) -> str:
    return f'<worksheet xmlns="{_MAIN}"><sheetData>{cells}</sheetData></worksheet>'


def _package(path: Path, parts: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        for name, text in parts.items():
            z.writestr(name, text)
    return path


def _book(tmp_path: Path, sheet_xml: str, **extra: str) -> Path:
    """A workbook kept under ``book/`` (not ``xl/``), its parts named by relative,
    absolute and ``..`` targets, so only relationships can find them."""
    parts = {
        "[Content_Types].xml": (
            f'<Types xmlns="{_CT}"><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/book/main.xml" ContentType="main+xml"/></Types>'
        ),
        "_rels/.rels": _rels(("rId1", "officeDocument", "book/main.xml")),
        "book/main.xml": (
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_R}"><sheets>'
            '<sheet name="Data" sheetId="1" r:id="rId7"/></sheets></workbook>'
        ),
        "book/_rels/main.xml.rels": _rels(
            ("rId7", "worksheet", "sheets/one.xml"),
            ("rId8", "sharedStrings", "/shared/strings.xml"),
            ("rId9", "styles", "../book/look.xml"),
            ("rId10", "hyperlink", "https://example.org/", "External"),
        ),
        "book/sheets/one.xml": sheet_xml,
        "shared/strings.xml": f'<sst xmlns="{_MAIN}"><si><t>first</t></si></sst>',
        "book/look.xml": (
            f'<styleSheet xmlns="{_MAIN}"><numFmts><numFmt numFmtId="164" '
            'formatCode="yyyy-mm-dd"/></numFmts><cellXfs><xf numFmtId="0"/>'
            '<xf numFmtId="164"/></cellXfs></styleSheet>'
        ),
    }
    parts.update(extra)
    return _package(tmp_path / "book.xlsx", parts)


def test_relationships_resolve_relative_to_their_part(tmp_path: Path) -> None:
    with Package.open(str(_book(tmp_path, _sheet("")))) as pkg:
        assert pkg.main_part() == "book/main.xml"
        assert pkg.rels("book/main.xml") == [
            Rel("rId7", f"{_R}/worksheet", "book/sheets/one.xml"),
            Rel("rId8", f"{_R}/sharedStrings", "shared/strings.xml"),
            Rel("rId9", f"{_R}/styles", "book/look.xml"),
            Rel("rId10", f"{_R}/hyperlink", None),  # external: no part
        ]
        assert pkg.related("book/main.xml", "styles") == "book/look.xml"
        assert pkg.rels("book/sheets/one.xml") == []  # no rels part: none
        assert set(pkg.all_rels()) == {"", "book/main.xml"}
        assert [rel_type(r) for r in pkg.rels("")] == ["officeDocument"]
        types = pkg.content_types()
        assert types["book/main.xml"] == "main+xml"  # the override
        assert types["shared/strings.xml"] == "application/xml"  # the default by extension


def test_rels_part_names_map_back_to_their_source() -> None:
    assert source_of("_rels/.rels") == ""
    assert source_of("xl/worksheets/_rels/sheet1.xml.rels") == "xl/worksheets/sheet1.xml"
    assert source_of("xl/worksheets/sheet1.xml") is None


def test_the_value_reader_finds_parts_only_through_relationships(tmp_path: Path) -> None:
    cells = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" s="1"><v>45000</v></c></row>'
    with XlsxReader(str(_book(tmp_path, _sheet(cells)))) as reader:
        assert reader.sheet_names == ["Data"]
        ((row, values),) = reader.rows("Data")
        assert row == 1
        assert values[0] == "first"  # shared strings found at /shared/strings.xml
        assert values[1].year == 2023  # style 1 is a date format in book/look.xml


def test_a_missing_part_is_named(tmp_path: Path) -> None:
    path = _book(tmp_path, _sheet(""))
    missing = r"the styles \(book/gone\.xml\) is missing"
    with Package.open(str(path)) as pkg, pytest.raises(DamagedXlsxError, match=missing):
        pkg.read("book/gone.xml", "the styles")


def test_a_damaged_relationships_part_is_refused_with_its_name(tmp_path: Path) -> None:
    path = _book(tmp_path, _sheet(""), **{"book/_rels/main.xml.rels": "<Relationships><Rel"})
    with pytest.raises(DamagedXlsxError, match=r"book/_rels/main\.xml\.rels is not well-formed"):
        XlsxReader(str(path))


def test_a_relationships_part_with_a_doctype_is_refused(tmp_path: Path) -> None:
    bomb = '<!DOCTYPE r [<!ENTITY a "aaaa">]>' + _rels(("rId1", "officeDocument", "x.xml"))
    path = _book(tmp_path, _sheet(""), **{"_rels/.rels": bomb})
    with pytest.raises(DamagedXlsxError, match="DOCTYPE"):
        XlsxReader(str(path))


def test_a_workbook_relationship_to_nothing_is_not_a_workbook(tmp_path: Path) -> None:
    path = _book(tmp_path, _sheet(""), **{"_rels/.rels": _rels(("r", "officeDocument", "no.xml"))})
    with pytest.raises(NotXlsxError):
        XlsxReader(str(path))


def test_a_damaged_zip_entry_is_named(tmp_path: Path) -> None:
    path = _book(tmp_path, _sheet('<row r="1"><c r="A1"><v>1</v></c></row>'))
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("book/sheets/one.xml")
    data = info.header_offset + 30 + len(info.filename) + len(info.extra)
    raw[data : data + 4] = b"\xff\xff\xff\xff"  # stored, so the CRC no longer matches
    path.write_bytes(bytes(raw))
    with XlsxReader(str(path)) as reader, pytest.raises(DamagedXlsxError, match="'Data'"):
        reader.rows("Data")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('<c r="A1"><f>1+1</f><v/></c>', FormulaValue("=1+1")),  # as openpyxl saves it
        ('<c r="A1"><f>1+1</f><v></v></c>', FormulaValue("=1+1")),
        ('<c r="A1"><f>1+1</f></c>', FormulaValue("=1+1")),
        ('<c r="A1"><f>1+1</f><v>2</v></c>', 2),  # the saved result
        ('<c r="A1" t="str"><f>""</f><v></v></c>', ""),  # a saved empty text
    ],
)
def test_a_formula_without_a_saved_result_is_decoded_once(
    tmp_path: Path, cell: str, expected: object
) -> None:
    with XlsxReader(str(_book(tmp_path, _sheet(f'<row r="1">{cell}</row>')))) as reader:
        assert reader.rows("Data") == [(1, [expected])]


def test_both_scanners_give_the_same_rows(tmp_path: Path) -> None:
    cells = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1"><v>2.5</v></c>'
        '<c r="D1" t="b"><v>1</v></c><c r="E1" t="inlineStr"><is><t>x &amp; y</t></is></c></row>'
        '<row r="3"><c r="B3" s="1"><v>45000</v></c><c r="A3" t="e"><v>#N/A</v></c></row>'
    )
    simple = _book(tmp_path, _sheet(cells))
    (tmp_path / "x").mkdir()
    # a comment sends the sheet to the general (expat) scanner
    general = _book(tmp_path / "x", _sheet("<!-- by hand -->" + cells))
    with XlsxReader(str(simple)) as a, XlsxReader(str(general)) as b:
        rows = a.rows("Data")
        assert rows == b.rows("Data")
    assert rows[0] == (1, ["first", None, 2.5, True, "x & y"])
    assert rows[1][1][0].code == "#N/A" and rows[1][1][1].year == 2023
