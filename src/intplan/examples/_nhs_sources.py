"""Provenance of a scenario built from NHS files: the files read, the notes, the Sources sheet."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from intplan.domain.scenario import Cell
from intplan.io.nhs.epcn import Epcn
from intplan.io.nhs.epraccur import PracticeStatus
from intplan.io.nhs.fingertips import Deprivation
from intplan.io.nhs.pcn_workforce import PcnWorkforce
from intplan.io.nhs.postcodes import Postcodes
from intplan.io.nhs.recognise import Kind
from intplan.io.nhs.workforce import Workforce, publication_month


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceFile:
    file: str
    kind: str
    period: str
    rows_read: int
    note: str


def optional_sources(
    epcn: Epcn | None,
    gpw: Workforce | None,
    pcw: PcnWorkforce | None,
    ods: PracticeStatus | None,
    pcs: Postcodes | None,
) -> list[SourceFile]:
    """Rows for the optional files that were read, in the Sources sheet's order."""
    sources: list[SourceFile] = []
    if epcn is not None:
        sources.append(
            SourceFile(
                file="; ".join(epcn.sources),
                kind="ePCN",
                period="?",
                rows_read=len(epcn.practice_pcn) + epcn.ended,
                note=f"PCN names and membership; {epcn.ended} ended relationship(s) ignored",
            )
        )
    if gpw is not None:
        sources.append(
            SourceFile(
                file=gpw.source,
                kind=Kind.GPW_PRACTICE.value,
                period=publication_month(gpw.source),
                rows_read=gpw.rows_read,
                note="unmapped FTE columns: " + (", ".join(gpw.unmapped_columns) or "none"),
            )
        )
    if pcw is not None:
        unmapped_roles = ", ".join(f"{k} ({v:.1f} FTE)" for k, v in sorted(pcw.unmapped.items()))
        sources.append(
            SourceFile(
                file=pcw.source,
                kind=Kind.PCN_WORKFORCE.value,
                period=pcw.period,
                rows_read=pcw.rows_read,
                note="unmapped staff roles (all PCNs in the file): " + (unmapped_roles or "none"),
            )
        )
    if ods is not None:
        sources.append(
            SourceFile(
                file=ods.source,
                kind=Kind.EPRACCUR.value,
                period="?",
                rows_read=ods.rows_read,
                note="closed (C) and dormant (D) practices left out",
            )
        )
    if pcs is not None:
        sources.append(
            SourceFile(
                file=pcs.source,
                kind=Kind.POSTCODES.value,
                period="?",
                rows_read=pcs.rows_read,
                note=f"{len(pcs.lat_long)} practice postcode(s) found",
            )
        )
    return sources


def deprivation_source(imd: Deprivation) -> SourceFile:
    return SourceFile(
        file=imd.source,
        kind="Fingertips 93553 deprivation score (IMD 2019)",
        period=imd.period,
        rows_read=imd.rows_read,
        note=f"{len(imd.decile):,} practice scores ranked into deciles",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Provenance:
    """What a build read, assumed, split, did not recognise or use, and left out."""

    sources: Sequence[SourceFile]
    assumptions: Sequence[str]
    splits: Sequence[str]
    unrecognised: Sequence[str]
    unused: Sequence[str]
    dropped: Sequence[str]

    def notes(self, headline: str) -> str:
        """The About sheet's notes."""
        return "\n".join(
            [
                headline,
                "Sources:",
                *(
                    f"- {s.kind}: {s.file} ({s.period}; {s.rows_read:,} rows; {s.note})"
                    for s in self.sources
                ),
                "Assumptions:",
                *(f"- {a}" for a in self.assumptions),
                *(
                    ["Split by --split-large:", *(f"- {x}" for x in self.splits)]
                    if self.splits
                    else []
                ),
                *(["Left out:", *(f"- {d}" for d in self.dropped)] if self.dropped else []),
            ]
        )

    def sheet(self) -> tuple[tuple[Cell, ...], ...]:
        """The Sources sheet: a row per file, then one per note, labelled in column A."""
        rows: list[tuple[Cell, ...]] = [("file", "kind", "period", "rows read", "note")]
        rows += [(s.file, s.kind, s.period, s.rows_read, s.note) for s in self.sources]
        for label, texts in (
            ("assumption", self.assumptions),
            ("split", self.splits),
            ("not recognised", self.unrecognised),
            ("not used", self.unused),
            ("left out", self.dropped),
        ):
            rows += [(label, None, None, None, t) for t in texts]
        return tuple(rows)
