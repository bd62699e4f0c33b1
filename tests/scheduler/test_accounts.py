"""Accounts: creating users, the `teleroster user` commands, the demo logins, manager scope."""

import pytest
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from scheduler import accounts
from scheduler.accounts import (
    DEMO_LOGINS,
    AccountError,
    authenticate,
    create_user,
    seed_demo_users,
    verify_password,
)
from scheduler.cli import _register, app
from scheduler.models import Radiologist, Region, Role, User, UserCreate, UserRegion
from scheduler.services.access import manager_can, region_ids


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    fast = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))
    monkeypatch.setattr(accounts, "_hasher", fast)
    monkeypatch.setattr(accounts, "_DUMMY_HASH", fast.hash("dummy"))


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    _register()
    return CliRunner()


def _people(session: Session) -> tuple[Region, Region, Radiologist]:
    north = Region(code="N", name="North", time_zone="Europe/Oslo")
    west = Region(code="W", name="West", time_zone="Australia/Perth")
    session.add_all([north, west])
    session.flush()
    reader = Radiologist(
        code="R1", name="Anna Lind", email="anna@x.example", home_time_zone="Europe/Oslo"
    )
    session.add(reader)
    session.commit()
    return north, west, reader


def test_passwords_are_stored_as_argon2_hashes(session: Session) -> None:
    user = create_user(
        session=session,
        user_in=UserCreate(email="A@X.example", name="A", role=Role.ADMIN, password="s3cret-pass"),
    )
    assert user.email == "a@x.example"
    assert user.password_hash.startswith("$argon2id$")
    assert "s3cret-pass" not in user.password_hash
    assert verify_password("s3cret-pass", user.password_hash)
    assert not verify_password("s3cret-pasS", user.password_hash)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"role": Role.RADIOLOGIST}, "must be linked to a radiologist"),
        ({"role": Role.RADIOLOGIST, "radiologist_id": 999}, "no radiologist with id 999"),
        ({"role": Role.PLANNER, "region_ids": [1]}, "only managers are scoped"),
        ({"role": Role.MANAGER, "region_ids": [999]}, "no region with id 999"),
    ],
)
def test_create_user_refuses_inconsistent_accounts(
    session: Session, fields: dict[str, object], message: str
) -> None:
    _people(session)
    with pytest.raises(AccountError, match=message):
        create_user(
            session=session,
            user_in=UserCreate(email="u@x.example", name="U", password="long enough", **fields),
        )


def test_one_account_per_radiologist_and_per_email(session: Session) -> None:
    _, _, reader = _people(session)
    fields = {"name": "A", "role": Role.RADIOLOGIST, "password": "long enough"}
    create_user(
        session=session,
        user_in=UserCreate(email="a@x.example", radiologist_id=reader.id, **fields),
    )
    with pytest.raises(AccountError, match="already has an account"):
        create_user(
            session=session,
            user_in=UserCreate(email="b@x.example", radiologist_id=reader.id, **fields),
        )
    with pytest.raises(AccountError, match="already exists"):
        create_user(
            session=session,
            user_in=UserCreate(email="A@x.example", name="A", role=Role.ADMIN, password="x" * 9),
        )


def test_manager_scope(session: Session) -> None:
    north, west, _ = _people(session)
    manager = create_user(
        session=session,
        user_in=UserCreate(
            email="m@x.example",
            name="M",
            role=Role.MANAGER,
            password="long enough",
            region_ids=[north.id],  # type: ignore[list-item]
        ),
    )
    admin = create_user(
        session=session,
        user_in=UserCreate(email="a@x.example", name="A", role=Role.ADMIN, password="long enough"),
    )
    session.commit()
    assert region_ids(manager) == {north.id}
    assert manager_can(manager, north.id) and not manager_can(manager, west.id)
    assert not manager_can(manager, None)
    assert manager_can(admin, west.id) and manager_can(admin, None)


def test_cli_creates_the_first_admin_with_a_prompted_password(
    runner: CliRunner, engine: Engine
) -> None:
    result = runner.invoke(
        app,
        ["user", "create", "--admin", "--email", "Boss@Hospital.example"],
        input="first-admin-pass\nfirst-admin-pass\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created admin boss@hospital.example" in result.output
    with Session(engine) as session:
        user = authenticate(
            session=session,
            email="boss@hospital.example",
            password="first-admin-pass",
            client="cli-test",
        )
        assert user.role == Role.ADMIN


def test_cli_creates_a_manager_and_a_radiologist_by_code(
    runner: CliRunner, engine: Engine, session: Session
) -> None:
    _people(session)
    manager = runner.invoke(
        app,
        ["user", "create", "--email", "m@x.example", "--role", "manager", "--region", "W",
         "--password", "long enough"],
    )  # fmt: skip
    assert manager.exit_code == 0, manager.output
    reader = runner.invoke(
        app,
        ["user", "create", "--email", "r@x.example", "--role", "radiologist",
         "--radiologist", "R1", "--password", "long enough"],
    )  # fmt: skip
    assert reader.exit_code == 0, reader.output
    listed = runner.invoke(app, ["user", "list"])
    assert "m@x.example" in listed.output and "r@x.example" in listed.output
    with Session(engine) as s:
        m = s.exec(select(User).where(User.email == "m@x.example")).one()
        r = s.exec(select(User).where(User.email == "r@x.example")).one()
        west = s.exec(select(Region).where(Region.code == "W")).one()
        assert region_ids(m) == {west.id}
        assert r.radiologist_id is not None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--radiologist", "R9", "--role", "radiologist"], "--radiologist: no radiologist"),
        (["--region", "XX", "--role", "manager"], "--region: no region with code 'XX'"),
        (["--password", "short"], "--password: String should have at least 8 characters"),
        (["--role", "radiologist"], "must be linked to a radiologist"),
    ],
)
def test_cli_errors_name_the_option(
    runner: CliRunner, engine: Engine, args: list[str], message: str
) -> None:
    password = [] if "--password" in args else ["--password", "long enough"]
    result = runner.invoke(app, ["user", "create", "--email", "e@x.example", *args, *password])
    assert result.exit_code == 1
    assert message in result.output
    with Session(engine) as session:
        assert session.exec(select(User)).all() == []


def test_cli_set_password_unlocks(runner: CliRunner, engine: Engine, session: Session) -> None:
    runner.invoke(app, ["user", "create", "--email", "p@x.example", "--password", "first password"])
    result = runner.invoke(
        app, ["user", "set-password", "--email", "p@x.example", "--password", "second password"]
    )
    assert result.exit_code == 0, result.output
    with Session(engine) as s:
        user = authenticate(
            session=s, email="p@x.example", password="second password", client="cli-test"
        )
        assert user.failed_logins == 0
    missing = runner.invoke(app, ["user", "set-password", "--email", "no@x.example"])
    assert missing.exit_code == 1 and "no user with email" in missing.output


def test_demo_users_one_per_role_and_idempotent(session: Session, engine: Engine) -> None:
    north, _, reader = _people(session)
    first = seed_demo_users(session)
    session.commit()
    assert [login.role for login in first] == [Role.ADMIN, Role.MANAGER, Role.PLANNER,
                                                Role.RADIOLOGIST]  # fmt: skip
    again = seed_demo_users(session)
    session.commit()
    assert again == first
    assert len(session.exec(select(User)).all()) == 4
    for login in DEMO_LOGINS:
        user = authenticate(
            session=session, email=login.email, password=login.password, client="demo"
        )
        assert user.role == login.role
        if login.role == Role.RADIOLOGIST:
            assert user.radiologist_id == reader.id
        if login.role == Role.MANAGER:
            assert region_ids(user) == {north.id}


def test_demo_users_are_relinked_after_the_demo_data_is_reloaded(session: Session) -> None:
    _people(session)
    seed_demo_users(session)
    session.commit()
    # A reset deletes the demo rows: the links go (SET NULL, CASCADE), the users stay.
    for row in session.exec(select(UserRegion)).all():
        session.delete(row)
    for row in session.exec(select(Radiologist)).all():
        session.delete(row)
    session.commit()
    session.add(Radiologist(code="R7", name="New", email="n@x.example", home_time_zone="UTC"))
    session.commit()
    seed_demo_users(session)
    session.commit()
    radiologist = session.exec(select(User).where(User.role == Role.RADIOLOGIST)).one()
    manager = session.exec(select(User).where(User.role == Role.MANAGER)).one()
    new = session.exec(select(Radiologist).where(Radiologist.code == "R7")).one()
    assert radiologist.radiologist_id == new.id
    session.refresh(manager)
    assert len(region_ids(manager)) == 1


def test_demo_without_radiologists_skips_the_radiologist_login(session: Session) -> None:
    logins = seed_demo_users(session)
    assert Role.RADIOLOGIST not in {login.role for login in logins}
    assert len(logins) == 3
