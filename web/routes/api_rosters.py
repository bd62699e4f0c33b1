"""JSON API of roster versions: grid, validation, cell edits, re-solve, publish, diff, coverage,
exports."""

import datetime as dt

from fastapi import APIRouter, Response

from scheduler import models as m
from scheduler.exports.files import ExportFormat, export_roster
from scheduler.services.coverage import roster_coverage
from scheduler.services.diff import diff_rosters
from scheduler.services.periods import get_period, list_rosters
from scheduler.services.publish import publish_roster
from scheduler.services.roster_edit import CellEdit, edit_cell, resolve_roster
from scheduler.services.roster_grid import get_roster_row, roster_grid
from scheduler.services.roster_versions import check_roster
from web.deps import CsrfProtected, SessionDep
from web.routes.schemas import (
    CellEditIn,
    CoverageOut,
    DiffOut,
    EditOut,
    GridOut,
    PublishIn,
    ResolveIn,
    ValidationOut,
    ViolationOut,
)
from web.routes.scoping import ManagerScope

router = APIRouter(prefix="/api", tags=["rosters"])
unsafe = [CsrfProtected]


@router.get("/periods/{period_id}/rosters", response_model=list[m.RosterPublic])
def api_list_rosters(period_id: int, session: SessionDep, _scope: ManagerScope) -> list[m.Roster]:
    get_period(session=session, period_id=period_id)
    return list_rosters(session=session, period_id=period_id)


@router.get("/rosters/{roster_id}", response_model=GridOut)
def api_roster_grid(
    roster_id: int,
    session: SessionDep,
    scope: ManagerScope,
    region_id: int | None = None,
    subspecialty_id: int | None = None,
) -> GridOut:
    """Radiologists x days; each cell the shifts worked (kind, region, lock)."""
    grid = roster_grid(
        session=session,
        roster_id=roster_id,
        scope=scope,
        region_id=region_id,
        subspecialty_id=subspecialty_id,
    )
    return GridOut.of(grid)


@router.get("/rosters/{roster_id}/validation", response_model=ValidationOut)
def api_validate_roster(roster_id: int, session: SessionDep, _scope: ManagerScope) -> ValidationOut:
    """Every hard rule the version breaks, against the data as stored now, and its objective."""
    roster = get_roster_row(session=session, roster_id=roster_id)
    return ValidationOut.of(roster, check_roster(session=session, roster_id=roster_id).report)


@router.put(
    "/rosters/{roster_id}/cells/{radiologist_id}/{date}",
    response_model=EditOut,
    dependencies=unsafe,
)
def api_edit_cell(
    roster_id: int,
    radiologist_id: int,
    date: dt.date,
    body: CellEditIn,
    session: SessionDep,
    scope: ManagerScope,
) -> EditOut:
    """Set or lock a cell. A draft changes in place, a published version gives a new draft;
    a stale ``lock_version`` is refused with 409."""
    edit = CellEdit(
        radiologist_id=radiologist_id,
        date=date,
        template_id=body.template_id,
        region_id=body.region_id,
        locked=body.locked,
    )
    outcome = edit_cell(
        session=session,
        scope=scope,
        roster_id=roster_id,
        edit=edit,
        lock_version=body.lock_version,
    )
    base = ValidationOut.of(outcome.roster, outcome.report)
    return EditOut(
        **base.model_dump(),
        new_version=outcome.new_version,
        cell_violations=[ViolationOut.of(v) for v in outcome.cell_violations],
    )


@router.post(
    "/rosters/{roster_id}/resolve",
    response_model=m.SolveJobPublic,
    status_code=202,
    dependencies=unsafe,
)
def api_resolve_roster(
    roster_id: int, session: SessionDep, _scope: ManagerScope, body: ResolveIn | None = None
) -> m.SolveJob:
    """Queue a re-solve keeping the locked cells and moving as little as possible."""
    options = (body or ResolveIn()).options()
    return resolve_roster(session=session, roster_id=roster_id, options=options)


@router.post("/rosters/{roster_id}/publish", response_model=ValidationOut, dependencies=unsafe)
def api_publish_roster(
    roster_id: int, body: PublishIn, session: SessionDep, _scope: ManagerScope
) -> ValidationOut:
    """Freeze the version. Hard-rule violations need ``override_reason`` (422 without)."""
    outcome = publish_roster(
        session=session,
        roster_id=roster_id,
        lock_version=body.lock_version,
        override_reason=body.override_reason,
    )
    return ValidationOut.of(outcome.roster, outcome.report)


@router.get("/rosters/{roster_id}/diff", response_model=DiffOut)
def api_diff_rosters(
    roster_id: int, against: int, session: SessionDep, scope: ManagerScope
) -> DiffOut:
    """What changed from version ``against`` (a roster id) to this one."""
    return DiffOut.of(diff_rosters(session=session, old_id=against, new_id=roster_id, scope=scope))


@router.get("/rosters/{roster_id}/coverage", response_model=CoverageOut)
def api_roster_coverage(roster_id: int, session: SessionDep, scope: ManagerScope) -> CoverageOut:
    return CoverageOut.of(roster_coverage(session=session, roster_id=roster_id, scope=scope))


@router.get(
    "/rosters/{roster_id}/export.{fmt}",
    response_class=Response,
    response_model=None,
    responses={
        200: {
            "description": "The roster as CSV, Excel or iCalendar",
            "content": {"text/csv": {}, "text/calendar": {}, "application/octet-stream": {}},
        }
    },
)
def api_export_roster(
    roster_id: int, fmt: ExportFormat, session: SessionDep, scope: ManagerScope
) -> Response:
    exported = export_roster(session=session, roster_id=roster_id, scope=scope, fmt=fmt)
    return Response(
        content=exported.content,
        media_type=exported.media_type,
        headers={"Content-Disposition": f'attachment; filename="{exported.filename}"'},
    )
