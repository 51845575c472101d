"""Bundled example scenarios, generated deterministically by code."""

from __future__ import annotations

from collections.abc import Callable

from intplan.domain import IntplanError, Scenario
from intplan.examples.dorset_bcp import build_dorset_bcp
from intplan.examples.kent_medway import build_kent_medway
from intplan.examples.tiny import build_tiny

#: template name -> builder; ``intplan new --template NAME`` and the GUI use these
TEMPLATES: dict[str, Callable[[], Scenario]] = {
    "kent-medway": build_kent_medway,
    "dorset-bcp": build_dorset_bcp,
    "tiny": build_tiny,
}
DEFAULT_TEMPLATE = "kent-medway"


def load_template(name: str) -> Scenario:
    """Build the named example scenario."""
    try:
        builder = TEMPLATES[name]
    except KeyError:
        raise IntplanError(
            f"unknown template {name!r}; choose one of {', '.join(TEMPLATES)}"
        ) from None
    return builder()


__all__ = [
    "DEFAULT_TEMPLATE",
    "TEMPLATES",
    "build_dorset_bcp",
    "build_kent_medway",
    "build_tiny",
    "load_template",
]
