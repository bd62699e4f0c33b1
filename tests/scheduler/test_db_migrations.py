"""The Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlmodel import SQLModel
from typer.testing import CliRunner

import scheduler.cli.db  # noqa: F401  (registers `teleroster db`)
import scheduler.models  # noqa: F401  (registers the tables)
from scheduler import migrations
from scheduler.cli import app
from scheduler.migrations import alembic_config, current_revision, head_revision, migration_engine

MODEL_TABLES = set(SQLModel.metadata.tables)


def _schema_diff(url: str) -> list[object]:
    engine = migration_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return list(compare_metadata(context, SQLModel.metadata))
    finally:
        engine.dispose()


def _tables(url: str) -> set[str]:
    engine = migration_engine(url)
    try:
        with engine.connect() as connection:
            return set(inspect(connection).get_table_names())
    finally:
        engine.dispose()


def test_there_is_one_head() -> None:
    heads = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
    assert len(heads) == 1, f"migrations have branched: heads {heads}; merge them"


def test_migrated_database_matches_the_models(db_url: str) -> None:
    assert current_revision(db_url) == head_revision()
    assert _tables(db_url) == MODEL_TABLES | {"alembic_version"}
    assert _schema_diff(db_url) == []


def test_downgrade_to_base_and_back(db_url: str) -> None:
    migrations.downgrade(db_url, "base")
    assert current_revision(db_url) is None
    assert _tables(db_url) <= {"alembic_version"}

    migrations.upgrade(db_url)
    assert current_revision(db_url) == head_revision()
    assert _schema_diff(db_url) == []


def test_empty_sqlite_file_upgrades_to_head(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new' / 'teleroster.sqlite'}"
    assert current_revision(url) is None
    migrations.upgrade(url)
    assert current_revision(url) == head_revision()
    assert _schema_diff(url) == []


def test_db_commands(tmp_path: Path) -> None:
    path = tmp_path / "cli.sqlite"
    url = f"sqlite:///{path}"
    runner = CliRunner()

    result = runner.invoke(app, ["db", "current", "--url", url])
    assert result.exit_code == 0, result.output
    assert "not migrated" in result.output
    assert not path.exists(), "asking for the revision must not create the database"

    result = runner.invoke(app, ["db", "upgrade", "--url", url])
    assert result.exit_code == 0, result.output
    assert f"at revision {head_revision()}" in result.output

    result = runner.invoke(app, ["db", "current", "--url", url])
    assert "up to date" in result.output

    result = runner.invoke(app, ["db", "downgrade", "base", "--url", url])
    assert result.exit_code == 0, result.output
    assert "base (empty)" in result.output
    assert current_revision(url) is None
