"""My schedule: a radiologist's published shifts, and their personal calendar-feed link."""

import datetime as dt
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session

from scheduler.models import Role, User, utc_now
from scheduler.services.access import is_self, manager_can_radiologist
from scheduler.services.availability import unread_notices
from scheduler.services.my_schedule import (
    ScheduledShift,
    active_calendar_token,
    issue_calendar_token,
    published_shifts,
    revoke_calendar_tokens,
)
from web.deps import CsrfProtected, CurrentUser, RadiologistUser, SessionDep
from web.templating import templates

router = APIRouter(tags=["my schedule"])

PAST_DAYS_SHOWN = 7  # last week stays visible, for checking what was worked


def _page(
    request: Request, session: Session, user: User, *, feed_url: str | None, show_all: bool
) -> HTMLResponse:
    assert user.radiologist_id is not None
    since = None if show_all else utc_now().date() - dt.timedelta(days=PAST_DAYS_SHOWN)
    shifts = published_shifts(session=session, radiologist_id=user.radiologist_id, since=since)
    return templates.TemplateResponse(
        request=request,
        name="radiologist/schedule.html",
        context={
            "shifts": shifts,
            "show_all": show_all,
            "today": utc_now().date(),
            "feed_url": feed_url,
            "token": active_calendar_token(session=session, radiologist_id=user.radiologist_id),
            "notices": unread_notices(session=session, radiologist_id=user.radiologist_id),
        },
    )


@router.get("/me/schedule", response_class=HTMLResponse)
def my_schedule_page(
    request: Request, session: SessionDep, user: RadiologistUser, all: int = 0
) -> HTMLResponse:
    return _page(request, session, user, feed_url=None, show_all=bool(all))


@router.post("/me/calendar-token", dependencies=[CsrfProtected], response_class=HTMLResponse)
def regenerate_calendar_token(
    request: Request, session: SessionDep, user: RadiologistUser
) -> HTMLResponse:
    """A new feed link; the old one stops working. The link is shown this once."""
    assert user.radiologist_id is not None
    token = issue_calendar_token(session=session, radiologist_id=user.radiologist_id)
    session.commit()
    feed_url = str(request.url_for("calendar_feed", token=token))
    return _page(request, session, user, feed_url=feed_url, show_all=False)


@router.post("/me/calendar-token/revoke", dependencies=[CsrfProtected])
def revoke_calendar_token(session: SessionDep, user: RadiologistUser) -> RedirectResponse:
    assert user.radiologist_id is not None
    revoke_calendar_tokens(session=session, radiologist_id=user.radiologist_id)
    session.commit()
    return RedirectResponse("/me/schedule", status_code=303)


def shift_json(shift: ScheduledShift) -> dict[str, Any]:
    return {
        "assignment_id": shift.assignment_id,
        "uid": shift.uid,
        "period_id": shift.period_id,
        "roster_version": shift.roster_version,
        "radiologist_id": shift.radiologist_id,
        "date": shift.date.isoformat(),
        "template": shift.template_code,
        "name": shift.template_name,
        "kind": shift.kind.value,
        "on_call": shift.on_call,
        "region": shift.region_code,
        "time_zone": shift.time_zone,
        "start_utc": shift.start.isoformat(),
        "end_utc": shift.end.isoformat(),
        "start_local": shift.local_start.isoformat(),
        "end_local": shift.local_end.isoformat(),
    }


@router.get("/api/radiologists/{radiologist_id}/schedule")
def radiologist_schedule(
    session: SessionDep, user: CurrentUser, radiologist_id: int
) -> list[dict[str, Any]]:
    """Published shifts of one radiologist: themselves, or a manager of their regions."""
    allowed = is_self(user, radiologist_id) or (
        user.role in (Role.MANAGER, Role.ADMIN)
        and manager_can_radiologist(session=session, user=user, radiologist_id=radiologist_id)
    )
    if not allowed:
        raise HTTPException(status_code=403, detail="You may not see this radiologist's schedule")
    return [shift_json(s) for s in published_shifts(session=session, radiologist_id=radiologist_id)]


@router.get("/api/me/schedule")
def my_schedule_json(session: SessionDep, user: RadiologistUser) -> list[dict[str, Any]]:
    assert user.radiologist_id is not None  # None would mean everyone's shifts
    return [
        shift_json(s) for s in published_shifts(session=session, radiologist_id=user.radiologist_id)
    ]
