"""``/health``: is the database reachable and migrated to the latest schema?"""

from typing import Any

from alembic.runtime.migration import MigrationContext
from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError

from scheduler.db import database_ok
from scheduler.migrations import head_revision
from web.deps import SessionDep

router = APIRouter(tags=["health"])


@router.get("/health")
def health(session: SessionDep) -> JSONResponse:
    body: dict[str, Any] = {"status": "ok", "database": "ok"}
    try:
        database_ok(session)
        revision = MigrationContext.configure(session.connection()).get_current_revision()
    except SQLAlchemyError as exc:
        body.update(status="error", database=f"unreachable: {type(exc).__name__}")
        return JSONResponse(body, status_code=503)
    body["schema"] = revision
    if revision != head_revision():
        body.update(status="error", database="not migrated: run `teleroster db upgrade`")
        return JSONResponse(body, status_code=503)
    return JSONResponse(body)
