"""The web app factory, run by ``teleroster serve`` as ``web.app:create_app`` (factory)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from scheduler.db import dispose_engine
from scheduler.settings import Settings, get_settings
from web.routes import health, overview
from web.templating import STATIC_DIR


@asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
    yield
    # Pooled connections belong to this process; close them when it stops serving.
    dispose_engine()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()  # fails fast on bad configuration
    app = FastAPI(
        title="Teleroster",
        lifespan=lifespan,
        docs_url="/api/docs" if settings.environment == "development" else None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(health.router)
    app.include_router(overview.router)
    return app
