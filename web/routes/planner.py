"""The regional planner's pages: scenarios and their changes, runs, the side-by-side comparison
with charts and exports, sweeps, licence recommendations and the coverage register.

Every route needs the planner (or admin) role; every form carries the CSRF token. A run happens
in a background thread (a scenario) or a process of its own (a sweep): no request solves.
"""

import datetime as dt
import json
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field, ValidationError
from sqlmodel import Session, col, select

from scheduler import models as m
from scheduler.scenarios.background import RUNNING, is_running, start_scenario_run
from scheduler.scenarios.changes import describe
from scheduler.scenarios.compare import compare_scenarios, comparison_csv, comparison_xlsx
from scheduler.scenarios.inputs import load_baseline
from scheduler.scenarios.kpis import BANDS, ScenarioKpis
from scheduler.scenarios.recommend import RecommendError, recommend_licences
from scheduler.scenarios.register import coverage_register, register_csv
from scheduler.scenarios.service import (
    add_change,
    copy_scenario,
    create_scenario,
    delete_scenario,
    get_result,
    get_scenario,
    list_scenarios,
    remove_change,
    scenario_changes,
)
from scheduler.scenarios.sweep import (
    cancel_sweep,
    get_sweep,
    list_sweeps,
    spawn_sweep_driver,
    sweep_progress,
)
from scheduler.services.errors import Conflict, FieldError
from solver.options import SolveOptions
from web.deps import CsrfProtected, PlannerUser, SessionDep, SettingsDep
from web.routes.forms import FieldSpec, FormDep, FormErrors, form_values
from web.routes.planner_charts import (
    coverage_figure_json,
    sparse_bands_figure_json,
    urgent_figure_json,
)
from web.routes.planner_forms import change_forms, changes_from_form
from web.templating import templates

router = APIRouter(prefix="/planner", tags=["planner pages"], include_in_schema=False)
unsafe = [CsrfProtected]

RUN_FIELDS = (
    FieldSpec("time_limit", "Time limit (seconds)", kind="number", required=True, step="any"),
    FieldSpec("workers", "Search workers", kind="number", required=True),
)
SCENARIO_FIELDS = (
    FieldSpec("name", "Name", required=True),
    FieldSpec("description", "What it asks", kind="textarea"),
)


class RunForm(BaseModel):
    time_limit: float = Field(default=10.0, gt=0, le=600)
    workers: int = Field(default=2, ge=1, le=16)

    def options(self) -> SolveOptions:
        return SolveOptions(max_time_in_seconds=self.time_limit, num_workers=self.workers)


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _periods(session: Session) -> list[m.PlanningPeriod]:
    return list(session.exec(select(m.PlanningPeriod).order_by(col(m.PlanningPeriod.start_date))))


# --- the index: periods, scenarios, sweeps; a new scenario ---


@router.get("", response_class=HTMLResponse)
def planner_page(
    request: Request, session: SessionDep, _user: PlannerUser, period_id: int | None = None
) -> Response:
    return _render_index(request, session, period_id, {}, FormErrors())


def _render_index(
    request: Request,
    session: Session,
    period_id: int | None,
    values: dict[str, Any],
    errors: FormErrors,
    status: int = 200,
) -> Response:
    periods = _periods(session)
    if period_id is None and periods:
        period_id = periods[-1].id
    scenarios = list_scenarios(session=session, period_id=period_id) if period_id else []
    rows = [(s, get_result(session=session, scenario_id=s.id or 0)) for s in scenarios]
    return templates.TemplateResponse(
        request=request,
        name="planner/index.html",
        context={
            "periods": periods,
            "period_id": period_id,
            "scenarios": [(s, r) for s, r in rows if s.sweep_id is None],
            "counts": {s.id: len(json.loads(s.changes_json)) for s in scenarios},
            "sweeps": list_sweeps(session=session, period_id=period_id) if period_id else [],
            "fields": SCENARIO_FIELDS,
            "values": values,
            "errors": errors,
        },
        status_code=status,
    )


@router.post("/scenarios", response_class=HTMLResponse, dependencies=unsafe)
def planner_create_scenario(
    request: Request, session: SessionDep, _user: PlannerUser, form: FormDep
) -> Response:
    values = form_values(form)
    period_id = _int(values.get("period_id"))
    try:
        if period_id is None:
            raise FieldError("period_id", "choose a planning period")
        scenario_in = m.ScenarioCreate(
            name=values.get("name") or "",
            period_id=period_id,
            description=values.get("description") or "",
        )
        row = create_scenario(session=session, scenario_in=scenario_in)
    except (ValidationError, FieldError) as exc:
        session.rollback()
        return _render_index(request, session, period_id, values, FormErrors.of(exc), 422)
    session.commit()
    return _redirect(f"/planner/scenarios/{row.id}")


def _int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


# --- one scenario: its changes, run, copy, delete ---


@router.get("/scenarios/{scenario_id}", response_class=HTMLResponse)
def planner_scenario_page(
    request: Request, scenario_id: int, session: SessionDep, _user: PlannerUser
) -> Response:
    return _render_scenario(request, session, scenario_id, FormErrors())


def _render_scenario(
    request: Request,
    session: Session,
    scenario_id: int,
    errors: FormErrors,
    status: int = 200,
    open_kind: str | None = None,
) -> Response:
    scenario = get_scenario(session=session, scenario_id=scenario_id)
    result = get_result(session=session, scenario_id=scenario_id)
    kpis = None
    if result is not None and result.kpis_json not in ("", "{}"):
        kpis = ScenarioKpis.from_dict(json.loads(result.kpis_json))
    running = result is not None and result.status == RUNNING
    return templates.TemplateResponse(
        request=request,
        name="planner/scenario.html",
        context={
            "scenario": scenario,
            "period": session.get(m.PlanningPeriod, scenario.period_id),
            "changes": [describe(c) for c in scenario_changes(scenario)],
            "result": result,
            "kpis": kpis,
            "bands": BANDS,
            "running": running,
            "live": running and is_running(scenario_id),
            "forms": change_forms(session),
            "open_kind": open_kind,
            "run_fields": RUN_FIELDS,
            "run_values": {"time_limit": "10", "workers": "2"},
            "errors": errors,
        },
        status_code=status,
    )


@router.post("/scenarios/{scenario_id}/changes", response_class=HTMLResponse, dependencies=unsafe)
def planner_add_change(
    request: Request, scenario_id: int, session: SessionDep, _user: PlannerUser, form: FormDep
) -> Response:
    forms = change_forms(session)
    try:
        for change in changes_from_form(form, forms):
            add_change(session=session, scenario_id=scenario_id, change=change)
    except FieldError as exc:
        session.rollback()
        kind = str(form.get("kind", ""))
        return _render_scenario(request, session, scenario_id, FormErrors.of(exc), 422, kind)
    session.commit()
    return _redirect(f"/planner/scenarios/{scenario_id}")


@router.post(
    "/scenarios/{scenario_id}/changes/{index}/delete",
    response_class=HTMLResponse,
    dependencies=unsafe,
)
def planner_remove_change(
    scenario_id: int, index: int, session: SessionDep, _user: PlannerUser
) -> Response:
    remove_change(session=session, scenario_id=scenario_id, index=index)
    session.commit()
    return _redirect(f"/planner/scenarios/{scenario_id}")


@router.post("/scenarios/{scenario_id}/run", response_class=HTMLResponse, dependencies=unsafe)
def planner_run_scenario(
    request: Request,
    scenario_id: int,
    session: SessionDep,
    settings: SettingsDep,
    _user: PlannerUser,
    form: FormDep,
) -> Response:
    """Start the solve in the background; the scenario page follows it."""
    get_scenario(session=session, scenario_id=scenario_id)
    try:
        options = RunForm.model_validate(
            {k: v for k, v in form_values(form).items() if v is not None}
        ).options()
    except ValidationError as exc:
        return _render_scenario(request, session, scenario_id, FormErrors.of(exc), 422)
    session.close()  # the run writes through its own sessions
    start_scenario_run(database_url=settings.database_url, scenario_id=scenario_id, options=options)
    return _redirect(f"/planner/scenarios/{scenario_id}")


@router.post("/scenarios/{scenario_id}/copy", response_class=HTMLResponse, dependencies=unsafe)
def planner_copy_scenario(
    request: Request, scenario_id: int, session: SessionDep, _user: PlannerUser, form: FormDep
) -> Response:
    name = str(form.get("name", "")).strip()
    try:
        if not name:
            raise FieldError("name", "give the copy a name")
        row = copy_scenario(session=session, scenario_id=scenario_id, name=name)
    except FieldError as exc:
        session.rollback()
        return _render_scenario(request, session, scenario_id, FormErrors.of(exc), 422)
    session.commit()
    return _redirect(f"/planner/scenarios/{row.id}")


@router.post("/scenarios/{scenario_id}/delete", response_class=HTMLResponse, dependencies=unsafe)
def planner_delete_scenario(scenario_id: int, session: SessionDep, _user: PlannerUser) -> Response:
    period_id = get_scenario(session=session, scenario_id=scenario_id).period_id
    delete_scenario(session=session, scenario_id=scenario_id)
    session.commit()
    return _redirect(f"/planner?period_id={period_id}")


# --- comparison, charts, exports ---


@router.get("/compare", response_class=HTMLResponse)
def planner_compare_page(
    request: Request,
    session: SessionDep,
    _user: PlannerUser,
    ids: list[int] = Query(default=[]),
) -> Response:
    comparison = compare_scenarios(session=session, scenario_ids=ids)
    session.commit()  # the period's baseline scenario may have been made just now
    return templates.TemplateResponse(
        request=request,
        name="planner/compare.html",
        context={
            "comparison": comparison,
            "ids": ids,
            "bands": BANDS,
            "query": "&".join(f"ids={i}" for i in ids),
            "coverage_json": coverage_figure_json(comparison),
            "bands_json": sparse_bands_figure_json(comparison),
            "urgent_json": urgent_figure_json(comparison),
        },
    )


@router.get("/compare.csv")
def planner_compare_csv(
    session: SessionDep, _user: PlannerUser, ids: list[int] = Query(default=[])
) -> Response:
    comparison = compare_scenarios(session=session, scenario_ids=ids)
    return Response(
        comparison_csv(comparison).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="scenarios.csv"'},
    )


@router.get("/compare.xlsx")
def planner_compare_xlsx(
    session: SessionDep, _user: PlannerUser, ids: list[int] = Query(default=[])
) -> Response:
    comparison = compare_scenarios(session=session, scenario_ids=ids)
    return Response(
        comparison_xlsx(comparison),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": 'attachment; filename="scenarios.xlsx"'},
    )


# --- sweeps ---


@router.get("/sweeps/{sweep_id}", response_class=HTMLResponse)
def planner_sweep_page(
    request: Request, sweep_id: int, session: SessionDep, _user: PlannerUser
) -> Response:
    sweep = get_sweep(session=session, sweep_id=sweep_id)
    scenarios = list_scenarios(session=session, sweep_id=sweep_id)
    return templates.TemplateResponse(
        request=request,
        name="planner/sweep.html",
        context={
            "sweep": sweep,
            "progress": sweep_progress(session=session, sweep_id=sweep_id),
            "rows": [(s, get_result(session=session, scenario_id=s.id or 0)) for s in scenarios],
            "query": "&".join(f"ids={s.id}" for s in scenarios),
        },
    )


@router.post("/sweeps/{sweep_id}/cancel", response_class=HTMLResponse, dependencies=unsafe)
def planner_cancel_sweep(sweep_id: int, session: SessionDep, _user: PlannerUser) -> Response:
    cancel_sweep(session=session, sweep_id=sweep_id)
    return _redirect(f"/planner/sweeps/{sweep_id}")


@router.post("/sweeps/{sweep_id}/run", response_class=HTMLResponse, dependencies=unsafe)
def planner_run_sweep(
    sweep_id: int, session: SessionDep, settings: SettingsDep, _user: PlannerUser
) -> Response:
    """Run (or resume) the sweep in a driver process of its own."""
    sweep = get_sweep(session=session, sweep_id=sweep_id)
    if sweep.status == m.SweepStatus.RUNNING:
        raise Conflict(f"sweep {sweep.name!r} is running already")
    spawn_sweep_driver(sweep_id=sweep_id, database_url=settings.database_url)
    return _redirect(f"/planner/sweeps/{sweep_id}")


# --- licence recommendations ---


@router.get("/recommend", response_class=HTMLResponse)
def planner_recommend_page(
    request: Request,
    session: SessionDep,
    _user: PlannerUser,
    period_id: int | None = None,
    budget: int | None = None,
) -> Response:
    advice, error = None, None
    if period_id is not None and budget is not None:
        try:
            if not 0 <= budget <= 50:
                raise FieldError("budget", "between 0 and 50 grants")
            problem = load_baseline(session=session, period_id=period_id).input.problem
            advice = recommend_licences(problem, budget, time_limit=10.0, num_workers=2)
        except (FieldError, RecommendError) as exc:
            error = str(exc)
    return templates.TemplateResponse(
        request=request,
        name="planner/recommend.html",
        context={
            "periods": _periods(session),
            "period_id": period_id,
            "budget": budget if budget is not None else 3,
            "advice": advice,
            "error": error,
        },
        status_code=422 if error else 200,
    )


# --- the coverage register ---


def _published(session: Session) -> list[tuple[m.Roster, m.PlanningPeriod]]:
    rows = session.exec(
        select(m.Roster, m.PlanningPeriod)
        .where(m.Roster.status == m.RosterStatus.PUBLISHED)
        .where(m.Roster.period_id == m.PlanningPeriod.id)
        .order_by(col(m.Roster.published_at).desc())
    ).all()
    return [(roster, period) for roster, period in rows]


@router.get("/register", response_class=HTMLResponse)
def planner_register_page(
    request: Request,
    session: SessionDep,
    _user: PlannerUser,
    roster_id: int | None = None,
    site_id: int | None = None,
    date: dt.date | None = None,
) -> Response:
    published = _published(session)
    if roster_id is None and published:
        roster_id = published[0][0].id
    register = None
    if roster_id is not None:
        sites = list(session.exec(select(m.Site).order_by(col(m.Site.code))))
        site_id = site_id or (sites[0].id if sites else None)
        roster = session.get(m.Roster, roster_id)
        period = session.get(m.PlanningPeriod, roster.period_id) if roster else None
        date = date or (period.start_date if period else None)
        register = coverage_register(
            session=session, roster_id=roster_id, site_id=site_id, date=date
        )
    return templates.TemplateResponse(
        request=request,
        name="planner/register.html",
        context={
            "published": published,
            "roster_id": roster_id,
            "site_id": site_id,
            "date": date,
            "register": register,
        },
    )


@router.get("/register.csv")
def planner_register_csv(
    session: SessionDep, _user: PlannerUser, roster_id: int, site_id: int | None = None
) -> Response:
    register = coverage_register(session=session, roster_id=roster_id, site_id=site_id)
    return Response(
        register_csv(register).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="coverage-register-{roster_id}.csv"'
        },
    )
