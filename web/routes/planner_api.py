"""JSON API of the planner: scenarios (create, copy, edit, delete, run), comparisons, sweeps,
licence recommendations and the coverage register. Planner or admin role; CSRF on changes."""

import datetime as dt
import json
from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from scheduler import models as m
from scheduler.scenarios.background import start_scenario_run
from scheduler.scenarios.compare import HEADERS as COMPARISON_HEADERS
from scheduler.scenarios.compare import compare_scenarios, comparison_rows
from scheduler.scenarios.inputs import load_baseline
from scheduler.scenarios.recommend import RecommendError, recommend_licences
from scheduler.scenarios.register import HEADERS as REGISTER_HEADERS
from scheduler.scenarios.register import coverage_register
from scheduler.scenarios.service import (
    copy_scenario,
    create_scenario,
    delete_scenario,
    get_result,
    get_scenario,
    list_scenarios,
    update_scenario,
)
from scheduler.scenarios.sweep import cancel_sweep, get_sweep, list_sweeps, sweep_progress
from scheduler.services.errors import FieldError
from solver.options import SolveOptions
from web.deps import CsrfProtected, PlannerUser, SessionDep, SettingsDep

router = APIRouter(prefix="/api", tags=["planner"])
unsafe = [CsrfProtected]


class ScenarioOut(m.ScenarioPublic):
    result: dict[str, Any] | None = None

    @classmethod
    def of(cls, scenario: m.Scenario, result: m.ScenarioResult | None) -> "ScenarioOut":
        data = scenario.model_dump() | {"changes": json.loads(scenario.changes_json)}
        if result is not None:
            data["result"] = result.model_dump(exclude={"kpis_json", "summary_json"}) | {
                "kpis": json.loads(result.kpis_json),
                "summary": json.loads(result.summary_json),
            }
        return cls.model_validate(data)


class ScenarioPatch(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    changes: list[dict[str, Any]] | None = None


class CopyIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)


class RunIn(BaseModel):
    time_limit: float = Field(default=10.0, gt=0, le=600)
    workers: int = Field(default=2, ge=1, le=16)


class SweepOut(m.SweepPublic):
    total: int
    done: int
    errors: int


def _out(session: Any, scenario: m.Scenario) -> ScenarioOut:
    assert scenario.id is not None
    return ScenarioOut.of(scenario, get_result(session=session, scenario_id=scenario.id))


@router.get("/scenarios", response_model=list[ScenarioOut])
def api_list_scenarios(
    session: SessionDep, _user: PlannerUser, period_id: int | None = None
) -> list[ScenarioOut]:
    return [_out(session, s) for s in list_scenarios(session=session, period_id=period_id)]


@router.post("/scenarios", response_model=ScenarioOut, status_code=201, dependencies=unsafe)
def api_create_scenario(
    body: m.ScenarioCreate, session: SessionDep, _user: PlannerUser
) -> ScenarioOut:
    row = create_scenario(session=session, scenario_in=body)
    session.commit()
    return _out(session, row)


@router.get("/scenarios/compare")
def api_compare_scenarios(
    session: SessionDep, _user: PlannerUser, ids: list[int] = Query(default=[])
) -> dict[str, Any]:
    """The baseline and the scenarios, one row per scenario and region (the CSV's columns)."""
    comparison = compare_scenarios(session=session, scenario_ids=ids)
    session.commit()
    return {
        "period_id": comparison.period.id,
        "columns": [
            {"id": c.scenario.id, "name": c.scenario.name, "status": c.status, "changes": c.changes}
            for c in comparison.columns
        ],
        "rows": [
            dict(zip(COMPARISON_HEADERS, row, strict=True)) for row in comparison_rows(comparison)
        ],
    }


@router.get("/scenarios/{scenario_id}", response_model=ScenarioOut)
def api_get_scenario(scenario_id: int, session: SessionDep, _user: PlannerUser) -> ScenarioOut:
    return _out(session, get_scenario(session=session, scenario_id=scenario_id))


@router.patch("/scenarios/{scenario_id}", response_model=ScenarioOut, dependencies=unsafe)
def api_update_scenario(
    scenario_id: int, body: ScenarioPatch, session: SessionDep, _user: PlannerUser
) -> ScenarioOut:
    row = update_scenario(
        session=session, scenario_id=scenario_id, **body.model_dump(exclude_unset=True)
    )
    session.commit()
    return _out(session, row)


@router.post(
    "/scenarios/{scenario_id}/copy",
    response_model=ScenarioOut,
    status_code=201,
    dependencies=unsafe,
)
def api_copy_scenario(
    scenario_id: int, body: CopyIn, session: SessionDep, _user: PlannerUser
) -> ScenarioOut:
    row = copy_scenario(session=session, scenario_id=scenario_id, name=body.name)
    session.commit()
    return _out(session, row)


@router.delete("/scenarios/{scenario_id}", status_code=204, dependencies=unsafe)
def api_delete_scenario(scenario_id: int, session: SessionDep, _user: PlannerUser) -> Response:
    delete_scenario(session=session, scenario_id=scenario_id)
    session.commit()
    return Response(status_code=204)


@router.post(
    "/scenarios/{scenario_id}/run", response_model=ScenarioOut, status_code=202, dependencies=unsafe
)
def api_run_scenario(
    scenario_id: int,
    body: RunIn,
    session: SessionDep,
    settings: SettingsDep,
    _user: PlannerUser,
) -> ScenarioOut:
    """Start solving in the background (202); GET the scenario until its result is not
    "running"."""
    get_scenario(session=session, scenario_id=scenario_id)
    options = SolveOptions(max_time_in_seconds=body.time_limit, num_workers=body.workers)
    start_scenario_run(database_url=settings.database_url, scenario_id=scenario_id, options=options)
    session.expire_all()
    return _out(session, get_scenario(session=session, scenario_id=scenario_id))


@router.get("/sweeps", response_model=list[SweepOut])
def api_list_sweeps(
    session: SessionDep, _user: PlannerUser, period_id: int | None = None
) -> list[SweepOut]:
    return [_sweep_out(session, s) for s in list_sweeps(session=session, period_id=period_id)]


@router.get("/sweeps/{sweep_id}", response_model=SweepOut)
def api_get_sweep(sweep_id: int, session: SessionDep, _user: PlannerUser) -> SweepOut:
    return _sweep_out(session, get_sweep(session=session, sweep_id=sweep_id))


@router.post("/sweeps/{sweep_id}/cancel", response_model=SweepOut, dependencies=unsafe)
def api_cancel_sweep(sweep_id: int, session: SessionDep, _user: PlannerUser) -> SweepOut:
    return _sweep_out(session, cancel_sweep(session=session, sweep_id=sweep_id))


def _sweep_out(session: Any, sweep: m.Sweep) -> SweepOut:
    assert sweep.id is not None
    progress = sweep_progress(session=session, sweep_id=sweep.id)
    return SweepOut.model_validate(
        sweep.model_dump()
        | {"total": progress.total, "done": progress.done, "errors": progress.errors}
    )


@router.get("/recommendations/licences")
def api_recommend_licences(
    period_id: int,
    session: SessionDep,
    _user: PlannerUser,
    budget: int = Query(default=3, ge=0, le=50),
) -> dict[str, Any]:
    problem = load_baseline(session=session, period_id=period_id).input.problem
    try:
        advice = recommend_licences(problem, budget, time_limit=10.0, num_workers=2)
    except RecommendError as exc:
        raise FieldError("period_id", str(exc)) from exc
    return advice.summary()


@router.get("/rosters/{roster_id}/register")
def api_coverage_register(
    roster_id: int,
    session: SessionDep,
    _user: PlannerUser,
    site_id: int | None = None,
    date: dt.date | None = None,
) -> dict[str, Any]:
    """Who covers each site and hour of a published roster (409 for a draft)."""
    register = coverage_register(session=session, roster_id=roster_id, site_id=site_id, date=date)
    return {
        "roster_id": roster_id,
        "version": register.roster.version,
        "period_id": register.period.id,
        "entries": [dict(zip(REGISTER_HEADERS, e.values(), strict=True)) for e in register.entries],
        "excluded": [
            {
                "radiologist": x.radiologist_code,
                "site": x.site,
                "date": x.date.isoformat(),
                "missing": x.missing,
            }
            for x in register.excluded
        ],
    }
