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

import operator
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

    def to_cell(self, value: Any) -> Any:
        """The cell written for the domain ``value``."""
        return self.encoder()(value)

    def encoder(self) -> Callable[[Any], Any]:
        """Domain value -> cell: yes/no words, ';'-joined lists, an enum's text."""
        if self.kind is Kind.YES_NO:
            return _yes_no_word
        if self.kind is Kind.CODES:
            return _joined
        if self.enum is not None:
            return _enum_text
        return _identity


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
    #: item -> cell, one per column (built once: the writer calls them for every row)
    _cells: list[Callable[[Any], Any]] = field(default_factory=list, repr=False, compare=False)

    #: (header, attribute, element of a tuple?, enum, blank value) per attribute column
    _plan: list[tuple[str, str, bool, Any, Any]] = field(
        default_factory=list, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        self._by_header.update({c.header: c for c in self.columns})
        self._cells.extend(self._cell_of(c) for c in self.columns)
        self._plan.extend(
            (c.header, c.attribute, c.index is not None, c.enum, c.if_blank)
            for c in self.columns
            if c.header != self.owner
        )

    def _cell_of(self, col: Column) -> Callable[[Any], Any]:
        if col.header == self.owner:
            return operator.itemgetter(0)
        if col.attr == SELF:
            get: Callable[[Any], Any] = _identity
        elif col.index is None:
            get = operator.attrgetter(col.attribute)
        else:
            get = _element(operator.attrgetter(col.attribute), col.index)
        if self.owner is not None:
            get = _of_member(get)
        encode = col.encoder()
        return get if encode is _identity else _composed(encode, get)

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)

    @property
    def table_name(self) -> str:
        # Excel table names must not look like cell references ("HCP1"); a prefix avoids it.
        return f"tbl_{self.name}"

    def column(self, header: str) -> Column:
        return self._by_header[header]

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
        return tuple(cell(item) for cell in self._cells)

    def build(self, values: Mapping[str, Any], **links: Any) -> Any:
        """The domain object of a row's typed values (by header); ``links`` are
        attributes that come from other sheets (an INT's practices)."""
        if self.model is None:
            raise TypeError(f"the {self.name} sheet builds no object of its own")
        kwargs: dict[str, Any] = {}
        parts: dict[str, list[Any]] = {}
        for header, name, is_part, enum, if_blank in self._plan:
            v = values.get(header)
            v = if_blank if v is None else v if enum is None else enum(v)
            if is_part:
                parts.setdefault(name, []).append(v)
            else:
                kwargs[name] = v
        for name, seq in parts.items():
            kwargs[name] = tuple(seq)
        return self.model(**kwargs, **links)

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
    if header is None:
        return col
    return Column(
        header=header,
        kind=col.kind,
        description=col.description,
        required=col.required,
        unit=col.unit,
        allowed=col.allowed,
        codes_from=col.codes_from,
        number_format=col.number_format,
        width=col.width,
        fields=col.fields or (col.header,),
        limit=col.limit,
        attr=col.attribute,
        index=col.index,
        enum=col.enum,
        if_blank=col.if_blank,
    )


def _identity(x: Any) -> Any:
    return x


def _yes_no_word(value: Any) -> str:
    return "yes" if value else "no"


def _joined(codes: Any) -> str | None:
    return LIST_SEPARATOR.join(codes) or None


def _enum_text(value: Any) -> Any:
    return value.value if isinstance(value, StrEnum) else value


def _element(whole: Callable[[Any], Any], i: int) -> Callable[[Any], Any]:
    return lambda obj: whole(obj)[i]


def _of_member(get: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda pair: get(pair[1])


def _composed(outer: Callable[[Any], Any], inner: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda x: outer(inner(x))


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
