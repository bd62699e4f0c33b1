"""The Jinja2 environment every HTML route renders with (autoescaping on for .html)."""

from pathlib import Path

from fastapi.templating import Jinja2Templates

from web.security import csrf_token

WEB_DIR = Path(__file__).resolve().parent
STATIC_DIR = WEB_DIR / "static"

templates = Jinja2Templates(directory=WEB_DIR / "templates")
# Forms add <input type="hidden" name="csrf_token" value="{{ csrf_token() }}">.
templates.env.globals["csrf_token"] = csrf_token
