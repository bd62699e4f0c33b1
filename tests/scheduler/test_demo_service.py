"""The demo chain (load, forecast, solve) as a service and through ``teleroster demo``, on the
demo country cut to one week and two weeks of volume history, with a short solve."""

import shutil
from pathlib import Path

import pandas as pd
import pytest
from rich.console import Console
from sqlalchemy import Engine
from sqlmodel import Session, col, func, select
from typer.testing import CliRunner

import scheduler.cli.data as data_cli
import scheduler.cli.solve as solve_cli
from scheduler.cli import app
from scheduler.demo.load import demo_directory
from scheduler.models import Radiologist, Roster, ShiftDemand
from scheduler.services.demo import (
    DemoError,
    DemoEvent,
    Forecasted,
    Forecasting,
    Importing,
    Loaded,
    Solving,
    run_demo,
)
from scheduler.services.solving import validate_stored_roster
from solver.options import SolveOptions
from solver.roster import Progress
from solver.validate import validate

WEEK_END = "2027-01-10"  # the demo period starts on Monday 2027-01-04
SOLVE = SolveOptions(max_time_in_seconds=4, num_workers=2, random_seed=0)


# Session, not module: under xdist (--dist loadgroup) a worker runs this module's tests among
# others', and would build a module-scoped fixture again each time it came back to them.
@pytest.fixture(scope="session")
def one_week_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed demo files with a one-week period, its availability, two weeks of volumes."""
    target = tmp_path_factory.mktemp("one-week-demo")
    for path in demo_directory().iterdir():
        if path.suffix == ".csv":
            shutil.copy(path, target / path.name)
    periods = pd.read_csv(target / "planning_periods.csv").assign(weeks=1)
    periods.to_csv(target / "planning_periods.csv", index=False)
    availability = pd.read_csv(target / "availability.csv")
    availability[availability["date"] <= WEEK_END].to_csv(target / "availability.csv", index=False)
    volumes = pd.read_csv(demo_directory() / "study_volumes.csv.gz")
    hours = pd.to_datetime(volumes["ts"])
    recent = volumes[hours >= hours.max() - pd.Timedelta(weeks=2)]
    recent.to_csv(target / "study_volumes.csv", index=False)
    return target


def test_the_chain_loads_forecasts_and_solves_telling_each_step(
    engine: Engine, one_week_demo: Path
) -> None:
    events: list[DemoEvent] = []
    with Session(engine) as session:
        ran = run_demo(
            session=session,
            directory=one_week_demo,
            forecast=True,
            solve_options=SOLVE,
            on_event=events.append,
        )
        period_id = ran.load.period_id
        assert period_id is not None
        demand_rows = session.exec(
            select(func.count()).where(col(ShiftDemand.period_id) == period_id)
        ).one()

    steps = [type(event) for event in events if not isinstance(event, Importing | Progress)]
    assert steps == [Loaded, Forecasting, Forecasted, Solving]
    loaded_at = steps_at(events, Loaded)
    assert loaded_at > 0 and all(isinstance(event, Importing) for event in events[:loaded_at])
    improvements = events[steps_at(events, Solving) + 1 :]
    assert improvements and all(isinstance(event, Progress) for event in improvements)
    assert ran.load.stored["radiologists"] == 60
    assert {login.role.value for login in ran.logins} >= {"manager", "planner", "radiologist"}

    assert ran.forecast is not None and ran.forecast.shift_demand_rows > 0
    assert demand_rows == ran.forecast.shift_demand_rows, "the forecast demand was committed"

    outcome = ran.solve
    assert outcome is not None and outcome.roster is not None, "no roster in the time limit"
    report = validate(outcome.built.problem, outcome.result.roster)
    assert report.ok, report.messages()
    assert report.objective == outcome.result.objective


def steps_at(events: list[DemoEvent], step: type) -> int:
    return next(i for i, event in enumerate(events) if isinstance(event, step))


def test_forecast_without_a_demo_period_is_refused_after_loading(
    engine: Engine, one_week_demo: Path, tmp_path: Path
) -> None:
    for path in one_week_demo.iterdir():
        if path.name not in {"planning_periods.csv", "availability.csv"}:
            shutil.copy(path, tmp_path / path.name)
    events: list[DemoEvent] = []
    with Session(engine) as session, pytest.raises(DemoError, match="no planning period"):
        run_demo(session=session, directory=tmp_path, forecast=True, on_event=events.append)
    assert [type(event) for event in events if not isinstance(event, Importing)] == [Loaded]
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Radiologist)).one() == 60


def test_demo_command_forecasts_solves_and_stores_a_valid_roster(
    engine: Engine, one_week_demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wide = Console(width=250, force_terminal=False)  # no message wrapped in the captured output
    monkeypatch.setattr(data_cli, "console", wide)
    monkeypatch.setattr(solve_cli, "console", wide)
    result = CliRunner().invoke(
        app,
        [
            "demo",
            "--directory",
            str(one_week_demo),
            "--forecast",
            "--solve-seconds",
            "4",
            "--workers",
            "2",
        ],
    )
    assert result.exit_code == 0, result.output
    with Session(engine) as session:
        roster = session.exec(select(Roster)).one()
        row, report = validate_stored_roster(session=session, period_id=roster.period_id)
    assert f"Demo planning period id: {roster.period_id}" in result.output
    assert "shift demand rows" in result.output  # the forecast's report
    assert "stored as version 1" in result.output  # the solve's report
    assert row.id == roster.id and report.ok, report.messages()
    assert report.objective == roster.objective
