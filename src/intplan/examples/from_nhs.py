"""A scenario for one ICB from the files NHS England publishes (``intplan new --from``).

Geography and lists come from Patients Registered at a GP Practice (the 5-year age band
file and the practice map), PCN membership from ePCN where given, staff FTE from the GP
Workforce practice-level CSV where given. Everything the files do not say (demand rates,
activities, roles, rotas, community teams, locations) comes from the bundled reference
data or a documented assumption, and each assumption is listed in the result, the About
sheet's notes and the ``Sources`` sheet (docs/nhs-data.md).
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from scipy.spatial import QhullError

from intplan.domain import (
    HCP,
    INT,
    PCN,
    IntplanError,
    Practice,
    Scenario,
    Settings,
)
from intplan.domain.errors import DomainError
from intplan.domain.scenario import ExtraSheet
from intplan.examples._geography import adjacency
from intplan.examples._nhs_layout import Layout, from_postcodes, schematic
from intplan.examples._nhs_sources import Provenance, deprivation_source, optional_sources
from intplan.examples._nhs_sources import SourceFile as SourceFile
from intplan.examples._nhs_staff import COMMUNITY_EMPLOYER, build_staff
from intplan.io.errors import Issue, WorkbookError
from intplan.io.nhs.epcn import Epcn, read_epcn
from intplan.io.nhs.epraccur import STATUS, PracticeStatus, read_epraccur
from intplan.io.nhs.fingertips import Deprivation, read_deprivation
from intplan.io.nhs.hcp_map import HcpMap
from intplan.io.nhs.patients import MapRow, PracticeMap, QuinAge, read_practice_map, read_quin_age
from intplan.io.nhs.pcn_workforce import PCN_MAPPING_FILE, PcnWorkforce, read_pcn_workforce
from intplan.io.nhs.postcodes import Postcodes, postcode_key, read_postcodes
from intplan.io.nhs.recognise import USED, Folder, Kind, recognise, recognised_kinds
from intplan.io.nhs.tables import Table
from intplan.io.nhs.workforce import Workforce, load_role_map, read_workforce
from intplan.io.reference import ReferenceData, load_reference

#: assumption: with no deprivation file every practice gets the middle decile
DEFAULT_DECILE = 5
NO_PCN = "NOPCN"  # pseudo-PCN code prefix for practices not in any PCN

#: ``--split-large``: (PCN, its practices, layout is schematic) -> (INT groups, note);
#: supplied by ``intplan.services.nhs_splits`` (examples may not import splits)
SplitLarge = Callable[[str, Sequence[Practice], bool], tuple[tuple[tuple[str, ...], ...], str]]


@dataclass(frozen=True, slots=True, kw_only=True)
class NhsBuild:
    scenario: Scenario
    icb: str
    icb_name: str
    sources: tuple[SourceFile, ...]
    assumptions: tuple[str, ...]
    unrecognised: tuple[str, ...]
    dropped: tuple[str, ...]  # practices of the ICB left out, with why
    splits: tuple[str, ...] = ()  # --split-large: what was split (or not) and how
    observed: str | None = None  # an Appointments crosstab for `calibrate --observed`


def _one(folder: Folder, kind: Kind) -> Table | None:
    tables = folder.found.get(kind, [])
    if len(tables) > 1:
        names = "; ".join(t.describe() for t in tables)
        raise IntplanError(f"more than one {kind.value} file: {names}; keep one in the folder")
    return tables[0] if tables else None


def _pick_icb(pmap: PracticeMap, wanted: str) -> tuple[str, str, list[MapRow]]:
    key = wanted.strip().upper()
    rows = [r for r in pmap.rows if key and key in (r.icb, r.icb_ons)]
    if rows:
        return rows[0].icb, rows[0].icb_name or rows[0].icb, rows
    icbs = {r.icb: (r.icb_ons, r.icb_name) for r in pmap.rows}
    by_key = {c: c for c in icbs} | {ons: c for c, (ons, _) in icbs.items() if ons}
    by_key |= {name.upper(): c for c, (_, name) in icbs.items() if name}
    close = difflib.get_close_matches(key, list(by_key), n=5, cutoff=0.5)
    close += [k for k in by_key if key and key in k and k not in close]
    codes = list(dict.fromkeys(by_key[k] for k in close)) or sorted(icbs)
    listed = "; ".join(f"{c} ({icbs[c][0]}, {icbs[c][1]})" for c in codes[:10])
    what = "close matches" if close else "ICBs in the file"
    more = f" and {len(codes) - 10} more" if len(codes) > 10 else ""
    layout = "STP" if pmap.layout == "CCG" else "ICB"
    raise IntplanError(
        f"no practices with {layout} code {wanted!r} (code or ONS code) in {pmap.source}; "
        f"{what}: {listed}{more}"
    )


def _practices(
    order: list[str],
    members: dict[str, list[str]],
    pcn_of: dict[str, str],
    names: dict[str, str],
    lists: dict[str, tuple[int, int, int, int, int]],
    imd: Deprivation | None,
    layout: Layout,
    source: str,
) -> list[Practice]:
    out: list[Practice] = []
    for pcn in order:
        for code in members[pcn]:
            x, y = layout.xy[code]
            try:
                out.append(
                    Practice(
                        code=code,
                        name=names[code],
                        pcn=pcn_of[code],
                        list_by_age=lists[code],
                        deprivation_decile=(
                            imd.decile.get(code, DEFAULT_DECILE) if imd else DEFAULT_DECILE
                        ),
                        x_km=x,
                        y_km=y,
                    )
                )
            except DomainError as e:
                raise IntplanError(f"practice {code} ({source}): {e}") from None
    return out


def _refuse_unrecognised(folder_path: Path, unrecognised: Sequence[str]) -> None:
    listed = "\n".join(f"  {u}" for u in unrecognised)
    raise IntplanError(
        f"{len(unrecognised)} file(s) in {folder_path} not recognised; nothing written:\n"
        f"{listed}\nintplan recognises a file by its header row; the kinds it knows and "
        f"the columns that identify each:\n{recognised_kinds()}\n"
        "Move the file(s) out of the folder, or pass --ignore-unrecognised to build "
        "without them (they are then listed in the Sources sheet)."
    )


def _observed(folder: Folder) -> tuple[str | None, list[SourceFile]]:
    """Appointments crosstabs, kept for ``intplan calibrate --observed`` (not read here).
    The one to suggest is a bare CSV when there is exactly one; zipped ones need unzipping
    first (``calibrate`` reads a CSV)."""
    tables = folder.found.get(Kind.APPOINTMENTS, [])
    sources = [
        SourceFile(
            file=t.source,
            kind=Kind.APPOINTMENTS.value,
            period="?",
            rows_read=0,
            note="observed appointments, not read by `new`; for calibration: "
            + (
                "unzip it, then intplan calibrate OUT --observed <the CSV>"
                if " » " in t.source
                else f"intplan calibrate OUT --observed {t.source}"
            ),
        )
        for t in tables
    ]
    one = len(tables) == 1 and " » " not in tables[0].source
    return (tables[0].source if one else None), sources


@dataclass(frozen=True, slots=True, kw_only=True)
class _Files:
    """What the folder's files say for the chosen ICB (the optional ones may be None)."""

    pmap: PracticeMap
    quin: QuinAge
    icb_code: str
    icb_name: str
    rows: list[MapRow]  # the ICB's practice map rows
    epcn: Epcn | None
    gpw: Workforce | None
    pcw: PcnWorkforce | None
    ods: PracticeStatus | None
    pcs: Postcodes | None
    imd: Deprivation | None
    observed: str | None
    observed_sources: list[SourceFile]


def _read_files(folder: Folder, folder_path: Path, icb: str, unrecognised: Sequence[str]) -> _Files:
    quin_t = _one(folder, Kind.QUIN_AGE)
    map_t = _one(folder, Kind.PRACTICE_MAP)
    missing = [
        k.value for k, t in ((Kind.QUIN_AGE, quin_t), (Kind.PRACTICE_MAP, map_t)) if t is None
    ]
    if quin_t is None or map_t is None:
        seen = "; ".join(unrecognised) or "nothing else"
        raise IntplanError(
            f"{folder_path} has no {' and no '.join(missing)} file (both are required: "
            "Patients Registered at a GP Practice, see docs/nhs-data.md); not recognised: " + seen
        )
    issues: list[Issue] = []
    pmap = read_practice_map(map_t, issues)
    if issues:
        raise WorkbookError(issues)
    icb_code, icb_name, rows = _pick_icb(pmap, icb)
    ours = frozenset(r.practice for r in rows)
    quin: QuinAge = read_quin_age(quin_t, issues, only=ours)
    epcn: Epcn | None = None
    details, partners = (
        folder.found.get(Kind.EPCN_DETAILS, []),
        folder.found.get(Kind.EPCN_PARTNERS, []),
    )
    if details or partners:
        epcn = read_epcn(details, partners, issues)
    gpw_t = _one(folder, Kind.GPW_PRACTICE)
    pcw_t = _one(folder, Kind.PCN_WORKFORCE)
    ods_t = _one(folder, Kind.EPRACCUR)
    pc_t = _one(folder, Kind.POSTCODES)
    wanted_pcs = {postcode_key(r.postcode) for r in rows if r.postcode} | {
        postcode_key(pl.postcode) for pl in quin.practices.values() if pl.postcode
    }  # quin holds only this ICB's practices
    imd_t = _one(folder, Kind.FINGERTIPS)
    observed, observed_sources = _observed(folder)
    files = _Files(
        pmap=pmap,
        quin=quin,
        icb_code=icb_code,
        icb_name=icb_name,
        rows=rows,
        epcn=epcn,
        gpw=read_workforce(gpw_t, load_role_map(), issues, only=ours) if gpw_t else None,
        pcw=(
            read_pcn_workforce(pcw_t, load_role_map(PCN_MAPPING_FILE, "staff_role"), issues)
            if pcw_t
            else None
        ),
        ods=read_epraccur(ods_t, issues) if ods_t else None,
        pcs=read_postcodes(pc_t, wanted_pcs, issues) if pc_t else None,
        imd=read_deprivation(imd_t, issues) if imd_t else None,
        observed=observed,
        observed_sources=observed_sources,
    )
    if issues:
        raise WorkbookError(issues)
    return files


def _assumptions(files: _Files, settings: Settings, split_large: SplitLarge | None) -> list[str]:
    """The assumptions every build states (more are added as the build goes)."""
    imd, quin = files.imd, files.quin
    assumptions: list[str] = [
        "age bands: 5-year band 15_19 split 3/5 to 0-17 and 2/5 to 18-64 (people assumed "
        "spread evenly over single years)",
        "INTs: one INT per PCN (compare-splits explores other groupings)"
        if split_large is None
        else "INTs: one INT per PCN, except PCNs above "
        f"{settings.int_population_max:,} people split by --split-large (see Sources)",
        "demand rates, activities, roles, rotas, referrals: intplan's bundled reference data",
        "community staff: from reference ratios (roles.csv population_per_fte), one team "
        f"per PCN employed by '{COMMUNITY_EMPLOYER}'",
    ]
    if imd is None:
        assumptions.append(
            f"deprivation: no deprivation file read; every practice given decile {DEFAULT_DECILE}"
        )
    else:
        scope = "England" if imd.national else "the practices in the file (not national)"
        no_score = sorted(r.practice for r in files.rows if r.practice not in imd.decile)
        assumptions.append(
            f"deprivation: Fingertips 93553 IMD score ranked into deciles over {scope}"
            + (f"; no score for {', '.join(no_score)}: decile {DEFAULT_DECILE}" if no_score else "")
        )
    differ = sorted(
        c
        for c, pl in quin.practices.items()
        if pl.stated_total is not None and pl.stated_total != sum(pl.bands)
    )
    if differ:
        assumptions.append(
            "list sizes are the sums of the age-band rows; the file's own ALL total differs "
            "for " + ", ".join(differ[:20]) + (" …" if len(differ) > 20 else "")
        )
    return assumptions


@dataclass(slots=True)
class _Geography:
    """The practices kept, by code, with their PCN, sub-ICB location, list and postcode."""

    pcn_name: dict[str, str] = field(default_factory=dict)
    pcn_of: dict[str, str] = field(default_factory=dict)
    sub_of: dict[str, str] = field(default_factory=dict)
    hcp_name: dict[str, str] = field(default_factory=dict)  # sub-ICB (or HCP) code -> name
    lists: dict[str, tuple[int, int, int, int, int]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    postcode_of: dict[str, str] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)  # practices left out, with why

    def members(self) -> dict[str, list[str]]:
        """PCN -> its practices, in code order."""
        members: dict[str, list[str]] = {}
        for p in sorted(self.lists):
            members.setdefault(self.pcn_of[p], []).append(p)
        return members


def _geography(files: _Files) -> _Geography:
    g = _Geography()
    quin, ods, epcn = files.quin, files.ods, files.epcn
    for r in files.rows:
        pl = quin.practices.get(r.practice)
        if pl is None:
            g.dropped.append(f"{r.practice} {r.name}: not in {quin.source}")
            continue
        ods_status = ods.status.get(r.practice) if ods else None
        if ods_status in ("C", "D"):
            when = ods.close_date.get(r.practice, "") if ods else ""
            g.dropped.append(
                f"{r.practice} {r.name}: {STATUS[ods_status]} in epraccur"
                + (f" (closed {when})" if when else "")
            )
            continue
        if sum(pl.bands) == 0:
            g.dropped.append(f"{r.practice} {r.name}: no registered patients")
            continue
        pcn = r.pcn
        if epcn is not None and r.practice in epcn.practice_pcn:
            pcn = epcn.practice_pcn[r.practice]
        if not pcn or pcn == "U00000":  # practices outside any PCN
            pcn = f"{NO_PCN}-{r.sub_icb}"
            g.pcn_name.setdefault(pcn, f"Practices in no PCN ({r.sub_icb_name or r.sub_icb})")
        name = (epcn.pcn_names.get(pcn) if epcn else None) or r.pcn_name or pcn
        g.pcn_name.setdefault(pcn, name)
        g.pcn_of[r.practice] = pcn
        g.sub_of[r.practice] = r.sub_icb
        g.hcp_name.setdefault(r.sub_icb, r.sub_icb_name or r.sub_icb)
        g.lists[r.practice] = pl.bands
        g.names[r.practice] = r.name
        g.postcode_of[r.practice] = r.postcode or pl.postcode
    if not g.lists:
        raise IntplanError(
            f"none of the {len(files.rows)} practices of {files.icb_code} has a registered "
            f"list in {quin.source}; are the two files from the same month?"
        )
    return g


def _pcn_hcps(
    g: _Geography,
    members: dict[str, list[str]],
    hcp_map: HcpMap | None,
    icb_code: str,
    assumptions: list[str],
) -> dict[str, str]:
    """PCN -> HCP: the sub-ICB location most of its practices are in, or ``--hcp-map``'s."""
    pcn_hcp = {
        pcn: Counter(g.sub_of[p] for p in ps).most_common(1)[0][0] for pcn, ps in members.items()
    }
    if hcp_map is None:
        return pcn_hcp
    # the planner's own partnerships replace sub-ICB locations
    unmapped = sorted(p for p in members if p not in hcp_map.hcp_of)
    for pcn in members:
        if pcn in hcp_map.hcp_of:
            code, name = hcp_map.hcp_of[pcn]
            pcn_hcp[pcn] = code
            g.hcp_name[code] = name
    if unmapped:
        assumptions.append(
            f"HCPs: {len(unmapped)} PCN(s) not in {hcp_map.source} stay grouped by "
            "sub-ICB location: " + ", ".join(unmapped)
        )
    elsewhere = sorted(set(hcp_map.hcp_of) - set(members))
    if elsewhere:
        assumptions.append(
            f"HCPs: {len(elsewhere)} PCN code(s) in {hcp_map.source} are not PCNs of "
            f"{icb_code} and were not used: " + ", ".join(elsewhere[:20])
        )
    return pcn_hcp


def _ints(
    order: Sequence[str],
    members: dict[str, list[str]],
    practice: dict[str, Practice],
    pcn_name: dict[str, str],
    pcn_hcp: dict[str, str],
    split_large: SplitLarge | None,
    settings: Settings,
    schematic_layout: bool,
) -> tuple[list[INT], list[str]]:
    """One INT per PCN, or ``--split-large``'s groups for the large ones; and the notes."""
    ints: list[INT] = []
    splits: list[str] = []
    for pcn in order:
        groups: tuple[tuple[str, ...], ...] = (tuple(members[pcn]),)
        population = sum(practice[c].population for c in members[pcn])
        if split_large is not None and population > settings.int_population_max:
            groups, note = split_large(pcn, [practice[c] for c in members[pcn]], schematic_layout)
            splits.append(note)
        name = pcn_name[pcn].removesuffix(" PCN")
        for n, group in enumerate(groups, start=1):
            many = len(groups) > 1
            ints.append(
                INT(
                    code=f"INT-{pcn}" + (f"-{n}" if many else ""),
                    name=name + (f" {n} of {len(groups)}" if many else ""),
                    hcp=pcn_hcp[pcn],
                    practices=group,
                )
            )
    if split_large is not None and not splits:
        splits.append(f"no PCN above {settings.int_population_max:,} people; none split")
    return ints, splits


def build_from_nhs(
    folder_path: Path,
    icb: str,
    *,
    reference: ReferenceData | None = None,
    ignore_unrecognised: bool = False,
    split_large: SplitLarge | None = None,
    hcp_map: HcpMap | None = None,
) -> NhsBuild:
    ref = reference or load_reference()
    folder = recognise(folder_path)
    unrecognised = tuple(folder.unrecognised_messages())
    if unrecognised and not ignore_unrecognised:
        _refuse_unrecognised(folder_path, unrecognised)
    unrecognised += tuple(folder.folder_messages())
    unused = [
        f"{t.describe()}: recognised as {k.value}; not used by `intplan new` (yet)"
        for k, ts in folder.found.items()
        if k not in USED and k != Kind.APPOINTMENTS  # kept for calibrate: see _observed
        for t in ts
    ]
    files = _read_files(folder, folder_path, icb, unrecognised)
    settings = Settings()
    assumptions = _assumptions(files, settings, split_large)
    # -- practices, PCNs, HCPs, INTs -------------------------------------------------
    g = _geography(files)
    members = g.members()
    pcn_hcp = _pcn_hcps(g, members, hcp_map, files.icb_code, assumptions)
    order = sorted(members, key=lambda c: (pcn_hcp[c], c))
    ordered = {pcn: members[pcn] for pcn in order}

    def practices_on(layout: Layout) -> list[Practice]:
        return _practices(
            order, members, g.pcn_of, g.names, g.lists, files.imd, layout, files.quin.source
        )

    if files.pcs is None:
        layout = schematic(order, ordered, "no postcode directory read")
    else:
        layout = from_postcodes(order, ordered, g.postcode_of, files.pcs)
    practices = practices_on(layout)
    practice = {p.code: p for p in practices}
    ints, splits = _ints(
        order, members, practice, g.pcn_name, pcn_hcp, split_large, settings, files.pcs is None
    )
    int_of = {p: i.code for i in ints for p in i.practices}
    try:
        adjacencies = adjacency(ints, practice, layout.adjacency_max_km)
    except QhullError:  # INT centres in a line or on one point: fall back to the schematic
        layout = schematic(order, ordered, "practice locations too close to draw neighbours")
        practices = practices_on(layout)
        practice = {p.code: p for p in practices}
        adjacencies = adjacency(ints, practice, layout.adjacency_max_km)
    adjacencies = [replace(a, source=layout.adjacency_source) for a in adjacencies]
    assumptions.append(layout.assumption)

    # -- staff -----------------------------------------------------------------------
    staff, teams = build_staff(
        ref=ref,
        practices=practices,
        members=ordered,
        pcn_name=g.pcn_name,
        int_of=int_of,
        gpw=files.gpw,
        pcw=files.pcw,
        assumptions=assumptions,
        dropped=g.dropped,
    )
    # -- provenance ------------------------------------------------------------------
    sources = _sources(files, hcp_map, members, len(practices))
    provenance = Provenance(
        sources=sources,
        assumptions=assumptions,
        splits=splits,
        unrecognised=unrecognised,
        unused=unused,
        dropped=g.dropped,
    )
    period = files.pmap.extract_date or files.quin.extract_date or "unknown date"
    scenario = Scenario(
        name=f"{files.icb_name} ({files.icb_code}), NHS data {period}",
        notes=provenance.notes(
            f"Built by `intplan new --icb {icb} --from` from NHS England public files "
            f"(registered lists {files.quin.extract_date or '?'})."
        ),
        hcps=tuple(
            HCP(code=c, name=n) for c, n in sorted(g.hcp_name.items()) if c in pcn_hcp.values()
        ),
        pcns=tuple(PCN(code=c, name=g.pcn_name[c], hcp=pcn_hcp[c]) for c in order),
        practices=tuple(practices),
        ints=tuple(ints),
        adjacencies=tuple(adjacencies),
        teams=tuple(teams),
        rotas=ref.rotas,
        roles=ref.roles,
        staff=tuple(staff),
        arrival_profiles=ref.arrival_profiles,
        activities=ref.activities,
        eligibilities=ref.eligibilities,
        referrals=ref.referrals,
        demand_rates=ref.demand_rates,
        seasonality=ref.seasonality,
        interventions=ref.interventions,
        settings=settings,
        extra_sheets=(ExtraSheet(name="Sources", rows=provenance.sheet()),),
    )
    return NhsBuild(
        scenario=scenario,
        icb=files.icb_code,
        icb_name=files.icb_name,
        sources=tuple(sources),
        assumptions=tuple(assumptions),
        unrecognised=tuple(unrecognised) + tuple(unused),
        dropped=tuple(g.dropped),
        splits=tuple(splits),
        observed=files.observed,
    )


def _sources(
    files: _Files, hcp_map: HcpMap | None, members: dict[str, list[str]], n_practices: int
) -> list[SourceFile]:
    """One row per file read, in the Sources sheet's order."""
    pmap, quin = files.pmap, files.quin
    sources = [
        SourceFile(
            file=pmap.source,
            kind=Kind.PRACTICE_MAP.value,
            period=pmap.extract_date or "?",
            rows_read=len(pmap.rows),
            note=f"{pmap.layout} layout; {len(files.rows)} practice(s) in {files.icb_code}",
        ),
        SourceFile(
            file=quin.source,
            kind=Kind.QUIN_AGE.value,
            period=quin.extract_date or "?",
            rows_read=quin.rows_read,
            note=f"lists of {n_practices} practice(s) used",
        ),
    ]
    if hcp_map is not None:
        sources.append(
            SourceFile(
                file=hcp_map.source,
                kind="HCP mapping (--hcp-map)",
                period="-",
                rows_read=hcp_map.rows_read,
                note=f"PCN -> HCP for {sum(p in hcp_map.hcp_of for p in members)} PCN(s)",
            )
        )
    sources += optional_sources(files.epcn, files.gpw, files.pcw, files.ods, files.pcs)
    sources += files.observed_sources
    if files.imd is not None:
        sources.append(deprivation_source(files.imd))
    return sources
