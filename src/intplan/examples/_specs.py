"""The outline an example ICS is generated from: its PCNs, INTs and employers."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class PcnSpec:
    """One PCN to generate: where it is, how big, how deprived, how old."""

    code: str
    name: str
    hcp: str
    practices: int
    population: int
    x_km: float
    y_km: float
    decile: int  # typical IMD decile of its practices (1 = most deprived)
    age_tilt: float = 0.0  # +1 = much older than England, -1 = much younger
    spread_km: float = 2.5
    provider: str  # community provider (community nursing, frailty)
    council: str  # adult social care


@dataclass(frozen=True, slots=True, kw_only=True)
class IntSpec:
    """One INT (``split`` > 1: cut this single PCN into that many INTs)."""

    code: str
    name: str
    pcns: tuple[str, ...]
    split: int = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class Employers:
    mh_trust: str
    icb: str
    vcse: str  # CHWW host
    home_care: str  # domiciliary care provider
    talking_therapies: str
