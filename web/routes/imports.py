"""Data imports through the web: a manager or admin uploads one entity's CSV or Excel file.

The file goes through the importers ``teleroster import`` uses: every row is stored, or none and
every problem is listed (422, each naming file, row, column and reason). An upload over
``Settings.max_upload_bytes`` gets 413 before it is read, and so does a ``.csv.gz`` or ``.xlsx``
that would unpack past ``max_upload_unpacked_bytes``. Text must be UTF-8 (Excel: "CSV UTF-8"):
another encoding is refused with 422 rather than guessed, since a wrong guess garbles names
silently.
"""

import enum
import gzip
import re
import tempfile
import zipfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel
from sqlmodel import Session
from starlette.datastructures import UploadFile

from scheduler.importers import ENTITY_NAMES, DataImportError, ImportIssue, import_file
from scheduler.importers.reading import CSV_SUFFIXES, EXCEL_SUFFIXES
from scheduler.settings import Settings
from web.deps import AdminUser, CsrfProtected, SessionDep, SettingsDep
from web.templating import templates

router = APIRouter(tags=["imports"])

ImportEntity = enum.StrEnum("ImportEntity", {name: name for name in ENTITY_NAMES})  # type: ignore[misc]
OnExisting = Literal["update", "reject"]
SUFFIXES = CSV_SUFFIXES + EXCEL_SUFFIXES
FORM_OVERHEAD_BYTES = 64 * 1024  # multipart boundaries and the small fields beside the file
CHUNK_BYTES = 1024 * 1024
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._ -]+")


class UploadRefused(Exception):
    """The upload cannot be imported at all (too large, wrong kind): ``status`` and why."""

    def __init__(self, status: int, message: str, file: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.file = file


class ImportOut(BaseModel):
    entity: str
    file: str
    created: int
    updated: int
    unchanged: int


class MessageOut(BaseModel):
    detail: str


class IssueOut(BaseModel):
    """One import problem, in FastAPI's validation-error shape plus its own fields (which a
    request FastAPI itself refuses, say an unknown entity, does not have)."""

    loc: list[str | int]
    msg: str
    type: str = "import_issue"
    file: str | None = None
    row: int | None = None
    column: str | None = None
    reason: str | None = None

    @classmethod
    def of(cls, issue: ImportIssue) -> "IssueOut":
        loc: list[str | int] = ["body", "file"]
        if issue.row is not None:
            loc.append(issue.row)
        if issue.column is not None:
            loc.append(issue.column)
        return cls(
            loc=loc,
            msg=str(issue),
            file=issue.file,
            row=issue.row,
            column=issue.column,
            reason=issue.reason,
        )


class ImportRejectedOut(BaseModel):
    detail: list[IssueOut]


# --- Receiving the file ---


def refuse_oversized_upload(request: Request, settings: SettingsDep) -> None:
    """413 from the Content-Length alone, before any of the body is read."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > settings.max_upload_bytes + FORM_OVERHEAD_BYTES:
        raise HTTPException(status_code=413, detail=too_large(settings.max_upload_bytes))


def too_large(limit: int) -> str:
    return f"the upload is larger than the limit of {limit / 1024 / 1024:g} MiB: split the file"


def safe_file_name(name: str | None, entity: str) -> str:
    """The uploaded name without folders or odd characters (it names the file in problems)."""
    base = _UNSAFE_NAME.sub("_", Path(name or "").name).strip(" .")
    return base[:120] or f"{entity}.csv"


async def save_upload(upload: UploadFile, entity: str, folder: Path, settings: Settings) -> Path:
    """Write the upload into ``folder``, refusing one that is too large or not a table file."""
    name = safe_file_name(upload.filename, entity)
    if not name.lower().endswith(SUFFIXES):
        refusal = f"{name}: upload a CSV (.csv, .csv.gz) or Excel (.xlsx) file"
        raise UploadRefused(422, refusal, name)
    path = folder / name
    written = 0
    with path.open("wb") as out:
        while chunk := await upload.read(CHUNK_BYTES):
            written += len(chunk)
            if written > settings.max_upload_bytes:
                raise UploadRefused(413, too_large(settings.max_upload_bytes))
            out.write(chunk)
    check_unpacked_size(path, settings.max_upload_unpacked_bytes)
    return path


def check_unpacked_size(path: Path, limit: int) -> None:
    """413 for a compressed file that would unpack past ``limit``; damage is the importer's to
    report."""
    name = path.name.lower()
    size = 0
    try:
        if name.endswith(".gz"):
            with gzip.open(path, "rb") as unpacked:
                while size <= limit and (chunk := unpacked.read(CHUNK_BYTES)):
                    size += len(chunk)
        elif name.endswith(".xlsx"):
            with zipfile.ZipFile(path) as book:
                size = sum(member.file_size for member in book.infolist())
    except (OSError, EOFError, zipfile.BadZipFile):
        return
    if size > limit:
        raise UploadRefused(
            413, f"{path.name} unpacks to more than {limit / 1024 / 1024:g} MiB: split the file"
        )


async def form_upload(request: Request) -> UploadFile:
    """The form's ``file``; 422 when there is none."""
    form = await request.form(max_files=1, max_fields=10)
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise HTTPException(
            status_code=422,
            detail=[{"loc": ["body", "file"], "msg": "Field required", "type": "missing"}],
        )
    return upload


def run_import(session: Session, entity: str, path: Path, on_existing: OnExisting) -> ImportOut:
    summary = import_file(session, entity, path, on_existing=on_existing)
    counts = summary.counts[entity]
    return ImportOut(
        entity=entity,
        file=summary.sources.get(entity, path.name),
        created=counts.created,
        updated=counts.updated,
        unchanged=counts.unchanged,
    )


async def import_upload(
    request: Request, session: Session, settings: Settings, entity: str, on_existing: OnExisting
) -> ImportOut:
    """Receive the request's file and import it (one transaction); raises UploadRefused or
    DataImportError, storing nothing."""
    upload = await form_upload(request)
    with tempfile.TemporaryDirectory(prefix="teleroster-import-") as folder:
        path = await save_upload(upload, entity, Path(folder), settings)
        return await run_in_threadpool(run_import, session, entity, path, on_existing)


# --- JSON API ---

MULTIPART_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary"}},
                }
            }
        },
    }
}


@router.post(
    "/api/imports/{entity}",
    response_model=ImportOut,
    dependencies=[Depends(refuse_oversized_upload), CsrfProtected],
    openapi_extra=MULTIPART_BODY,
    responses={
        413: {"model": MessageOut, "description": "The upload is over the size limit"},
        422: {"model": ImportRejectedOut, "description": "Every problem; nothing was stored"},
    },
)
async def api_import(
    request: Request,
    entity: ImportEntity,
    session: SessionDep,
    settings: SettingsDep,
    _user: AdminUser,
    on_existing: Annotated[OnExisting, Query()] = "update",
) -> Any:
    """Import one entity's CSV/Excel file (multipart field ``file``): all rows or none."""
    try:
        return await import_upload(request, session, settings, entity.value, on_existing)
    except UploadRefused as refused:
        if refused.status == 422:
            issue = ImportIssue(refused.file, None, None, refused.message)
            raise HTTPException(422, detail=[IssueOut.of(issue).model_dump()]) from None
        raise HTTPException(refused.status, detail=refused.message) from None
    except DataImportError as rejected:
        detail = [IssueOut.of(issue).model_dump() for issue in rejected.issues]
        raise HTTPException(status_code=422, detail=detail) from None


# --- The page ---


@router.get("/imports", response_class=HTMLResponse, include_in_schema=False)
def imports_page(request: Request, _user: AdminUser, settings: SettingsDep) -> Response:
    return _page(request, settings)


@router.post(
    "/imports",
    response_class=HTMLResponse,
    include_in_schema=False,
    dependencies=[Depends(refuse_oversized_upload), CsrfProtected],
)
async def import_form(
    request: Request, session: SessionDep, settings: SettingsDep, _user: AdminUser
) -> Response:
    form = await request.form(max_files=1, max_fields=10)
    entity = str(form.get("entity", ""))
    on_existing: OnExisting = "reject" if form.get("on_existing") == "reject" else "update"
    values = {"entity": entity, "on_existing": on_existing}
    if entity not in ENTITY_NAMES:
        return _page(request, settings, values, error="Choose what the file holds.", status=422)
    try:
        done = await import_upload(request, session, settings, entity, on_existing)
    except UploadRefused as refused:
        return _page(request, settings, values, error=refused.message, status=refused.status)
    except DataImportError as rejected:
        return _page(request, settings, values, issues=rejected.issues, status=422)
    return _page(request, settings, values, done=done)


def _page(
    request: Request,
    settings: Settings,
    values: dict[str, str] | None = None,
    *,
    done: ImportOut | None = None,
    issues: list[ImportIssue] | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    return templates.TemplateResponse(
        request=request,
        name="manager/imports.html",
        context={
            "entities": ENTITY_NAMES,
            "values": values or {},
            "done": done,
            "issues": issues or [],
            "error": error,
            "limit_mib": settings.max_upload_bytes / 1024 / 1024,
        },
        status_code=status,
    )
