"""Editing the XML parts of an xlsx (OPC) package without disturbing the rest.

Editing a workbook at the level of its parts lets intplan change the few parts it must
(the sheet list, the styles, its own result sheets) and copy every other part byte for
byte, so a user's charts, images, comments and anything else intplan does not
understand survive. Parts are read through ``package.Package``, the one package reader.

XML parts are edited with ``xml.dom.minidom`` rather than ElementTree: minidom keeps
every namespace declaration and prefix as written, and Excel refuses a part whose
``mc:Ignorable`` names a prefix that is no longer declared (ElementTree drops unused
declarations and renames prefixes). Parts with a DOCTYPE are refused: OOXML never has
one, and refusing it rules out entity tricks.
"""

from __future__ import annotations

import posixpath
from xml.dom import minidom
from xml.parsers.expat import ExpatError

from intplan.io.package import PackageError, Rel

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
DOC_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
XMLNS_NS = "http://www.w3.org/2000/xmlns/"

_DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def relative(source: str, part: str) -> str:
    """``part`` as a relationship target written in ``source``'s rels."""
    return posixpath.relpath(part, posixpath.dirname(source) or ".")


def parse(data: bytes, part: str) -> minidom.Document:
    try:
        doc = minidom.parseString(data)
    except (ExpatError, ValueError) as e:
        raise PackageError(f"the part {part!r} is not well-formed XML ({e})") from e
    if doc.doctype is not None:
        raise PackageError(f"the part {part!r} has a DOCTYPE, which xlsx parts never have")
    return doc


def root(doc: minidom.Document) -> minidom.Element:
    element = doc.documentElement
    if element is None:
        raise PackageError("an XML part has no root element")
    return element


def serialize(doc: minidom.Document) -> bytes:
    return _DECLARATION + root(doc).toxml().encode("utf-8")


def children(parent: minidom.Element, local: str) -> list[minidom.Element]:
    return [n for n in parent.childNodes if isinstance(n, minidom.Element) and n.localName == local]


def child(parent: minidom.Element, local: str) -> minidom.Element | None:
    found = children(parent, local)
    return found[0] if found else None


def new_element(parent: minidom.Element, local: str) -> minidom.Element:
    """An element in ``parent``'s namespace, written with ``parent``'s prefix."""
    doc = parent.ownerDocument
    assert doc is not None
    name = f"{parent.prefix}:{local}" if parent.prefix else local
    return doc.createElementNS(parent.namespaceURI, name)


def insert_in_order(
    parent: minidom.Element, element: minidom.Element, order: tuple[str, ...]
) -> None:
    """Insert ``element`` before the first child that comes after it in schema ``order``."""
    later = set(order[order.index(element.localName) + 1 :])
    for n in parent.childNodes:
        if isinstance(n, minidom.Element) and n.localName in later:
            parent.insertBefore(element, n)
            return
    parent.appendChild(element)


def prefix_for(element: minidom.Element, ns: str) -> str | None:
    """A prefix bound to ``ns`` on ``element`` or an ancestor; None if there is none."""
    node: minidom.Node | None = element
    while isinstance(node, minidom.Element):
        for name, value in node.attributes.items():
            if value == ns and name.startswith("xmlns:"):
                return name.split(":", 1)[1]
        node = node.parentNode
    return None


def rels_xml(source: str, rels: list[Rel]) -> bytes:
    """A rels part for ``source`` holding ``rels`` (internal targets only)."""
    doc = minidom.getDOMImplementation().createDocument(PKG_REL_NS, "Relationships", None)
    top = root(doc)
    top.setAttribute("xmlns", PKG_REL_NS)
    for rel in rels:
        assert rel.part is not None
        el = doc.createElementNS(PKG_REL_NS, "Relationship")
        el.setAttribute("Id", rel.id)
        el.setAttribute("Type", rel.type)
        el.setAttribute("Target", relative(source, rel.part))
        top.appendChild(el)
    return serialize(doc)


def reachable(graph: dict[str, list[str]], start: str = "") -> set[str]:
    """Every part reachable from ``start`` (the package root) along ``graph``'s edges."""
    seen: set[str] = set()
    stack = [start]
    while stack:
        for target in graph.get(stack.pop(), []):
            if target not in seen:
                seen.add(target)
                stack.append(target)
    return seen
