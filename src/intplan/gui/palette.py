"""Colours shared by the map view, the overview and the board pack's printed map (plain
strings, so the PDF code needs no pyqtgraph)."""

from __future__ import annotations

from intplan.services.geography import COLOURS
from intplan.services.overview import Light

#: Tableau 10: a qualitative palette whose colours stay apart (geography.COLOURS of them)
INT_PALETTE = (
    "#4E79A7", "#F28E2B", "#E15759", "#76B7B2", "#59A14F",
    "#EDC948", "#B07AA1", "#FF9DA7", "#9C755F", "#BAB0AC",
)  # fmt: skip
assert len(INT_PALETTE) == COLOURS
#: traffic lights, readable with a text label beside them
LIGHT_COLOURS: dict[Light, str] = {
    Light.GREEN: "#2E8B57",
    Light.AMBER: "#E69F00",
    Light.RED: "#C0392B",
    Light.NONE: "#B0B0B0",
}
