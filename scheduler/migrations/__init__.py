"""Alembic, configured in code so migrations run from the installed package (no alembic.ini)."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from scheduler.db import ensure_sqlite_folder, is_sqlite, normalise_url
from scheduler.settings import get_settings

MIGRATIONS_DIR = Path(__file__).resolve().parent


def alembic_config(url: str | None = None) -> Config:
    """An Alembic config for ``url`` (default: the configured database)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Kept out of the ini options: configparser would read a '%' in a password as interpolation.
    config.attributes["database_url"] = normalise_url(url or get_settings().database_url)
    return config


def migration_engine(url: str) -> Engine:
    """A plain engine for migrating: no pool, and SQLite foreign keys left off so batch
    table rebuilds (copy, drop, rename) do not trip them."""
    ensure_sqlite_folder(url)
    return create_engine(normalise_url(url), poolclass=NullPool)


def upgrade(url: str | None = None, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str | None = None, revision: str = "-1") -> None:
    command.downgrade(alembic_config(url), revision)


def current_revision(url: str | None = None) -> str | None:
    """The revision the database is at, or None when it has never been migrated."""
    url = alembic_config(url).attributes["database_url"]
    if _sqlite_file_missing(url):
        return None  # asking must not create the file
    engine = migration_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def _sqlite_file_missing(url: str) -> bool:
    database = make_url(url).database
    return (
        is_sqlite(url)
        and bool(database)
        and database != ":memory:"
        and not Path(str(database)).exists()
    )


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def make_revision(message: str, url: str | None = None) -> None:
    """Write a new revision from the difference between the models and the database (developers)."""
    command.revision(alembic_config(url), message=message, autogenerate=True)
