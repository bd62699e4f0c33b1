"""Signing in and out: sessions, wrong passwords, throttling, CSRF, roles, inviting users."""

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from scheduler.accounts import (
    LOCK_DURATION,
    MAX_FAILURES_PER_ACCOUNT,
    MAX_FAILURES_PER_CLIENT,
    LoginRefused,
    authenticate,
)
from scheduler.models import Region, Role, User, UserRegion, utc_now
from scheduler.settings import Settings
from tests.web.clinic import seed_clinic
from tests.web.conftest import TEST_PASSWORD, Login, make_user, read_csrf, sign_in


def _post_login(client: TestClient, email: str, password: str) -> "object":
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": read_csrf(client)},
        follow_redirects=False,
    )


def test_login_sets_a_hardened_session_cookie_and_redirects_home(
    client: TestClient, engine: Engine
) -> None:
    user = make_user(engine, Role.RADIOLOGIST)
    response = _post_login(client, user.email, TEST_PASSWORD)
    assert response.status_code == 303
    assert response.headers["location"] == "/me/schedule"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    me = client.get("/api/me").json()
    assert me["email"] == user.email and me["role"] == "radiologist"


def test_session_cookie_is_secure_outside_development(db_url: str, engine: Engine) -> None:
    from web.app import create_app

    settings = Settings(database_url=db_url, environment="production", secret_key="s" * 40)
    with TestClient(create_app(settings), base_url="https://testserver") as client:
        user = make_user(engine, Role.PLANNER)
        response = _post_login(client, user.email, TEST_PASSWORD)
        assert response.status_code == 303
        assert "secure" in response.headers["set-cookie"].lower()


def test_wrong_password_is_refused_with_no_session(client: TestClient, engine: Engine) -> None:
    user = make_user(engine, Role.MANAGER)
    response = _post_login(client, user.email, "not the password")
    assert response.status_code == 401
    assert "Wrong email or password" in response.text
    assert client.get("/api/me").status_code == 401


def test_unknown_email_gets_the_same_answer(client: TestClient) -> None:
    response = _post_login(client, "nobody@test.example", "whatever1")
    assert response.status_code == 401
    assert "Wrong email or password" in response.text


def test_inactive_user_cannot_sign_in(client: TestClient, engine: Engine) -> None:
    user = make_user(engine, Role.PLANNER)
    with Session(engine) as session:
        row = session.get(User, user.id)
        assert row is not None
        row.active = False
        session.add(row)
        session.commit()
    assert _post_login(client, user.email, TEST_PASSWORD).status_code == 401


def test_repeated_failures_lock_the_account_even_for_the_right_password(
    client: TestClient, engine: Engine
) -> None:
    user = make_user(engine, Role.ADMIN)
    for _ in range(MAX_FAILURES_PER_ACCOUNT - 1):
        assert _post_login(client, user.email, "bad password").status_code == 401
    locking = _post_login(client, user.email, "bad password")
    assert locking.status_code == 429
    assert "locked for 15 minutes" in locking.text
    refused = _post_login(client, user.email, TEST_PASSWORD)
    assert refused.status_code == 429
    assert "This account is locked" in refused.text
    assert client.get("/api/me").status_code == 401


def test_the_account_lock_ends(session: Session, engine: Engine) -> None:
    user = make_user(engine, Role.ADMIN)
    now = utc_now()
    for _ in range(MAX_FAILURES_PER_ACCOUNT):
        with pytest.raises(LoginRefused):
            authenticate(
                session=session, email=user.email, password="bad", client="10.0.0.1", now=now
            )
    with pytest.raises(LoginRefused, match="locked"):
        authenticate(
            session=session, email=user.email, password=TEST_PASSWORD, client="10.0.0.2", now=now
        )
    later = now + LOCK_DURATION + dt.timedelta(seconds=1)
    signed_in = authenticate(
        session=session, email=user.email, password=TEST_PASSWORD, client="10.0.0.2", now=later
    )
    assert signed_in.id == user.id and signed_in.failed_logins == 0


def test_one_client_guessing_across_accounts_is_throttled(session: Session, engine: Engine) -> None:
    victim = make_user(engine, Role.MANAGER)
    now = utc_now()
    for n in range(MAX_FAILURES_PER_CLIENT):
        with pytest.raises(LoginRefused):
            authenticate(
                session=session,
                email=f"guess{n}@test.example",
                password="guess",
                client="203.0.113.9",
                now=now,
            )
    with pytest.raises(LoginRefused, match="network address"):
        authenticate(
            session=session,
            email=victim.email,
            password=TEST_PASSWORD,
            client="203.0.113.9",
            now=now,
        )
    # Another address is unaffected, and the account itself was never locked.
    assert authenticate(
        session=session, email=victim.email, password=TEST_PASSWORD, client="198.51.100.1", now=now
    )


def test_html_pages_redirect_to_login_and_back(client: TestClient, engine: Engine) -> None:
    response = client.get("/account/password", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Faccount%2Fpassword"
    user = make_user(engine, Role.PLANNER)
    landed = client.post(
        "/login",
        data={
            "email": user.email,
            "password": TEST_PASSWORD,
            "next": "/account/password",
            "csrf_token": read_csrf(client),
        },
        follow_redirects=False,
    )
    assert landed.headers["location"] == "/account/password"


def test_login_never_redirects_off_site(client: TestClient, engine: Engine) -> None:
    user = make_user(engine, Role.PLANNER)
    response = client.post(
        "/login",
        data={
            "email": user.email,
            "password": TEST_PASSWORD,
            "next": "//evil.example/phish",
            "csrf_token": read_csrf(client),
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/planner"  # the planner's home, not the next page


def test_api_without_a_session_is_401_json(client: TestClient) -> None:
    response = client.get("/api/me")
    assert response.status_code == 401
    assert response.json() == {"detail": "Not signed in"}


def test_form_posts_without_the_csrf_token_are_refused(
    client: TestClient, engine: Engine, login: Login
) -> None:
    user = make_user(engine, Role.PLANNER)
    no_token = client.post(
        "/login", data={"email": user.email, "password": TEST_PASSWORD}, follow_redirects=False
    )
    assert no_token.status_code == 403
    assert client.get("/api/me").status_code == 401

    login(client, Role.PLANNER)
    wrong = client.post("/logout", data={"csrf_token": "forged"}, follow_redirects=False)
    assert wrong.status_code == 403
    assert client.get("/api/me").status_code == 200  # still signed in


def test_logout_ends_the_session(client: TestClient, login: Login) -> None:
    login(client, Role.MANAGER)
    response = client.post(
        "/logout", data={"csrf_token": read_csrf(client)}, follow_redirects=False
    )
    assert response.status_code == 303
    assert client.get("/api/me").status_code == 401


def test_signing_in_starts_a_new_csrf_token(client: TestClient, engine: Engine) -> None:
    before = read_csrf(client)
    user = make_user(engine, Role.PLANNER)
    sign_in(client, user.email)
    assert read_csrf(client) != before


def test_pages_carry_the_csrf_meta_tag_and_the_sign_out_form(
    client: TestClient, login: Login
) -> None:
    login(client, Role.PLANNER)
    html = client.get("/account/password").text
    token = re.search(r'<meta name="csrf-token" content="([^"]+)">', html)
    assert token is not None
    assert f'name="csrf_token" value="{token.group(1)}"' in html
    assert 'action="http://testserver/logout"' in html


def test_roles_are_enforced(client: TestClient, login: Login) -> None:
    login(client, Role.PLANNER)
    assert client.get("/users").status_code == 403
    assert client.get("/me/schedule").status_code == 403


def test_change_password(client: TestClient, login: Login, engine: Engine) -> None:
    user = login(client, Role.PLANNER)
    token = read_csrf(client)
    wrong = client.post(
        "/account/password",
        data={"current": "nope", "new": "new password 1", "repeat": "new password 1",
              "csrf_token": token},
    )  # fmt: skip
    assert wrong.status_code == 422 and "current password is wrong" in wrong.text
    done = client.post(
        "/account/password",
        data={"current": TEST_PASSWORD, "new": "new password 1", "repeat": "new password 1",
              "csrf_token": token},
    )  # fmt: skip
    assert done.status_code == 200 and "Your password is changed" in done.text
    other = TestClient(client.app)
    assert _post_login(other, user.email, TEST_PASSWORD).status_code == 401
    assert _post_login(other, user.email, "new password 1").status_code == 303


def _invite(client: TestClient, **fields: object) -> "object":
    return client.post("/users", data={"csrf_token": read_csrf(client), **fields})


def test_admin_invites_a_planner_who_signs_in_with_the_temporary_password(
    client: TestClient, login: Login
) -> None:
    login(client, Role.ADMIN)
    response = _invite(client, email="Pia@Test.example", name="Pia Planner", role="planner")
    assert response.status_code == 200
    password = re.search(r'<code class="secret">([^<]+)</code>', response.text)
    assert password is not None
    fresh = TestClient(client.app)
    assert _post_login(fresh, "pia@test.example", password.group(1)).status_code == 303
    assert fresh.get("/api/me").json()["role"] == "planner"


def test_manager_invites_only_within_their_regions(
    client: TestClient, login: Login, session: Session
) -> None:
    clinic = seed_clinic(session)
    login(client, Role.MANAGER, region_ids=[clinic.regions["N"]])
    ok = _invite(
        client, email="bo@test.example", name="Bo", role="radiologist",
        radiologist_id=str(clinic.readers["R2"]),
    )  # fmt: skip
    assert ok.status_code == 200, ok.text
    outside = _invite(
        client, email="cleo@test.example", name="Cleo", role="radiologist",
        radiologist_id=str(clinic.readers["R3"]),  # West only
    )  # fmt: skip
    assert outside.status_code == 403
    admin = _invite(client, email="boss@test.example", name="Boss", role="admin")
    assert admin.status_code == 403
    other_region = _invite(
        client, email="m2@test.example", name="M2", role="manager",
        region_id=str(clinic.regions["W"]),
    )  # fmt: skip
    assert other_region.status_code == 403
    emails = set(session.exec(select(User.email)).all())
    assert "bo@test.example" in emails
    assert not {"cleo@test.example", "boss@test.example", "m2@test.example"} & emails


def test_inviting_a_duplicate_email_says_so(client: TestClient, login: Login) -> None:
    admin = login(client, Role.ADMIN)
    response = _invite(client, email=admin.email, name="Again", role="planner")
    assert response.status_code == 422
    assert "already exists" in response.text


def test_manager_invited_with_regions_is_scoped(
    client: TestClient, login: Login, session: Session
) -> None:
    north = Region(code="NN", name="Nord", time_zone="Europe/Oslo")
    session.add(north)
    session.commit()
    login(client, Role.ADMIN)
    response = _invite(
        client, email="mgr@test.example", name="Mgr", role="manager", region_id=str(north.id)
    )
    assert response.status_code == 200
    user = session.exec(select(User).where(User.email == "mgr@test.example")).one()
    links = session.exec(select(UserRegion).where(UserRegion.user_id == user.id)).all()
    assert [link.region_id for link in links] == [north.id]
