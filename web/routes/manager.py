"""Everything of the manager UI in one registration: its routers, error pages, Plotly's script.

``create_app`` calls ``include_manager_routes(app)``.
"""

from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from web.routes import (
    api_catalogue,
    api_periods,
    api_rosters,
    catalogue,
    coverage,
    jobs,
    periods,
    radiologists,
    rosters,
)
from web.routes.service_errors import install_service_error_handlers

# Served from the installed plotly package, never copied into the repository.
PLOTLY_DIR = Path(str(files("plotly") / "package_data"))


def include_manager_routes(app: FastAPI) -> None:
    install_service_error_handlers(app)
    app.mount("/vendor/plotly", StaticFiles(directory=PLOTLY_DIR), name="plotly")
    for module in (api_catalogue, api_periods, api_rosters):
        app.include_router(module.router)
    for module in (radiologists, catalogue, periods, jobs, rosters, coverage):
        app.include_router(module.router)
