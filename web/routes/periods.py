"""Planning period pages: the list, and one period's status, availability, demand and Solve."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from scheduler.jobs.service import submit_solve
from scheduler.services.periods import list_periods, period_summary
from scheduler.services.scope import RegionScope
from web.deps import CsrfProtected, ManagerUser, SessionDep
from web.routes.forms import FieldSpec, FormDep, FormErrors, form_values, parse
from web.routes.schemas import SolveRequest
from web.routes.scoping import ManagerScope
from web.templating import templates

router = APIRouter(tags=["period pages"], include_in_schema=False)

SOLVE_FIELDS = (
    FieldSpec("max_time_in_seconds", "Time limit (seconds)", kind="number", required=True),
    FieldSpec(
        "num_workers", "Search workers", kind="number", required=True, hint="CP-SAT portfolio size"
    ),
)


def solve_defaults() -> dict[str, Any]:
    defaults = SolveRequest()
    return {
        "max_time_in_seconds": f"{defaults.max_time_in_seconds:g}",
        "num_workers": str(defaults.num_workers),
    }


@router.get("/periods", response_class=HTMLResponse)
def periods_page(request: Request, session: SessionDep, _user: ManagerUser) -> Response:
    return templates.TemplateResponse(
        request=request,
        name="manager/periods.html",
        context={"periods": list_periods(session=session)},
    )


@router.get("/periods/{period_id}", response_class=HTMLResponse)
def period_page(
    request: Request, period_id: int, session: SessionDep, scope: ManagerScope
) -> Response:
    return render_period(request, session, scope, period_id, solve_defaults(), FormErrors())


@router.post(
    "/periods/{period_id}/solve", response_class=HTMLResponse, dependencies=[CsrfProtected]
)
def solve_period_form(
    request: Request, period_id: int, session: SessionDep, scope: ManagerScope, form: FormDep
) -> Response:
    """Queue a solve job and show its progress; the request itself never solves."""
    values = form_values(form)
    try:
        options = parse(SolveRequest, values).options()
    except ValidationError as exc:
        return render_period(request, session, scope, period_id, values, FormErrors.of(exc), 422)
    job = submit_solve(session=session, period_id=period_id, options=options)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


def render_period(
    request: Request,
    session: Session,
    scope: RegionScope,
    period_id: int,
    values: dict[str, Any],
    errors: FormErrors,
    status: int = 200,
) -> Response:
    return templates.TemplateResponse(
        request=request,
        name="manager/period.html",
        context={
            "summary": period_summary(session=session, period_id=period_id, scope=scope),
            "solve_fields": SOLVE_FIELDS,
            "values": values,
            "errors": errors,
        },
        status_code=status,
    )
