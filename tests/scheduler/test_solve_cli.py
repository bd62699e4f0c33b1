"""`teleroster solve` stores a valid roster version; `teleroster validate` catches hand edits in
the DB.
"""

import datetime as dt
import json

from sqlalchemy import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from scheduler import models as m
from scheduler.cli import _register, app
from tests.scheduler.department import START, seed_department

runner = CliRunner()


def _solve(period_id: int) -> dict[str, object]:
    _register()
    result = runner.invoke(
        app,
        ["solve", "--period", str(period_id), "--time-limit", "10", "--workers", "2", "--json"],
    )
    assert result.exit_code == 0, result.output
    summary: dict[str, object] = json.loads(result.output.strip().splitlines()[-1])
    return summary


def test_solve_stores_a_valid_version_and_validate_agrees(engine: Engine) -> None:
    with Session(engine) as session:
        period_id = seed_department(session)
    summary = _solve(period_id)
    assert summary["status"] in ("optimal", "feasible")
    assert summary["version"] == 1
    assert isinstance(summary["assignments"], int) and summary["assignments"] > 0
    regions = {row["region"] for row in summary["coverage"]}  # type: ignore[union-attr]
    assert regions == {"N", "S"}
    with Session(engine) as session:
        roster = session.exec(select(m.Roster).where(m.Roster.period_id == period_id)).one()
        stored = session.exec(select(m.Assignment).where(m.Assignment.roster_id == roster.id)).all()
        assert len(stored) == summary["assignments"]
        assert roster.objective == summary["objective"]
    checked = runner.invoke(app, ["validate", "--period", str(period_id)])
    assert checked.exit_code == 0, checked.output
    assert "no hard-rule violation" in checked.output
    # A second solve is a new version; the first stays.
    assert _solve(period_id)["version"] == 2


def test_validate_catches_leave_day_and_missing_licence_edits(engine: Engine) -> None:
    with Session(engine) as session:
        period_id = seed_department(session)
    _solve(period_id)
    with Session(engine) as session:
        roster = session.exec(select(m.Roster).where(m.Roster.period_id == period_id)).one()
        day = session.exec(select(m.ShiftTemplate).where(m.ShiftTemplate.code == "DAY")).one()
        north = session.exec(select(m.Region).where(m.Region.code == "N")).one()
        south = session.exec(select(m.Region).where(m.Region.code == "S")).one()
        anna = session.exec(select(m.Radiologist).where(m.Radiologist.code == "R1")).one()
        bo = session.exec(select(m.Radiologist).where(m.Radiologist.code == "R2")).one()
        wednesday = START + dt.timedelta(days=2)
        for assignment in list(roster.assignments):
            if assignment.radiologist_id in (anna.id, bo.id) and assignment.date in (
                wednesday,
                START + dt.timedelta(days=3),
            ):
                session.delete(assignment)
        session.flush()
        assert roster.id and day.id and anna.id and bo.id
        # Anna is on leave on Wednesday; Bo has no licence for the North.
        session.add(
            m.Assignment(
                roster_id=roster.id,
                radiologist_id=anna.id,
                date=wednesday,
                shift_template_id=day.id,
                region_id=south.id,
            )
        )
        session.add(
            m.Assignment(
                roster_id=roster.id,
                radiologist_id=bo.id,
                date=START + dt.timedelta(days=3),
                shift_template_id=day.id,
                region_id=north.id,
            )
        )
        session.commit()
    checked = runner.invoke(app, ["validate", "--period", str(period_id)])
    assert checked.exit_code == 1, checked.output
    text = " ".join(checked.output.split())
    assert "Anna Lind" in text and "2027-01-06" in text and "leave" in text.lower()
    assert "Bo Berg" in text and "licen" in text.lower()


def test_solve_unknown_period_is_a_clear_error(engine: Engine) -> None:
    _register()
    result = runner.invoke(app, ["solve", "--period", "42", "--time-limit", "1"])
    assert result.exit_code == 2
    assert "planning period 42 does not exist" in result.output
