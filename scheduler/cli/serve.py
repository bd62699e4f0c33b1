"""``teleroster serve``: run the web app with uvicorn."""

from typing import Annotated

import typer
import uvicorn

from scheduler.cli import app
from scheduler.settings import get_settings


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface (default: HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: PORT).")] = None,
    reload: Annotated[bool, typer.Option(help="Restart on code changes (development).")] = False,
) -> None:
    """Serve the web app until interrupted."""
    settings = get_settings()
    host = host or settings.host
    port = port or settings.port
    print(f"Teleroster is running at http://{host}:{port}/", flush=True)
    uvicorn.run("web.app:create_app", factory=True, host=host, port=port, reload=reload)
