"""Service errors as HTTP answers: JSON under /api/, a short page elsewhere.

NotFound 404, OutOfScope 403, StaleVersion and Conflict 409, FieldError 422 (in FastAPI's own
validation format, so API clients read one shape of 422).
"""

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from scheduler.jobs.service import JobInputError, JobNotFound
from scheduler.jobs.state import InvalidTransition
from scheduler.problem_builder import BuildError
from scheduler.rosters import RosterNotFound
from scheduler.services.errors import Conflict, FieldError, NotFound, OutOfScope, StaleVersion
from web.templating import templates

STATUS: dict[type[Exception], int] = {
    NotFound: 404,
    RosterNotFound: 404,
    JobNotFound: 404,
    OutOfScope: 403,
    StaleVersion: 409,
    Conflict: 409,
    InvalidTransition: 409,
    FieldError: 422,
    JobInputError: 422,
    BuildError: 422,
}


def field_error_detail(exc: FieldError) -> list[dict[str, object]]:
    return [{"loc": ["body", exc.field], "msg": exc.message, "type": "value_error"}]


def _status(exc: Exception) -> int:
    for kind, status in STATUS.items():
        if isinstance(exc, kind):
            return status
    return 500


async def service_error(request: Request, exc: Exception) -> Response:
    status = _status(exc)
    if request.url.path.startswith("/api/"):
        detail: object = str(exc)
        if isinstance(exc, FieldError):
            detail = field_error_detail(exc)
        elif status == 422:  # every 422 in the documented shape, not only FieldError's
            detail = [{"loc": ["request"], "msg": str(exc), "type": "value_error"}]
        return JSONResponse({"detail": detail}, status_code=status)
    return templates.TemplateResponse(
        request=request,
        name="manager/error.html",
        context={"status": status, "message": str(exc)},
        status_code=status,
    )


def install_service_error_handlers(app: FastAPI) -> None:
    for kind in STATUS:
        app.add_exception_handler(kind, service_error)
