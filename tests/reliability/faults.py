"""Faults injected into a real database: a read-only or full database, a connection cut mid-work.

SQLite: read-only through a ``mode=ro`` URI (file permissions mean nothing to root, who runs CI);
"disk full" through ``PRAGMA max_page_count``; a cut connection by closing it under the cursor.
PostgreSQL: ``default_transaction_read_only`` on the database; a cut connection by
``pg_terminate_backend`` from another connection, as an operator or a crash would.
"""

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from scheduler.db import dispose_engine, is_sqlite, normalise_url


def _admin(url: str, database: str | None = None) -> Engine:
    target = make_url(normalise_url(url))
    if database is not None:
        target = target.set(database=database)
    return create_engine(target, isolation_level="AUTOCOMMIT", poolclass=NullPool)


@contextmanager
def read_only(url: str) -> Iterator[str]:
    """A URL of the same database on which every write fails; writable again afterwards."""
    if is_sqlite(url):
        path = make_url(url).database
        yield f"sqlite:///file:{path}?mode=ro&uri=true"
        dispose_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
        return
    name = make_url(normalise_url(url)).database
    admin = _admin(url, database="postgres")  # not the database made read-only
    with admin.connect() as connection:
        connection.execute(text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on'))
    dispose_engine(url)  # pooled connections keep the setting they were opened with
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{name}" RESET default_transaction_read_only'))
        admin.dispose()
        dispose_engine(url)


def fill_disk_after_connect(engine: Engine) -> Callable[[], None]:
    """SQLite: every new connection may not grow the file (SQLITE_FULL, as on a full disk).

    Returns the undo."""

    def cap(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        pages = cursor.execute("PRAGMA page_count").fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count = {pages}")
        cursor.close()

    event.listen(engine, "connect", cap)
    engine.dispose()

    def undo() -> None:
        event.remove(engine, "connect", cap)
        engine.dispose()

    return undo


@contextmanager
def connection_cut_at(engine: Engine, url: str, statement: str, nth: int) -> Iterator[list[str]]:
    """Cut the connection running the ``nth`` statement starting with ``statement`` (say
    "INSERT INTO radiologist"), just before it runs; yields the statements seen when cut."""
    seen: list[str] = []
    cut: list[str] = []

    def before(conn: Any, cursor: Any, sql: str, *_args: Any) -> None:
        if cut or not sql.lstrip().upper().startswith(statement.upper()):
            return
        seen.append(sql)
        if len(seen) < nth:
            return
        cut.append(sql)
        if is_sqlite(url):
            cursor.connection.close()  # the uncommitted transaction goes with it
            raise sqlite3.OperationalError("connection to the database lost (injected)")
        pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
        admin = _admin(url)
        with admin.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        admin.dispose()

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield cut
    finally:
        event.remove(engine, "before_cursor_execute", before)
