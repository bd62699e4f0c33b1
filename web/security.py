"""Sessions and CSRF: the signed session cookie, who is signed in, and the per-session token.

The session cookie (Starlette's SessionMiddleware, signed with the settings' secret key) holds the
user id and a CSRF token; nothing else. It is HTTP-only and SameSite=Lax, and Secure outside
development. The route dependencies built on these helpers (CurrentUser, require_role,
CsrfProtected...) live in web/deps.py.
"""

import secrets
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from jinja2 import pass_context
from starlette.middleware.sessions import SessionMiddleware

from scheduler.models import User
from scheduler.settings import Settings

SESSION_COOKIE = "teleroster_session"
SESSION_MAX_AGE_SECONDS = 12 * 60 * 60  # one working day and a night shift
USER_KEY = "user_id"
USER_NAME_KEY = "user_name"  # shown in the page header; never trusted for access
USER_ROLE_KEY = "user_role"  # chooses the navigation links; never trusted for access
CSRF_KEY = "csrf"
CSRF_FORM_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def add_session_middleware(app: FastAPI, settings: Settings) -> None:
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_MAX_AGE_SECONDS,
        same_site="lax",
        # Development serves plain http on localhost, where a Secure cookie would never come back.
        https_only=settings.environment != "development",
    )


def session_user_id(request: Request) -> int | None:
    value = request.session.get(USER_KEY)
    return value if isinstance(value, int) else None


def sign_in(request: Request, user: User) -> None:
    """Start a fresh session for ``user``: a new CSRF token, nothing kept from before."""
    request.session.clear()
    request.session[USER_KEY] = user.id
    request.session[USER_NAME_KEY] = user.name
    request.session[USER_ROLE_KEY] = str(user.role)
    request.session[CSRF_KEY] = secrets.token_urlsafe(32)


def sign_out(request: Request) -> None:
    request.session.clear()


def csrf_token_for(request: Request) -> str:
    """The session's CSRF token, made on first use (the login form needs one before sign-in)."""
    token = request.session.get(CSRF_KEY)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session[CSRF_KEY] = token
    return token


@pass_context
def csrf_token(context: Any) -> str:
    """Jinja global: ``<input type="hidden" name="csrf_token" value="{{ csrf_token() }}">``."""
    request: Request = context["request"]
    return csrf_token_for(request)


async def check_csrf(request: Request) -> None:
    """403 unless an unsafe request carries the session's token (form field or header)."""
    if request.method in SAFE_METHODS:
        return
    expected = request.session.get(CSRF_KEY)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and _is_form(request):
        value = (await request.form()).get(CSRF_FORM_FIELD)
        sent = value if isinstance(value, str) else None
    if not isinstance(expected, str) or not sent or not secrets.compare_digest(sent, expected):
        raise HTTPException(
            status_code=403,
            detail="Missing or wrong CSRF token: reload the page and try again.",
        )


def _is_form(request: Request) -> bool:
    content_type = request.headers.get("content-type", "")
    return content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data"))


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"
