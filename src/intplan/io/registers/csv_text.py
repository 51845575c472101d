"""CSV and tab-separated registers: decoding, delimiter and records with their line numbers.

Every physical line ends up in a record, and a record that cannot be trusted carries a
``problem`` instead of being guessed at: a byte the file's encoding does not have, or an
unbalanced quote that would otherwise swallow the lines after it. The caller reports those
rows with their line numbers; nothing is mangled or dropped silently.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

_SURROGATE = re.compile("[\udc80-\udcff]")
_UNDEFINED_CP1252 = "undefined in Windows-1252"


@dataclass(slots=True)
class Record:
    """One row of a register: its cells and where it came from."""

    number: int  # 1-based sheet row, or the CSV line the record starts on
    cells: list[object] = field(default_factory=list)
    problem: str | None = None  # why the row cannot be read (reported, never imported)


@dataclass(frozen=True, slots=True)
class DecodedText:
    text: str
    encoding: str
    bad_lines: dict[int, str]  # line number -> what is wrong with its bytes


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when every other byte of the start is NUL (ASCII text)."""
    head = data[:4096]
    if len(head) < 4 or b"\x00" not in head:
        return None
    half = len(head) // 2
    odd_zeros = head[1::2].count(0)
    even_zeros = head[0::2].count(0)
    if odd_zeros >= 0.4 * half and even_zeros < 0.1 * half:
        return "utf-16-le"
    if even_zeros >= 0.4 * half and odd_zeros < 0.1 * half:
        return "utf-16-be"
    return None


def _lines(text: str) -> Iterator[str]:
    """Physical lines exactly as csv counts them (\\r\\n, \\n and \\r all end a line)."""
    return iter(io.StringIO(text, newline=""))


def _mark_bad_lines(text: str, bad: re.Pattern[str], describe: str) -> tuple[str, dict[int, str]]:
    """Lines holding undecodable bytes (surrogate escapes or U+FFFD) and a clean text."""
    bad_lines: dict[int, str] = {}
    out: list[str] = []
    for n, line in enumerate(_lines(text), start=1):
        found = bad.findall(line)
        if found:
            shown = ", ".join(
                f"0x{ord(ch) - 0xDC00:02X}" if "\udc80" <= ch <= "\udcff" else "U+FFFD"
                for ch in dict.fromkeys(found)
            )
            bad_lines[n] = f"line {n} holds bytes {describe} ({shown}); it cannot be read safely"
            line = bad.sub("\ufffd", line)
        out.append(line)
    return "".join(out), bad_lines


def decode(data: bytes) -> DecodedText:
    """Text of a register and how it was decoded.

    UTF-16 (Excel's "Unicode Text") and UTF-8 are recognised by their byte-order mark or
    their bytes; a file that is not UTF-8 at all is Windows-1252 (Excel's "CSV" on Windows).
    A UTF-8 file with a few bytes that are not UTF-8 stays UTF-8 and those lines are
    reported: decoding the whole file as Windows-1252 would mangle every accented name.
    """
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return _decode_wide(data, encoding)
    wide = _utf16_without_bom(data)
    if wide is not None:
        return _decode_wide(data, wide)
    encoding = "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"
    text = data.decode(encoding, errors="surrogateescape")
    if not _SURROGATE.search(text):
        return DecodedText(text, encoding, {})
    # some bytes are not UTF-8: is it a UTF-8 file with a few bad bytes (it holds valid
    # multi-byte characters) or a Windows-1252 file (it holds none)?
    if any(ord(ch) > 0x7F and not "\udc80" <= ch <= "\udcff" for ch in text):
        clean, bad = _mark_bad_lines(text, _SURROGATE, "that are not UTF-8, though the file is")
        return DecodedText(clean, encoding, bad)
    text = data.decode("cp1252", errors="surrogateescape")
    clean, bad = _mark_bad_lines(text, _SURROGATE, _UNDEFINED_CP1252)
    return DecodedText(clean, "cp1252", bad)


def _decode_wide(data: bytes, encoding: str) -> DecodedText:
    text = data.decode(encoding, errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    clean, bad = _mark_bad_lines(text, re.compile("\ufffd"), f"that are not valid {encoding}")
    return DecodedText(clean, encoding, bad)


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the most lines into the same number of fields.

    csv.Sniffer alone is fooled by a title line above the header or by decimal commas
    in a semicolon file ("0,8"), so its answer only breaks ties.
    """
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    try:
        sniffed = csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t|").delimiter
    except csv.Error:
        sniffed = ","
    best, best_score = sniffed, (0, 0, True)
    for d in ",;\t|":
        counts = [line.count(d) for line in lines if line.count(d)]
        if not counts:
            continue
        modal = Counter(counts).most_common(1)[0][0]
        score = (counts.count(modal), modal, d == sniffed)
        if score > best_score:
            best, best_score = d, score
    return best


@contextlib.contextmanager
def _field_limit(limit: int) -> Iterator[None]:
    # csv refuses fields over 131,072 characters with an error that stops the whole file;
    # raise the limit for this read so long fields reach the per-row checks instead
    old = csv.field_size_limit()
    csv.field_size_limit(max(old, limit))
    try:
        yield
    finally:
        csv.field_size_limit(old)


def _quote_problem(
    cells: list[str], span: list[str], delimiter: str, start: int, end: int
) -> str | None:
    """Why a record's quotes cannot be trusted, or None."""
    raw = "".join(span)
    if '"' not in raw:
        return None
    try:
        list(csv.reader(span, delimiter=delimiter, strict=True))
    except csv.Error as exc:
        if end > start or "end of data" in str(exc):
            return (
                f'unbalanced quote: a " opened on line {start} is not closed properly '
                f"({exc}), so lines {start}-{end} cannot be read as rows; check the quotes"
            )
        return f"badly quoted value on line {start} ({exc}); check the quotes"
    if end > start and any(
        ("\n" in c or "\r" in c) and delimiter in c for c in cells
    ):  # a quoted value with line breaks and delimiters holds what look like whole rows
        return (
            f"unbalanced quote: the quoted value opened on line {start} runs to line {end} "
            "and holds what look like whole rows; check the quotes"
        )
    return None


def parse_records(decoded: DecodedText, delimiter: str) -> list[Record]:
    """Records with the line each starts on; bad quoting and bad bytes become problems."""
    raw: list[str] = []

    def lines() -> Iterator[str]:
        for line in _lines(decoded.text):
            raw.append(line)
            yield line

    reader = csv.reader(lines(), delimiter=delimiter, strict=False)
    records: list[Record] = []
    prev = 0
    with _field_limit(len(decoded.text) + 1):
        for cells in reader:
            start, end = prev + 1, reader.line_num
            prev = end
            span = raw[start - 1 : end]
            problem = next(
                (decoded.bad_lines[n] for n in range(start, end + 1) if n in decoded.bad_lines),
                None,
            ) or _quote_problem(cells, span, delimiter, start, end)
            if problem is None:
                records.append(Record(start, list(cells)))
            elif end == start:
                records.append(Record(start, list(cells), problem))
            else:  # one report per swallowed line, so every line is accounted for
                for n, line in enumerate(span, start=start):
                    if line.strip():
                        why = problem if n == start else f"{problem} (line {n} is one of them)"
                        records.append(Record(n, [line.strip()], why))
    return records
