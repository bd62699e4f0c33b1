"""`teleroster scenario create|run|compare`, `sweep --grid` and `recommend-licences`."""

import json
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from scheduler import models as m
from scheduler.cli import _register, app
from tests.scheduler.department import seed_department

runner = CliRunner()
HIRE = '{"kind": "hire", "count": 2, "skills": ["neuro"], "home_region": "S", "licences": ["N"]}'


def _invoke(*args: str) -> str:
    _register()
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_create_run_and_compare(engine: Engine, tmp_path: Path) -> None:
    with Session(engine) as session:
        period_id = seed_department(session)
    created = _invoke(
        "scenario", "create", "--period", str(period_id), "--name", "hire", "--change", HIRE
    )
    scenario_id = int(created.strip().splitlines()[-1])
    ran = json.loads(
        _invoke(
            "scenario", "run", str(scenario_id), "--time-limit", "1", "--workers", "2", "--json"
        )
    )
    assert ran["status"] in ("optimal", "feasible")
    assert {r["region"] for r in ran["kpis"]["regions"]} == {"N", "S"}
    out = tmp_path / "compare.csv"
    _invoke("scenario", "compare", str(scenario_id), "--csv", str(out))
    rows = out.read_text().strip().splitlines()
    assert len(rows) == 5 and rows[1].startswith("Baseline: Test week")

    bad = runner.invoke(
        app, ["scenario", "create", "--period", str(period_id), "--name", "x", "--change", "{"]
    )
    assert bad.exit_code == 2 and "--change number 1 is not JSON" in bad.output


def test_sweep_from_a_grid_file_and_licence_advice(engine: Engine, tmp_path: Path) -> None:
    with Session(engine) as session:
        period_id = seed_department(session)
    grid = tmp_path / "grid.yaml"
    grid.write_text(
        f"period: {period_id}\ntime_limit: 1\ndimensions:\n"
        "  growth: {'0%': [], '+5%': [{kind: volume_growth, percent: 5}]}\n"
    )
    facts = json.loads(
        _invoke("sweep", "--grid", str(grid), "--sequential").strip().splitlines()[-1]
    )
    assert (facts["solved"], facts["skipped"], facts["cancelled"]) == (2, 0, False)
    resumed = json.loads(
        _invoke("sweep", "--resume", str(facts["sweep"]), "--sequential").strip().splitlines()[-1]
    )
    assert (resumed["solved"], resumed["skipped"]) == (0, 2)
    with Session(engine) as session:
        assert len(session.exec(select(m.ScenarioResult)).all()) == 2

    bad_grid = tmp_path / "bad.yaml"
    bad_grid.write_text("dimensions: {a: {x: [{kind: hire}]}}")
    failed = runner.invoke(app, ["sweep", "--grid", str(bad_grid), "--period", str(period_id)])
    assert failed.exit_code == 2 and "bad.yaml: dimensions.a" in failed.output

    advice = json.loads(
        _invoke("recommend-licences", "--period", str(period_id), "--budget", "1", "--json")
    )
    assert advice["budget"] == 1 and len(advice["grants"]) <= 1
    assert advice["covered_after_hours"] >= advice["covered_before_hours"]
