"""Role titles as employers write them -> the catalogue's role codes."""

from __future__ import annotations

import csv
import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import intplan
from intplan.io.errors import UnreadableFileError

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
#: words that qualify a title without changing the role ("Band 6 District Nurse")
_QUALIFIERS = re.compile(r"\b(band \d+[a-d]?|arrs|pcn employed|fixed term|bank)\b")


def normalise_title(title: str) -> str:
    s = title.lower().replace("&", " and ").replace("-", "")
    return _NON_ALNUM.sub(" ", s).strip()


def _strip_qualifiers(norm: str) -> str:
    return " ".join(_QUALIFIERS.sub(" ", norm).split())


def resource_path(name: str) -> Path:
    """A file in ``resources/``: inside the installed wheel, else the source checkout."""
    package = Path(intplan.__file__).resolve().parent
    for candidate in (package / "resources" / name, package.parents[1] / "resources" / name):
        if candidate.is_file():
            return candidate
    raise UnreadableFileError(name, "reference file not found in the intplan resources")


@dataclass(frozen=True, slots=True, kw_only=True)
class Synonym:
    synonym: str
    role: str
    source: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RoleMatch:
    role: str | None  # None when the title is unknown
    suggestions: tuple[Synonym, ...] = ()


def _read_csv(p: Path, what: str) -> list[dict[str, str]]:
    try:
        with p.open(encoding="utf-8-sig", newline="") as fh:
            return list(csv.DictReader(fh))
    except OSError as exc:
        raise UnreadableFileError(str(p), f"cannot read {what}: {exc}") from exc


def _filled(r: Mapping[str, str | None], *keys: str) -> bool:
    return all((r.get(k) or "").strip() for k in keys)


@dataclass(frozen=True, slots=True, kw_only=True)
class RoleSynonyms:
    entries: tuple[Synonym, ...]
    #: NHS occupation codes (upper case) -> role, from resources/esr_roles.csv
    occupation_codes: tuple[Synonym, ...] = ()
    _index: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for e in self.entries:
            # the first entry for a title wins, so user additions placed first override
            self._index.setdefault(normalise_title(e.synonym), e.role)

    @classmethod
    def load(cls, path: Path | None = None, esr_path: Path | None = None) -> RoleSynonyms:
        """The title table (role_synonyms.csv), then ESR job roles and occupation codes.

        ESR job roles come after the general titles, so a title in both keeps the
        general table's role; ``path`` alone (tests, a user's own table) skips ESR.
        """
        rows = _read_csv(path or resource_path("role_synonyms.csv"), "role synonyms")
        entries = [
            Synonym(synonym=r["synonym"].strip(), role=r["role"].strip(), source=r["source"])
            for r in rows
            if _filled(r, "synonym", "role")
        ]
        codes: list[Synonym] = []
        if path is None or esr_path is not None:
            esr = _read_csv(esr_path or resource_path("esr_roles.csv"), "ESR roles")
            for r in esr:
                if not _filled(r, "kind", "value", "role"):
                    continue
                s = Synonym(synonym=r["value"].strip(), role=r["role"].strip(), source=r["source"])
                if r["kind"].strip() == "occupation_code":
                    codes.append(replace(s, synonym=s.synonym.upper()))
                else:
                    entries.append(s)
        return cls(entries=tuple(entries), occupation_codes=tuple(codes))

    def with_extra(self, extra: Iterable[Synonym]) -> RoleSynonyms:
        """A copy where ``extra`` (e.g. from a mapping file) take precedence."""
        return replace(self, entries=(*extra, *self.entries), _index={})

    def with_roles(self, names: Mapping[str, str]) -> RoleSynonyms:
        """Add role codes and names (code -> name) as synonyms of themselves."""
        extra = [Synonym(synonym=c, role=c, source="role code") for c in names]
        extra += [Synonym(synonym=n, role=c, source="role name") for c, n in names.items()]
        return replace(self, entries=(*self.entries, *extra), _index={})

    def match_occupation(self, code: str) -> RoleMatch:
        """The role for an NHS occupation code (exact, case-insensitive), else None."""
        wanted = code.strip().upper()
        for e in self.occupation_codes:
            if e.synonym == wanted:
                return RoleMatch(role=e.role)
        return RoleMatch(role=None)

    def match(self, title: str) -> RoleMatch:
        norm = normalise_title(title)
        for key in (norm, _strip_qualifiers(norm)):
            if key in self._index:
                return RoleMatch(role=self._index[key])
        close = difflib.get_close_matches(norm, list(self._index), n=3, cutoff=0.6)
        by_norm = {normalise_title(e.synonym): e for e in reversed(self.entries)}
        return RoleMatch(role=None, suggestions=tuple(by_norm[c] for c in close))
