"""Where signing in leads each role: their own home page, which then opens for them."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from scheduler.models import Role
from tests.web.conftest import TEST_PASSWORD, make_user, read_csrf


@pytest.mark.parametrize(
    ("role", "home", "heading"),
    [
        (Role.PLANNER, "/planner", "<h1>What-if scenarios</h1>"),
        (Role.MANAGER, "/", "<h1>Overview</h1>"),
        (Role.RADIOLOGIST, "/me/schedule", "<h1>My schedule</h1>"),
    ],
)
def test_signing_in_lands_on_the_roles_home(
    client: TestClient, engine: Engine, role: Role, home: str, heading: str
) -> None:
    user = make_user(engine, role)
    response = client.post(
        "/login",
        data={"email": user.email, "password": TEST_PASSWORD, "csrf_token": read_csrf(client)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == home
    landing = client.get(home)
    assert landing.status_code == 200
    assert heading in landing.text


def test_a_next_page_wins_over_the_planners_home(client: TestClient, engine: Engine) -> None:
    user = make_user(engine, Role.PLANNER)
    response = client.post(
        "/login",
        data={
            "email": user.email,
            "password": TEST_PASSWORD,
            "csrf_token": read_csrf(client),
            "next": "/planner/register",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/planner/register"
