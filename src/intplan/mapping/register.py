"""Register rows -> staff: resolve roles and bases, merge duplicates, give ids.

Identity (documented in docs/mapping.md): two rows are the same record when they have
the same staff number and role, or the same normalised name, role and base. The first
row (files in the order given, rows top to bottom) is kept; every later one is reported
as ``merged`` with the row it was merged into, so nobody is counted twice.

A person (same staff number, else same normalised name) whose kept rows add up to more
than 1.0 FTE is *flagged*, not rejected: extra sessions and two part-time posts are real,
but so is double counting, and only the planner can tell which.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from intplan.domain.scenario import Scenario
from intplan.domain.workforce import FTE_TOLERANCE, BaseKind, Staff
from intplan.io.registers import ManualRow, RegisterRow, RoleSynonyms, RowRejection
from intplan.io.registers.read import parse_number
from intplan.mapping.pseudonymise import pseudonym, pseudonymous_id
from intplan.mapping.rules import IntRequest

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_TITLES = frozenset({"dr", "mr", "mrs", "ms", "miss", "mx", "prof", "sister", "nurse"})
_ID_BAD = re.compile(r"[^A-Za-z0-9_.\-]+")
_INT_SPLIT = re.compile(r"[;|+]")
_INT_PART = re.compile(r"^\s*(.+?)\s*(?:[:=]\s*|\s+)([0-9]*[.,]?[0-9]+)\s*$")


def normalise_name(name: str) -> str:
    """Case, punctuation, titles and word order folded: 'Smith, Dr Jane' == 'jane smith'."""
    words = [w for w in _NON_ALNUM.sub(" ", name.casefold()).split() if w not in _TITLES]
    return " ".join(sorted(words))


def normalise_staff_number(number: str) -> str:
    """Spaces and leading zeros folded (Excel drops leading zeros of typed numbers)."""
    s = "".join(number.split()).upper()
    return s.lstrip("0") or s


@dataclass(frozen=True, slots=True, kw_only=True)
class MergedRow:
    file: str
    sheet: str | None
    row: int
    kept_file: str
    kept_row: int
    reason: str

    def to_json(self) -> dict[str, object]:
        return {
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "merged_into": {"file": self.kept_file, "row": self.kept_row},
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Flag:
    """Something imported but worth a look (FTE over 1.0, an unused manual row...)."""

    kind: str
    message: str
    rows: tuple[tuple[str, int], ...] = ()  # (file, row)

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "message": self.message,
            "rows": [{"file": f, "row": r} for f, r in self.rows],
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportOutcome:
    staff: tuple[Staff, ...]  # imported, without assignments
    origin: Mapping[str, tuple[str, int]]  # staff id -> (file, row)
    requests: Mapping[str, IntRequest]  # staff id -> manual/named INTs
    rejected: tuple[RowRejection, ...]
    merged: tuple[MergedRow, ...]
    flags: tuple[Flag, ...] = field(default=())


@dataclass(frozen=True, slots=True, kw_only=True)
class _Candidate:
    row: RegisterRow
    role: str
    base_kind: BaseKind
    base: str


class _Bases:
    """Base lookup by code (any case) or name, for practices, PCNs and teams."""

    def __init__(self, scenario: Scenario) -> None:
        self.by_kind: dict[BaseKind, dict[str, str]] = {}
        for kind, items in (
            (BaseKind.PRACTICE, [(p.code, p.name) for p in scenario.practices]),
            (BaseKind.PCN, [(p.code, p.name) for p in scenario.pcns]),
            (BaseKind.TEAM, [(t.code, t.name) for t in scenario.teams]),
        ):
            index: dict[str, str] = {}
            for code, name in items:
                index.setdefault(_NON_ALNUM.sub(" ", name.casefold()).strip(), code)
            for code, _ in items:
                index[code.upper()] = code
            self.by_kind[kind] = index
        self.codes = {k: sorted(set(v.values())) for k, v in self.by_kind.items()}

    def find(self, text: str, hint: str) -> tuple[BaseKind, str] | None:
        keys = (text.strip().upper(), _NON_ALNUM.sub(" ", text.casefold()).strip())
        kinds = list(BaseKind)
        if hint:
            kinds.sort(key=lambda k: k.value != hint)
        for kind in kinds:
            for key in keys:
                code = self.by_kind[kind].get(key)
                if code is not None:
                    return kind, code
        return None


def _base_problem(text: str, hint: str, bases: _Bases) -> str:
    pool = [c for k in BaseKind for c in bases.codes[k]]
    close = difflib.get_close_matches(text.upper(), pool, n=3, cutoff=0.6)
    maybe = f"; did you mean {', '.join(close)}?" if close else ""
    if hint == "practice":
        return f"practice {text!r} is not in the scenario's Practices sheet{maybe}"
    if hint == "pcn":
        return f"PCN {text!r} is not in the scenario's PCNs sheet{maybe}"
    if hint == "team":
        return (
            f"team {text!r} is not in the scenario's Teams sheet{maybe} (add a row there: "
            "code, name, employer and the practices it covers, then run again)"
        )
    return (
        f"base {text!r} is not a practice, PCN or team in the scenario{maybe} "
        "(if it is a team, add a row to the Teams sheet: code, name, employer and the "
        "practices it covers, then run again)"
    )


def _find_role(titles: Sequence[str], occupation_code: str, synonyms: RoleSynonyms) -> str | None:
    """The first title that maps, else the NHS occupation code (ESR exports)."""
    for t in titles:
        role = synonyms.match(t).role
        if role is not None:
            return role
    return synonyms.match_occupation(occupation_code).role if occupation_code else None


def _role_problem(titles: Sequence[str], occupation_code: str, synonyms: RoleSynonyms) -> str:
    code = f"occupation code {occupation_code!r}" if occupation_code else ""
    if not titles:
        return (
            f"unknown {code} and no role title; add the code to resources/esr_roles.csv "
            "or give the role in a 'title | role' sheet of the mapping workbook (--mapping)"
        )
    title = titles[0]
    m = synonyms.match(title)
    hint = ""
    if m.suggestions:
        hint = (
            "; did you mean "
            + " or ".join(f"{s.synonym!r} ({s.role})" for s in m.suggestions)
            + "?"
        )
    also = [repr(t) for t in titles[1:]] + ([code] if code else [])
    tried = f" (also tried {', '.join(also)})" if also else ""
    return (
        f"unknown role title {title!r}{tried}{hint} Add it to a 'title | role' sheet in the "
        "mapping workbook (--mapping) to teach intplan the title"
    )


def parse_int_spec(text: str, int_codes: Mapping[str, str]) -> IntRequest | None:
    """'INT-A' / 'INT-A; INT-B' / 'INT-A:0.4; INT-B:0.6' -> a named request.

    ``int_codes`` maps upper-cased INT codes and names to codes; unknown INTs are kept
    as written so the rules report them.
    """
    shares: list[tuple[str, float | None]] = []
    for part in _INT_SPLIT.split(text):
        if not part.strip():
            continue
        m = _INT_PART.match(part)
        code, fte = (m.group(1), parse_number(m.group(2))) if m else (part.strip(), None)
        shares.append((int_codes.get(code.strip().upper(), code.strip()), fte))
    return IntRequest(rule="named", shares=tuple(shares)) if shares else None


def _person_name(r: RegisterRow) -> str:
    return "" if r.vacant or not r.name else "@" + normalise_name(r.name)


def _unique_id(wanted: str, taken: set[str]) -> str:
    base = _ID_BAD.sub("-", wanted).strip("-.") or "S"
    if not base[0].isalnum():
        base = "S" + base
    out, k = base, 1
    while out in taken:
        k += 1
        out = f"{base}-{k}"
    taken.add(out)
    return out


def import_rows(
    rows: Sequence[RegisterRow],
    scenario: Scenario,
    synonyms: RoleSynonyms,
    *,
    manual: Sequence[ManualRow] = (),
    taken_ids: set[str] | None = None,
    pseudonymise_key: str | None = None,
) -> ImportOutcome:
    """Resolve, merge and identify register rows against ``scenario``."""
    candidates, rejected = _Resolver(scenario, synonyms).resolve(rows)
    kept, merged = _merge_duplicates(candidates, pseudonymise_key)
    int_lookup: dict[str, str] = {}
    for i in scenario.ints:
        int_lookup[i.name.upper()] = i.code
        int_lookup[i.code.upper()] = i.code
    ids = _identify(kept, int_lookup, set(taken_ids or ()), pseudonymise_key)
    flags = _fte_over_one(kept, ids.keys_of)
    flags += _apply_manual(manual, ids, int_lookup)
    return ImportOutcome(
        staff=tuple(ids.staff),
        origin=MappingProxyType(ids.origin),
        requests=MappingProxyType(ids.requests),
        rejected=tuple(rejected),
        merged=tuple(merged),
        flags=tuple(flags),
    )


class _Resolver:
    """Register rows -> candidates with a scenario role and base, or rejections.

    Lookups are cached by title and base text: registers repeat them and the
    suggestions for unknown titles (difflib) are slow.
    """

    def __init__(self, scenario: Scenario, synonyms: RoleSynonyms) -> None:
        self.synonyms = synonyms.with_roles({r.code: r.name for r in scenario.roles})
        self.roles = scenario.role_by_code
        self.bases = _Bases(scenario)
        self.role_cache: dict[tuple[str, ...], str | None] = {}
        self.base_cache: dict[tuple[str, str], tuple[BaseKind, str] | None] = {}
        self.problems: dict[tuple[str, ...], str] = {}  # unknown title -> message

    def resolve(self, rows: Sequence[RegisterRow]) -> tuple[list[_Candidate], list[RowRejection]]:
        candidates: list[_Candidate] = []
        rejected: list[RowRejection] = []
        for r in rows:
            found = self._resolve_row(r)
            if isinstance(found, str):
                rejected.append(RowRejection(file=r.file, sheet=r.sheet, row=r.row, reason=found))
            else:
                candidates.append(found)
        return candidates, rejected

    def _resolve_row(self, r: RegisterRow) -> _Candidate | str:
        """The row's candidate, or why it is rejected."""
        titles = tuple(t for t in (r.role_title, *r.alt_titles) if t)
        role_key = (*titles, "#" + r.occupation_code)
        if role_key not in self.role_cache:
            self.role_cache[role_key] = _find_role(titles, r.occupation_code, self.synonyms)
        role = self.role_cache[role_key]
        if role is None:
            if role_key not in self.problems:
                self.problems[role_key] = _role_problem(titles, r.occupation_code, self.synonyms)
            return self.problems[role_key]
        if role not in self.roles:
            return (
                f"role {role} (from {r.role_title!r}) is not in the scenario's Roles sheet; "
                "add the role there first"
            )
        found = None
        for base_key in ((r.base, r.base_kind_hint), *r.alt_bases):  # ESR: then Area of Work
            if base_key not in self.base_cache:
                self.base_cache[base_key] = self.bases.find(*base_key)
            found = self.base_cache[base_key]
            if found is not None:
                break
        if found is None:
            also = "".join(f"; {b!r} was tried too" for b, _ in r.alt_bases)
            return _base_problem(r.base, r.base_kind_hint, self.bases) + also
        return _Candidate(row=r, role=role, base_kind=found[0], base=found[1])


def _merge_duplicates(
    candidates: Sequence[_Candidate], pseudonymise_key: str | None
) -> tuple[list[_Candidate], list[MergedRow]]:
    """Keep the first row of each record; report the later ones as merged into it."""
    merged: list[MergedRow] = []
    kept: list[_Candidate] = []
    seen: dict[tuple[str, ...], _Candidate] = {}
    for c in candidates:
        number = normalise_staff_number(c.row.staff_number) if c.row.staff_number else ""
        name = "" if c.row.vacant else normalise_name(c.row.name)
        keys: list[tuple[str, ...]] = []
        if number:
            keys.append(("number", number, c.role))
        if name and not c.row.person_number:  # an ESR assignment number is the identity
            keys.append(("name", name, c.role, c.base))
        first = next((seen[k] for k in keys if k in seen), None)
        if first is None:
            for k in keys:
                seen[k] = c
            kept.append(c)
            continue
        shown = "" if pseudonymise_key else f" {c.row.staff_number}"  # never a real number
        how = (
            f"same staff number{shown}"
            if number and ("number", number, c.role) in seen
            else f"same name, role {c.role} and base {c.base}"
        )
        note = ""
        if abs(first.row.fte - c.row.fte) > FTE_TOLERANCE:
            note = f"; FTE differed ({c.row.fte:g} here, {first.row.fte:g} kept)"
        merged.append(
            MergedRow(
                file=c.row.file,
                sheet=c.row.sheet,
                row=c.row.row,
                kept_file=first.row.file,
                kept_row=first.row.row,
                reason=f"same person as {first.row.file} row {first.row.row} ({how}){note}",
            )
        )
    return kept, merged


@dataclass(slots=True)
class _Identified:
    """Staff made from the kept rows, and the keys that link them to people."""

    staff: list[Staff] = field(default_factory=list)
    origin: dict[str, tuple[str, int]] = field(default_factory=dict)  # id -> (file, row)
    requests: dict[str, IntRequest] = field(default_factory=dict)
    by_number: dict[str, list[str]] = field(default_factory=dict)  # staff/person no. -> ids
    by_name: dict[str, list[str]] = field(default_factory=dict)  # normalised name -> ids
    keys_of: list[list[str]] = field(default_factory=list)  # per kept row: its person keys


def _identify(
    kept: Sequence[_Candidate],
    int_lookup: Mapping[str, str],
    taken: set[str],
    pseudonymise_key: str | None,
) -> _Identified:
    """Ids, names and named-INT requests for the kept rows."""
    out = _Identified()
    for n, c in enumerate(kept, start=1):
        r = c.row
        if pseudonymise_key:
            identity = r.staff_number or f"{r.name}|{c.role}|{c.base}|{r.file}:{r.row}"
            sid = _unique_id(pseudonymous_id(identity, pseudonymise_key), taken)
        else:
            sid = _unique_id(r.staff_number or f"R{n:05d}", taken)
        out.staff.append(
            Staff(
                id=sid,
                name=_staff_name(r, pseudonymise_key),
                role=c.role,
                employer=r.employer,
                base_kind=c.base_kind,
                base=c.base,
                fte=r.fte,
                vacant=r.vacant,
            )
        )
        out.origin[sid] = (r.file, r.row)
        if r.int_spec:
            req = parse_int_spec(r.int_spec, int_lookup)
            if req is not None:
                out.requests[sid] = req
        number = normalise_staff_number(r.staff_number) if r.staff_number else ""
        if number:
            out.by_number.setdefault(number, []).append(sid)
        if r.name and not r.vacant:
            out.by_name.setdefault(normalise_name(r.name), []).append(sid)
        person = normalise_staff_number(r.person_number) if r.person_number else ""
        if person and person != number:
            out.by_number.setdefault(person, []).append(sid)
        # an ESR person links their assignments through the Employee Number
        links = (f"#{person}" if person else "", f"#{number}" if number else "", _person_name(r))
        out.keys_of.append([k for k in links if k])
    return out


def _staff_name(r: RegisterRow, pseudonymise_key: str | None) -> str:
    if r.vacant:
        keep_name = r.name and normalise_name(r.name) != "vacant" and not pseudonymise_key
        return r.name if keep_name else "Vacant post"
    name = r.name or f"Unnamed ({r.file} row {r.row})"
    return pseudonym(name, pseudonymise_key) if pseudonymise_key else name


def _fte_over_one(kept: Sequence[_Candidate], keys_of: Sequence[list[str]]) -> list[Flag]:
    """Flag people whose rows add up to more than 1.0 FTE.

    One person = rows linked by a staff number or a name (a flag, so over-linking is safe).
    """
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        while parent.setdefault(key, key) != key:
            key = parent[key]
        return key

    for ks in keys_of:
        for other in ks[1:]:
            parent[root(other)] = root(ks[0])
    groups: dict[str, list[_Candidate]] = {}
    for c, ks in zip(kept, keys_of, strict=True):
        if ks:
            groups.setdefault(root(ks[0]), []).append(c)
    flags: list[Flag] = []
    for rows_of in groups.values():
        total = sum(c.row.fte for c in rows_of)
        if total > 1.0 + FTE_TOLERANCE:
            where = ", ".join(f"{c.row.file} row {c.row.row}" for c in rows_of)
            flags.append(
                Flag(
                    kind="fte_over_one",
                    message=f"{total:g} FTE in total for one person ({where}); kept as given - "
                    "check for double counting",
                    rows=tuple((c.row.file, c.row.row) for c in rows_of),
                )
            )
    return flags


def _apply_manual(
    manual: Sequence[ManualRow], ids: _Identified, int_lookup: Mapping[str, str]
) -> list[Flag]:
    """Manual assignments from the mapping workbook override everything; flags the misses."""
    flags: list[Flag] = []
    manual_by_who: dict[str, list[ManualRow]] = {}
    for m in manual:
        manual_by_who.setdefault(m.staff, []).append(m)
    for who, ms in manual_by_who.items():
        matches = ids.by_number.get(normalise_staff_number(who)) or ids.by_name.get(
            normalise_name(who), []
        )
        mrows = tuple(("mapping workbook", m.row) for m in ms)
        if not matches:
            flags.append(
                Flag(
                    kind="manual_unmatched",
                    message=f"manual assignment for {who!r} matches nobody in the registers",
                    rows=mrows,
                )
            )
            continue
        if len(matches) > 1:
            flags.append(
                Flag(
                    kind="manual_ambiguous",
                    message=f"manual assignment for {who!r} matches {len(matches)} people; "
                    "use the staff number instead",
                    rows=mrows,
                )
            )
            continue
        shares = tuple((int_lookup.get(m.int_code.upper(), m.int_code), m.fte) for m in ms)
        ids.requests[matches[0]] = IntRequest(rule="manual", shares=shares)
    return flags
