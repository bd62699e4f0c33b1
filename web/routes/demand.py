"""A period's demand for one region and subspecialty: observed volumes, the forecast with its
interval, and the readers required by hour, as a page with charts and tables and as JSON.

Managers see their own regions; planners and administrators every region; radiologists nothing.
"""

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from scheduler.models import Role, StudyPriority, User
from scheduler.services.demand_view import MAX_HISTORY_WEEKS, DemandView, demand_view
from scheduler.services.errors import FieldError, NotFound
from scheduler.services.periods import list_periods
from scheduler.services.scope import EVERYWHERE, RegionScope
from web.deps import SessionDep, require_role
from web.routes.demand_charts import readers_figure_json, volume_figure_json
from web.routes.scoping import scope_of
from web.templating import templates

router = APIRouter(tags=["demand"])

DemandReader = Annotated[User, Depends(require_role(Role.MANAGER, Role.PLANNER, Role.ADMIN))]
ALL_PRIORITIES = ("", "all")  # what the page's "every priority" option sends


def demand_scope(user: DemandReader) -> RegionScope:
    return EVERYWHERE if user.role == Role.PLANNER else scope_of(user)


DemandScope = Annotated[RegionScope, Depends(demand_scope)]


class DemandQuery:
    """The view's query string; an empty value (a form's "any" option) means the default."""

    def __init__(
        self,
        region: Annotated[str | None, Query(max_length=64, description="region code")] = None,
        subspecialty: Annotated[
            str | None, Query(max_length=64, description="subspecialty code")
        ] = None,
        priority: Annotated[
            str | None, Query(max_length=32, description="a study priority, or all")
        ] = None,
        resolution: Literal["hour", "day"] = "hour",
        history_weeks: Annotated[int, Query(ge=0, le=MAX_HISTORY_WEEKS)] = 2,
    ) -> None:
        self.region = region or None
        self.subspecialty = subspecialty or None
        self.priority = _priority(priority)
        self.resolution: Literal["hour", "day"] = resolution
        self.history_weeks = history_weeks

    def view(self, session: Session, period_id: int, scope: RegionScope) -> DemandView:
        return demand_view(
            session=session,
            period_id=period_id,
            scope=scope,
            region=self.region,
            subspecialty=self.subspecialty,
            priority=self.priority,
            resolution=self.resolution,
            history_weeks=self.history_weeks,
        )


def _priority(value: str | None) -> StudyPriority | None:
    if value is None or value in ALL_PRIORITIES:
        return None
    try:
        return StudyPriority(value)
    except ValueError:
        known = ", ".join(p.value for p in StudyPriority)
        raise FieldError("priority", f"{value!r} is not a priority ({known}, or all)") from None


QueryDep = Annotated[DemandQuery, Depends()]


@router.get("/api/periods/{period_id}/demand", response_model=DemandView)
def api_demand(
    period_id: int, session: SessionDep, scope: DemandScope, query: QueryDep
) -> DemandView:
    """Observed studies, forecast mean and prediction interval, and required readers of one
    region and subspecialty, per hour or per region-local day."""
    return query.view(session, period_id, scope)


@router.get("/demand", include_in_schema=False)
def demand_latest(session: SessionDep, _scope: DemandScope) -> Response:
    """The newest period's demand page (the navigation's link)."""
    periods = list_periods(session=session)
    if not periods or periods[0].id is None:
        raise NotFound("no planning period is stored yet")
    return RedirectResponse(f"/periods/{periods[0].id}/demand", status_code=303)


@router.get("/periods/{period_id}/demand", response_class=HTMLResponse, include_in_schema=False)
def demand_page(
    request: Request, period_id: int, session: SessionDep, scope: DemandScope, query: QueryDep
) -> Response:
    view = query.view(session, period_id, scope)
    return templates.TemplateResponse(
        request=request,
        name="demand/period.html",
        context={
            "view": view,
            "volume_json": volume_figure_json(view),
            "readers_json": readers_figure_json(view),
        },
    )
