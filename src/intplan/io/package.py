"""The one reader of an xlsx (OPC) package: its zip, parts, relationships and content types.

An xlsx file is a zip of XML *parts* joined by *relationships* (``_rels/*.rels``) and
typed by ``[Content_Types].xml``. Both the value reader (``_xlsx_read.XlsxReader``) and
the splice of result sheets (``result_package``) open packages here, so a relationship
target is resolved one way (relative to the part that holds it, or from the package
root when it starts with ``/``) and every damaged zip entry or part is one
:class:`~intplan.io._parts.DamagedXlsxError` naming it.

Relationships and content types are read with expat (no DTD, no entity expansion):
they are only read here; the parts intplan edits are parsed as a DOM in ``opc``.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from intplan.io._parts import DamagedXlsxError, open_zip, parse, parser, read_part

CONTENT_TYPES = "[Content_Types].xml"


class PackageError(DamagedXlsxError):
    """The package is damaged or laid out in a way intplan cannot edit safely."""


@dataclass(frozen=True, slots=True)
class Rel:
    """One relationship: ``part`` is the target's part name (None when external)."""

    id: str
    type: str  # full type URI; compare with ``rel_type``
    part: str | None


def rel_type(rel: Rel) -> str:
    """The last segment of the relationship type: ``worksheet``, ``drawing``, ``table`` …"""
    return rel.type.rsplit("/", 1)[-1]


def rels_part(part: str) -> str:
    """The part holding ``part``'s relationships (``""`` is the package itself)."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def source_of(rels: str) -> str | None:
    """The part whose relationships ``rels`` holds (``""`` for the package); None if
    ``rels`` is not a relationships part."""
    folder, name = posixpath.split(rels)
    if posixpath.basename(folder) != "_rels" or not name.endswith(".rels"):
        return None
    return posixpath.join(posixpath.dirname(folder), name[: -len(".rels")])


def resolve(source: str, target: str) -> str:
    """The part name a relationship of ``source`` points at."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def _local(name: str) -> str:
    return name.rsplit(":", 1)[-1]


class Package:
    """An opened xlsx package. Parts are read on demand; relationships are cached."""

    def __init__(self, zf: zipfile.ZipFile) -> None:
        self.zip = zf
        self.names = frozenset(zf.namelist())
        self._rels: dict[str, list[Rel]] = {}

    @classmethod
    def open(cls, path: str | IO[bytes]) -> Package:
        """The package at ``path`` (DamagedXlsxError for a damaged zip; OSError passes)."""
        return cls(open_zip(path))

    def close(self) -> None:
        self.zip.close()

    def __enter__(self) -> Package:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def read(self, part: str, what: str = "") -> bytes:
        """The bytes of ``part`` (``what`` names it for the user; default "the part")."""
        return read_part(self.zip, part, what or "the part")

    def _parse(self, part: str, what: str, start: Callable[[str, dict[str, str]], None]) -> None:
        p = parser()
        p.StartElementHandler = start
        parse(p, self.read(part, what), f"the part {part}")

    def rels(self, source: str) -> list[Rel]:
        """The relationships of ``source`` (``""``: the package's), none without a rels part."""
        cached = self._rels.get(source)
        if cached is not None:
            return cached
        out: list[Rel] = []
        part = rels_part(source)
        if part in self.names:

            def start(name: str, attrs: dict[str, str]) -> None:
                if _local(name) == "Relationship":
                    target = attrs.get("Target", "")
                    external = attrs.get("TargetMode") == "External"
                    resolved = None if external or not target else resolve(source, target)
                    out.append(Rel(attrs.get("Id", ""), attrs.get("Type", ""), resolved))

            self._parse(part, "a relationships part", start)
        self._rels[source] = out
        return out

    def all_rels(self) -> dict[str, list[Rel]]:
        """Every part's relationships, by source part (``""`` is the package)."""
        sources = (source_of(name) for name in sorted(self.names))
        return {s: self.rels(s) for s in sources if s is not None}

    def related(self, source: str, kind: str) -> str | None:
        """The first internal part ``source`` relates to by a ``kind`` relationship."""
        return next((r.part for r in self.rels(source) if rel_type(r) == kind and r.part), None)

    def main_part(self) -> str | None:
        """The workbook part, as the package's relationships name it."""
        return self.related("", "officeDocument")

    def content_types(self) -> dict[str, str]:
        """Every part's content type: its override, else the default for its extension."""
        defaults: dict[str, str] = {}
        types: dict[str, str] = {}

        def start(name: str, attrs: dict[str, str]) -> None:
            local = _local(name)
            if local == "Default":
                defaults[attrs.get("Extension", "").lower()] = attrs.get("ContentType", "")
            elif local == "Override":
                types[attrs.get("PartName", "").lstrip("/")] = attrs.get("ContentType", "")

        self._parse(CONTENT_TYPES, "the content types", start)
        for name in self.names:
            ext = posixpath.splitext(name)[1].lstrip(".").lower()
            types.setdefault(name, defaults.get(ext, ""))
        return types


__all__ = [
    "CONTENT_TYPES",
    "Package",
    "PackageError",
    "Rel",
    "rel_type",
    "rels_part",
    "resolve",
    "source_of",
]
