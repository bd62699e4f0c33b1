"""Sweeps: a grid becomes one stored scenario per combination; they solve on a local Ray runtime
and store their results; a cancelled sweep resumes without solving the finished ones again."""

import json
import os
from pathlib import Path

import pytest
import ray
from sqlmodel import Session, select

from scheduler import models as m
from scheduler.scenarios.grid import GridError, load_grid, parse_grid_text
from scheduler.scenarios.run import ScenarioOutcome
from scheduler.scenarios.service import list_scenarios
from scheduler.scenarios.sweep import create_sweep, run_sweep, sweep_progress
from tests.scheduler.department import seed_department

GRID = """
time_limit: 1
dimensions:
  growth:
    "0%": []
    "+10%": [{kind: volume_growth, percent: 10}]
    "+20% N": [{kind: volume_growth, percent: 20, region: N}]
  hiring:
    none: []
    2 neuro: [{kind: hire, count: 2, skills: [neuro], home_region: S, licences: [N]}]
"""


def _sweep(session: Session, name: str = "winter", time_limit: float = 1.0) -> tuple[int, int]:
    period_id = seed_department(session)
    grid = parse_grid_text(GRID, source="grid.yaml")
    sweep = create_sweep(
        session=session,
        grid=grid,
        name=name,
        period_id=period_id,
        time_limit_seconds=time_limit,
        num_workers=1,
    )
    session.commit()
    assert sweep.id is not None
    return period_id, sweep.id


def _results(session: Session, sweep_id: int) -> dict[str, m.ScenarioResult]:
    session.expire_all()
    out = {}
    for scenario in list_scenarios(session=session, sweep_id=sweep_id):
        result = session.exec(
            select(m.ScenarioResult).where(m.ScenarioResult.scenario_id == scenario.id)
        ).first()
        if result is not None:
            out[scenario.name] = result
    return out


def test_grid_combinations_and_labels() -> None:
    grid = parse_grid_text(GRID, source="grid.yaml")
    combos = grid.combinations()
    assert grid.size == len(combos) == 6
    labels = [label for label, _ in combos]
    assert "growth=+20% N · hiring=2 neuro" in labels
    changes = dict(combos)["growth=+10% · hiring=2 neuro"]
    assert [c.kind for c in changes] == ["volume_growth", "hire"]
    assert grid.time_limit == 1.0 and grid.period is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("dimensions: []", "grid.yaml: field 'dimensions' must map names to options"),
        ("dimension: {}", "grid.yaml: field 'dimension' is not one of"),
        (
            "dimensions: {a: {x: [{kind: hire, count: 0, skills: [n]}]}}",
            "dimensions.a.\"x\": change 1, field 'count'",
        ),
        ("dimensions: {a: {x: []}}\nworkers: -1", "field 'workers' must be > 0"),
        ("dimensions: {a: [", "grid.yaml, line 1: not valid YAML"),
    ],
)
def test_bad_grids_name_the_file_and_the_place(text: str, message: str) -> None:
    with pytest.raises(GridError) as caught:
        parse_grid_text(text, source="grid.yaml")
    assert message in str(caught.value)


def test_json_grids_and_missing_files(tmp_path: Path) -> None:
    path = tmp_path / "grid.json"
    path.write_text(
        json.dumps(
            {"dimensions": {"growth": {"0%": [], "5%": [{"kind": "volume_growth", "percent": 5}]}}}
        )
    )  # noqa: E501
    assert load_grid(path).size == 2
    with pytest.raises(GridError, match="missing.yaml: cannot read"):
        load_grid(tmp_path / "missing.yaml")


def test_a_bad_combination_stores_no_sweep(session: Session) -> None:
    period_id = seed_department(session)
    grid = parse_grid_text(
        "dimensions: {a: {x: [{kind: grant_licence, region: Z, radiologist: R1}]}}",
        source="g.yaml",
    )
    with pytest.raises(Exception, match="unknown region 'Z'"):
        create_sweep(
            session=session, grid=grid, name="z", period_id=period_id, time_limit_seconds=1
        )
    session.rollback()
    assert session.exec(select(m.Scenario)).all() == []


@pytest.mark.xdist_group("ray")  # local Ray runtimes one at a time, as in test_jobs_ray.py
def test_six_scenarios_solve_on_a_local_ray_runtime(db_url: str, session: Session) -> None:
    _, sweep_id = _sweep(session)
    assert not ray.is_initialized()

    run = run_sweep(sweep_id=sweep_id, database_url=db_url, use_ray=True, ray_address="")

    assert not ray.is_initialized()  # the sweep stops the runtime it started
    assert (run.solved, run.skipped, run.cancelled) == (6, 0, False)
    results = _results(session, sweep_id)
    assert len(results) == 6
    assert {r.status for r in results.values()} <= {"optimal", "feasible"}
    assert all(json.loads(r.kpis_json)["regions"] for r in results.values())
    pids = {int(r.worker.rsplit(":", 1)[1]) for r in results.values()}
    assert os.getpid() not in pids  # solved in Ray worker processes
    sweep = session.get(m.Sweep, sweep_id)
    assert sweep is not None and sweep.status == m.SweepStatus.FINISHED
    assert sweep_progress(session=session, sweep_id=sweep_id).done == 6
    # Hires licensed in N add demand covered there (same limits, same seed).
    kpis = {name: json.loads(r.kpis_json) for name, r in results.items()}

    def north(name: str) -> float:
        return next(x for x in kpis[name]["regions"] if x["region"] == "N")["covered_pct"]["all"]

    assert north("winter · growth=0% · hiring=2 neuro") > north("winter · growth=0% · hiring=none")
    again = run_sweep(sweep_id=sweep_id, database_url=db_url, use_ray=True)
    assert (again.solved, again.skipped) == (0, 6)  # nothing re-run, no runtime started


def test_a_cancelled_sweep_resumes_without_rerunning_finished_scenarios(
    db_url: str, session: Session
) -> None:
    _, sweep_id = _sweep(session, name="spring")
    seen: list[str] = []

    def cancel_after_two(name: str, outcome: ScenarioOutcome) -> None:
        seen.append(name)
        if len(seen) == 2:
            with Session(session.get_bind()) as other:
                row = other.get(m.Sweep, sweep_id)
                assert row is not None
                row.cancel_requested = True
                other.add(row)
                other.commit()

    first = run_sweep(
        sweep_id=sweep_id, database_url=db_url, use_ray=False, on_result=cancel_after_two
    )

    assert first.cancelled and first.solved == 2
    done = _results(session, sweep_id)
    assert sorted(done) == sorted(seen)
    stamps = {name: (r.id, r.created_at) for name, r in done.items()}
    sweep = session.get(m.Sweep, sweep_id)
    assert sweep is not None and sweep.status == m.SweepStatus.CANCELLED
    assert not sweep.cancel_requested

    second = run_sweep(sweep_id=sweep_id, database_url=db_url, use_ray=False)

    assert (second.solved, second.skipped, second.cancelled) == (4, 2, False)
    after = _results(session, sweep_id)
    assert len(after) == 6
    assert {name: (r.id, r.created_at) for name, r in after.items() if name in stamps} == stamps
