"""A read-only or full database answers 503 with a message (JSON under /api/, a page elsewhere);
any other failure a 500 page that shows no traceback."""

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from scheduler.db import dispose_engine, get_engine
from scheduler.models import Radiologist, Role
from scheduler.settings import Settings
from tests.reliability.faults import fill_disk_after_connect, read_only
from tests.web.conftest import Login, make_user, read_csrf, sign_in
from web.app import create_app


@pytest.fixture
def reader_id(engine: Engine) -> int:
    with Session(engine) as session:
        reader = Radiologist(code="R1", name="Anna Lind", email="anna@example.org", fte=1.0,
                             home_time_zone="Europe/Oslo")  # fmt: skip
        session.add(reader)
        session.commit()
        assert reader.id is not None
        return reader.id


@pytest.fixture
def signed_in(client: TestClient, login: Login, csrf: Callable[[TestClient], str]) -> dict:
    login(client, Role.ADMIN)
    return {"X-CSRF-Token": csrf(client)}


@pytest.fixture
def read_only_client(
    client: TestClient, signed_in: dict, app_settings: Settings, reader_id: int
) -> Iterator[TestClient]:
    """The signed-in browser, now talking to the same app on a read-only database (with one
    radiologist in it)."""
    with read_only(app_settings.database_url) as url:
        app = create_app(app_settings.model_copy(update={"database_url": url}))
        with TestClient(app, raise_server_exceptions=False) as other:
            other.cookies = client.cookies
            yield other


def _fte(engine: Engine, reader_id: int) -> float:
    with Session(engine) as session:
        reader = session.get(Radiologist, reader_id)
        assert reader is not None
        return reader.fte


def test_a_write_to_a_read_only_database_is_503_with_a_message(
    read_only_client: TestClient, signed_in: dict, reader_id: int, engine: Engine
) -> None:
    # reading still works
    assert read_only_client.get(f"/api/radiologists/{reader_id}").json()["name"] == "Anna Lind"
    response = read_only_client.patch(
        f"/api/radiologists/{reader_id}", json={"fte": 0.5}, headers=signed_in
    )
    assert response.status_code == 503
    assert response.headers["retry-after"] == "30"
    assert response.json()["detail"].startswith("The database cannot be reached or cannot store")
    assert _fte(engine, reader_id) == 1.0


def test_a_form_on_a_read_only_database_gets_a_page_not_a_traceback(
    read_only_client: TestClient,
) -> None:
    token = read_only_client.get("/login").text.split('name="csrf-token" content="')[1][:43]
    # a failed sign-in is counted (a write), which the database refuses
    response = read_only_client.post(
        "/login", data={"email": "x@example.org", "password": "wrong", "csrf_token": token}
    )
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>Database unavailable</h1>" in response.text
    assert "Traceback" not in response.text and "sqlite3" not in response.text
    assert "psycopg" not in response.text and "readonly" not in response.text


def test_a_full_disk_is_503_and_nothing_is_half_written(
    sqlite_template: Path, tmp_path: Path
) -> None:
    """SQLite only: its max_page_count makes a file that cannot grow, as on a full disk."""
    path = tmp_path / "full.sqlite"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    engine = get_engine(url)
    try:
        with TestClient(create_app(Settings(database_url=url))) as client:
            sign_in(client, make_user(engine, Role.ADMIN).email)
            headers = {"X-CSRF-Token": read_csrf(client)}
            undo = fill_disk_after_connect(engine)
            try:
                for created in range(500):  # until the file would need another page
                    response = client.post(
                        "/api/radiologists",
                        json={"code": f"F{created}", "name": "F" * 150,
                              "email": f"f{created}@example.org", "home_time_zone": "UTC",
                              "fte": 1.0},
                        headers=headers,
                    )  # fmt: skip
                    if response.status_code != 201:
                        break
                assert response.status_code == 503, response.text
                assert "full" in response.json()["detail"]
            finally:
                undo()
            assert len(client.get("/api/radiologists").json()) == created  # the last one is not in
    finally:
        dispose_engine(url)


def test_an_unexpected_error_is_a_plain_500_page(app_settings: Settings, engine: Engine) -> None:
    app: FastAPI = create_app(app_settings)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internals: /etc/passwd")

    @app.get("/api/boom")
    def api_boom() -> None:
        raise KeyError("secret internals")

    with TestClient(app, raise_server_exceptions=False) as client:
        page = client.get("/boom")
        assert page.status_code == 500 and "<h1>Server error</h1>" in page.text
        assert "secret internals" not in page.text and "Traceback" not in page.text
        api = client.get("/api/boom")
        assert api.status_code == 500 and "secret" not in api.text
        assert api.json()["detail"].startswith("Something went wrong on our side")
