"""The two key/value sheets, About and Settings: written and read key by key.

Their ``value`` column is typed per key (a setting's default gives its type), so they
are not tables of objects like the other sheets.
"""

from __future__ import annotations

import datetime as dt
from types import MappingProxyType
from typing import Any

from intplan import __version__
from intplan.domain import SETTING_SPECS, DomainError, Scenario, Settings
from intplan.domain.settings import SettingSpec
from intplan.io import schema as S
from intplan.io._convert import as_number, blank, closest, convert
from intplan.io.table_rows import Row
from intplan.io.workbook_tables import ReadContext

is_illustrative = S.is_illustrative
STAMP = "%Y-%m-%d %H:%M:%S"  # About's created/modified


def about_rows(s: Scenario, created: dt.datetime, modified: dt.datetime) -> list[tuple[Any, ...]]:
    return [
        ("schema_version", S.SCHEMA_VERSION),
        ("name", s.name),
        ("notes", s.notes or None),
        ("app_version", __version__),
        ("created", created.strftime(STAMP)),
        ("modified", modified.strftime(STAMP)),
        ("label", S.ILLUSTRATIVE_LABEL if is_illustrative(s) else None),
    ]


def settings_rows(s: Scenario) -> list[tuple[Any, ...]]:
    values = s.settings.values()
    return [
        (spec.key, values[spec.key], spec.unit, s.settings.sources.get(spec.key), spec.description)
        for spec in SETTING_SPECS
    ]


def read_about(ctx: ReadContext) -> tuple[str, str]:
    """(scenario name, notes) from the About sheet; problems go to ``ctx``."""
    table = ctx.tables.get("About")
    name, notes = "", ""
    if table is None:
        return name, notes
    found = _keyed_rows(ctx, table.rows)
    _check_version(ctx, found.get("schema_version"))
    name_row = found.get("name")
    raw_name = name_row.values.get("value") if name_row else None
    if name_row is None or blank(raw_name):
        ctx.issue(
            "About",
            name_row.number if name_row else None,
            "value",
            "the scenario name is missing; add a row 'name' with the scenario's name",
        )
    else:
        name = str(raw_name)
    notes_row = found.get("notes")
    if notes_row is not None and not blank(notes_row.values.get("value")):
        notes = str(notes_row.values.get("value"))
    return name, notes


def _keyed_rows(ctx: ReadContext, rows: list[Row]) -> dict[str, Row]:
    found: dict[str, Row] = {}
    for row in rows:
        key = row.values.get("key")
        if key is None:
            continue
        ctx.remember("About", key, row.number)
        if key not in S.ABOUT_KEYS:
            hint = closest(key, S.ABOUT_KEYS)
            did = f"; did you mean {hint!r}?" if hint else ""
            ctx.issue("About", row.number, "key", f"unknown key {key!r}{did}")
            continue
        if key in found:
            first = found[key].number
            ctx.issue(
                "About", row.number, "key", f"{key!r} appears twice (also row {first}); delete one"
            )
            continue
        found[key] = row
    return found


def _check_version(ctx: ReadContext, version_row: Row | None) -> None:
    if version_row is None:
        ctx.issue("About", None, "key", "the schema_version row is missing; add it (value 1)")
        return
    v = as_number(version_row.values.get("value"))
    if v is None or not float(v).is_integer() or v < 1:
        ctx.issue("About", version_row.number, "value", "schema_version must be 1")
    elif v > S.SCHEMA_VERSION:
        ctx.issue(
            "About",
            version_row.number,
            "value",
            f"the workbook was written by a newer intplan (schema version {int(v)}); "
            "update intplan to open it",
        )


def read_settings(ctx: ReadContext) -> Settings:
    """The Settings sheet's values (a missing row: its default); problems go to ``ctx``."""
    table = ctx.tables.get("Settings")
    if table is None:
        return Settings()
    specs = {s.key: s for s in SETTING_SPECS}
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for row in table.rows:
        key = row.values.get("key")
        if key is None:
            continue
        ctx.remember("Settings", key, row.number)
        spec = specs.get(key)
        if spec is None:
            hint = closest(key, specs)
            did = f"; did you mean {hint!r}?" if hint else ""
            ctx.issue("Settings", row.number, "key", f"unknown setting {key!r}{did}")
            continue
        if key in values:
            ctx.issue("Settings", row.number, "key", f"setting {key!r} appears twice")
            continue
        value, problem = _setting_value(spec, row.values.get("value"))
        if problem:
            ctx.issue("Settings", row.number, "value", problem)
            continue
        values[key] = value
        source = row.values.get("source")
        if source is not None and str(source).strip():
            sources[key] = str(source)
    try:
        return Settings(**values, sources=MappingProxyType(sources))
    except DomainError as e:
        rows = ctx.rows_by_key.get("Settings", {}).get(e.field, [None])
        ctx.issue("Settings", rows[0], "value", f"{e.field}: {e.message}")
        return Settings()


def _setting_value(spec: SettingSpec, raw: Any) -> tuple[Any, str | None]:
    """(value, None) or (None, problem) for one setting's cell, typed by its default."""
    kind = (
        S.Kind.TEXT
        if isinstance(spec.default, str)
        else S.Kind.INTEGER
        if isinstance(spec.default, int)
        else S.Kind.NUMBER
    )
    col = S.Column(header="value", kind=kind, description=spec.description, unit=spec.unit)
    value, problem = convert(col, raw)
    if problem:
        return None, problem
    if isinstance(value, str):
        value = value.strip()
        try:
            Settings(**{spec.key: value})  # type: ignore[arg-type]  # the key's own type
        except DomainError as e:
            return None, e.message
    elif spec.limit is not None and (problem := spec.limit.problem(value)):
        # Only the setting's own range here: rules between settings (max >= min) are
        # checked once all are read, against the values given, not the defaults.
        return None, problem
    return value, None
