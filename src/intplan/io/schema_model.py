"""What a sheet declaration is: columns that know their attribute, unit and cell codec.

A :class:`Column` names the domain attribute it holds (``attr``, default its header;
``index`` for one element of a tuple attribute such as ``Rota.days``), how a cell is
typed (``kind``, ``allowed``/``enum``), its unit and plausible range. A
:class:`SheetSpec` knows which objects of a scenario become its rows (``items``) and
which domain class a row builds (``model``). The writer (:meth:`SheetSpec.cells`) and
the reader (:meth:`SheetSpec.build`) are generic over these declarations; cell text is
typed by :func:`intplan.io._convert.convert`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from intplan.domain import limits as L

#: Separator for list cells (role skills). Semicolons survive CSV export in UK locales.
LIST_SEPARATOR = ";"

YES_NO: tuple[str, ...] = ("yes", "no")

#: ``Column.attr`` of a link sheet's member column: the item is the member code itself.
SELF = "."


class Kind(StrEnum):
    TEXT = "text"  # free text
    CODE = "code"  # an id: letters, digits, '_', '-', '.'
    INTEGER = "whole number"
    NUMBER = "number"
    YES_NO = "yes/no"
    CHOICE = "choice"  # one of ``allowed``
    CODES = "list of codes"  # ';'-separated
    NUMBERS = "list of numbers"  # ';'-separated (the reference CSVs' weight lists)
    ANY = "any"  # the Settings/About value column: typed per key


@dataclass(frozen=True, slots=True, kw_only=True)
class Column:
    header: str
    kind: Kind
    description: str
    required: bool = True
    unit: str = ""
    allowed: tuple[str, ...] = ()  # for CHOICE (and YES_NO)
    codes_from: str | None = None  # sheet whose key column lists the valid codes
    number_format: str | None = None
    width: float = 12.0
    #: domain attribute names reported against this column (default: the header)
    fields: tuple[str, ...] = ()
    #: plausible range of a number column (checked cell by cell on load)
    limit: L.Limit | None = None
    #: domain attribute the column holds (default: the header; SELF: the item itself)
    attr: str | None = None
    #: position in a tuple attribute (Practice.list_by_age, Rota.days, ...)
    index: int | None = None
    #: the StrEnum a CHOICE column's text becomes in the domain
    enum: type[StrEnum] | None = None
    #: the domain value of a blank (optional) cell
    if_blank: Any = None

    @property
    def domain_fields(self) -> tuple[str, ...]:
        return self.fields or (self.header,)

    @property
    def attribute(self) -> str:
        return self.attr or self.header

    def cell_expression(self, value: str) -> str:
        """Python source turning the domain value ``value`` (source) into its cell:
        yes/no words, ';'-joined lists, an enum's text."""
        if self.kind is Kind.YES_NO:
            return f'("yes" if {value} else "no")'
        if self.kind is Kind.CODES:
            return f"(_join({value}) or None)"
        if self.enum is not None:
            return f"{value}.value"
        return value


@dataclass(frozen=True, slots=True, kw_only=True)
class SheetSpec:
    name: str
    description: str
    columns: tuple[Column, ...]
    #: headers whose values identify a row (extra columns are kept by this key)
    key: tuple[str, ...]
    #: the domain class a row builds (None: key/value sheets and link sheets)
    model: Callable[..., Any] | None = None
    #: the Scenario attribute holding the sheet's objects
    scenario_field: str | None = None
    #: a link sheet's rows: (owner code, member) pairs of a Scenario
    link_items: Callable[[Any], Iterable[Any]] | None = None
    #: a link sheet's owner column (INTPractices: int): not an attribute of the member
    owner: str | None = None
    _by_header: dict[str, Column] = field(default_factory=dict, repr=False, compare=False)
    #: the compiled row writer and object builder (see ``_compile``)
    _compiled: dict[str, Callable[..., Any]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        self._by_header.update({c.header: c for c in self.columns})
        self._compiled.update(_compile(self))

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)

    @property
    def table_name(self) -> str:
        # Excel table names must not look like cell references ("HCP1"); a prefix avoids it.
        return f"tbl_{self.name}"

    def column(self, header: str) -> Column:
        return self._by_header[header]

    def column_for_attribute(self, attribute: str) -> Column:
        return next(c for c in self.columns if c.attribute == attribute)

    def column_for_field(self, domain_field: str) -> Column | None:
        for c in self.columns:
            if domain_field in c.domain_fields:
                return c
        return None

    @property
    def holds_items(self) -> bool:
        """Whether the rows are a scenario's objects (not About/Settings' keys)."""
        return self.scenario_field is not None or self.link_items is not None

    def items(self, scenario: Any) -> Iterable[Any]:
        """The objects (a link sheet: (owner code, member) pairs) written as rows."""
        if self.link_items is not None:
            return self.link_items(scenario)
        if self.scenario_field is None:
            raise TypeError(f"the {self.name} sheet is written key by key")
        items: Iterable[Any] = getattr(scenario, self.scenario_field)
        return items

    def rows(self, scenario: Any) -> list[tuple[Any, ...]]:
        """The data rows of ``scenario`` on this sheet, in column order."""
        return [self.cells(item) for item in self.items(scenario)]

    def cells(self, item: Any) -> tuple[Any, ...]:
        """One object (a link sheet: an (owner, member) pair) as a row of cells."""
        row: tuple[Any, ...] = self._compiled["cells"](item)
        return row

    def build(self, values: Mapping[str, Any], **links: Any) -> Any:
        """The domain object of a row's typed values (``values`` holds every header, as
        :func:`intplan.io.table_rows.typed_rows` gives them); ``links`` are attributes
        that come from other sheets (an INT's practices)."""
        if self.model is None:
            raise TypeError(f"the {self.name} sheet builds no object of its own")
        return self._compiled["build"](values, links)

    def renamed(
        self, headers: Mapping[str, str], *, columns: tuple[Column, ...] | None = None
    ) -> SheetSpec:
        """The same sheet with some headers renamed (a reference CSV's own names) and,
        given ``columns``, other columns (the CSV's list cells for tuple attributes)."""
        return SheetSpec(
            name=self.name,
            description=self.description,
            columns=tuple(_renamed(c, headers.get(c.header)) for c in columns or self.columns),
            key=tuple(headers.get(k, k) for k in self.key),
            model=self.model,
            scenario_field=self.scenario_field,
            link_items=self.link_items,
            owner=self.owner,
        )


def _renamed(col: Column, header: str | None) -> Column:
    """``col`` under another header, still holding (and reported for) its attribute."""
    if header is None:
        return col
    return dataclasses.replace(
        col, header=header, fields=col.fields or (col.header,), attr=col.attribute
    )


def _compile(spec: SheetSpec) -> dict[str, Callable[..., Any]]:
    """The sheet's row writer ``cells(item)`` and object builder ``build(values, links)``,
    compiled once from its declaration into plain expressions (like ``dataclasses`` and
    ``namedtuple`` do): the writer and reader run them for each of ~30,000 rows of a
    large workbook, as fast as a hand-written tuple or constructor call."""
    env: dict[str, Any] = {"_join": LIST_SEPARATOR.join, "_model": spec.model}
    member = "item[1]" if spec.owner is not None else "item"
    cells: list[str] = []
    kwargs: dict[str, list[str]] = {}
    for i, c in enumerate(spec.columns):
        if c.header == spec.owner:
            cells.append("item[0]")
            continue
        if not (c.attr == SELF or c.attribute.isidentifier()):
            raise ValueError(f"{spec.name}.{c.header}: {c.attribute!r} is not an attribute")
        value = member if c.attr == SELF else f"{member}.{c.attribute}"
        cells.append(c.cell_expression(value if c.index is None else f"{value}[{c.index}]"))
        cell = f"v[{c.header!r}]"
        if c.enum is not None or c.if_blank is not None:
            env[f"_E{i}"], env[f"_B{i}"] = c.enum, c.if_blank
            typed = f"_E{i}(_x{i})" if c.enum is not None else f"_x{i}"
            cell = f"(_B{i} if (_x{i} := {cell}) is None else {typed})"
        kwargs.setdefault(c.attribute, []).append(cell)
    arguments = [
        f"{name}=({', '.join(parts)},)"
        if spec.column_for_attribute(name).index is not None
        else f"{name}={parts[0]}"
        for name, parts in kwargs.items()
        if name != SELF
    ]
    source = (
        f"def cells(item):\n    return ({', '.join(cells)},)\n"
        f"def build(v, links):\n    return _model({', '.join([*arguments, '**links'])})\n"
    )
    exec(source, env)  # declarations only: headers and attribute names checked above
    return {"cells": env["cells"], "build": env["build"]}


def values_of(enum: type[StrEnum]) -> tuple[str, ...]:
    return tuple(m.value for m in enum)


# -- column helpers ---------------------------------------------------------


def code(
    header: str,
    description: str,
    *,
    required: bool = True,
    fields: tuple[str, ...] = (),
    attr: str | None = None,
) -> Column:
    return Column(
        header=header,
        kind=Kind.CODE,
        description=description,
        required=required,
        width=14,
        fields=fields,
        attr=attr,
    )


def ref(
    header: str,
    sheet: str,
    description: str,
    *,
    required: bool = True,
    fields: tuple[str, ...] = (),
    attr: str | None = None,
) -> Column:
    return Column(
        header=header,
        kind=Kind.CODE,
        description=description,
        codes_from=sheet,
        required=required,
        width=14,
        fields=fields,
        attr=attr,
    )


def text(header: str, description: str, *, width: float = 28, required: bool = True) -> Column:
    return Column(
        header=header, kind=Kind.TEXT, description=description, width=width, required=required
    )


def num(
    header: str,
    description: str,
    limit: L.Limit,
    *,
    unit: str = "",
    fmt: str | None = None,
    width: float = 12.0,
    required: bool = True,
    fields: tuple[str, ...] = (),
    attr: str | None = None,
    index: int | None = None,
) -> Column:
    return Column(
        header=header,
        kind=Kind.NUMBER,
        description=description,
        unit=unit,
        number_format=fmt,
        width=width,
        required=required,
        fields=fields,
        limit=limit,
        attr=attr,
        index=index,
    )


def integer(
    header: str,
    description: str,
    limit: L.Limit,
    *,
    unit: str = "",
    number_format: str | None = None,
    fields: tuple[str, ...] = (),
    attr: str | None = None,
    index: int | None = None,
) -> Column:
    return Column(
        header=header,
        kind=Kind.INTEGER,
        description=description,
        unit=unit,
        number_format=number_format,
        fields=fields,
        limit=limit,
        attr=attr,
        index=index,
    )


def choice(
    header: str,
    allowed: type[StrEnum] | tuple[str, ...],
    description: str,
    *,
    width: float = 16,
    required: bool = True,
    if_blank: Any = None,
) -> Column:
    enum = None if isinstance(allowed, tuple) else allowed
    return Column(
        header=header,
        kind=Kind.CHOICE,
        description=description,
        allowed=allowed if isinstance(allowed, tuple) else values_of(allowed),
        width=width,
        required=required,
        enum=enum,
        if_blank=if_blank,
    )


def yes_no(
    header: str,
    description: str,
    *,
    required: bool = True,
    fields: tuple[str, ...] = (),
    attr: str | None = None,
    index: int | None = None,
) -> Column:
    return Column(
        header=header,
        kind=Kind.YES_NO,
        description=description,
        allowed=YES_NO,
        width=8,
        required=required,
        fields=fields,
        attr=attr,
        index=index,
        if_blank=False,
    )


def source() -> Column:
    return text(
        "source",
        "Where the numbers on this row come from: a seed citation (000:746), a public "
        "statistic, or 'assumption: <reason>'",
        width=48,
    )
