"""Sign in and out, change one's password, and (admins, managers) invite users."""

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import col, select

from scheduler.accounts import (
    AccountError,
    LoginRefused,
    authenticate,
    create_user,
    set_password,
    temporary_password,
    verify_password,
)
from scheduler.models import Radiologist, Region, Role, User, UserCreate
from scheduler.models.users import MIN_PASSWORD_LENGTH
from scheduler.services.access import managed_radiologist_ids, manager_can, region_ids
from web.deps import CsrfProtected, CurrentUser, ManagerUser, SessionDep
from web.security import client_address, sign_in, sign_out
from web.templating import templates

router = APIRouter(tags=["auth"])

# Where each role lands after signing in (unless the login came with a ``next`` page).
HOME_BY_ROLE = {
    Role.RADIOLOGIST: "/me/schedule",
    Role.MANAGER: "/",
    Role.PLANNER: "/planner",
    Role.ADMIN: "/",
}


def _safe_next(target: str | None) -> str | None:
    """Only paths on this site: an open redirect would let a phishing link borrow our login."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None) -> HTMLResponse:
    return templates.TemplateResponse(
        request=request,
        name="auth/login.html",
        context={"next": _safe_next(next) or "", "error": None, "email": ""},
    )


@router.post("/login", dependencies=[CsrfProtected], response_model=None)
def login(
    request: Request,
    session: SessionDep,
    email: Annotated[str, Form(max_length=254)],
    password: Annotated[str, Form(max_length=200)],
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    try:
        user = authenticate(
            session=session, email=email, password=password, client=client_address(request)
        )
    except LoginRefused as refused:
        return templates.TemplateResponse(
            request=request,
            name="auth/login.html",
            context={"next": _safe_next(next) or "", "error": str(refused), "email": email},
            status_code=429 if refused.locked else 401,
        )
    sign_in(request, user)
    return RedirectResponse(_safe_next(next) or HOME_BY_ROLE[user.role], status_code=303)


@router.post("/logout", dependencies=[CsrfProtected])
def logout(request: Request) -> RedirectResponse:
    sign_out(request)
    return RedirectResponse("/login", status_code=303)


@router.get("/api/me")
def api_me(user: CurrentUser) -> dict[str, object]:
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "role": user.role.value,
        "radiologist_id": user.radiologist_id,
        "region_ids": sorted(region_ids(user)),
    }


@router.get("/account/password", response_class=HTMLResponse)
def password_page(request: Request, user: CurrentUser) -> HTMLResponse:
    return _password_form(request, user, error=None, done=False)


@router.post("/account/password", dependencies=[CsrfProtected], response_class=HTMLResponse)
def change_password(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    current: Annotated[str, Form(max_length=200)],
    new: Annotated[str, Form(max_length=200)],
    repeat: Annotated[str, Form(max_length=200)],
) -> HTMLResponse:
    error = None
    if not verify_password(current, user.password_hash):
        error = "Your current password is wrong."
    elif len(new) < MIN_PASSWORD_LENGTH:
        error = f"The new password needs at least {MIN_PASSWORD_LENGTH} characters."
    elif new != repeat:
        error = "The two new passwords differ."
    if error:
        return _password_form(request, user, error=error, done=False, status_code=422)
    set_password(session=session, user=user, password=new)
    session.commit()
    sign_in(request, user)  # a fresh session (and CSRF token) after a credential change
    return _password_form(request, user, error=None, done=True)


def _password_form(
    request: Request, user: User, *, error: str | None, done: bool, status_code: int = 200
) -> HTMLResponse:
    return templates.TemplateResponse(
        request=request,
        name="auth/password.html",
        context={"user": user, "error": error, "done": done, "min_length": MIN_PASSWORD_LENGTH},
        status_code=status_code,
    )


# --- Inviting users: admins any role; managers radiologists of their regions ---


@router.get("/users", response_class=HTMLResponse)
def users_page(request: Request, session: SessionDep, user: ManagerUser) -> HTMLResponse:
    return _users_page(request, session, user, created=None, error=None)


@router.post("/users", dependencies=[CsrfProtected], response_class=HTMLResponse)
def invite_user(
    request: Request,
    session: SessionDep,
    user: ManagerUser,
    email: Annotated[str, Form(max_length=254)],
    name: Annotated[str, Form(max_length=200)],
    role: Annotated[Role, Form()],
    radiologist_id: Annotated[int | None, Form()] = None,
    region_id: Annotated[list[int] | None, Form()] = None,
) -> HTMLResponse:
    regions = region_id or []
    if user.role != Role.ADMIN:
        _check_manager_may_invite(session, user, role, radiologist_id, regions)
    password = temporary_password()
    try:
        user_in = UserCreate(
            email=email,
            name=name,
            role=role,
            radiologist_id=radiologist_id if role == Role.RADIOLOGIST else None,
            password=password,
            region_ids=regions if role == Role.MANAGER else [],
        )
        invited = create_user(session=session, user_in=user_in)
    except (AccountError, ValidationError) as exc:
        session.rollback()
        message = str(exc) if isinstance(exc, AccountError) else _first_error(exc)
        return _users_page(request, session, user, created=None, error=message, status_code=422)
    session.commit()
    return _users_page(request, session, user, created=(invited, password), error=None)


def _check_manager_may_invite(
    session: SessionDep, user: User, role: Role, radiologist_id: int | None, regions: list[int]
) -> None:
    if role == Role.RADIOLOGIST:
        scope = managed_radiologist_ids(session=session, user=user)
        if radiologist_id is None or (scope is not None and radiologist_id not in scope):
            raise HTTPException(status_code=403, detail="That radiologist is not in your regions")
        return
    if role == Role.MANAGER and regions and all(manager_can(user, rid) for rid in regions):
        return
    raise HTTPException(
        status_code=403, detail="Managers invite radiologists and managers of their own regions"
    )


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    field = ".".join(str(part) for part in error["loc"])
    return f"{field}: {error['msg']}"


def _users_page(
    request: Request,
    session: SessionDep,
    user: User,
    *,
    created: tuple[User, str] | None,
    error: str | None,
    status_code: int = 200,
) -> HTMLResponse:
    scope = managed_radiologist_ids(session=session, user=user)
    radiologists_query = select(Radiologist).order_by(col(Radiologist.name))
    users_query = select(User).order_by(col(User.email))
    if scope is not None:
        radiologists_query = radiologists_query.where(col(Radiologist.id).in_(scope))
        users_query = users_query.where(col(User.radiologist_id).in_(scope))
    regions = [
        region
        for region in session.exec(select(Region).order_by(col(Region.code))).all()
        if manager_can(user, region.id)
    ]
    roles = list(Role) if user.role == Role.ADMIN else [Role.RADIOLOGIST, Role.MANAGER]
    return templates.TemplateResponse(
        request=request,
        name="auth/users.html",
        context={
            "users": session.exec(users_query).all(),
            "radiologists": session.exec(radiologists_query).all(),
            "regions": regions,
            "roles": roles,
            "created": created,
            "error": error,
        },
        status_code=status_code,
    )
