"""Use case: import staff registers into a scenario and map everyone into INTs.

The CLI (``intplan map``) and the desktop app both call :func:`run_mapping`; a changed
set of INTs (a PCN split) re-maps the same staff with :func:`remap_staff`.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from intplan.domain.errors import IntplanError
from intplan.domain.geography import INT
from intplan.domain.scenario import Scenario
from intplan.domain.workforce import Staff
from intplan.io.registers import (
    ManualRow,
    RegisterFile,
    RoleSynonyms,
    RowRejection,
    read_mapping_file,
    read_register,
)
from intplan.mapping.existing import (
    StaffChange,
    StaffMode,
    TooManyRemovedError,
    row_keys,
    split_existing,
    staff_keys,
)
from intplan.mapping.redact import Redactor, pseudonymise_staff, redact_scenario
from intplan.mapping.register import Flag, MergedRow, import_rows
from intplan.mapping.report import MappingReport, build_report
from intplan.mapping.rules import Decision, Geography, assign_all, map_all
from intplan.services.progress import Progress, check_cancel, report


@dataclass(frozen=True, slots=True, kw_only=True)
class MappingOptions:
    """How to read the registers and what to do with the scenario's existing staff."""

    mapping_path: Path | None = None  # the --mapping workbook
    columns: Mapping[str, str] = field(default_factory=dict)  # field -> register header
    employer: str | None = None  # employer for rows with none (default: the file name)
    pseudonymise_key: str | None = None
    #: add the registers' people to the existing staff (nobody is removed)
    append: bool = False
    #: replace the whole staff list (default: only the staff of the registers' employers)
    replace: bool = False
    sheet: str | None = None  # the .xlsx sheet to read (hidden sheets only when named)

    def __post_init__(self) -> None:
        if self.append and self.replace:
            raise IntplanError("append and replace cannot both be chosen")

    @property
    def mode(self) -> StaffMode:
        if self.append:
            return StaffMode.APPEND
        return StaffMode.REPLACE if self.replace else StaffMode.BY_EMPLOYER


@dataclass(frozen=True, slots=True, kw_only=True)
class MappingResult:
    scenario: Scenario  # the input scenario with the new staff; nothing else changed
    report: MappingReport
    files: tuple[RegisterFile, ...]
    rejected: tuple[RowRejection, ...]
    merged: tuple[MergedRow, ...]
    flags: tuple[Flag, ...]
    decisions: tuple[Decision, ...]  # one per imported person
    imported: tuple[Staff, ...]  # the imported people, with their assignments
    staff_change: StaffChange
    origin: Mapping[str, tuple[str, int]] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def rows_read(self) -> int:
        return sum(f.rows_read for f in self.files)

    @property
    def rows_imported(self) -> int:
        return len(self.imported)

    @property
    def rows_merged(self) -> int:
        return len(self.merged)

    @property
    def rows_blank(self) -> int:
        return sum(len(f.blank_rows) for f in self.files)

    @property
    def fte_imported(self) -> float:
        return sum(s.fte for s in self.imported)

    @property
    def fte_assigned(self) -> float:
        return sum(a.fte for s in self.imported for a in s.assignments)

    def to_json(self) -> dict[str, object]:
        by_rule: dict[str, int] = {}
        for d in self.decisions:
            key = d.rule or "not_mapped"
            by_rule[key] = by_rule.get(key, 0) + 1
        reason = {d.staff_id: d.reason for d in self.decisions}
        return {
            "rows_read": self.rows_read,
            "rows_imported": self.rows_imported,
            "rows_merged": self.rows_merged,
            "rows_rejected": [r.to_json() for r in self.rejected],
            "rows_blank": self.rows_blank,
            "existing_staff": self.staff_change.to_json(),
            "fte_imported": round(self.fte_imported, 6),
            "fte_assigned": round(self.fte_assigned, 6),
            "people_by_rule": by_rule,
            "merged": [m.to_json() for m in self.merged],
            "flags": [f.to_json() for f in self.flags],
            "files": [
                {
                    "file": f.file,
                    "sheet": f.sheet,
                    "header_row": f.header_row,
                    "columns": {header: fld for header, fld in f.columns},
                    "ignored_columns": list(f.ignored_columns),
                    "encoding": f.encoding,
                    "delimiter": f.delimiter,
                    "merged_cells_filled": list(f.merged_ranges),
                    "blank_rows": list(f.blank_rows),
                    "sheets_not_read": [{"sheet": n, "why": w} for n, w in f.sheets_not_read],
                    "rows_read": f.rows_read,
                }
                for f in self.files
            ],
            **_scenario_totals(self.report.to_json()),
            "people": [
                {
                    "id": s.id,
                    "file": self.origin.get(s.id, ("", 0))[0],
                    "row": self.origin.get(s.id, ("", 0))[1],
                    "role": s.role,
                    "fte": s.fte,
                    "assignments": [
                        {"int": a.int_code, "fte": a.fte, "rule": a.rule} for a in s.assignments
                    ],
                    "reason": reason.get(s.id, ""),
                }
                for s in self.imported
            ],
        }


def _scenario_totals(report: dict[str, object]) -> dict[str, object]:
    """The report's JSON with its whole-scenario FTE named apart from the imported FTE."""
    report["fte_assigned_total"] = report.pop("fte_assigned")
    return report


def run_mapping(
    scenario: Scenario,
    register_paths: Sequence[Path],
    options: MappingOptions | None = None,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> MappingResult:
    """Read, merge and map the registers; return the scenario with the new staff.

    Raises UnreadableFileError / WorkbookError for files that cannot be used at all, and
    TooManyRemovedError when the registers would remove more than half the scenario's
    staff without ``replace``; problems with single rows are returned in ``rejected``.
    """
    opts = options or MappingOptions()
    key = opts.pseudonymise_key
    steps = len(register_paths) + 3
    columns = dict(opts.columns)
    manual: tuple[ManualRow, ...] = ()
    synonyms = RoleSynonyms.load()
    if opts.mapping_path is not None:
        report(progress, 0.0, f"reading {opts.mapping_path.name}")
        mapping_file = read_mapping_file(opts.mapping_path)
        columns = {**mapping_file.column_map(), **columns}  # the command line wins
        manual = mapping_file.manual
        synonyms = synonyms.with_extra(mapping_file.synonyms)
    files: list[RegisterFile] = []
    for k, path in enumerate(register_paths):
        check_cancel(cancel)
        report(progress, k / steps, f"reading {path.name}")
        files.append(
            read_register(
                path,
                columns=columns,
                employer=opts.employer,
                week_hours=scenario.settings.standard_week_hours,
                sheet=opts.sheet if path.suffix.lower() in (".xlsx", ".xlsm") else None,
                show_values=key is None,
            )
        )
    check_cancel(cancel)
    report(progress, len(files) / steps, "merging registers")
    rows = [r for f in files for r in f.rows]
    employers = tuple(dict.fromkeys(r.employer for r in rows))
    kept, touched = split_existing(scenario.staff, employers, opts.mode)
    ids: dict[str, str] = {}
    pseudonymised = 0
    if key:
        done = pseudonymise_staff(kept, key)
        kept_out, ids, pseudonymised = list(done.staff), done.ids, done.changed
    else:
        kept_out = kept
    outcome = import_rows(
        rows,
        scenario,
        synonyms,
        manual=manual,
        taken_ids={s.id for s in kept_out},
        pseudonymise_key=key,
    )
    check_cancel(cancel)
    report(progress, (len(files) + 1) / steps, "mapping staff to INTs")
    imported, decisions = map_all(Geography.of(scenario), outcome.staff, outcome.requests)
    imported, merged, change = _settle_existing(
        files, outcome.origin, imported, kept, touched, ids, opts, employers
    )
    change = replace(change, pseudonymised=pseudonymised)
    if len(change.removed) * 2 > change.before and change.mode is StaffMode.BY_EMPLOYER:
        raise TooManyRemovedError(change)
    check_cancel(cancel)
    report(progress, (len(files) + 2) / steps, "building the report")
    new_scenario = replace(scenario, staff=(*kept_out, *imported))
    rejected = _in_file_order(files, outcome.rejected)
    merged = (*outcome.merged, *merged)
    flags = (*outcome.flags, *_sheet_flags(files))
    imported_ids = {s.id for s in imported}  # (append) people already there were dropped
    decisions = tuple(d for d in decisions if d.staff_id in imported_ids)
    if key:
        redactor = Redactor(
            key,
            names=[
                *(s.name for s in scenario.staff),
                *(m.staff for m in manual),
                *(i for f in files for i in f.identifiers),
            ],
            numbers=[
                *(s.id for s in scenario.staff),
                *(m.staff for m in manual),
                *(i for f in files for i in f.identifiers),
            ],
        )
        new_scenario = redact_scenario(new_scenario, ids, redactor)
        rejected = tuple(replace(r, reason=redactor.text(r.reason)) for r in rejected)
        merged = tuple(replace(m, reason=redactor.text(m.reason)) for m in merged)
        flags = tuple(replace(f, message=redactor.text(f.message)) for f in flags)
        decisions = tuple(replace(d, reason=redactor.text(d.reason)) for d in decisions)
    result = MappingResult(
        scenario=new_scenario,
        report=build_report(new_scenario, decisions),
        files=tuple(files),
        rejected=rejected,
        merged=tuple(merged),
        flags=flags,
        decisions=decisions,
        imported=imported,
        staff_change=change,
        origin=outcome.origin,
    )
    report(progress, 1.0, "done")
    return result


def _settle_existing(
    files: Sequence[RegisterFile],
    origin: Mapping[str, tuple[str, int]],
    imported: Sequence[Staff],
    kept: Sequence[Staff],
    touched: Sequence[Staff],
    ids: Mapping[str, str],
    opts: MappingOptions,
    employers: Sequence[str],
) -> tuple[tuple[Staff, ...], tuple[MergedRow, ...], StaffChange]:
    """Match imported people to existing ones: replaced, removed, or (append) present."""
    key = opts.pseudonymise_key
    row_at = {(r.file, r.row): r for f in files for r in f.rows}

    def keys_of(s: Staff) -> set[tuple[str, ...]]:
        return row_keys(row_at[origin[s.id]], s.role, s.base, key)

    before = len(kept) + len(touched)
    if opts.mode is StaffMode.APPEND:
        index = {k: s for s in kept for k in staff_keys(s)}
        out: list[Staff] = []
        merged: list[MergedRow] = []
        for s in imported:
            match = next((index[k] for k in sorted(keys_of(s)) if k in index), None)
            if match is None:
                out.append(s)
                continue
            file, row = origin[s.id]
            row_of = row_at[(file, row)]
            merged.append(
                MergedRow(
                    file=file,
                    sheet=row_of.sheet,
                    row=row,
                    kept_file="the scenario's staff",
                    kept_row=0,
                    reason=f"already in the scenario's staff as {ids.get(match.id, match.id)}; "
                    "not added twice (--append)",
                )
            )
        change = StaffChange(
            mode=opts.mode,
            before=before,
            kept=before,
            replaced=0,
            removed=(),
            employers=(),
            already_present=len(merged),
        )
        return tuple(out), tuple(merged), change
    found = {k for s in imported for k in keys_of(s)}
    replaced = [s for s in touched if staff_keys(s) & found]
    removed = [s for s in touched if not staff_keys(s) & found]
    if key:
        removed = list(pseudonymise_staff(removed, key).staff)
    change = StaffChange(
        mode=opts.mode,
        before=before,
        kept=len(kept),
        replaced=len(replaced),
        removed=tuple(removed),
        employers=tuple(employers) if opts.mode is StaffMode.BY_EMPLOYER else (),
    )
    return tuple(imported), (), change


def _sheet_flags(files: Sequence[RegisterFile]) -> tuple[Flag, ...]:
    return tuple(
        Flag(
            kind="sheet_not_read",
            message=f"{f.file}: sheet {name!r} also has a staff header but was not read "
            f"({why}); name it with --sheet to read it instead",
        )
        for f in files
        for name, why in f.sheets_not_read
    )


REPORT_SHEET = "MappingReport"


def report_tables(result: MappingResult) -> list[Any]:
    """The mapping report as ``intplan.io.results.ResultTable`` values (one sheet)."""
    from intplan.io import results as io_results

    table = getattr(io_results, "ResultTable", None)
    chart = getattr(io_results, "ChartSpec", None)
    if table is None or chart is None:
        raise IntplanError("intplan.io.results.ResultTable is not available in this build")
    rep = result.report
    sheet = REPORT_SHEET
    summary = table(
        sheet=sheet,
        title="Staff mapped per INT",
        note=f"Core-team threshold {rep.team_size_threshold} "
        f"(source: {rep.team_size_threshold_source}). FTE includes vacant posts.",
        headers=(
            "int",
            "name",
            "population",
            "headcount",
            "fte",
            "vacant_fte",
            "core_headcount",
            "over_team_size_threshold",
            "gaps",
        ),
        rows=tuple(
            (
                i.int_code,
                i.name,
                i.population,
                i.headcount,
                round(i.fte, 3),
                round(i.vacant_fte, 3),
                i.core_headcount,
                "yes" if i.over_threshold else "no",
                ", ".join(i.gaps),
            )
            for i in rep.ints
        ),
        number_formats={"fte": "0.00", "vacant_fte": "0.00", "population": "#,##0"},
        charts=(chart(kind="bar", title="FTE per INT", x_column="int", y_columns=("fte",)),),
    )
    by_role = table(
        sheet=sheet,
        title="By role: FTE against the reference population per FTE",
        headers=(
            "int",
            "role",
            "core",
            "headcount",
            "fte",
            "population_per_fte",
            "reference_population_per_fte",
            "fte_short_of_reference",
        ),
        rows=tuple(
            (
                i.int_code,
                r.role,
                "yes" if r.core else "no",
                r.headcount,
                round(r.fte, 3),
                None if r.population_per_fte is None else round(r.population_per_fte),
                r.reference_population_per_fte,
                None if r.fte_short_of_reference is None else round(r.fte_short_of_reference, 2),
            )
            for i in rep.ints
            for r in i.roles
        ),
        number_formats={"fte": "0.00", "fte_short_of_reference": "0.00"},
    )
    by_employer = table(
        sheet=sheet,
        title="By employer",
        headers=("int", "employer", "headcount", "fte"),
        rows=tuple(
            (i.int_code, c.key, c.headcount, round(c.fte, 3)) for i in rep.ints for c in i.employers
        ),
    )
    rows = table(
        sheet=sheet,
        title="Register rows not imported",
        headers=("file", "sheet", "row", "outcome", "reason"),
        rows=tuple((r.file, r.sheet, r.row, "rejected", r.reason) for r in result.rejected)
        + tuple((m.file, m.sheet, m.row, "merged", m.reason) for m in result.merged),
    )
    unmapped = table(
        sheet=sheet,
        title="Staff not mapped",
        headers=("id", "role", "base", "fte", "reason"),
        rows=tuple((u.staff_id, u.role, u.base, u.fte, u.reason) for u in rep.unmapped),
    )
    return [summary, by_role, by_employer, rows, unmapped]


def write_report_sheet(result: MappingResult, workbook: Path) -> None:
    """Add (or replace) the MappingReport result sheet in ``workbook``, atomically."""
    from intplan.io import results as io_results

    write = getattr(io_results, "write_results", None)
    if write is None:
        raise IntplanError(
            "writing result sheets is not available in this build "
            "(intplan.io.results.write_results is missing)"
        )
    write(workbook, workbook, report_tables(result))


def _in_file_order(
    files: Sequence[RegisterFile], later: Sequence[RowRejection]
) -> tuple[RowRejection, ...]:
    order = {f.file: k for k, f in enumerate(files)}
    every = [r for f in files for r in f.rejected] + list(later)
    return tuple(sorted(every, key=lambda r: (order.get(r.file, len(order)), r.row)))


def remap_staff(
    scenario: Scenario, ints: Sequence[INT] | None = None, *, keep_user_choices: bool = True
) -> tuple[Staff, ...]:
    """The scenario's staff re-mapped to ``ints`` (default: the scenario's own INTs).

    Manual and named assignments are kept when all their INTs are in ``ints``; everyone
    else follows the rules. Same people, same order; unmappable people get no assignments.
    """
    return assign_all(
        Geography.of(scenario, ints), scenario.staff, keep_user_choices=keep_user_choices
    )


def remap(scenario: Scenario, *, keep_user_choices: bool = True) -> Scenario:
    """The scenario with every person re-mapped by the rules to its current INTs."""
    return replace(scenario, staff=remap_staff(scenario, keep_user_choices=keep_user_choices))
