"""``teleroster user``: create accounts (the first admin among them), list them, reset passwords."""

from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table
from sqlmodel import col, select

from scheduler.accounts import AccountError, create_user, get_user_by_email, set_password
from scheduler.cli import app
from scheduler.db import session_scope
from scheduler.models import Radiologist, Region, Role, User, UserCreate
from scheduler.models.users import MIN_PASSWORD_LENGTH
from scheduler.services.access import region_ids

console = Console()
user_app = typer.Typer(help="User accounts: create, list, set-password.", no_args_is_help=True)
app.add_typer(user_app, name="user")


def _password(given: str | None) -> str:
    if given is not None:
        return given
    password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


def _fail(message: str) -> typer.Exit:
    console.print(f"[red]{message}[/red]")
    return typer.Exit(1)


@user_app.command("create")
def create(
    email: Annotated[str, typer.Option(help="Sign-in email address.")],
    name: Annotated[str | None, typer.Option(help="Display name (default: the email).")] = None,
    admin: Annotated[bool, typer.Option("--admin", help="Make an administrator.")] = False,
    role: Annotated[
        Role, typer.Option(help="Role, when not --admin: manager, radiologist or planner.")
    ] = Role.PLANNER,
    radiologist: Annotated[
        str | None, typer.Option(help="Radiologist code, for a radiologist account (e.g. R0042).")
    ] = None,
    region: Annotated[
        list[str] | None, typer.Option(help="Region code a manager manages (repeatable).")
    ] = None,
    password: Annotated[
        str | None, typer.Option(help="Password (prompted for, hidden, when not given).")
    ] = None,
) -> None:
    """Create a user; ``--admin`` for the first administrator."""
    chosen = Role.ADMIN if admin else role
    with session_scope() as session:
        radiologist_id = None
        if radiologist is not None:
            row = session.exec(select(Radiologist).where(Radiologist.code == radiologist)).first()
            if row is None:
                raise _fail(f"--radiologist: no radiologist with code {radiologist!r}")
            radiologist_id = row.id
        regions: list[int] = []
        for code in region or []:
            found = session.exec(select(Region).where(Region.code == code)).first()
            if found is None or found.id is None:
                raise _fail(f"--region: no region with code {code!r}")
            regions.append(found.id)
        try:
            user_in = UserCreate(
                email=email,
                name=name or email,
                role=chosen,
                radiologist_id=radiologist_id,
                password=_password(password),
                region_ids=regions,
            )
            user = create_user(session=session, user_in=user_in)
        except ValidationError as exc:
            problems = "; ".join(
                f"--{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
            )
            raise _fail(problems) from None
        except AccountError as exc:
            raise _fail(str(exc)) from None
        console.print(f"Created {user.role.value} {user.email} (id {user.id}).")


@user_app.command("list")
def list_users() -> None:
    """Every account with its role, link and regions."""
    table = Table("id", "email", "name", "role", "radiologist", "regions", "active")
    with session_scope() as session:
        codes = {r.id: r.code for r in session.exec(select(Radiologist))}
        region_codes = {r.id: r.code for r in session.exec(select(Region))}
        for user in session.exec(select(User).order_by(col(User.email))):
            table.add_row(
                str(user.id),
                user.email,
                user.name,
                user.role.value,
                codes.get(user.radiologist_id, "") if user.radiologist_id else "",
                ", ".join(sorted(region_codes[r] for r in region_ids(user))),
                "yes" if user.active else "no",
            )
    console.print(table)


@user_app.command("set-password")
def set_password_command(
    email: Annotated[str, typer.Option(help="The account's email.")],
    password: Annotated[
        str | None, typer.Option(help="New password (prompted for when not given).")
    ] = None,
) -> None:
    """Set a new password and lift any sign-in lock."""
    with session_scope() as session:
        user = get_user_by_email(session=session, email=email)
        if user is None:
            raise _fail(f"--email: no user with email {email!r}")
        new = _password(password)
        if len(new) < MIN_PASSWORD_LENGTH:
            raise _fail(f"--password: use at least {MIN_PASSWORD_LENGTH} characters")
        set_password(session=session, user=user, password=new)
        console.print(f"Password of {user.email} changed; the account is unlocked.")
