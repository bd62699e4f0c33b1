"""Whole-database backup as JSON: every table, ids kept, restored in dependency order.

The tables are SQLModel's metadata, so a table added later is backed up without a change here.
A restore goes into a database migrated to the same schema revision, as one transaction:
foreign keys that point forward (the roster <-> solve job cycle, a scenario copied from another)
are written after every row is in, and PostgreSQL's id sequences are moved past the restored ids
so the next insert does not collide.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Literal

import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from sqlmodel import Session, SQLModel

from scheduler.models import utc_now  # importing the models registers every table

FORMAT = "teleroster-backup"
VERSION = 1
BATCH_ROWS = 1000


class BackupError(ValueError):
    """A backup that cannot be restored here; the message says which table or field and why."""


@dataclass(frozen=True)
class RestoreSummary:
    rows: dict[str, int]  # table -> rows restored

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def tables() -> list[sa.Table]:
    """Every table, parents before children."""
    return list(SQLModel.metadata.sorted_tables)


def schema_revision(session: Session) -> str | None:
    return MigrationContext.configure(session.connection()).get_current_revision()


# --- Export ---


def export_all(session: Session) -> dict[str, Any]:
    """The whole database as a JSON-ready dict."""
    dump: dict[str, Any] = {}
    for table in tables():
        columns = [column.name for column in table.columns]
        query = sa.select(table).order_by(*table.primary_key.columns)
        rows = [[_encode(value) for value in row] for row in session.execute(query)]
        dump[table.name] = {"columns": columns, "rows": rows}
    return {
        "format": FORMAT,
        "version": VERSION,
        "schema_revision": schema_revision(session),
        "created_at": utc_now().isoformat(),
        "tables": dump,
    }


def write_backup(session: Session, path: Path) -> dict[str, int]:
    """Write the backup to ``path`` (gzip-compressed when it ends in .gz); rows per table."""
    backup = export_all(session)
    with _open(path, "wt") as out:
        json.dump(backup, out, separators=(",", ":"))
    return {name: len(table["rows"]) for name, table in backup["tables"].items()}


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


# --- Restore ---


def read_backup(path: Path) -> dict[str, Any]:
    try:
        with _open(path, "rt") as source:
            backup = json.load(source)
    except (OSError, EOFError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(f"{path.name}: not a readable backup ({exc})") from exc
    if not isinstance(backup, dict):
        raise BackupError(f"{path.name}: not a {FORMAT} file")
    return backup


def import_all(
    session: Session, backup: dict[str, Any], *, replace: bool = False
) -> RestoreSummary:
    """Restore ``backup`` (from ``export_all``) into this database and commit, or change nothing.

    The database must be at the backup's schema revision and empty, unless ``replace`` deletes
    every row first.
    """
    _check_header(session, backup)
    data = backup["tables"]
    known = {table.name: table for table in tables()}
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise BackupError(f"the backup has tables this database does not: {', '.join(unknown)}")
    try:
        if replace:
            _delete_everything(session)
        elif occupied := _occupied_tables(session):
            raise BackupError(
                f"the database is not empty ({', '.join(occupied[:5])} have rows): restore into "
                "a fresh database, or pass replace to delete everything first"
            )
        order = tables()
        position = {table.name: i for i, table in enumerate(order)}
        counts: dict[str, int] = {}
        later: list[tuple[sa.Table, list[str], list[dict[str, Any]]]] = []
        for table in order:
            rows = _decoded_rows(table, data.get(table.name, {"columns": [], "rows": []}))
            deferred = _forward_keys(table, position)
            if deferred:
                later.append((table, deferred, rows))
                rows = [row | dict.fromkeys(deferred) for row in rows]
            for start in range(0, len(rows), BATCH_ROWS):
                session.execute(sa.insert(table), rows[start : start + BATCH_ROWS])
            counts[table.name] = len(rows)
        for table, deferred, rows in later:
            _restore_forward_keys(session, table, deferred, rows)
        reset_sequences(session)
        session.commit()
    except sa.exc.IntegrityError as exc:
        session.rollback()
        first = str(exc.orig).splitlines()[0] if exc.orig else str(exc)
        raise BackupError(f"the database refused the backup's rows: {first}") from exc
    except BaseException:
        session.rollback()
        raise
    return RestoreSummary(counts)


def _check_header(session: Session, backup: dict[str, Any]) -> None:
    if backup.get("format") != FORMAT or not isinstance(backup.get("tables"), dict):
        raise BackupError(f"not a {FORMAT} file")
    if backup.get("version") != VERSION:
        raise BackupError(f"backup format version {backup.get('version')!r}, expected {VERSION}")
    here = schema_revision(session)
    if backup.get("schema_revision") != here:
        raise BackupError(
            f"the backup is of schema revision {backup.get('schema_revision')!r}, this database "
            f"is at {here!r}: migrate the database to the backup's revision first "
            "(`teleroster db upgrade`)"
        )


def _occupied_tables(session: Session) -> list[str]:
    return [
        table.name
        for table in tables()
        if session.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first()
    ]


def _delete_everything(session: Session) -> None:
    order = tables()
    position = {table.name: i for i, table in enumerate(order)}
    for table in order:  # forward keys first, so no delete waits on a row deleted later
        deferred = _forward_keys(table, position)
        if deferred:
            session.execute(sa.update(table).values(dict.fromkeys(deferred)))
    for table in reversed(order):
        session.execute(sa.delete(table))


def _forward_keys(table: sa.Table, position: dict[str, int]) -> list[str]:
    """Foreign-key columns pointing at this table or one restored after it."""
    mine = position[table.name]
    return sorted(
        {
            key.parent.name
            for key in table.foreign_keys
            if position.get(key.column.table.name, mine) >= mine
        }
    )


def _restore_forward_keys(
    session: Session, table: sa.Table, deferred: list[str], rows: list[dict[str, Any]]
) -> None:
    keys = [column.name for column in table.primary_key.columns]
    for row in rows:
        values = {name: row.get(name) for name in deferred if row.get(name) is not None}
        if values:
            where = [table.c[key] == row[key] for key in keys]
            session.execute(sa.update(table).where(*where).values(values))


def _decoded_rows(table: sa.Table, stored: dict[str, Any]) -> list[dict[str, Any]]:
    columns = stored.get("columns", [])
    missing = [name for name in columns if name not in table.c]
    if missing:
        raise BackupError(f"table {table.name}: unknown column(s) {', '.join(missing)}")
    decoders = [_decoder(table.c[name]) for name in columns]
    rows = []
    for number, values in enumerate(stored.get("rows", []), start=1):
        if len(values) != len(columns):
            raise BackupError(f"table {table.name}, row {number}: {len(values)} values")
        try:
            rows.append(
                {
                    name: decode(value)
                    for name, decode, value in zip(columns, decoders, values, strict=True)
                }
            )
        except (ValueError, TypeError) as exc:
            raise BackupError(f"table {table.name}, row {number}: {exc}") from exc
    return rows


def _decoder(column: sa.Column[Any]) -> Callable[[Any], Any]:
    column_type = column.type
    if isinstance(column_type, sa.TypeDecorator):  # its python_type is just ``object``
        column_type = column_type.impl_instance
    try:
        kind: type[Any] = column_type.python_type
    except NotImplementedError:
        return _same
    parsers: tuple[tuple[type[Any], Callable[[Any], Any]], ...] = (
        (dt.datetime, dt.datetime.fromisoformat),
        (dt.date, dt.date.fromisoformat),
        (dt.time, dt.time.fromisoformat),
        (Decimal, Decimal),
        (bytes, base64.b64decode),
    )
    for cls, parse in parsers:
        if issubclass(kind, cls):
            return _unless_none(parse)
    return _same


def _unless_none(parse: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: None if value is None else parse(value)


def _same(value: Any) -> Any:
    return value


def reset_sequences(session: Session) -> None:
    """PostgreSQL: move each id sequence past the largest id (SQLite needs nothing)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in tables():
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not isinstance(keys[0].type, sa.Integer):
            continue
        quoted = f'"{table.name}"'
        sequence = session.execute(
            sa.text("SELECT pg_get_serial_sequence(:table, :column)"),
            {"table": quoted, "column": keys[0].name},
        ).scalar_one()
        if sequence is None:
            continue
        highest = session.execute(sa.select(sa.func.max(keys[0]))).scalar_one()
        session.execute(
            sa.text("SELECT setval(:sequence, :value, :called)"),
            {"sequence": sequence, "value": highest or 1, "called": highest is not None},
        )


@contextmanager
def _open(path: Path, mode: Literal["rt", "wt"]) -> Iterator[IO[str]]:
    if path.name.endswith(".gz"):
        with gzip.open(path, mode, encoding="utf-8") as packed:
            yield packed
    else:
        with path.open(mode, encoding="utf-8") as plain:
            yield plain
