"""``/``: what is loaded (regions, radiologists, counts), until the manager pages land."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from scheduler.services.overview import get_overview
from web.deps import SessionDep
from web.templating import templates

router = APIRouter(tags=["overview"])


@router.get("/", response_class=HTMLResponse)
def overview_page(request: Request, session: SessionDep) -> HTMLResponse:
    return templates.TemplateResponse(
        request=request,
        name="overview.html",
        context={"overview": get_overview(session=session)},
    )
