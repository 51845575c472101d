"""Staff -> INT mapping: register import, rules, the mapping report, pseudonyms."""

from intplan.mapping.pseudonymise import pseudonym, pseudonymous_id
from intplan.mapping.register import Flag, ImportOutcome, MergedRow, import_rows
from intplan.mapping.report import IntReport, MappingReport, build_report, render_text
from intplan.mapping.rules import (
    RULE_ORDER,
    Decision,
    Geography,
    IntRequest,
    assign_all,
    decide,
    map_all,
    split_fte,
)

__all__ = [
    "RULE_ORDER",
    "Decision",
    "Flag",
    "Geography",
    "ImportOutcome",
    "IntReport",
    "IntRequest",
    "MappingReport",
    "MergedRow",
    "assign_all",
    "build_report",
    "decide",
    "import_rows",
    "map_all",
    "pseudonym",
    "pseudonymous_id",
    "render_text",
    "split_fte",
]
