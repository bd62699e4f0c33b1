"""Last-resort error answers: a database that cannot serve (503), a value it cannot hold (422,
the request's fault: an id of 2**70 reaches SQLite as an OverflowError, PostgreSQL as a
DataError, and so does a NUL character in text), and any other failure (500).

None shows a traceback: the person gets a short message, the log gets the details. Errors the
services raise on purpose (404, 409, 422...) are mapped in ``web.routes.service_errors``.
"""

import logging
import traceback

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy.exc import DataError, DBAPIError, OperationalError

from web.templating import templates

log = logging.getLogger(__name__)

# SQLSTATE classes meaning "the database cannot take this now", not "the request is wrong":
# 25006 read-only transaction, 53 insufficient resources (disk full, out of memory),
# 57P0x the server is shutting down or the connection was cut.
_UNAVAILABLE_SQLSTATES = ("25006", "53", "57P0")

UNAVAILABLE_MESSAGE = (
    "The database cannot be reached or cannot store changes right now (it may be read-only, "
    "full, or restarting). Nothing was saved. Try again in a moment; if it persists, tell an "
    "administrator."
)
UNSTORABLE_MESSAGE = (
    "A value in the request cannot be stored or looked up: a number too large or too small, "
    "or text with a NUL character."
)
# numeric value out of range, character not in repertoire, untranslatable character
_UNSTORABLE_SQLSTATES = frozenset({"22003", "22021", "22P05"})
SERVER_ERROR_MESSAGE = (
    "Something went wrong on our side and the request was not completed. "
    "The error has been logged; try again, and tell an administrator if it persists."
)


def database_unavailable(exc: BaseException) -> bool:
    """True for a database failure that is the database's state, not the request's fault."""
    if isinstance(exc, OperationalError):
        return True
    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated:
            return True
        sqlstate = getattr(exc.orig, "sqlstate", None)
        return isinstance(sqlstate, str) and sqlstate.startswith(_UNAVAILABLE_SQLSTATES)
    return False


def unstorable_value(exc: BaseException) -> bool:
    """A value the database cannot hold or compare (an id of 2**70, a NUL in text): the
    request's fault, not ours."""
    if isinstance(exc, DataError):
        if getattr(exc.orig, "sqlstate", None) in _UNSTORABLE_SQLSTATES:
            return True
        return "NUL (0x00)" in str(exc.orig)  # psycopg refuses it before sending
    if isinstance(exc, OverflowError):  # SQLite's driver, binding a too-large integer
        frames = traceback.extract_tb(exc.__traceback__)
        return any("sqlalchemy/engine" in frame.filename.replace("\\", "/") for frame in frames)
    return False


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get(
        "accept", ""
    )


def error_response(request: Request, status: int, title: str, message: str) -> Response:
    if _wants_json(request):
        return JSONResponse({"detail": message}, status_code=status)
    try:
        return templates.TemplateResponse(
            request=request,
            name="errors/error.html",
            context={"status": status, "title": title, "message": message},
            status_code=status,
        )
    except Exception:  # the page itself failed (say, a broken session): plain words still go out
        log.exception("the error page could not be rendered")
        return HTMLResponse(f"<h1>{title}</h1><p>{message}</p>", status_code=status)


async def database_error(request: Request, exc: Exception) -> Response:
    if unstorable_value(exc):
        return await unstorable(request, exc)
    if not database_unavailable(exc):
        return await server_error(request, exc)
    log.error("database unavailable on %s %s: %s", request.method, request.url.path, exc)
    response = error_response(request, 503, "Database unavailable", UNAVAILABLE_MESSAGE)
    response.headers["Retry-After"] = "30"
    return response


async def unstorable(request: Request, exc: Exception) -> Response:
    if not unstorable_value(exc):
        return await server_error(request, exc)
    if _wants_json(request):
        detail = [{"loc": ["request"], "msg": UNSTORABLE_MESSAGE, "type": "value_error"}]
        return JSONResponse({"detail": detail}, status_code=422)
    return error_response(request, 422, "Value cannot be stored", UNSTORABLE_MESSAGE)


async def server_error(request: Request, exc: Exception) -> Response:
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(request, 500, "Server error", SERVER_ERROR_MESSAGE)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DBAPIError, database_error)
    app.add_exception_handler(OverflowError, unstorable)
    # Starlette runs the Exception handler outermost, then re-raises for the server's log.
    app.add_exception_handler(Exception, server_error)
