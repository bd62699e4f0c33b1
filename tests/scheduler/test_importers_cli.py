"""``teleroster demo-data``, ``import`` and ``demo`` on a fresh database, and the demo reset."""

import datetime as dt
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

import scheduler.cli.data as data_cli
from scheduler.cli import app
from scheduler.demo import generate_demo
from scheduler.demo.load import load_demo
from scheduler.models import (
    Assignment,
    PlanningPeriod,
    Radiologist,
    Roster,
    ShiftTemplate,
    SolveJob,
)
from tests.scheduler.importer_helpers import (
    copy_with_few_volumes,
    copy_without_volumes,
    row_counts,
    write,
)

runner = CliRunner()


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    # Wide enough that no message is wrapped in the captured output.
    monkeypatch.setattr(data_cli, "console", Console(width=250, force_terminal=False))


# Session, not module: under xdist (--dist loadgroup) a worker runs this module's tests among
# others', and would build a module-scoped fixture again each time it came back to them.
@pytest.fixture(scope="session")
def small_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    full = tmp_path_factory.mktemp("demo")
    generate_demo(out=full, months=1)
    return copy_with_few_volumes(full, tmp_path_factory.mktemp("small-demo"))


def test_demo_data_writes_the_files(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["demo-data", "--seed", "5", "--out", str(tmp_path), "--months", "1"]
    )
    assert result.exit_code == 0, result.output
    names = {p.name for p in tmp_path.iterdir()}
    assert {"regions.csv", "radiologists.csv", "study_volumes.csv.gz"} <= names
    assert len(names) == 14
    assert "Wrote 14 files" in result.output


def test_import_good_folder_then_bad_file(engine: Engine, small_demo: Path, tmp_path: Path) -> None:
    master = copy_without_volumes(small_demo, tmp_path / "master")
    good = runner.invoke(app, ["import", str(master)])
    assert good.exit_code == 0, good.output
    assert "radiologists" in good.output

    bad = write(tmp_path, "new_sites.csv", "code,name,region\nXYZ,New Hospital,NO-XX\n")
    with Session(engine) as session:
        before = row_counts(session)
    result = runner.invoke(app, ["import", str(bad), "--entity", "sites"])
    assert result.exit_code == 1
    assert "nothing was stored" in result.output
    assert "unknown region 'NO-XX'" in result.output
    with Session(engine) as session:
        assert row_counts(session) == before


def test_import_reject_existing_flag(engine: Engine, small_demo: Path) -> None:
    assert runner.invoke(app, ["import", str(small_demo / "regions.csv")]).exit_code == 0
    again = runner.invoke(app, ["import", str(small_demo / "regions.csv"), "--reject-existing"])
    assert again.exit_code == 1
    assert "already in the database" in again.output


def test_demo_is_idempotent(engine: Engine, small_demo: Path) -> None:
    first = runner.invoke(app, ["demo", "--directory", str(small_demo)])
    assert first.exit_code == 0, first.output
    with Session(engine) as session:
        counts = row_counts(session)
        period = session.exec(select(PlanningPeriod)).one()
    assert counts["radiologist"] == 60 and counts["study_volume"] > 0
    assert f"Demo planning period id: {period.id}" in first.output

    second = runner.invoke(app, ["demo", "--directory", str(small_demo)])
    assert second.exit_code == 0, second.output
    assert f"Demo planning period id: {period.id}" in second.output
    with Session(engine) as session:
        assert row_counts(session) == counts


def test_demo_reset_removes_rosters_built_on_old_data(engine: Engine, small_demo: Path) -> None:
    with Session(engine) as session:
        load_demo(session=session, directory=small_demo)
        period = session.exec(select(PlanningPeriod)).one()
        template = session.exec(select(ShiftTemplate)).first()
        reader = session.exec(select(Radiologist)).first()
        assert period.id is not None and template is not None and template.id is not None
        assert reader is not None and reader.id is not None
        job = SolveJob(period_id=period.id)
        session.add(job)
        session.flush()
        roster = Roster(period_id=period.id, version=1, solve_job_id=job.id)
        session.add(roster)
        session.flush()
        assert roster.id is not None
        job.result_roster_id = roster.id
        session.add(
            Assignment(
                roster_id=roster.id,
                radiologist_id=reader.id,
                date=dt.date(2027, 1, 4),
                shift_template_id=template.id,
            )
        )
        session.commit()
        before = row_counts(session)

        loaded = load_demo(session=session, directory=small_demo, reset=True)

        after = row_counts(session)
    assert (after["roster"], after["assignment"], after["solve_job"]) == (0, 0, 0)
    assert after["radiologist"] == before["radiologist"] == 60
    assert after["study_volume"] == before["study_volume"]
    assert loaded.period_id is not None
    assert loaded.stored["radiologists"] == 60
    assert loaded.summary.counts["radiologists"].created == 60
