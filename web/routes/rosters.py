"""Roster pages: the grid, editing and locking a cell, re-solve, publish, version diff."""

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from scheduler import models as m
from scheduler.services.catalogue import get_row, list_subspecialties
from scheduler.services.diff import diff_rosters
from scheduler.services.errors import FieldError, StaleVersion
from scheduler.services.overview import list_regions
from scheduler.services.periods import list_rosters
from scheduler.services.publish import publish_roster
from scheduler.services.radiologists import get_radiologist
from scheduler.services.roster_edit import CellEdit, edit_cell, resolve_roster
from scheduler.services.roster_grid import get_roster_row, roster_grid, shift_options
from scheduler.services.roster_versions import check_roster
from scheduler.services.scope import RegionScope
from web.deps import CsrfProtected, SessionDep
from web.routes.forms import FormDep, FormErrors, form_values, parse
from web.routes.periods import SOLVE_FIELDS, solve_defaults
from web.routes.schemas import ResolveIn
from web.routes.scoping import ManagerScope
from web.templating import templates

router = APIRouter(tags=["roster pages"], include_in_schema=False)
unsafe = [CsrfProtected]


@router.get("/rosters/{roster_id}", response_class=HTMLResponse)
def roster_page(
    request: Request,
    roster_id: int,
    session: SessionDep,
    scope: ManagerScope,
    region_id: int | None = None,
    subspecialty_id: int | None = None,
    check: bool = False,
    edited: str | None = None,
) -> Response:
    """The grid; ``check`` runs the validator and marks the cells that break a rule."""
    grid = roster_grid(
        session=session,
        roster_id=roster_id,
        scope=scope,
        region_id=region_id,
        subspecialty_id=subspecialty_id,
    )
    report = check_roster(session=session, roster_id=roster_id).report if check else None
    flagged: set[tuple[str, int]] = set()
    if report is not None:
        flagged = {
            (v.radiologist, v.day)
            for v in report.violations
            if v.radiologist is not None and v.day is not None
        }
    return templates.TemplateResponse(
        request=request,
        name="manager/roster.html",
        context={
            "grid": grid,
            "iso_dates": [date.isoformat() for date in grid.dates],
            "versions": list_rosters(session=session, period_id=grid.period.id or 0),
            "regions": [r for r in list_regions(session=session) if scope.allows(r.id)],
            "subspecialties": list_subspecialties(session=session),
            "region_id": region_id,
            "subspecialty_id": subspecialty_id,
            "report": report,
            "flagged": flagged,
            "edited": edited,
            "solve_fields": SOLVE_FIELDS,
            "solve_values": solve_defaults(),
            "errors": FormErrors(),
        },
    )


@router.get("/rosters/{roster_id}/cells/{radiologist_id}/{date}", response_class=HTMLResponse)
def cell_page(
    request: Request,
    roster_id: int,
    radiologist_id: int,
    date: dt.date,
    session: SessionDep,
    scope: ManagerScope,
) -> Response:
    return _cell_form(request, session, scope, roster_id, radiologist_id, date, None, FormErrors())


@router.post(
    "/rosters/{roster_id}/cells/{radiologist_id}/{date}",
    response_class=HTMLResponse,
    dependencies=unsafe,
)
def edit_cell_form(
    request: Request,
    roster_id: int,
    radiologist_id: int,
    date: dt.date,
    session: SessionDep,
    scope: ManagerScope,
    form: FormDep,
) -> Response:
    """Set or lock the cell, then show the grid with the validator's findings."""
    values = form_values(form, checkboxes=["locked"])
    try:
        template_id, region_id = _shift_choice(values.get("shift"))
        outcome = edit_cell(
            session=session,
            scope=scope,
            roster_id=roster_id,
            edit=CellEdit(radiologist_id, date, template_id, region_id, bool(values["locked"])),
            lock_version=_lock_version(form.get("lock_version")),
        )
    except FieldError as exc:
        session.rollback()
        errors = FormErrors.of(exc)
        return _cell_form(
            request, session, scope, roster_id, radiologist_id, date, values, errors, 422
        )
    except StaleVersion as exc:
        errors = FormErrors({"__all__": str(exc)})
        return _cell_form(
            request, session, scope, roster_id, radiologist_id, date, None, errors, 409
        )
    target = f"/rosters/{outcome.roster.id}?check=true&edited={radiologist_id}:{date.isoformat()}"
    return RedirectResponse(f"{target}#row-{radiologist_id}", status_code=303)


def _shift_choice(value: Any) -> tuple[int | None, int | None]:
    """The select's "template:region" value; blank for a day off."""
    if not value:
        return None, None
    template, _, region = str(value).partition(":")
    if not template.isdigit() or (region and not region.isdigit()):
        raise FieldError("shift", f"{value!r} is not one of the shifts offered")
    return int(template), int(region) if region else None


def _lock_version(value: Any) -> int:
    if not isinstance(value, str) or not value.isdigit():
        raise FieldError("lock_version", "missing: reload the page and try again")
    return int(value)


def _cell_form(
    request: Request,
    session: Session,
    scope: RegionScope,
    roster_id: int,
    radiologist_id: int,
    date: dt.date,
    values: dict[str, Any] | None,
    errors: FormErrors,
    status: int = 200,
) -> Response:
    roster = get_roster_row(session=session, roster_id=roster_id)
    reader = get_radiologist(session=session, scope=scope, radiologist_id=radiologist_id)
    grid = roster_grid(session=session, roster_id=roster_id, scope=scope)
    day = (date - grid.period.start_date).days
    row = next((r for r in grid.rows if r.radiologist.id == radiologist_id), None)
    cell = row.cells[day] if row is not None and 0 <= day < len(grid.dates) else ()
    if values is None:
        current = cell[0] if cell else None
        values = {
            "shift": f"{current.template_id}:{current.region_id or ''}" if current else "",
            "locked": any(s.locked for s in cell),
        }
    return templates.TemplateResponse(
        request=request,
        name="manager/cell.html",
        context={
            "roster": roster,
            "period": grid.period,
            "reader": reader,
            "date": date,
            "cell": cell,
            "options": shift_options(session=session, date=date, scope=scope),
            "values": values,
            "errors": errors,
        },
        status_code=status,
    )


@router.post("/rosters/{roster_id}/resolve", response_class=HTMLResponse, dependencies=unsafe)
def resolve_roster_form(
    request: Request, roster_id: int, session: SessionDep, _scope: ManagerScope, form: FormDep
) -> Response:
    """Queue a re-solve that keeps locked cells and moves as little as it can."""
    try:
        options = parse(ResolveIn, form_values(form)).options()
    except ValidationError as exc:
        return templates.TemplateResponse(
            request=request,
            name="manager/error.html",
            context={"status": 422, "message": "; ".join(FormErrors.of(exc).values())},
            status_code=422,
        )
    get_roster_row(session=session, roster_id=roster_id)
    job = resolve_roster(session=session, roster_id=roster_id, options=options)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.get("/rosters/{roster_id}/publish", response_class=HTMLResponse)
def publish_page(
    request: Request, roster_id: int, session: SessionDep, _scope: ManagerScope
) -> Response:
    return _publish_form(request, session, roster_id, {}, FormErrors())


@router.post("/rosters/{roster_id}/publish", response_class=HTMLResponse, dependencies=unsafe)
def publish_form(
    request: Request, roster_id: int, session: SessionDep, _scope: ManagerScope, form: FormDep
) -> Response:
    values = form_values(form)
    try:
        publish_roster(
            session=session,
            roster_id=roster_id,
            lock_version=_lock_version(form.get("lock_version")),
            override_reason=values.get("override_reason"),
        )
    except FieldError as exc:
        session.rollback()
        return _publish_form(request, session, roster_id, values, FormErrors.of(exc), 422)
    return RedirectResponse(f"/rosters/{roster_id}?published=1", status_code=303)


def _publish_form(
    request: Request,
    session: Session,
    roster_id: int,
    values: dict[str, Any],
    errors: FormErrors,
    status: int = 200,
) -> Response:
    roster = get_roster_row(session=session, roster_id=roster_id)
    return templates.TemplateResponse(
        request=request,
        name="manager/publish.html",
        context={
            "roster": roster,
            "period": get_row(session, m.PlanningPeriod, roster.period_id),
            "report": check_roster(session=session, roster_id=roster_id).report,
            "values": values,
            "errors": errors,
        },
        status_code=status,
    )


@router.get("/rosters/{roster_id}/diff", response_class=HTMLResponse)
def diff_page(
    request: Request,
    roster_id: int,
    session: SessionDep,
    scope: ManagerScope,
    against: int | None = None,
) -> Response:
    """What moved since another version (by default the one before)."""
    roster = get_roster_row(session=session, roster_id=roster_id)
    versions = list_rosters(session=session, period_id=roster.period_id)
    if against is None:
        older = [v for v in versions if v.version < roster.version]
        against = older[0].id if older else None
    diff = (
        diff_rosters(session=session, old_id=against, new_id=roster_id, scope=scope)
        if against is not None
        else None
    )
    return templates.TemplateResponse(
        request=request,
        name="manager/diff.html",
        context={"roster": roster, "versions": versions, "diff": diff, "against": against},
    )
