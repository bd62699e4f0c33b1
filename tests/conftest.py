"""Database fixtures: a test asking for ``engine``/``session`` gets a fresh migrated database.

SQLite always; PostgreSQL as well when TEST_DATABASE_URL is set
(e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test). Migrations run once per session into a
template (a SQLite file, a PostgreSQL template database) and each test gets a copy: fast, and no
rows leak between tests.
"""

import itertools
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool
from sqlmodel import Session

from scheduler.db import dispose_engine, get_engine, normalise_url
from scheduler.migrations import upgrade
from scheduler.settings import get_settings

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")

BACKENDS = [pytest.param("sqlite", id="sqlite")]
if TEST_DATABASE_URL:
    BACKENDS.append(pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres))

_database_numbers = itertools.count(1)
# Unique per test run, so engineers running tests at once on one server never share a database.
_RUN_TAG = f"{os.getpid()}_{uuid.uuid4().hex[:6]}"


def _postgres_admin() -> Engine:
    assert TEST_DATABASE_URL is not None
    return create_engine(
        normalise_url(TEST_DATABASE_URL), isolation_level="AUTOCOMMIT", poolclass=NullPool
    )


def _postgres_url(database: str) -> str:
    assert TEST_DATABASE_URL is not None
    url = make_url(normalise_url(TEST_DATABASE_URL)).set(database=database)
    return url.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("db-template") / "template.sqlite"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """Name of a PostgreSQL database migrated to head, cloned by each test."""
    name = f"teleroster_template_{_RUN_TAG}"
    admin = _postgres_admin()
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        upgrade(_postgres_url(name))
        yield name
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a fresh database at the latest migration, with no rows."""
    if request.param == "sqlite":
        path = tmp_path / "teleroster-test.sqlite"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
        yield url
        dispose_engine(url)
        return

    template = request.getfixturevalue("postgres_template")
    name = f"teleroster_test_{_RUN_TAG}_{next(_database_numbers)}"
    admin = _postgres_admin()
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    url = _postgres_url(name)
    try:
        yield url
    finally:
        dispose_engine(url)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def engine(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """The shared engine of a fresh database, also made the configured one (``get_settings``)."""
    monkeypatch.setenv("DATABASE_URL", db_url)
    get_settings.cache_clear()
    yield get_engine(db_url)
    get_settings.cache_clear()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as session:
        yield session
