"""ICS geography: HCPs, PCNs, practices (the building block), INTs and adjacency."""

from __future__ import annotations

from dataclasses import dataclass

from intplan.domain import _check
from intplan.domain import limits as L
from intplan.domain.errors import DomainError

#: Registered-list age bands, in the order every per-band tuple uses.
AGE_BANDS: tuple[str, ...] = ("0-17", "18-64", "65-74", "75-84", "85+")


@dataclass(frozen=True, slots=True, kw_only=True)
class HCP:
    """Health & Care Partnership (K&M has four; seed 000:18)."""

    code: str
    name: str

    def __post_init__(self) -> None:
        _check.code("code", self.code)
        _check.text("name", self.name)


@dataclass(frozen=True, slots=True, kw_only=True)
class PCN:
    code: str
    name: str
    hcp: str

    def __post_init__(self) -> None:
        _check.code("code", self.code)
        _check.text("name", self.name)
        _check.code("hcp", self.hcp)


@dataclass(frozen=True, slots=True, kw_only=True)
class Practice:
    """A GP practice: code, registered list by age band, deprivation, location."""

    code: str
    name: str
    pcn: str
    list_by_age: tuple[int, int, int, int, int]  # people per AGE_BANDS entry
    deprivation_decile: int  # 1 = most deprived (IMD convention)
    x_km: float
    y_km: float

    def __post_init__(self) -> None:
        _check.code("code", self.code)
        _check.text("name", self.name)
        _check.code("pcn", self.pcn)
        if len(self.list_by_age) != len(AGE_BANDS):
            raise DomainError("list_by_age", f"needs {len(AGE_BANDS)} age bands")
        for band, n in zip(AGE_BANDS, self.list_by_age, strict=True):
            _check.within(f"list_{band}", n, L.LIST_SIZE, whole=True)
        _check.within("deprivation_decile", self.deprivation_decile, L.DECILE, whole=True)
        _check.within("x_km", self.x_km, L.GRID_KM)
        _check.within("y_km", self.y_km, L.GRID_KM)

    @property
    def population(self) -> int:
        return sum(self.list_by_age)


@dataclass(frozen=True, slots=True, kw_only=True)
class INT:
    """An Integrated Neighbourhood Team: a set of practices (may span PCNs)."""

    code: str
    name: str
    hcp: str
    practices: tuple[str, ...]

    def __post_init__(self) -> None:
        _check.code("code", self.code)
        _check.text("name", self.name)
        _check.code("hcp", self.hcp)
        if not self.practices:
            raise DomainError("practices", "an INT needs at least one practice")
        if len(set(self.practices)) != len(self.practices):
            raise DomainError("practices", "lists a practice more than once")


@dataclass(frozen=True, slots=True, kw_only=True)
class Adjacency:
    """Two INTs that share a border and can cover each other (seed 000:746)."""

    int_a: str
    int_b: str
    travel_minutes: float
    source: str

    def __post_init__(self) -> None:
        _check.code("int_a", self.int_a)
        _check.code("int_b", self.int_b)
        if self.int_a == self.int_b:
            raise DomainError("int_b", f"an INT cannot be adjacent to itself ({self.int_a})")
        _check.within("travel_minutes", self.travel_minutes, L.TRAVEL_MINUTES)
        _check.text("source", self.source)

    @property
    def key(self) -> str:
        a, b = sorted((self.int_a, self.int_b))
        return f"{a}~{b}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Team:
    """A community, MH, social-care or VCSE team covering a set of practices."""

    code: str
    name: str
    employer: str
    practices: tuple[str, ...]

    def __post_init__(self) -> None:
        _check.code("code", self.code)
        _check.text("name", self.name)
        _check.text("employer", self.employer)
        if not self.practices:
            raise DomainError("practices", "a team must cover at least one practice")
