"""`intplan new --split-large`: the split rule (services/nhs_splits.py)."""

from __future__ import annotations

from intplan.domain import Practice
from intplan.services.nhs_splits import split_pcn


def _line(*thousands: int) -> list[Practice]:
    """Practices 1 km apart on a line (so only neighbours are adjacent)."""
    return [
        Practice(
            code=f"P{i}",
            name=f"P{i}",
            pcn="X",
            list_by_age=(0, 1000 * k, 0, 0, 0),
            deprivation_decile=5,
            x_km=float(i),
            y_km=0.0,
        )
        for i, k in enumerate(thousands)
    ]


def test_the_most_balanced_contiguous_split_within_bounds_is_chosen() -> None:
    # 110k cannot be 2 INTs of at most 50k; of the 3-INT options within 30-50k
    # (P0+P1|P2+P3|P4 40/40/30, P0|P1+P2+P3|P4 30/50/30, P0+P1+P2|P3|P4 50/30/30)
    # the first has the smallest spread (10k)
    s = split_pcn("X", _line(30, 10, 10, 30, 30), 30_000, 50_000, schematic=False)
    assert s.groups == (("P0", "P1"), ("P2", "P3"), ("P4",))
    assert s.populations == (40_000, 40_000, 30_000)
    assert "most balanced of 3 contiguous option(s)" in s.note


def test_non_contiguous_groups_are_never_proposed() -> None:
    # 40|20|40 on a line: P0+P2 would balance but are not neighbours
    s = split_pcn("X", _line(40, 20, 40), 30_000, 60_000, schematic=True)
    assert s.groups in ((("P0",), ("P1", "P2")), (("P0", "P1"), ("P2",)))
    assert "contiguity is nominal" in s.note


def test_a_pcn_with_no_option_within_bounds_stays_one_int() -> None:
    s = split_pcn("X", _line(45, 15), 30_000, 50_000, schematic=False)
    assert s.groups == (("P0", "P1"),)
    assert "kept as one INT" in s.note
