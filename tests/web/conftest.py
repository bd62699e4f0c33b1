"""Web test fixtures: an app on a fresh database, and signing in through the real login form.

    def test_x(client, login, csrf):
        user = login(client, Role.MANAGER, region_ids=[north_id])
        client.post("/thing", data={"csrf_token": csrf(client), ...})

``login`` creates the user (a radiologist is linked to ``radiologist_id``, or to a new Radiologist
row when none is given), posts /login with the password and the form's CSRF token, and returns the
User (detached; its ``region_links`` are loaded). ``csrf(client)`` reads the session's token from
the page's ``<meta name="csrf-token">``.
"""

import re
from collections.abc import Callable, Iterator, Sequence
from typing import Protocol

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import Engine
from sqlmodel import Session

from scheduler import accounts
from scheduler.accounts import create_user
from scheduler.models import Radiologist, Role, User, UserCreate
from scheduler.settings import Settings
from tests.web import unique

TEST_PASSWORD = "correct horse battery"
_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


class Login(Protocol):
    def __call__(
        self,
        client: TestClient,
        role: Role,
        *,
        radiologist_id: int | None = None,
        region_ids: Sequence[int] = (),
        email: str | None = None,
    ) -> User: ...


def read_csrf(client: TestClient) -> str:
    """The CSRF token of the client's session (made on the first page view)."""
    match = _META.search(client.get("/login").text)
    assert match is not None, "no csrf-token meta tag on /login"
    return match.group(1)


def make_user(
    engine: Engine,
    role: Role,
    *,
    radiologist_id: int | None = None,
    region_ids: Sequence[int] = (),
    email: str | None = None,
    password: str = TEST_PASSWORD,
) -> User:
    n = next(unique.numbers)
    with Session(engine, expire_on_commit=False) as session:
        if role == Role.RADIOLOGIST and radiologist_id is None:
            reader = Radiologist(
                code=f"T{n}", name=f"Test Reader {n}", email=f"reader{n}@test.example",
                home_time_zone="Europe/Oslo",
            )  # fmt: skip
            session.add(reader)
            session.flush()
            radiologist_id = reader.id
        user = create_user(
            session=session,
            user_in=UserCreate(
                email=email or f"{role.value}{n}@test.example",
                name=f"Test {role.value} {n}",
                role=role,
                radiologist_id=radiologist_id,
                password=password,
                region_ids=list(region_ids),
            ),
        )
        session.commit()
        _ = user.region_links  # loaded now, readable after the session closes
        return user


def sign_in(client: TestClient, email: str, password: str = TEST_PASSWORD) -> None:
    response = client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": read_csrf(client)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Still Argon2, at a cost for tests: the production cost takes about a second a hash here."""
    fast = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))
    monkeypatch.setattr(accounts, "_hasher", fast)
    monkeypatch.setattr(accounts, "_DUMMY_HASH", fast.hash("dummy"))


@pytest.fixture
def app_settings(db_url: str) -> Settings:
    return Settings(database_url=db_url)


def _app(settings: Settings) -> FastAPI:
    from web.app import create_app  # imported late: service-only tests here need no web app

    return create_app(settings)


@pytest.fixture
def client(app_settings: Settings, engine: Engine) -> Iterator[TestClient]:
    with TestClient(_app(app_settings)) as client:
        yield client


@pytest.fixture
def make_client(app_settings: Settings, engine: Engine) -> Iterator[Callable[[], TestClient]]:
    """More clients on the same app (two people, or two browser tabs, at once)."""
    app = _app(app_settings)
    clients: list[TestClient] = []

    def make() -> TestClient:
        client = TestClient(app)
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def login(engine: Engine) -> Login:
    def login(
        client: TestClient,
        role: Role,
        *,
        radiologist_id: int | None = None,
        region_ids: Sequence[int] = (),
        email: str | None = None,
    ) -> User:
        user = make_user(
            engine, role, radiologist_id=radiologist_id, region_ids=region_ids, email=email
        )
        sign_in(client, user.email)
        return user

    return login


@pytest.fixture
def csrf() -> Callable[[TestClient], str]:
    return read_csrf
