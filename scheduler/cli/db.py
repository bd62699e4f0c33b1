"""``teleroster db``: bring the database schema up to date (Alembic) and report where it stands."""

from typing import Annotated

import typer
from sqlalchemy.engine import make_url

from scheduler import migrations
from scheduler.cli import app
from scheduler.db import normalise_url
from scheduler.settings import get_settings

db_app = typer.Typer(help="Database schema: upgrade, downgrade, current.", no_args_is_help=True)
app.add_typer(db_app, name="db")

UrlOption = Annotated[
    str | None,
    typer.Option("--url", help="Database URL (default: DATABASE_URL or the local SQLite file)."),
]


def _target(url: str | None) -> str:
    return normalise_url(url or get_settings().database_url)


def _shown(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


@db_app.command()
def upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
    url: UrlOption = None,
) -> None:
    """Apply migrations up to REVISION (default: the latest)."""
    target = _target(url)
    migrations.upgrade(target, revision)
    print(f"Database {_shown(target)} is at revision {migrations.current_revision(target)}.")


@db_app.command()
def downgrade(
    revision: Annotated[str, typer.Argument(help="Target revision, '-1' or 'base'.")] = "-1",
    url: UrlOption = None,
) -> None:
    """Revert migrations down to REVISION (default: one step)."""
    target = _target(url)
    migrations.downgrade(target, revision)
    current = migrations.current_revision(target) or "base (empty)"
    print(f"Database {_shown(target)} is at revision {current}.")


@db_app.command()
def current(url: UrlOption = None) -> None:
    """Show the database's revision and whether it is the latest."""
    target = _target(url)
    revision = migrations.current_revision(target)
    head = migrations.head_revision()
    if revision is None:
        state = "not migrated: run `teleroster db upgrade`"
    elif revision == head:
        state = "up to date"
    else:
        state = f"behind head {head}: run `teleroster db upgrade`"
    print(f"{_shown(target)}: {revision or 'no revision'} ({state})")


@db_app.command()
def revision(
    message: Annotated[str, typer.Option("-m", "--message", help="What the revision changes.")],
    url: UrlOption = None,
) -> None:
    """Write a new migration from the models' difference to an up-to-date database (developers)."""
    migrations.make_revision(message, _target(url))
