"""Database fixtures: a test asking for ``engine``/``session`` gets a fresh migrated database.

SQLite always; PostgreSQL as well when TEST_DATABASE_URL is set
(e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test). Migrations run once per session (per
xdist worker) into a template (a SQLite file, a PostgreSQL template database) and each test gets a
copy: fast, and no rows leak between tests. PostgreSQL copies are emptied and reused rather than
dropped (``PostgresDatabases``).
"""

import graphlib
import itertools
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool
from sqlmodel import Session

from scheduler.db import dispose_engine, get_engine, normalise_url
from scheduler.migrations import upgrade
from scheduler.settings import get_settings
from tests.alone import RunLock, holding

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


# Everything of a database but its rows, as one digest: a reused database must match its template.
_SCHEMA_DIGEST = text("""
    WITH ns AS (
        SELECT oid FROM pg_namespace
        WHERE nspname NOT IN ('pg_catalog', 'information_schema') AND nspname !~ '^pg_(toast|temp)'
    )
    SELECT md5(string_agg(item, ' | ' ORDER BY item)) FROM (
        SELECT format('db %s %s %s', pg_get_userbyid(datdba), datallowconn, datconnlimit)
        FROM pg_database WHERE datname = current_database()
        UNION ALL
        SELECT format('setting %s %s', setrole, setconfig) FROM pg_db_role_setting
        WHERE setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
        UNION ALL
        SELECT format('extension %s %s', extname, extversion) FROM pg_extension
        UNION ALL
        SELECT format('relation %s %s %s %s %s', oid::regclass, relkind, relpersistence, relacl,
                      relrowsecurity)
        FROM pg_class WHERE relnamespace IN (SELECT oid FROM ns)
        UNION ALL
        SELECT format('column %s.%s %s %s %s', a.attrelid::regclass, a.attname,
                      format_type(a.atttypid, a.atttypmod), a.attnotnull,
                      pg_get_expr(d.adbin, d.adrelid))
        FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE c.relnamespace IN (SELECT oid FROM ns) AND a.attnum > 0 AND NOT a.attisdropped
        UNION ALL
        SELECT format('constraint %s %s %s', conrelid::regclass, conname,
                      pg_get_constraintdef(oid))
        FROM pg_constraint WHERE connamespace IN (SELECT oid FROM ns)
        UNION ALL
        SELECT format('index %s', pg_get_indexdef(indexrelid)) FROM pg_index
        WHERE indrelid IN (SELECT oid FROM pg_class WHERE relnamespace IN (SELECT oid FROM ns))
        UNION ALL
        SELECT format('sequence %s %s %s %s %s %s %s', seqrelid::regclass, seqtypid::regtype,
                      seqstart, seqincrement, seqmin, seqmax, seqcycle)
        FROM pg_sequence
        UNION ALL
        SELECT format('type %s %s', oid::regtype, typtype) FROM pg_type
        WHERE typnamespace IN (SELECT oid FROM ns)
        UNION ALL
        SELECT format('enum %s %s %s', enumtypid::regtype, enumsortorder, enumlabel) FROM pg_enum
        UNION ALL
        SELECT format('function %s %s', p.oid::regprocedure, md5(p.prosrc)) FROM pg_proc p
        WHERE pronamespace IN (SELECT oid FROM ns)
        UNION ALL
        SELECT format('trigger %s', pg_get_triggerdef(oid)) FROM pg_trigger WHERE NOT tgisinternal
        UNION ALL
        SELECT format('rule %s', pg_get_ruledef(oid)) FROM pg_rewrite
        WHERE ev_class IN (SELECT oid FROM pg_class WHERE relnamespace IN (SELECT oid FROM ns))
        UNION ALL
        SELECT format('policy %s %s', polrelid::regclass, polname) FROM pg_policy
        UNION ALL
        SELECT format('revision %s', version_num) FROM alembic_version
    ) AS items (item)
""")
_TABLES = text("""
    SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND c.relname <> 'alembic_version'
      AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp)'
""")
# (referencing, referenced) tables whose foreign key refuses to lose its row: NO ACTION, RESTRICT.
_BLOCKING_KEYS = text("""
    SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint
    WHERE contype = 'f' AND confdeltype IN ('a', 'r') AND conrelid <> confrelid
""")
_RESTART_SEQUENCES = text("SELECT setval(seqrelid::regclass, seqstart, false) FROM pg_sequence")


class PostgresDatabases:
    """Fresh PostgreSQL databases for tests: at the template's schema and revision, with no rows,
    every sequence at its start.

    A new one is a clone of the template. One a test is done with is kept and handed to a later
    test after a reset: every connection to it is ended; its schema (tables, columns, keys,
    indexes, sequences, types, functions, triggers, database settings and Alembic revision, as one
    digest) must still be the template's, or it is dropped instead (a test that downgraded it, or
    left a setting behind); then every table's rows are deleted and every sequence restarted, as
    in a new clone. Cloning and dropping cost about 0.3 s a test on the CI machine, 0.7 s with two
    xdist workers at it (every DROP DATABASE forces a checkpoint, which writes out the other
    worker's database too); a reset costs a few hundredths of a second.
    """

    def __init__(self, template: str) -> None:
        self.template = template
        self._admin = _postgres_admin()
        self._idle: list[str] = []  # reset before they are handed out again
        self._made: set[str] = set()
        reader = create_engine(_postgres_url(template), poolclass=NullPool)
        try:
            with reader.connect() as connection:
                self._digest = connection.execute(_SCHEMA_DIGEST).scalar_one()
                tables = list(connection.execute(_TABLES).scalars())
                keys = connection.execute(_BLOCKING_KEYS).all()
        finally:
            reader.dispose()  # a template being cloned may have no connection
        order = graphlib.TopologicalSorter({table: set() for table in tables})
        for referencing, referenced in keys:
            order.add(referenced, referencing)  # rows that refer to a row go first
        try:
            self._deletion_order: list[str] | None = list(order.static_order())
        except graphlib.CycleError:
            self._deletion_order = None  # TRUNCATE ... CASCADE then, slower
        self._filled = text(
            " UNION ALL ".join(f"SELECT '{t}' WHERE EXISTS (SELECT FROM {t})" for t in tables)
        )

    def acquire(self) -> str:
        while self._idle:
            name = self._idle.pop()
            if self._reset(name):
                return name
            self._drop(name)
        name = f"teleroster_test_{_RUN_TAG}_{next(_database_numbers)}"
        with self._admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"'))
        self._made.add(name)
        return name

    def release(self, name: str) -> None:
        dispose_engine(_postgres_url(name))
        self._idle.append(name)

    def close(self) -> None:
        for name in sorted(self._made):
            self._drop(name)
        self._admin.dispose()

    def _reset(self, name: str) -> bool:
        """Empty a used database; False when it no longer has the template's schema."""
        with self._admin.connect() as connection:
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )
        engine = create_engine(_postgres_url(name), poolclass=NullPool)
        try:
            with engine.begin() as connection:
                connection.execute(text("SET LOCAL lock_timeout = '20s'"))  # ended sessions' locks
                if connection.execute(_SCHEMA_DIGEST).scalar_one() != self._digest:
                    return False
                filled = set(connection.execute(self._filled).scalars())
                if self._deletion_order is None:
                    if filled:
                        connection.execute(text(f"TRUNCATE {', '.join(sorted(filled))} CASCADE"))
                else:
                    for table in self._deletion_order:
                        if table in filled:
                            connection.execute(text(f"DELETE FROM {table}"))
                connection.execute(_RESTART_SEQUENCES)
                assert not connection.execute(self._filled).first(), "rows left after the reset"
            return True
        except SQLAlchemyError:
            return False  # e.g. downgraded: no alembic_version table left
        finally:
            engine.dispose()

    def _drop(self, name: str) -> None:
        with self._admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self._made.discard(name)


@pytest.fixture(scope="session")
def postgres_databases(postgres_template: str) -> Iterator[PostgresDatabases]:
    databases = PostgresDatabases(postgres_template)
    try:
        yield databases
    finally:
        databases.close()


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

    databases: PostgresDatabases = request.getfixturevalue("postgres_databases")
    name = databases.acquire()
    try:
        yield _postgres_url(name)
    finally:
        databases.release(name)


@pytest.fixture(scope="session")
def run_lock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunLock | None]:
    """Under pytest-xdist, the lock shared by the workers of the run (tests/alone.py)."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        yield None
        return
    lock = RunLock.open(tmp_path_factory.getbasetemp().parent)  # the workers' basetemps' parent
    try:
        yield lock
    finally:
        lock.close()


@pytest.fixture(autouse=True)
def _alone_or_shared(request: pytest.FixtureRequest, run_lock: RunLock | None) -> Iterator[None]:
    """A test marked ``alone`` runs while no other xdist worker runs a test."""
    with holding(run_lock, exclusive=request.node.get_closest_marker("alone") is not None):
        yield


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
