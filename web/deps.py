"""Named dependencies: routes take ``session: SessionDep``; tests swap them by override."""

from collections.abc import Callable, Iterator
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Depends, HTTPException, Request
from sqlmodel import Session

from scheduler.db import get_engine
from scheduler.models import Role, User
from scheduler.settings import Settings
from web.security import check_csrf, session_user_id


def get_settings(request: Request) -> Settings:
    """The settings the app was created with (``create_app(settings)``)."""
    settings: Settings = request.app.state.settings
    return settings


def get_session(settings: Annotated[Settings, Depends(get_settings)]) -> Iterator[Session]:
    """A session per request on the app's database; the route commits."""
    with Session(get_engine(settings.database_url)) as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]


# --- Who is signed in, and what they may do (the auth contract; helpers in web.security) ---


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get(
        "accept", ""
    )


def get_current_user(request: Request, session: SessionDep) -> User:
    """The signed-in, active user; else 401 (JSON API) or a redirect to the login page (HTML)."""
    user_id = session_user_id(request)
    user = session.get(User, user_id) if user_id is not None else None
    if user is not None and user.active:
        return user
    if _wants_json(request):
        raise HTTPException(status_code=401, detail="Not signed in")
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    raise HTTPException(
        status_code=303, headers={"Location": f"/login?{urlencode({'next': target})}"}
    )


CurrentUser = Annotated[User, Depends(get_current_user)]


def require_role(*roles: Role) -> Callable[[User], User]:
    """A dependency returning the signed-in user when their role is one of ``roles``; else 403."""
    allowed = frozenset(roles)

    def dependency(user: CurrentUser) -> User:
        if user.role not in allowed:
            raise HTTPException(status_code=403, detail="Your role may not do this")
        return user

    return dependency


def _require_linked_radiologist(
    user: Annotated[User, Depends(require_role(Role.RADIOLOGIST))],
) -> User:
    if user.radiologist_id is None:
        raise HTTPException(status_code=403, detail="Your account is not linked to a radiologist")
    return user


AdminUser = Annotated[User, Depends(require_role(Role.ADMIN))]
ManagerUser = Annotated[User, Depends(require_role(Role.MANAGER, Role.ADMIN))]
PlannerUser = Annotated[User, Depends(require_role(Role.PLANNER, Role.ADMIN))]
RadiologistUser = Annotated[User, Depends(_require_linked_radiologist)]

# On every unsafe-method route: ``@router.post(..., dependencies=[CsrfProtected])`` (or on a
# whole router: safe methods pass). Checks form field ``csrf_token`` or header ``X-CSRF-Token``.
CsrfProtected = Depends(check_csrf)
