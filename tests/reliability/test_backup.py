"""``export-all`` / ``import-all`` round-trip the whole database: every table of the metadata
(so tables added later are covered), ids kept, the roster <-> job cycle restored, and ids issued
after a restore never collide (PostgreSQL's sequences moved on)."""

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session, SQLModel, select
from typer.testing import CliRunner

from scheduler import models as m
from scheduler.backup import BackupError, export_all, import_all
from scheduler.cli import _register, app
from scheduler.db import dispose_engine, get_engine, is_sqlite
from scheduler.importers import import_directory
from scheduler.settings import get_settings
from solver.roster import Roster
from tests.conftest import PostgresDatabases, _postgres_url
from tests.scheduler.importer_helpers import copy_without_volumes
from tests.web.conftest import make_user
from tests.web.manager.seed import Department, seed_rosterable, store

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"


@pytest.fixture
def restored_url(db_url: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A second fresh database on the same backend as ``db_url``."""
    if is_sqlite(db_url):
        path = tmp_path / "restored.sqlite"
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


@pytest.fixture
def full_database(session: Session, solved_week: Roster, tmp_path: Path) -> Department:
    """The manager tests' department with a solved roster, the demo files, users of each role,
    a job and its roster pointing at each other, availability, a notice and a swap."""
    department = seed_rosterable(session)
    roster = store(session, department, solved_week, note='solved ⟨ünïcode⟩ & "quotes"')
    import_directory(session, copy_without_volumes(DEMO, tmp_path / "demo"))
    engine = session.get_bind()
    assert isinstance(engine, sa.Engine)
    admin = make_user(engine, m.Role.ADMIN)
    make_user(engine, m.Role.MANAGER, region_ids=list(department.regions.values()))
    make_user(engine, m.Role.RADIOLOGIST, radiologist_id=department.readers["R1"])
    job = m.SolveJob(period_id=department.period_id, status=m.JobStatus.SUCCEEDED,
                     result_roster_id=roster.id, objective=12.5, worker="host:1")  # fmt: skip
    session.add(job)
    session.flush()
    roster.solve_job_id = job.id
    session.add(roster)
    first = session.exec(select(m.Assignment).where(m.Assignment.roster_id == roster.id)).first()
    assert first is not None and roster.id is not None and admin.id is not None
    session.add_all([
        m.AvailabilityEntry(period_id=department.period_id, radiologist_id=department.readers["R2"],
                            date=dt.date(2027, 1, 5), kind=m.AvailabilityKind.LEAVE),
        m.AvailabilitySubmission(period_id=department.period_id,
                                 radiologist_id=department.readers["R2"],
                                 submitted_at=dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)),
        m.Notice(radiologist_id=department.readers["R3"], period_id=department.period_id,
                 sent_by_user_id=admin.id, message="Please enter your availability"),
        m.SwapRequest(period_id=department.period_id, roster_id=roster.id, date=first.date,
                      shift_template_id=first.shift_template_id, region_id=first.region_id,
                      offered_by_id=first.radiologist_id, note="dentist"),
    ])  # fmt: skip
    session.flush()
    _insert_rows(session, department, admin_id=admin.id)
    session.commit()
    return department


def _insert_rows(session: Session, department: Department, admin_id: int) -> None:
    """Rows for the tables the seeds above leave empty, written by column name."""
    tables = SQLModel.metadata.tables
    at = dt.datetime(2027, 1, 4, 7, 0, tzinfo=dt.UTC)
    north, neuro = department.regions["N"], department.subspecialties["neuro"]
    period = department.period_id
    modality = session.execute(sa.select(tables["modality"].c.id)).scalars().first()
    rows: list[tuple[str, dict[str, Any]]] = [
        ("login_throttle", {"client": "10.0.0.7", "failures": 3, "last_failure_at": at}),
        ("calendar_token", {"radiologist_id": department.readers["R1"], "token_hash": "ab" * 32,
                            "created_at": at}),
        ("study_volume", {"ts": at, "region_id": north, "site_id": None, "modality_id": modality,
                          "subspecialty_id": neuro, "priority": "ed", "count": 17}),
        ("demand_forecast", {"period_id": period, "region_id": north, "subspecialty_id": neuro,
                             "priority": "stat", "ts": at, "mean": 1.25, "lower": 0.5,
                             "upper": 2.0, "method": "poisson-glm"}),
        ("required_capacity", {"period_id": period, "region_id": north, "subspecialty_id": neuro,
                               "ts": at, "reader_hours": 0.75, "readers_erlang": 1,
                               "readers": 1}),
        ("sweep", {"id": 1, "name": "nights", "period_id": period, "time_limit_seconds": 5.0,
                   "num_workers": 2, "grid_json": "{}", "status": "pending",
                   "cancel_requested": False, "created_at": at}),
        # the copy is stored before its original: a foreign key pointing forward
        ("scenario", {"id": 1, "name": "copy", "period_id": period, "description": "",
                      "is_baseline": False, "changes_json": "[]", "sweep_id": 1,
                      "copied_from_id": 2, "created_at": at, "updated_at": at}),
        ("scenario", {"id": 2, "name": "baseline", "period_id": period, "description": "",
                      "is_baseline": True, "changes_json": "[]", "sweep_id": None,
                      "copied_from_id": None, "created_at": at, "updated_at": at}),
        ("scenario_result", {"scenario_id": 1, "fingerprint": "f" * 64, "status": "optimal",
                             "objective": 3, "wall_seconds": 1.5, "time_limit_seconds": 5.0,
                             "num_workers": 2, "kpis_json": "{}", "summary_json": "{}",
                             "explanation": "", "worker": "host:1", "created_at": at}),
    ]  # fmt: skip
    for name, values in rows:
        table = tables[name]
        if name == "scenario" and values["id"] == 1:
            session.execute(sa.insert(table), [values | {"copied_from_id": None}])
        else:
            session.execute(sa.insert(table), [values])
    session.execute(sa.update(tables["scenario"]).where(tables["scenario"].c.id == 1)
                    .values(copied_from_id=2))  # fmt: skip
    assert admin_id


def table_rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order, as the database returns them."""
    with Session(get_engine(url)) as session:
        return {
            table.name: [
                tuple(row)
                for row in session.execute(sa.select(table).order_by(*table.primary_key.columns))
            ]
            for table in SQLModel.metadata.sorted_tables
        }


def test_export_then_import_keeps_every_row_of_every_table(
    full_database: Department, db_url: str, restored_url: str
) -> None:
    before = table_rows(db_url)
    filled = [name for name, rows in before.items() if rows]
    assert len(filled) >= 30, f"only {filled} have rows"
    with Session(get_engine(db_url)) as session:
        backup = export_all(session)
    with Session(get_engine(restored_url)) as session:
        summary = import_all(session, backup)
    assert summary.rows == {name: len(rows) for name, rows in before.items()}
    assert table_rows(restored_url) == before

    # the next ids follow the restored ones: nothing collides
    with Session(get_engine(restored_url)) as session:
        top_region = session.exec(select(sa.func.max(m.Region.id))).one()
        top_job = session.exec(select(sa.func.max(m.SolveJob.id))).one()
        region = m.Region(code="NEW", name="New", time_zone="UTC")
        job = m.SolveJob(period_id=full_database.period_id)
        session.add_all([region, job])
        session.commit()
        assert (region.id, job.id) == (top_region + 1, top_job + 1)


def test_restore_refuses_a_database_with_rows_unless_replacing(
    full_database: Department, db_url: str
) -> None:
    with Session(get_engine(db_url)) as session:
        backup = export_all(session)
    before = table_rows(db_url)
    with Session(get_engine(db_url)) as session, pytest.raises(BackupError, match="not empty"):
        import_all(session, backup)
    with Session(get_engine(db_url)) as session:
        session.add(m.Region(code="EXTRA", name="Extra", time_zone="UTC"))
        session.commit()
    with Session(get_engine(db_url)) as session:
        import_all(session, backup, replace=True)
    assert table_rows(db_url) == before


def test_restore_refuses_another_schema_revision_or_bad_rows(
    full_database: Department, db_url: str, restored_url: str
) -> None:
    with Session(get_engine(db_url)) as session:
        backup = export_all(session)
    with Session(get_engine(restored_url)) as session:
        with pytest.raises(BackupError, match="schema revision"):
            import_all(session, backup | {"schema_revision": "0000older"})
        broken = {**backup["tables"], "region": {"columns": ["id", "colour"], "rows": [[1, "red"]]}}
        with pytest.raises(BackupError, match="table region: unknown column"):
            import_all(session, backup | {"tables": broken})
        duplicate = dict(backup["tables"]["region"])
        duplicate["rows"] = duplicate["rows"] + duplicate["rows"][:1]
        with pytest.raises(BackupError, match="refused"):
            import_all(session, backup | {"tables": {**backup["tables"], "region": duplicate}})
    assert all(rows == [] for rows in table_rows(restored_url).values())


def test_cli_round_trip_through_a_compressed_file(
    full_database: Department, db_url: str, restored_url: str, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    _register()
    runner = CliRunner()
    path = tmp_path / "backup.json.gz"
    exported = runner.invoke(app, ["export-all", str(path)], env={"DATABASE_URL": db_url})
    assert exported.exit_code == 0, exported.output
    assert path.stat().st_size > 0
    get_settings.cache_clear()
    monkeypatch.setenv("DATABASE_URL", restored_url)
    restored = runner.invoke(app, ["import-all", str(path)], env={"DATABASE_URL": restored_url})
    get_settings.cache_clear()
    assert restored.exit_code == 0, restored.output
    assert table_rows(restored_url) == table_rows(db_url)
    again = runner.invoke(app, ["import-all", str(path)], env={"DATABASE_URL": restored_url})
    assert again.exit_code == 1 and "not empty" in again.output
