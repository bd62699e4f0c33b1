"""Engines and sessions; the schema comes from Alembic (``teleroster db upgrade``)."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, create_engine

from scheduler.settings import get_settings

SQLITE_BUSY_TIMEOUT_SECONDS = 30  # solve workers and the web app write the same file


def normalise_url(url: str) -> str:
    """Plain ``postgresql://`` URLs get the psycopg (v3) driver we ship with."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def ensure_sqlite_folder(url: str) -> None:
    """Create the folder of a SQLite file so a fresh checkout works without setup."""
    database = make_url(url).database
    if is_sqlite(url) and database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def _enable_sqlite_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_SECONDS * 1000}")
    cursor.close()


def make_engine(url: str) -> Engine:
    """A new engine for ``url``; prefer the cached ``get_engine``."""
    url = normalise_url(url)
    if is_sqlite(url):
        ensure_sqlite_folder(url)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_SECONDS},
        )
        event.listen(engine, "connect", _enable_sqlite_foreign_keys)
        return engine
    return create_engine(url, pool_pre_ping=True)


_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def get_engine(url: str | None = None) -> Engine:
    """The shared engine for ``url`` (default: the configured database), one per URL."""
    url = normalise_url(url or get_settings().database_url)
    with _engines_lock:
        if url not in _engines:
            _engines[url] = make_engine(url)
        return _engines[url]


def dispose_engine(url: str | None = None) -> None:
    """Close the shared engine for ``url`` (default: every one) and forget it."""
    with _engines_lock:
        urls = [normalise_url(url)] if url else list(_engines)
        for key in urls:
            engine = _engines.pop(key, None)
            if engine is not None:
                engine.dispose()


def get_session() -> Iterator[Session]:
    """A session per request (FastAPI dependency); the caller commits."""
    with Session(get_engine()) as session:
        yield session


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """A session that commits when the block ends and rolls back if it raises (CLI, jobs)."""
    with Session(get_engine(url)) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def database_ok(session: Session) -> bool:
    """True when the database answers a trivial query."""
    answer: object = session.connection().execute(text("SELECT 1")).scalar_one()
    return answer == 1
