"""Generated staff: posts sized on need, split into people with typical contracts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from intplan.domain import Assignment, BaseKind, Role, Staff
from intplan.examples._synthetic_names import FIRST_NAMES, LAST_NAMES

#: assumption: NHS Vacancy Statistics (NHS Digital 2024) put vacancies at ~7-8% of posts
VACANCY_RATE = 0.075

#: contracted FTE of individual people, by role kind (assumption: NHS Digital GP
#: Workforce 2024 has 27,966 FTE over 38,124 GPs = 0.73 FTE a head; others similar)
_FTE_CHOICES: dict[str, tuple[tuple[float, ...], tuple[float, ...]]] = {
    "GP": ((1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4), (0.12, 0.1, 0.2, 0.18, 0.18, 0.12, 0.1)),
    "PART": ((1.0, 0.8, 0.6, 0.5, 0.4), (0.2, 0.2, 0.25, 0.2, 0.15)),
    "FULL": ((1.0, 0.8, 0.6, 0.5), (0.55, 0.25, 0.12, 0.08)),
    "CARE": ((0.8, 0.6, 0.5, 0.4, 0.3), (0.15, 0.25, 0.25, 0.2, 0.15)),
    "PSY": ((0.5, 0.4, 0.3, 0.2), (0.3, 0.3, 0.2, 0.2)),
}
_FTE_KIND = {
    "GP": "GP",
    "PSY": "PSY",
    "ADMIN": "PART",
    "HCA": "PART",
    "PN": "PART",
    "CNAV": "PART",
    "DOM": "CARE",
    "CHWW": "PART",
    "HWC": "PART",
    "SPLW": "PART",
}


@dataclass(slots=True)
class Staffing:
    """The people generated so far; ``add`` appends the posts for one base and role."""

    rng: np.random.Generator
    prefix: str
    roles: dict[str, Role]
    staff: list[Staff] = field(default_factory=list)

    def add(
        self,
        role: str,
        employer: str,
        kind: BaseKind,
        base: str,
        population: float,
        shares: Sequence[tuple[str, float]],
        rule: str,
    ) -> None:
        """Posts for ``population / population_per_fte`` FTE, split into people
        (``population`` is the need-weighted list, see ``NEED_AGE_WEIGHTS``)."""
        ratio = self.roles[role].population_per_fte
        if ratio is None:
            return
        remaining = round(population / ratio, 1)
        values, weights = _FTE_CHOICES[_FTE_KIND.get(role, "FULL")]
        while remaining >= 0.05:
            fte = float(self.rng.choice(values, p=weights))
            if fte > remaining:
                fte = max(0.1, round(remaining, 1))
            remaining = round(remaining - fte, 1)
            vacant = bool(self.rng.random() < VACANCY_RATE)
            first = FIRST_NAMES[int(self.rng.integers(len(FIRST_NAMES)))]
            last = LAST_NAMES[int(self.rng.integers(len(LAST_NAMES)))]
            self.staff.append(
                Staff(
                    id=f"{self.prefix}{len(self.staff) + 1:06d}",
                    name="Vacant post" if vacant else f"{first} {last}",
                    role=role,
                    employer=employer,
                    base_kind=kind,
                    base=base,
                    fte=fte,
                    vacant=vacant,
                    assignments=_assign(fte, shares, rule),
                )
            )


def _assign(fte: float, shares: Sequence[tuple[str, float]], rule: str) -> tuple[Assignment, ...]:
    """Split ``fte`` by population shares; the last INT takes the rounding remainder."""
    parts = [(code, round(fte * share, 4)) for code, share in shares]
    parts = [(code, f) for code, f in parts if f > 0]
    head = parts[:-1]
    last = fte - sum(f for _, f in head)
    return (
        *tuple(Assignment(int_code=c, fte=f, rule=rule) for c, f in head),
        Assignment(int_code=parts[-1][0], fte=last, rule=rule),
    )
