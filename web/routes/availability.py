"""Availability: the radiologist's month calendar, the manager's who-has-not-submitted list, and
the JSON API both use.

A radiologist reaches only their own calendar (another's id gives 403); a manager reaches the
radiologists of their regions and may edit after the deadline.
"""

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field
from sqlmodel import Session

from scheduler.models import (
    AvailabilityEntry,
    AvailabilityKind,
    PlanningPeriod,
    Radiologist,
    Role,
    ShiftKind,
    User,
)
from scheduler.services.access import is_self, managed_radiologist_ids, manager_can_radiologist
from scheduler.services.availability import (
    AvailabilityError,
    AvailabilityLocked,
    DayChoice,
    dismiss_notice,
    entries_for,
    lock_reason,
    open_periods,
    period_dates,
    save_availability,
    send_reminders,
    submission_of,
    submission_statuses,
    unread_notices,
)
from web.deps import CsrfProtected, CurrentUser, ManagerUser, RadiologistUser, SessionDep
from web.templating import templates

router = APIRouter(tags=["availability"])

KIND_LABELS = {
    AvailabilityKind.UNAVAILABLE: "Unavailable",
    AvailabilityKind.LEAVE: "Leave",
    AvailabilityKind.PREFER: "Prefer to work",
    AvailabilityKind.AVOID: "Rather not",
}
SHIFT_KIND_LABELS = {
    ShiftKind.DAY: "day shifts",
    ShiftKind.EVENING: "evening shifts",
    ShiftKind.NIGHT: "night shifts",
    ShiftKind.WEEKEND: "weekend shifts",
    ShiftKind.ON_CALL: "on-call",
}


# --- Who may read and write whose availability ---


@dataclass(frozen=True)
class Access:
    period: PlanningPeriod
    radiologist: Radiologist
    enforce_deadline: bool  # radiologists: yes; managers correcting: no


def _access(session: Session, user: User, period_id: int, radiologist_id: int) -> Access:
    period = session.get(PlanningPeriod, period_id)
    if period is None:
        raise HTTPException(status_code=404, detail=f"planning period {period_id} not found")
    if is_self(user, radiologist_id):
        enforce = True
    elif user.role in (Role.MANAGER, Role.ADMIN) and manager_can_radiologist(
        session=session, user=user, radiologist_id=radiologist_id
    ):
        enforce = False
    else:
        raise HTTPException(
            status_code=403, detail="You may not see this radiologist's availability"
        )
    radiologist = session.get(Radiologist, radiologist_id)
    if radiologist is None:
        raise HTTPException(status_code=404, detail=f"radiologist {radiologist_id} not found")
    return Access(period, radiologist, enforce)


def _save(session: Session, access: Access, choices: list[DayChoice]) -> None:
    assert access.radiologist.id is not None
    try:
        save_availability(
            session=session,
            period=access.period,
            radiologist_id=access.radiologist.id,
            choices=choices,
            enforce_deadline=access.enforce_deadline,
        )
    except AvailabilityLocked as exc:
        raise HTTPException(status_code=409, detail=str(exc)) from exc
    except AvailabilityError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc


# --- The month calendar (HTML) ---


@dataclass(frozen=True)
class DayCell:
    date: dt.date
    kind: AvailabilityKind | None
    shift_kind: ShiftKind | None
    extra: int  # further entries that day (from an import), replaced on save


@dataclass(frozen=True)
class Month:
    title: str
    weeks: list[list[DayCell | None]]  # None: a day outside the period or the month


def calendar_months(period: PlanningPeriod, entries: list[AvailabilityEntry]) -> list[Month]:
    by_date: dict[dt.date, list[AvailabilityEntry]] = {}
    for entry in entries:
        by_date.setdefault(entry.date, []).append(entry)
    dates = period_dates(period)
    months: list[Month] = []
    for year, month in sorted({(d.year, d.month) for d in dates}):
        inside = [d for d in dates if (d.year, d.month) == (year, month)]
        first = inside[0] - dt.timedelta(days=inside[0].weekday())
        last = inside[-1] + dt.timedelta(days=6 - inside[-1].weekday())
        cells: list[DayCell | None] = []
        day = first
        while day <= last:
            if day in inside:
                day_entries = by_date.get(day, [])
                head = day_entries[0] if day_entries else None
                cells.append(
                    DayCell(
                        day,
                        head.kind if head else None,
                        head.shift_kind if head else None,
                        max(0, len(day_entries) - 1),
                    )
                )
            else:
                cells.append(None)
            day += dt.timedelta(days=1)
        weeks = [cells[i : i + 7] for i in range(0, len(cells), 7)]
        months.append(Month(f"{calendar.month_name[month]} {year}", weeks))
    return months


def _calendar_page(
    request: Request,
    session: Session,
    user: User,
    access: Access,
    *,
    saved: bool,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    period, radiologist = access.period, access.radiologist
    assert period.id is not None and radiologist.id is not None
    entries = entries_for(session=session, period_id=period.id, radiologist_id=radiologist.id)
    reason = lock_reason(period) if access.enforce_deadline else None
    own = is_self(user, radiologist.id)
    return templates.TemplateResponse(
        request=request,
        name="radiologist/availability.html",
        context={
            "period": period,
            "radiologist": radiologist,
            "own": own,
            "months": calendar_months(period, entries),
            "kinds": KIND_LABELS,
            "shift_kinds": SHIFT_KIND_LABELS,
            "locked": reason,
            "submission": submission_of(
                session=session, period_id=period.id, radiologist_id=radiologist.id
            ),
            "saved": saved,
            "error": error,
            "notices": unread_notices(session=session, radiologist_id=radiologist.id)
            if own
            else [],
            "action": request.url.path,
        },
        status_code=status_code,
    )


def _choices_from_form(form: Any, period: PlanningPeriod) -> list[DayChoice]:
    """Fields ``day-YYYY-MM-DD`` (kind or empty) and ``shift-YYYY-MM-DD`` (shift kind or empty);
    only the days the form sent are replaced."""
    choices = []
    for date in period_dates(period):
        key = date.isoformat()
        if f"day-{key}" not in form:
            continue
        kind_value = str(form.get(f"day-{key}") or "")
        shift_value = str(form.get(f"shift-{key}") or "")
        try:
            kind = AvailabilityKind(kind_value) if kind_value else None
            shift_kind = ShiftKind(shift_value) if shift_value and kind else None
        except ValueError as exc:
            raise HTTPException(
                status_code=422, detail=f"day {key}: {kind_value or shift_value!r} is not a choice"
            ) from exc
        choices.append(DayChoice(date, kind, shift_kind))
    return choices


@router.get("/me/availability", response_class=HTMLResponse, response_model=None)
def my_availability_index(
    request: Request, session: SessionDep, user: RadiologistUser
) -> HTMLResponse | RedirectResponse:
    periods = open_periods(session=session)
    if len(periods) == 1:
        return RedirectResponse(f"/me/availability/{periods[0].id}", status_code=303)
    assert user.radiologist_id is not None
    return templates.TemplateResponse(
        request=request,
        name="radiologist/availability_index.html",
        context={
            "periods": [(p, lock_reason(p)) for p in periods],
            "notices": unread_notices(session=session, radiologist_id=user.radiologist_id),
        },
    )


@router.get("/me/availability/{period_id}", response_class=HTMLResponse)
def my_availability_page(
    request: Request, session: SessionDep, user: RadiologistUser, period_id: int, saved: int = 0
) -> HTMLResponse:
    assert user.radiologist_id is not None
    access = _access(session, user, period_id, user.radiologist_id)
    return _calendar_page(request, session, user, access, saved=bool(saved))


@router.post("/me/availability/{period_id}", dependencies=[CsrfProtected], response_model=None)
async def save_my_availability(
    request: Request, session: SessionDep, user: RadiologistUser, period_id: int
) -> HTMLResponse | RedirectResponse:
    assert user.radiologist_id is not None
    return await _save_form(request, session, user, period_id, user.radiologist_id)


@router.get("/availability/{period_id}/radiologists/{radiologist_id}", response_class=HTMLResponse)
def availability_page(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    period_id: int,
    radiologist_id: int,
    saved: int = 0,
) -> HTMLResponse:
    access = _access(session, user, period_id, radiologist_id)
    return _calendar_page(request, session, user, access, saved=bool(saved))


@router.post(
    "/availability/{period_id}/radiologists/{radiologist_id}",
    dependencies=[CsrfProtected],
    response_model=None,
)
async def save_availability_form(
    request: Request, session: SessionDep, user: CurrentUser, period_id: int, radiologist_id: int
) -> HTMLResponse | RedirectResponse:
    return await _save_form(request, session, user, period_id, radiologist_id)


async def _save_form(
    request: Request, session: Session, user: User, period_id: int, radiologist_id: int
) -> HTMLResponse | RedirectResponse:
    access = _access(session, user, period_id, radiologist_id)
    form = await request.form()
    try:
        _save(session, access, _choices_from_form(form, access.period))
    except HTTPException as exc:
        session.rollback()
        return _calendar_page(
            request,
            session,
            user,
            access,
            saved=False,
            error=exc.detail,
            status_code=exc.status_code,
        )
    return RedirectResponse(f"{request.url.path}?saved=1", status_code=303)


@router.post("/me/notices/{notice_id}/dismiss", dependencies=[CsrfProtected])
def dismiss(
    request: Request, session: SessionDep, user: RadiologistUser, notice_id: int
) -> RedirectResponse:
    assert user.radiologist_id is not None
    if not dismiss_notice(session=session, notice_id=notice_id, radiologist_id=user.radiologist_id):
        raise HTTPException(status_code=404, detail="notice not found")
    session.commit()
    back = request.headers.get("referer", "")
    target = back if back.startswith(str(request.base_url)) else "/me/schedule"
    return RedirectResponse(target, status_code=303)


# --- Managers: who has not submitted, and reminders ---


@router.get("/availability", response_class=HTMLResponse)
def submissions_index(request: Request, session: SessionDep, user: ManagerUser) -> HTMLResponse:
    """Open periods, each with how many of the manager's radiologists have not submitted."""
    scope = managed_radiologist_ids(session=session, user=user)
    periods = []
    for period in open_periods(session=session):
        assert period.id is not None
        statuses = submission_statuses(session=session, period_id=period.id, radiologist_ids=scope)
        missing = sum(1 for s in statuses if s.submitted_at is None)
        periods.append((period, missing, len(statuses), lock_reason(period)))
    return templates.TemplateResponse(
        request=request, name="radiologist/submissions_index.html", context={"periods": periods}
    )


@router.get("/availability/{period_id}", response_class=HTMLResponse)
def submissions_page(
    request: Request, session: SessionDep, user: ManagerUser, period_id: int, reminded: int = -1
) -> HTMLResponse:
    period = session.get(PlanningPeriod, period_id)
    if period is None:
        raise HTTPException(status_code=404, detail=f"planning period {period_id} not found")
    statuses = submission_statuses(
        session=session,
        period_id=period_id,
        radiologist_ids=managed_radiologist_ids(session=session, user=user),
    )
    return templates.TemplateResponse(
        request=request,
        name="radiologist/submissions.html",
        context={
            "period": period,
            "statuses": statuses,
            "missing": sum(1 for s in statuses if s.submitted_at is None),
            "locked": lock_reason(period),
            "reminded": reminded,
        },
    )


@router.post("/availability/{period_id}/reminders", dependencies=[CsrfProtected])
def remind(session: SessionDep, user: ManagerUser, period_id: int) -> RedirectResponse:
    period = session.get(PlanningPeriod, period_id)
    if period is None:
        raise HTTPException(status_code=404, detail=f"planning period {period_id} not found")
    statuses = submission_statuses(
        session=session,
        period_id=period_id,
        radiologist_ids=managed_radiologist_ids(session=session, user=user),
    )
    sent = send_reminders(
        session=session,
        period=period,
        radiologist_ids=[s.radiologist.id for s in statuses if s.radiologist.id is not None],
        sent_by_user_id=user.id,
    )
    session.commit()
    return RedirectResponse(f"/availability/{period_id}?reminded={sent}", status_code=303)


# --- JSON API (session + X-CSRF-Token header for writes) ---


class DayIn(BaseModel):
    date: dt.date
    kind: AvailabilityKind | None = None  # None clears the day
    shift_kind: ShiftKind | None = None
    weight: int = Field(default=1, ge=1)


class AvailabilityIn(BaseModel):
    days: list[DayIn]


def _availability_json(session: Session, access: Access) -> dict[str, Any]:
    period, radiologist = access.period, access.radiologist
    assert period.id is not None and radiologist.id is not None
    submission = submission_of(session=session, period_id=period.id, radiologist_id=radiologist.id)
    return {
        "period_id": period.id,
        "radiologist_id": radiologist.id,
        "locked": lock_reason(period) if access.enforce_deadline else None,
        "submitted_at": submission.submitted_at.isoformat() if submission else None,
        "entries": [
            {
                "date": e.date.isoformat(),
                "kind": e.kind.value,
                "shift_kind": e.shift_kind.value if e.shift_kind else None,
                "weight": e.weight,
            }
            for e in entries_for(
                session=session, period_id=period.id, radiologist_id=radiologist.id
            )
        ],
    }


@router.get("/api/periods/{period_id}/availability/{radiologist_id}")
def get_availability(
    session: SessionDep, user: CurrentUser, period_id: int, radiologist_id: int
) -> dict[str, Any]:
    return _availability_json(session, _access(session, user, period_id, radiologist_id))


@router.put("/api/periods/{period_id}/availability/{radiologist_id}", dependencies=[CsrfProtected])
def put_availability(
    session: SessionDep,
    user: CurrentUser,
    period_id: int,
    radiologist_id: int,
    body: AvailabilityIn,
) -> dict[str, Any]:
    access = _access(session, user, period_id, radiologist_id)
    choices = [
        DayChoice(d.date, d.kind, d.shift_kind if d.kind else None, d.weight) for d in body.days
    ]
    try:
        _save(session, access, choices)
    except HTTPException as exc:
        if exc.status_code != 422:
            raise
        # the API's 422s share FastAPI's documented shape: a list of located messages
        detail = [{"loc": ["body", "days"], "msg": exc.detail, "type": "value_error"}]
        raise HTTPException(status_code=422, detail=detail) from exc
    return _availability_json(session, access)
