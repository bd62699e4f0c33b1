"""Swaps: radiologists offer and take shifts (/me/swaps); managers approve them (/swaps).

A radiologist acts only as themselves: cancelling someone else's offer is 404, and nothing
changes. A manager decides only swaps of shifts in their regions (403 otherwise).
"""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlmodel import Session

from scheduler.models import SwapRequest, User, utc_now
from scheduler.services.availability import unread_notices
from scheduler.services.errors import Conflict, NotFound, OutOfScope
from scheduler.services.my_schedule import published_shifts
from scheduler.services.swaps import (
    SwapRefused,
    accept_swap,
    approve_swap,
    cancel_swap,
    offer_swap,
    offers_open_to,
    reject_swap,
    swaps_of,
    swaps_to_decide,
)
from web.deps import CsrfProtected, ManagerUser, RadiologistUser, SessionDep
from web.templating import templates

router = APIRouter(tags=["swaps"])


def _http_error(exc: Exception) -> HTTPException:
    if isinstance(exc, NotFound):
        return HTTPException(status_code=404, detail=str(exc))
    if isinstance(exc, OutOfScope):
        return HTTPException(status_code=403, detail=str(exc))
    if isinstance(exc, SwapRefused):
        return HTTPException(status_code=409, detail={"refused": exc.messages})
    return HTTPException(status_code=409, detail=str(exc))


def _message(exc: HTTPException) -> list[str]:
    detail = exc.detail
    if isinstance(detail, dict):
        return ["The rules do not allow this swap:", *detail["refused"]]
    return [str(detail)]


# --- Radiologists (HTML) ---


def _my_page(
    request: Request,
    session: Session,
    user: User,
    *,
    errors: list[str] | None = None,
    done: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    assert user.radiologist_id is not None
    mine = swaps_of(session=session, radiologist_id=user.radiologist_id)
    offered = {
        (v.swap.date, v.swap.shift_template_id)
        for v in mine
        if v.swap.status.is_open and v.swap.offered_by_id == user.radiologist_id
    }
    shifts = [
        s
        for s in published_shifts(
            session=session, radiologist_id=user.radiologist_id, since=utc_now().date()
        )
        if (s.date, s.template_id) not in offered
    ]
    return templates.TemplateResponse(
        request=request,
        name="radiologist/swaps.html",
        context={
            "mine": mine,
            "open_offers": offers_open_to(session=session, radiologist_id=user.radiologist_id),
            "shifts": shifts,
            "me": user.radiologist_id,
            "errors": errors or [],
            "done": done,
            "notices": unread_notices(session=session, radiologist_id=user.radiologist_id),
        },
        status_code=status_code,
    )


@router.get("/me/swaps", response_class=HTMLResponse)
def my_swaps_page(
    request: Request, session: SessionDep, user: RadiologistUser, done: str | None = None
) -> HTMLResponse:
    return _my_page(request, session, user, done=done)


def _run(
    request: Request, session: Session, user: User, action: Callable[[], object], done: str
) -> Response:
    """Run a swap action for the HTML pages: back to the page with a message, or the errors."""
    try:
        action()
    except (NotFound, OutOfScope, Conflict) as exc:
        session.rollback()
        error = _http_error(exc)
        return _my_page(
            request, session, user, errors=_message(error), status_code=error.status_code
        )
    return RedirectResponse(f"/me/swaps?done={done}", status_code=303)


@router.post("/me/swaps", dependencies=[CsrfProtected], response_model=None)
def offer_form(
    request: Request,
    session: SessionDep,
    user: RadiologistUser,
    assignment_id: Annotated[int, Form()],
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    assert user.radiologist_id is not None
    rid = user.radiologist_id
    return _run(
        request,
        session,
        user,
        lambda: offer_swap(
            session=session, radiologist_id=rid, assignment_id=assignment_id, note=note
        ),
        "offered",
    )


@router.post("/me/swaps/{swap_id}/accept", dependencies=[CsrfProtected], response_model=None)
def accept_form(
    request: Request, session: SessionDep, user: RadiologistUser, swap_id: int
) -> Response:
    assert user.radiologist_id is not None
    rid = user.radiologist_id
    return _run(
        request,
        session,
        user,
        lambda: accept_swap(session=session, swap_id=swap_id, radiologist_id=rid),
        "accepted",
    )


@router.post("/me/swaps/{swap_id}/cancel", dependencies=[CsrfProtected], response_model=None)
def cancel_form(
    request: Request, session: SessionDep, user: RadiologistUser, swap_id: int
) -> Response:
    assert user.radiologist_id is not None
    rid = user.radiologist_id
    return _run(
        request,
        session,
        user,
        lambda: cancel_swap(session=session, swap_id=swap_id, radiologist_id=rid),
        "cancelled",
    )


# --- Managers (HTML) ---


def _manager_page(
    request: Request,
    session: Session,
    user: User,
    *,
    errors: list[str] | None = None,
    done: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return templates.TemplateResponse(
        request=request,
        name="radiologist/swaps_manage.html",
        context={
            "pending": swaps_to_decide(session=session, user=user),
            "errors": errors or [],
            "done": done,
        },
        status_code=status_code,
    )


@router.get("/swaps", response_class=HTMLResponse)
def swaps_manage_page(
    request: Request, session: SessionDep, user: ManagerUser, done: str | None = None
) -> HTMLResponse:
    return _manager_page(request, session, user, done=done)


@router.post("/swaps/{swap_id}/approve", dependencies=[CsrfProtected], response_model=None)
def approve_form(
    request: Request, session: SessionDep, user: ManagerUser, swap_id: int
) -> Response:
    try:
        approve_swap(session=session, swap_id=swap_id, user=user)
    except (NotFound, OutOfScope, Conflict) as exc:
        session.rollback()
        error = _http_error(exc)
        return _manager_page(
            request, session, user, errors=_message(error), status_code=error.status_code
        )
    return RedirectResponse("/swaps?done=approved", status_code=303)


@router.post("/swaps/{swap_id}/reject", dependencies=[CsrfProtected], response_model=None)
def reject_form(
    request: Request,
    session: SessionDep,
    user: ManagerUser,
    swap_id: int,
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    try:
        reject_swap(session=session, swap_id=swap_id, user=user, reason=reason)
    except (NotFound, OutOfScope, Conflict) as exc:
        session.rollback()
        error = _http_error(exc)
        return _manager_page(
            request, session, user, errors=_message(error), status_code=error.status_code
        )
    return RedirectResponse("/swaps?done=rejected", status_code=303)


# --- JSON API (session + X-CSRF-Token header for writes) ---


class OfferIn(BaseModel):
    assignment_id: int
    note: str = Field(default="", max_length=500)


class RejectIn(BaseModel):
    reason: str = Field(default="", max_length=2000)


def swap_json(swap: SwapRequest) -> dict[str, Any]:
    return {
        "id": swap.id,
        "period_id": swap.period_id,
        "date": swap.date.isoformat(),
        "shift_template_id": swap.shift_template_id,
        "region_id": swap.region_id,
        "offered_by_id": swap.offered_by_id,
        "accepted_by_id": swap.accepted_by_id,
        "decided_by_user_id": swap.decided_by_user_id,
        "status": swap.status.value,
        "offered_at": swap.offered_at.isoformat(),
        "accepted_at": swap.accepted_at.isoformat() if swap.accepted_at else None,
        "decided_at": swap.decided_at.isoformat() if swap.decided_at else None,
        "result_roster_id": swap.result_roster_id,
        "refusal": swap.refusal,
    }


def _api(session: Session, action: Callable[[], SwapRequest]) -> dict[str, Any]:
    try:
        result = action()
    except (NotFound, OutOfScope, Conflict) as exc:
        session.rollback()
        raise _http_error(exc) from exc
    return swap_json(result)


@router.get("/api/me/swaps")
def my_swaps_json(session: SessionDep, user: RadiologistUser) -> dict[str, Any]:
    assert user.radiologist_id is not None
    return {
        "mine": [
            swap_json(v.swap) for v in swaps_of(session=session, radiologist_id=user.radiologist_id)
        ],
        "open": [
            swap_json(v.swap)
            for v in offers_open_to(session=session, radiologist_id=user.radiologist_id)
        ],
    }


@router.post("/api/swaps", dependencies=[CsrfProtected], status_code=201)
def offer_json(session: SessionDep, user: RadiologistUser, body: OfferIn) -> dict[str, Any]:
    rid = user.radiologist_id
    assert rid is not None
    return _api(
        session,
        lambda: offer_swap(
            session=session, radiologist_id=rid, assignment_id=body.assignment_id, note=body.note
        ),
    )


@router.post("/api/swaps/{swap_id}/accept", dependencies=[CsrfProtected])
def accept_json(session: SessionDep, user: RadiologistUser, swap_id: int) -> dict[str, Any]:
    rid = user.radiologist_id
    assert rid is not None
    return _api(session, lambda: accept_swap(session=session, swap_id=swap_id, radiologist_id=rid))


@router.post("/api/swaps/{swap_id}/cancel", dependencies=[CsrfProtected])
def cancel_json(session: SessionDep, user: RadiologistUser, swap_id: int) -> dict[str, Any]:
    rid = user.radiologist_id
    assert rid is not None
    return _api(session, lambda: cancel_swap(session=session, swap_id=swap_id, radiologist_id=rid))


@router.post("/api/swaps/{swap_id}/approve", dependencies=[CsrfProtected])
def approve_json(session: SessionDep, user: ManagerUser, swap_id: int) -> dict[str, Any]:
    try:
        version = approve_swap(session=session, swap_id=swap_id, user=user)
    except (NotFound, OutOfScope, Conflict) as exc:
        session.rollback()
        raise _http_error(exc) from exc
    swap = session.get(SwapRequest, swap_id)
    assert swap is not None
    return {**swap_json(swap), "roster_version": version.version}


@router.post("/api/swaps/{swap_id}/reject", dependencies=[CsrfProtected])
def reject_json(
    session: SessionDep, user: ManagerUser, swap_id: int, body: RejectIn
) -> dict[str, Any]:
    return _api(
        session,
        lambda: reject_swap(session=session, swap_id=swap_id, user=user, reason=body.reason),
    )
