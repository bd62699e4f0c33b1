"""The solve job page: live progress (polled from the JSON API by static/progress.js), cancel."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from scheduler.jobs.service import get_job, request_cancel
from scheduler.services.periods import get_period
from web.deps import CsrfProtected, ManagerUser, SessionDep
from web.templating import templates

router = APIRouter(tags=["job pages"], include_in_schema=False)


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, job_id: int, session: SessionDep, _user: ManagerUser) -> Response:
    job = get_job(session=session, job_id=job_id)
    return templates.TemplateResponse(
        request=request,
        name="manager/job.html",
        context={"job": job, "period": get_period(session=session, period_id=job.period_id)},
    )


@router.post("/jobs/{job_id}/cancel", dependencies=[CsrfProtected])
def cancel_job_form(job_id: int, session: SessionDep, _user: ManagerUser) -> Response:
    request_cancel(session=session, job_id=job_id)
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)
