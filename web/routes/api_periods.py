"""JSON API of planning periods and their solve jobs."""

from fastapi import APIRouter

from scheduler import models as m
from scheduler.jobs.service import get_job, list_jobs, request_cancel, submit_solve
from scheduler.services.periods import get_period, list_periods, period_summary
from web.deps import CsrfProtected, ManagerUser, SessionDep
from web.routes.schemas import PeriodOut, SolveRequest
from web.routes.scoping import ManagerScope

router = APIRouter(prefix="/api", tags=["periods and jobs"])
unsafe = [CsrfProtected]


@router.get("/periods", response_model=list[m.PlanningPeriodPublic])
def api_list_periods(session: SessionDep, _user: ManagerUser) -> list[m.PlanningPeriod]:
    return list_periods(session=session)


@router.get("/periods/{period_id}", response_model=PeriodOut)
def api_get_period(period_id: int, session: SessionDep, scope: ManagerScope) -> PeriodOut:
    """Status, who has not entered availability, demand by region x subspecialty, versions,
    recent jobs."""
    return PeriodOut.of(period_summary(session=session, period_id=period_id, scope=scope))


@router.post(
    "/periods/{period_id}/solve",
    response_model=m.SolveJobPublic,
    status_code=202,
    dependencies=unsafe,
)
def api_solve_period(
    period_id: int, session: SessionDep, _user: ManagerUser, body: SolveRequest | None = None
) -> m.SolveJob:
    """Queue a solve; poll ``GET /api/jobs/{id}`` for progress. Never solves in the request."""
    get_period(session=session, period_id=period_id)
    options = (body or SolveRequest()).options()
    return submit_solve(session=session, period_id=period_id, options=options)


@router.get("/periods/{period_id}/jobs", response_model=list[m.SolveJobPublic])
def api_list_period_jobs(
    period_id: int, session: SessionDep, _user: ManagerUser
) -> list[m.SolveJob]:
    get_period(session=session, period_id=period_id)
    return list_jobs(session=session, period_id=period_id)


@router.get("/jobs/{job_id}", response_model=m.SolveJobPublic)
def api_get_job(job_id: int, session: SessionDep, _user: ManagerUser) -> m.SolveJob:
    """Status, progress, objective and bound of a solve job (the progress page polls this)."""
    return get_job(session=session, job_id=job_id)


@router.post("/jobs/{job_id}/cancel", response_model=m.SolveJobPublic, dependencies=unsafe)
def api_cancel_job(job_id: int, session: SessionDep, _user: ManagerUser) -> m.SolveJob:
    return request_cancel(session=session, job_id=job_id)
