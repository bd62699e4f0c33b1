"""The coverage page of a roster version: heatmap, shortfalls with reasons, fairness chart."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from scheduler.services.coverage import roster_coverage
from scheduler.services.roster_grid import get_roster_row
from web.deps import SessionDep
from web.routes.charts import fairness_figure_json
from web.routes.scoping import ManagerScope
from web.templating import templates

router = APIRouter(tags=["coverage pages"], include_in_schema=False)


@router.get("/rosters/{roster_id}/coverage", response_class=HTMLResponse)
def coverage_page(
    request: Request, roster_id: int, session: SessionDep, scope: ManagerScope
) -> Response:
    roster = get_roster_row(session=session, roster_id=roster_id)
    report = roster_coverage(session=session, roster_id=roster_id, scope=scope)
    return templates.TemplateResponse(
        request=request,
        name="manager/coverage.html",
        context={
            "roster": roster,
            "report": report,
            "figure_json": fairness_figure_json(report.fairness),
        },
    )
