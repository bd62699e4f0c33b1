"""The web app factory, run by ``teleroster serve`` as ``web.app:create_app`` (factory)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from scheduler.db import dispose_engine
from scheduler.jobs.executor import start_executor, stop_executor
from scheduler.settings import Settings, get_settings
from web.errors import install_error_handlers
from web.routes import (
    auth,
    availability,
    calendar_feed,
    demand,
    health,
    imports,
    my_schedule,
    overview,
    planner,
    planner_api,
    swaps,
)
from web.routes.manager import include_manager_routes
from web.security import add_session_middleware
from web.templating import STATIC_DIR


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    if app.state.start_jobs:
        start_executor(app.state.settings)
    try:
        yield
    finally:
        if app.state.start_jobs:
            stop_executor()  # running solves stop early and store their best roster
        # Pooled connections belong to this process; close them when it stops serving.
        dispose_engine()


def create_app(settings: Settings | None = None, *, start_jobs: bool | None = None) -> FastAPI:
    """``start_jobs``: run solve jobs in worker processes started with the app; by default only
    when serving with the environment's settings (``teleroster serve``), not for test apps."""
    if start_jobs is None:
        start_jobs = settings is None
    settings = settings or get_settings()  # fails fast on bad configuration
    app = FastAPI(
        title="Teleroster",
        lifespan=lifespan,
        docs_url="/api/docs" if settings.environment == "development" else None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.start_jobs = start_jobs
    add_session_middleware(app, settings)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(health.router)
    app.include_router(overview.router)
    app.include_router(auth.router)
    app.include_router(availability.router)
    app.include_router(my_schedule.router)
    app.include_router(swaps.router)
    app.include_router(calendar_feed.router)
    app.include_router(planner_api.router)
    app.include_router(planner.router)
    app.include_router(imports.router)
    app.include_router(demand.router)
    include_manager_routes(app)
    install_error_handlers(app)
    return app
