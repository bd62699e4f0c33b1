"""Import one small entity file: check the header, validate every row with the entity's Create
model, resolve natural keys, find duplicates, then insert new rows and update existing ones (matched
by natural key).

Rows are checked one by one (these files hold at most thousands of rows); study volumes have their
own, vectorised path.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from enum import Enum
from typing import Any, Literal, cast

from pydantic import ValidationError
from sqlmodel import Session, select

from scheduler.importers.entities import EntitySpec
from scheduler.importers.issues import HEADER_ROW, Issues
from scheduler.importers.reading import Table
from scheduler.importers.refs import Refs

OnExisting = Literal["update", "reject"]
Key = tuple[Any, ...]


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class _Row:
    number: int
    data: dict[str, Any]  # validated field values
    given: set[str]  # fields whose column the file has (an update leaves the others alone)
    cells: dict[str, str]


def check_header(
    columns: list[str], required: list[str], allowed: list[str], issues: Issues
) -> bool:
    """Report missing required and unknown columns; True when every required column is present."""
    for name in required:
        if name not in columns:
            issues.add(HEADER_ROW, name, "missing required column")
    for name in columns:
        if name not in allowed:
            close = difflib.get_close_matches(name, allowed, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            issues.add(HEADER_ROW, name, f"unknown column ({hint}expected: {', '.join(allowed)})")
    return all(name in columns for name in required)


def load_entity(
    session: Session,
    spec: EntitySpec,
    table: Table,
    issues: Issues,
    refs: Refs,
    on_existing: OnExisting,
) -> Counts:
    """Validate and store one file's rows; problems go to ``issues`` (the caller rolls back)."""
    columns = list(table.frame.columns)
    required = [c.name for c in spec.columns if c.required]
    if not check_header(columns, required, [c.name for c in spec.columns], issues):
        return Counts()
    records = cast(list[dict[str, str]], table.frame.to_dict("records"))
    numbers = [int(number) for number in table.rows]
    repeated = _repeated_keys(spec, numbers, records, issues)
    checked = (
        _validate(spec, number, cells, issues, refs)
        for number, cells in zip(numbers, records, strict=True)
    )
    rows = [row for row in checked if row is not None and row.number not in repeated]
    rows = _without_duplicates(spec, rows, issues)
    return _store(session, spec, rows, issues, on_existing)


def _repeated_keys(
    spec: EntitySpec, numbers: list[int], records: list[dict[str, str]], issues: Issues
) -> set[int]:
    """Rows whose key cells (or other unique cells) repeat an earlier row's, as written in the file.

    Checked before validation so a repeat is reported even when the first row has other problems.
    """
    repeated: set[int] = set()
    for fields in (spec.key, *spec.unique):
        columns = [spec.column_of(field) for field in fields]
        first: dict[tuple[str, ...], int] = {}
        for number, cells in zip(numbers, records, strict=True):
            key = tuple(_cell_key(spec, column, cells.get(column, "")) for column in columns)
            if key in first:
                described = ", ".join(f"{c} {cells.get(c) or '(blank)'}" for c in columns)
                issues.add(
                    number, columns[0], f"duplicate key ({described}): also on row {first[key]}"
                )
                repeated.add(number)
            else:
                first[key] = number
    return repeated


def _cell_key(spec: EntitySpec, column: str, text: str) -> str:
    # Emails and radiologist references match whatever their case, as the importer resolves them.
    ref = next((c.ref for c in spec.columns if c.name == column), None)
    return text.lower() if column == "email" or ref == "radiologist" else text


def _validate(
    spec: EntitySpec, number: int, cells: dict[str, str], issues: Issues, refs: Refs
) -> _Row | None:
    data: dict[str, Any] = {}
    ok = True
    for column in spec.columns:
        text = cells.get(column.name, "")
        if text == "":
            if column.required:
                issues.add(number, column.name, "missing value")
                ok = False
            continue
        if column.field is None:
            continue
        if column.ref is None:
            data[column.field] = text
            continue
        row_id, reason = refs.resolve(column.ref, text)
        if reason is not None:
            issues.add(number, column.name, reason)
            ok = False
        # An unknown reference gets a placeholder id so the rest of the row is still checked.
        data[column.field] = row_id if row_id is not None else 0
    if spec.prepare is not None:
        for column_name, reason in spec.prepare(data, refs):
            issues.add(number, spec.column_of(column_name), reason)
            ok = False
    # A blank cell in a column the file has sets the default (valid_to blank: open-ended again).
    given = set(data) | {c.field for c in spec.columns if c.field and c.name in cells}
    try:
        model = spec.create.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            if error["type"] == "missing" and not ok:
                continue  # follows from a problem reported above (blank cell, unknown reference)
            field = str(error["loc"][0]) if error["loc"] else None
            where = spec.column_of(field) if field else spec.row_error_column
            issues.add(number, where, _reason(error))
        return None
    values = model.model_dump()
    for field, value in values.items():
        if isinstance(value, float) and not math.isfinite(value):
            issues.add(number, spec.column_of(field), f"{value} is not a usable number")
            ok = False
    return _Row(number, values, given, cells) if ok else None


def _reason(error: Any) -> str:
    message = str(error["msg"]).removeprefix("Value error, ")
    value = error.get("input")
    if error["type"] == "missing":
        return "missing value"
    if isinstance(value, str) and repr(value) not in message and value not in message:
        message += f" (got {value!r})"
    return message


def _key(spec: EntitySpec, data: dict[str, Any], fields: tuple[str, ...] | None = None) -> Key:
    return tuple(_plain(data.get(field)) for field in fields or spec.key)


def _plain(value: Any) -> Any:
    # Enum members hash by name, not value: compare keys by plain values.
    return value.value if isinstance(value, Enum) else value


def _describe(spec: EntitySpec, row: _Row, fields: tuple[str, ...]) -> str:
    parts = []
    for field in fields:
        column = spec.column_of(field)
        parts.append(f"{column} {row.cells.get(column) or '(blank)'}")
    return ", ".join(parts)


def _without_duplicates(spec: EntitySpec, rows: list[_Row], issues: Issues) -> list[_Row]:
    """Later rows repeating an earlier row's key (or another unique field) are problems."""
    kept: list[_Row] = []
    seen: dict[tuple[str, ...], dict[Key, int]] = {
        fields: {} for fields in (spec.key, *spec.unique)
    }
    for row in rows:
        clash = False
        for fields, first_rows in seen.items():
            key = _key(spec, row.data, fields)
            if key in first_rows:
                issues.add(
                    row.number,
                    spec.column_of(fields[0]),
                    f"duplicate key ({_describe(spec, row, fields)}): "
                    f"also on row {first_rows[key]}",
                )
                clash = True
            else:
                first_rows[key] = row.number
        if not clash:
            kept.append(row)
    return kept


def _store(
    session: Session, spec: EntitySpec, rows: list[_Row], issues: Issues, on_existing: OnExisting
) -> Counts:
    stored = list(session.exec(select(spec.table)).all())
    existing = {_key(spec, _fields(obj, spec.key), spec.key): obj for obj in stored}
    holders = {
        fields: {_key(spec, _fields(obj, fields), fields): obj for obj in stored}
        for fields in spec.unique
    }
    counts = Counts()
    for row in rows:
        obj = existing.get(_key(spec, row.data))
        if _held_by_another_row(spec, row, obj, holders, issues):
            continue
        if obj is None:
            session.add(spec.table.model_validate(row.data))
            counts.created += 1
        elif on_existing == "reject":
            issues.add(
                row.number,
                spec.column_of(spec.key[0]),
                f"duplicate key ({_describe(spec, row, spec.key)}): already in the database",
            )
        elif _apply(obj, {f: row.data[f] for f in row.given if f in row.data}):
            counts.updated += 1
        else:
            counts.unchanged += 1
    session.flush()
    return counts


def _fields(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {field: getattr(obj, field) for field in fields}


def _held_by_another_row(
    spec: EntitySpec,
    row: _Row,
    obj: Any,
    holders: dict[tuple[str, ...], dict[Key, Any]],
    issues: Issues,
) -> bool:
    """A unique field (say, email) already held by a different stored row."""
    clash = False
    for fields, index in holders.items():
        other = index.get(_key(spec, row.data, fields))
        if other is not None and other is not obj:
            owner = ", ".join(f"{spec.column_of(f)} {getattr(other, f)}" for f in spec.key)
            issues.add(
                row.number,
                spec.column_of(fields[0]),
                f"{_describe(spec, row, fields)} already belongs to another row in the database "
                f"({owner})",
            )
            clash = True
    return clash


def _apply(obj: Any, values: dict[str, Any]) -> bool:
    """Set the values that differ; True when anything changed."""
    changed = False
    for field, value in values.items():
        if _plain(getattr(obj, field)) != _plain(value):
            setattr(obj, field, value)
            changed = True
    return changed
