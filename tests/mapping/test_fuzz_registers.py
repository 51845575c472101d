"""Fuzzed staff registers through `intplan map --json`: deterministic mutations, invariants.

Each case starts from a small valid register (CSV or .xlsx) whose rows are known, applies
one to three seeded mutations (quotes, encodings, huge fields, bad numbers, blank rows,
duplicate headers, hidden sheets, truncation, byte flips ...) that record which lines they
touched and what a touched row must import as if it is imported at all, then runs the
command and checks:

- no traceback (``main`` returns; the exit code is 0, 1 or 2);
- stdout is exactly one JSON object;
- every row is accounted for: ``rows_read = imported + merged + rejected``, and every row
  of the register is imported or reported at its line;
- an imported row has exactly the name, staff number and FTE the file gives (names
  unchanged, FTE conserved), and a row with an invalid value is never imported
  (no silent acceptance); assigned FTE equals imported FTE.

The quick run (``CASES``) is part of every test run; the slow run checks 2,000 cases:
``pytest tests/mapping/test_fuzz_registers.py -m slow -s`` prints its figures.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import re
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pytest

from intplan.cli import main
from intplan.domain import Scenario
from intplan.services.files import load_scenario, save_scenario

CASES = int(os.environ.get("INTPLAN_FUZZ_CASES", "240"))  # the quick run
SLOW_CASES = 2000

HEADER = ["Staff Number", "Name", "Job Title", "WTE", "Practice Code", "Employer"]
PEOPLE = [  # staff number, name, role title, FTE as written, expected FTE, practice
    ("F001", "Zoë Brontë", "GP Partner", "0.8", 0.8, "P1"),
    ("F002", "Seán O'Neill", "Practice Nurse", "1", 1.0, "P2"),
    ("F003", "Ana-María López", "Salaried GP", "0.6", 0.6, "P3"),
    ("F004", "Bob Jones", "Practice Nurse", "0.5", 0.5, "P1"),
    ("F005", "Chidi Okafor", "GP", "1", 1.0, "P2"),
    ("F006", "Li Wei", "Practice Nurse", "0.4", 0.4, "P3"),
]
EMPLOYER = "Fuzz Practices"
REJECT = None  # an expected FTE meaning "this row must be rejected"

#: FTE text -> the FTE it must import as, or REJECT
BAD_NUMBERS: list[tuple[str, float | None]] = [
    ("nan", REJECT),
    ("NaN", REJECT),
    ("inf", REJECT),
    ("-inf", REJECT),
    ("-1", REJECT),
    ("0", REJECT),
    ("1e-9", REJECT),
    ("1_000", REJECT),
    ("1e400", REJECT),
    ("abc", REJECT),
    ("", REJECT),
    ("2", REJECT),
    ("37.5", REJECT),
    ("0.8.1", REJECT),
    ('"0,8"', 0.8),
    ("80%", 0.8),
    (" 0.5 ", 0.5),
    ("1.0", 1.0),
    ("1E0", 1.0),
]


@dataclass
class Line:
    """A line of the register being built: which person it holds and what they must be."""

    text: str
    person: int | None = None  # index in PEOPLE (None: header, blank, junk)
    touched: bool = False  # a mutation changed it: any outcome but a wrong import is fine
    name: str | None = None  # expected name if imported (None: the original)
    fte: float | None = 0.0  # expected FTE if imported; REJECT: must not be imported
    number: str | None = None

    def expect(self) -> tuple[str, str, float | None]:
        sid, name, _, _, fte, _ = PEOPLE[self.person or 0]
        return (
            self.number or sid,
            self.name if self.name is not None else name,
            fte if self.fte == 0.0 else self.fte,
        )


@dataclass
class Case:
    seed: int
    kind: str  # "csv" or "xlsx"
    lines: list[Line]
    encoding: str = "utf-8"
    delimiter: str = ","
    byte_ops: list[Callable[[bytes], bytes]] = field(default_factory=list)
    xlsx_ops: list[Callable[[Path], None]] = field(default_factory=list)
    whole_file: bool = False  # a mutation may make the whole file unreadable
    lines_reliable: bool = True  # line numbers still match ``lines`` after the mutations
    values_reliable: bool = True  # no byte-level damage whose effect on values is unknown
    names: list[str] = field(default_factory=list)


def _fields(p: tuple[str, str, str, str, float, str]) -> list[str]:
    return [p[0], p[1], p[2], p[3], p[5], EMPLOYER]


def _base(seed: int, kind: str) -> Case:
    lines = [Line(",".join(HEADER))]
    lines += [Line(",".join(_fields(p)), person=i) for i, p in enumerate(PEOPLE)]
    return Case(seed=seed, kind=kind, lines=lines)


# -- line mutations ----------------------------------------------------------------------


def _person_lines(case: Case) -> list[Line]:
    return [ln for ln in case.lines if ln.person is not None and not ln.touched]


def _set_field(line: Line, j: int, value: str, delimiter: str = ",") -> None:
    parts = line.text.split(delimiter)
    parts[j] = value
    line.text = delimiter.join(parts)
    line.touched = True


def m_bad_number(case: Case, rng: random.Random) -> None:
    rows = _person_lines(case)
    if rows:
        line = rng.choice(rows)
        text, fte = rng.choice(BAD_NUMBERS)
        _set_field(line, 3, text)
        line.fte = fte


def m_stray_quote(case: Case, rng: random.Random) -> None:
    rows = _person_lines(case)
    if rows:
        line = rng.choice(rows)
        j = rng.randrange(len(HEADER))
        parts = line.text.split(",")
        parts[j] = '"' + parts[j]
        line.text = ",".join(parts)
        line.touched, line.fte = True, REJECT


def m_huge_field(case: Case, rng: random.Random) -> None:
    rows = _person_lines(case)
    if rows:
        line = rng.choice(rows)
        _set_field(line, rng.choice([1, 2, 5]), "x" * rng.choice([40_000, 140_000]))
        line.fte = REJECT


def m_blank_rows(case: Case, rng: random.Random) -> None:
    for _ in range(rng.randint(1, 3)):
        at = rng.randint(1, len(case.lines))
        case.lines.insert(at, Line(rng.choice(["", ",,,,,", "  ", ",,"])))


def m_duplicate_header_row(case: Case, rng: random.Random) -> None:
    case.lines.insert(rng.randint(2, len(case.lines)), Line(case.lines[0].text))


def m_duplicate_name_column(case: Case, rng: random.Random) -> None:
    """A second 'Name' column: the first is used, so names must not change."""
    for ln in case.lines:
        if ln is case.lines[0]:
            ln.text += ",Name"
        elif ln.person is not None:
            ln.text += ",Someone Else"
        elif ln.text.strip(" ,"):
            ln.text += ","


def m_unquoted_delimiter(case: Case, rng: random.Random) -> None:
    rows = _person_lines(case)
    if rows:
        line = rng.choice(rows)
        _set_field(line, 1, "Smith, Jane")
        line.fte = REJECT


def m_quoted_comma(case: Case, rng: random.Random) -> None:
    rows = _person_lines(case)
    if rows:
        line = rng.choice(rows)
        _set_field(line, 1, '"Smith, Jane"')
        line.name = "Smith, Jane"


def m_inner_quotes(case: Case, rng: random.Random) -> None:
    rows = _person_lines(case)
    if rows:
        line = rng.choice(rows)
        _set_field(line, 1, 'Jane "JJ" Smith')
        line.name = 'Jane "JJ" Smith'


def m_drop_delimiter(case: Case, rng: random.Random) -> None:
    rows = _person_lines(case)
    if rows:
        line = rng.choice(rows)
        j = rng.randrange(1, 5)
        parts = line.text.split(",")
        line.text = ",".join([*parts[: j - 1], parts[j - 1] + parts[j], *parts[j + 1 :]])
        line.touched, line.fte = True, REJECT


def m_padding(case: Case, rng: random.Random) -> None:
    rows = _person_lines(case)
    if rows:
        line = rng.choice(rows)
        line.text = ",".join(f"  {p} " for p in line.text.split(","))
        line.touched = True


def m_trailing_delimiter(case: Case, rng: random.Random) -> None:
    for ln in case.lines:
        ln.text += ","


def m_title_line(case: Case, rng: random.Random) -> None:
    case.lines.insert(0, Line("Staff list printed 1 April"))


def m_semicolons(case: Case, rng: random.Random) -> None:
    """Excel in a decimal-comma locale: semicolons, and 0,8 for 0.8."""
    case.delimiter = ";"
    for ln in case.lines:
        parts = ln.text.split(",")
        if ln.person is not None and not ln.touched:
            parts[3] = parts[3].replace(".", ",")
        ln.text = ";".join(parts)


def m_unicode_text(case: Case, rng: random.Random) -> None:
    """Excel's "Unicode Text": UTF-16 with a BOM, tab separated."""
    case.delimiter = "\t"
    case.encoding = rng.choice(["utf-16", "utf-16-le", "utf-16-be"])
    for ln in case.lines:
        ln.text = ln.text.replace(",", "\t")


def m_encoding(case: Case, rng: random.Random) -> None:
    case.encoding = rng.choice(["cp1252", "utf-8-sig", "utf-8"])


def m_foreign_byte(case: Case, rng: random.Random) -> None:
    """One byte of another encoding in a row: that row is reported, the rest kept."""
    rows = _person_lines(case)
    if rows and case.encoding in ("utf-8", "utf-8-sig", "cp1252"):
        line = rng.choice(rows)
        d = case.delimiter
        byte = 0x81 if case.encoding == "cp1252" else 0xE9  # undefined / not UTF-8 there
        line.text = line.text.replace(d, d + chr(0xDC00 + byte), 1)  # written by surrogateescape
        line.touched, line.fte = True, REJECT


def m_line_endings(case: Case, rng: random.Random) -> None:
    case.byte_ops.append(lambda b: b.replace(b"\r\n", rng.choice([b"\n", b"\r"])))


def m_truncate(case: Case, rng: random.Random) -> None:
    case.whole_file = True
    case.lines_reliable = case.values_reliable = False
    case.byte_ops.append(lambda b: b[: rng.randrange(len(b) + 1)])


def m_flip_bytes(case: Case, rng: random.Random) -> None:
    case.whole_file = True
    case.lines_reliable = case.values_reliable = False

    def flip(b: bytes) -> bytes:
        data = bytearray(b)
        for _ in range(rng.randint(1, 3)):
            if data:
                data[rng.randrange(len(data))] = rng.randrange(256)
        return bytes(data)

    case.byte_ops.append(flip)


def m_nul(case: Case, rng: random.Random) -> None:
    rows = _person_lines(case)
    if rows:
        line = rng.choice(rows)
        _set_field(line, 5, "Fuzz\x00Practices")


CSV_MUTATIONS: list[Callable[[Case, random.Random], None]] = [
    m_bad_number,
    m_bad_number,
    m_stray_quote,
    m_huge_field,
    m_blank_rows,
    m_duplicate_header_row,
    m_duplicate_name_column,
    m_unquoted_delimiter,
    m_quoted_comma,
    m_inner_quotes,
    m_drop_delimiter,
    m_padding,
    m_trailing_delimiter,
    m_title_line,
    m_semicolons,
    m_unicode_text,
    m_encoding,
    m_foreign_byte,
    m_line_endings,
    m_truncate,
    m_flip_bytes,
    m_nul,
]
#: mutations that change the delimiter or encoding must come first
_FIRST = (m_semicolons, m_unicode_text, m_encoding)
#: mutations that rewrite every line after splitting by comma
_COMMA_ONLY = (
    m_bad_number,
    m_stray_quote,
    m_huge_field,
    m_unquoted_delimiter,
    m_quoted_comma,
    m_inner_quotes,
    m_drop_delimiter,
    m_padding,
    m_duplicate_name_column,
    m_nul,
)


def _write_csv(case: Case, path: Path) -> None:
    text = "\r\n".join(ln.text for ln in case.lines) + "\r\n"
    if case.encoding.startswith("utf-16"):
        data = text.encode(case.encoding, errors="replace")
    else:
        data = text.encode(case.encoding, errors="surrogateescape")
    for op in case.byte_ops:
        data = op(data)
    path.write_bytes(data)


# -- xlsx --------------------------------------------------------------------------------


def _xlsx_cell(text: str) -> object:
    try:
        return float(text) if text.strip() == text and text else text
    except ValueError:
        return text


def _write_xlsx(case: Case, path: Path, rng: random.Random) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Staff"
    for ln in case.lines:
        ws.append([_xlsx_cell(c) for c in ln.text.split(",")] if ln.text.strip() else [])
    if rng.random() < 0.3:  # a hidden sheet with other people: never read unless named
        hidden = wb.create_sheet("Leavers")
        hidden.append([*HEADER, "Vacant"])
        hidden.append(["L001", "Left Long Ago", "GP", 1, "P1", EMPLOYER, "no"])
        hidden.sheet_state = "hidden"
    if rng.random() < 0.3:  # the employer merged down the data rows
        first = next((k for k, ln in enumerate(case.lines, 1) if ln.person is not None), 0)
        if first:
            ws.merge_cells(start_row=first, start_column=6, end_row=len(case.lines), end_column=6)
    wb.save(path)
    for op in case.xlsx_ops:
        op(path)
    data = path.read_bytes()
    for byte_op in case.byte_ops:  # damage to the zip comes last
        data = byte_op(data)
    path.write_bytes(data)


def _rewrite_sheet(path: Path, edit: Callable[[str], str]) -> None:
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = edit(parts[sheet].decode()).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)


def x_nan_number(case: Case, rng: random.Random) -> None:
    """A numeric cell holding NaN or Infinity, as a crafted file can. Excel never stores
    these as numbers, so the shared xlsx reader treats the file as damaged (exit 2 naming
    the sheet and cell; nothing written) rather than guessing at the row."""
    rows = [(k, ln) for k, ln in enumerate(case.lines, 1) if ln.person is not None]
    if not rows:
        return
    _, line = rng.choice(rows)
    bad = rng.choice(["NaN", "INF", "-INF", "1e400"])

    def edit(xml: str) -> str:
        k = next(k for k, ln in enumerate(case.lines, 1) if ln is line)  # after all inserts
        cell = re.compile(rf'(<c r="D{k}"(?: t="n")?(?: s="\d+")?>)<v>[^<]*</v>')
        new, n = cell.subn(rf"\g<1><v>{bad}</v>", xml)
        if n:  # only a numeric cell can be made NaN (padding makes it text)
            line.touched, line.fte = True, REJECT
            case.whole_file = True
        return new

    case.xlsx_ops.append(lambda p: _rewrite_sheet(p, edit))


def x_far_cell(case: Case, rng: random.Random) -> None:
    row = rng.choice([1_048_576, 1_048_577, 400_000_000])
    case.whole_file = case.whole_file or row > 1_048_576

    def edit(x: str) -> str:
        return x.replace(
            "</sheetData>",
            f'<row r="{row}"><c r="A{row}" t="inlineStr"><is><t>far</t></is></c></row></sheetData>',
        )

    case.xlsx_ops.append(lambda p: _rewrite_sheet(p, edit))


def x_zip_damage(case: Case, rng: random.Random) -> None:
    case.whole_file = True
    case.lines_reliable = case.values_reliable = False

    def damage(b: bytes) -> bytes:
        data = bytearray(b)
        for _ in range(rng.randint(1, 20)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        return bytes(data)

    case.byte_ops.append(damage)


XLSX_MUTATIONS: list[Callable[[Case, random.Random], None]] = [
    m_bad_number,
    m_huge_field,
    m_blank_rows,
    m_duplicate_header_row,
    m_duplicate_name_column,
    m_padding,
    m_title_line,
    x_nan_number,
    x_far_cell,
    x_zip_damage,
]


def make_case(seed: int) -> Case:
    rng = random.Random(seed)
    kind = "xlsx" if rng.random() < 0.3 else "csv"
    case = _base(seed, kind)
    pool = XLSX_MUTATIONS if kind == "xlsx" else CSV_MUTATIONS
    chosen = list(dict.fromkeys(rng.choice(pool) for _ in range(rng.randint(1, 3))))
    chosen.sort(key=lambda m: m not in _FIRST)
    for m in chosen:
        if case.delimiter != "," and (m in _COMMA_ONLY or m in (m_semicolons, m_unicode_text)):
            continue
        if kind == "xlsx" and m is m_huge_field:
            rows = _person_lines(case)
            if rows:  # Excel cells hold at most 32,767 characters; openpyxl refuses more
                line = rng.choice(rows)
                _set_field(line, 1, "x" * 32_767)
                line.name = "x" * 32_767
            continue
        m(case, rng)
        case.names.append(m.__name__)
    return case


# -- running and judging -----------------------------------------------------------------


@dataclass
class Verdict:
    findings: list[str] = field(default_factory=list)

    def add(self, kind: str, detail: str) -> None:
        self.findings.append(f"{kind}: {detail}")


def run_case(case: Case, workbook: Path, folder: Path) -> Verdict:
    v = Verdict()
    reg = folder / f"reg{case.seed}.{case.kind}"
    out = folder / f"out{case.seed}.xlsx"
    if case.kind == "csv":
        _write_csv(case, reg)
    else:
        _write_xlsx(case, reg, random.Random(case.seed + 1))
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            code = main(["map", str(workbook), "--staff", str(reg), "--json", "--out", str(out)])
    except BaseException as exc:  # a traceback is what is being counted
        v.add("traceback", f"{type(exc).__name__}: {exc}"[:300])
        return v
    try:
        j = json.loads(stdout.getvalue())
        assert isinstance(j, dict)
    except (ValueError, AssertionError):
        v.add("broken_json", stdout.getvalue()[:200])
        return v
    if code != 0:
        if code not in (1, 2):
            v.add("exit_code", str(code))
        elif not case.whole_file:
            v.add("refused", f"exit {code}: {stderr.getvalue()[:200]}")
        return v
    if j["rows_read"] != j["rows_imported"] + j["rows_merged"] + len(j["rows_rejected"]):
        v.add("rows_lost", "rows_read != imported + merged + rejected")
    if abs(j["fte_assigned"] - j["fte_imported"]) > 1e-9:
        v.add("fte_not_conserved", f"assigned {j['fte_assigned']} of {j['fte_imported']}")
    reported = {r["row"] for r in j["rows_rejected"]} | {m["row"] for m in j["merged"]}
    imported_at = {p["row"]: p for p in j["people"]}
    names = {s.id: s.name for s in load_scenario(out).staff}
    for number, line in enumerate(case.lines, start=1):
        if line.person is None:
            continue
        want_id, want_name, want_fte = line.expect()
        got = (
            imported_at.get(number)
            if case.lines_reliable
            else next((p for p in j["people"] if p["id"] == want_id), None)
        )
        if got is None:
            if case.lines_reliable and number not in reported:
                v.add("rows_lost", f"line {number} neither imported nor reported")
            continue
        if case.lines_reliable and line.touched and want_fte is REJECT:
            v.add("silent_acceptance", f"line {number} ({case.names}) imported: {got}"[:300])
            continue
        if not case.values_reliable or (not case.lines_reliable and line.touched):
            continue
        if want_fte is not None and abs(got["fte"] - want_fte) > 1e-12:
            v.add("fte_not_conserved", f"line {number}: {got['fte']} != {want_fte}")
        name = names.get(got["id"], "")
        if " ".join(name.split()) != " ".join(want_name.split()):
            v.add("name_changed", f"line {number}: {name[:60]!r} != {want_name[:60]!r}")
        if case.lines_reliable and got["id"] != want_id:
            v.add("number_changed", f"line {number}: {got['id']!r} != {want_id!r}")
    return v


def run_campaign(n: int, first_seed: int, workbook: Path, folder: Path) -> Counter[str]:
    counts: Counter[str] = Counter()
    examples: dict[str, str] = {}
    for seed in range(first_seed, first_seed + n):
        case = make_case(seed)
        verdict = run_case(case, workbook, folder)
        counts["cases"] += 1
        kinds = {f.split(":")[0] for f in verdict.findings}
        for k in kinds:
            counts[k] += 1
            first = next(f for f in verdict.findings if f.startswith(k))
            examples.setdefault(k, f"seed {seed} {case.kind} {case.names}: {first}")
        for p in folder.iterdir():
            p.unlink()
    counts_text = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    print(f"\nfuzzed registers: {counts_text}")
    for k, e in examples.items():
        print(f"  first {k}: {e}")
    return counts


FAILURES = (
    "traceback",
    "broken_json",
    "exit_code",
    "refused",
    "rows_lost",
    "silent_acceptance",
    "fte_not_conserved",
    "name_changed",
    "number_changed",
)


@pytest.fixture
def workbook(tiny: Scenario, tmp_path: Path) -> Path:
    path = tmp_path / "tiny.xlsx"
    save_scenario(tiny, path)
    return path


def test_fuzzed_registers_quick(workbook: Path, tmp_path: Path) -> None:
    folder = tmp_path / "cases"
    folder.mkdir()
    counts = run_campaign(CASES, 0, workbook, folder)
    assert counts["cases"] == CASES
    assert {k: counts[k] for k in FAILURES if counts[k]} == {}


@pytest.mark.slow
def test_fuzzed_registers_slow(workbook: Path, tmp_path: Path) -> None:
    folder = tmp_path / "cases"
    folder.mkdir()
    counts = run_campaign(SLOW_CASES, 10_000, workbook, folder)
    assert counts["cases"] == SLOW_CASES
    assert {k: counts[k] for k in FAILURES if counts[k]} == {}
