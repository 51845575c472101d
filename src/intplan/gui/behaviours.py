"""Patient-behaviour switches: one check box per on/off Setting (issue 13).

The list is derived from the one table of settings (``SETTING_SPECS``): every setting
whose unit is ``0/1`` is a behaviour that can be switched on and off, so a behaviour
added there appears here with no change to the GUI. ``_WORDING`` only gives the known
ones a friendlier label and says what in the open scenario they act on.

Ticking a box edits the scenario's Settings through the document's undo stack, so the
window shows the scenario as modified, Undo takes it back, and saving keeps it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QCheckBox, QGroupBox, QVBoxLayout, QWidget

from intplan.domain import Scenario
from intplan.domain.demand import Patience
from intplan.domain.settings import DNA_BUCKET_DEFAULTS, SETTING_SPECS, SettingSpec
from intplan.gui import edits
from intplan.gui.document import ScenarioDocument

ON_OFF_UNIT = "0/1"


def _dna_scope(scenario: Scenario) -> str:
    s = scenario.settings
    shares = ", ".join(
        f"{label} {100 * getattr(s, f'dna_{key}'):.0f}%" for key, label, _, _ in DNA_BUCKET_DEFAULTS
    )
    return f"Missed share by how far ahead the contact was booked: {shares}."


def _patience_scope(scenario: Scenario) -> str:
    codes = [a.code for a in scenario.activities if a.patience is not Patience.NONE]
    if not codes:
        return (
            "No activity in this scenario has a patience (Activities sheet), "
            "so switching this on changes nothing yet."
        )
    return f"Activities with a patience: {', '.join(codes)}."


def _horizon_scope(scenario: Scenario) -> str:
    codes = [a.code for a in scenario.activities if a.booking_horizon_days is not None]
    if not codes:
        return (
            "No activity in this scenario has a booking_horizon_days (Activities sheet), "
            "so switching this on changes nothing yet."
        )
    return f"Activities with a booking horizon: {', '.join(codes)}."


#: key -> (check box label, what it acts on in a scenario)
_WORDING: dict[str, tuple[str, Callable[[Scenario], str]]] = {
    "dna_enabled": ("Did not attend", _dna_scope),
    "patience_enabled": ("Patients give up waiting", _patience_scope),
    "booking_horizon_enabled": ("Booking horizon", _horizon_scope),
}


@dataclass(frozen=True, slots=True)
class BehaviourSwitch:
    key: str  # the Settings key
    label: str
    spec: SettingSpec

    def tooltip(self, scenario: Scenario) -> str:
        what = self.spec.description.removeprefix("1: ")
        lines = [f"When ticked: {what[:1].lower()}{what[1:]}."]
        wording = _WORDING.get(self.key)
        if wording is not None:
            lines.append(wording[1](scenario))
        lines.append(f"Settings: {self.key}. Default source: {scenario.settings.source(self.key)}")
        return "\n".join(lines)


def _label(key: str) -> str:
    wording = _WORDING.get(key)
    if wording is not None:
        return wording[0]
    text = key.removesuffix("_enabled").replace("_", " ")
    return text[:1].upper() + text[1:]


def behaviour_switches() -> tuple[BehaviourSwitch, ...]:
    """Every on/off setting, in the Settings sheet's order."""
    return tuple(
        BehaviourSwitch(key=s.key, label=_label(s.key), spec=s)
        for s in SETTING_SPECS
        if s.unit == ON_OFF_UNIT
    )


class BehaviourSwitchesWidget(QGroupBox):
    """A check box per behaviour switch, kept in step with the document (undo, open)."""

    def __init__(self, document: ScenarioDocument, parent: QWidget | None = None) -> None:
        super().__init__("Patient behaviour", parent)
        self.document = document
        self.boxes: dict[str, QCheckBox] = {}
        layout = QVBoxLayout(self)
        for switch in behaviour_switches():
            box = QCheckBox(switch.label)
            box.toggled.connect(lambda on, s=switch: self._toggled(s, on))
            layout.addWidget(box)
            self.boxes[switch.key] = box
        self._switches = {s.key: s for s in behaviour_switches()}
        document.scenario_changed.connect(self.sync)
        self.sync()

    def sync(self) -> None:
        """Show the scenario's settings (after an edit, Undo, or opening a workbook)."""
        scenario = self.document.scenario
        for key, box in self.boxes.items():
            box.blockSignals(True)
            box.setChecked(bool(getattr(scenario.settings, key)))
            box.blockSignals(False)
            box.setToolTip(self._switches[key].tooltip(scenario))

    def _toggled(self, switch: BehaviourSwitch, on: bool) -> None:
        new = edits.set_setting(self.document.scenario, switch.key, int(on))
        self.document.apply(new, f"Switch {switch.label.lower()} {'on' if on else 'off'}")
