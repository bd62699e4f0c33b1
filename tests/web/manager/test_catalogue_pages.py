"""Catalogue pages: forms that create and edit, with each validation message beside its field."""

import datetime as dt
import re

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from scheduler import models as m
from scheduler.models import Role
from tests.web.conftest import Login
from tests.web.manager.seed import Department


def _token(client: TestClient) -> str:
    match = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/periods").text)
    assert match is not None
    return match.group(1)


def _error_of(html: str, field: str) -> str:
    """The message shown under ``field``, which must point at it for screen readers."""
    match = re.search(rf'<p class="field-error" id="f-{field}-error">([^<]*)</p>', html)
    assert match is not None, f"no error shown for {field}"
    assert f'aria-describedby="f-{field}-error"' in html
    return match.group(1)


def test_signed_out_pages_redirect_to_login(client: TestClient) -> None:
    response = client.get("/radiologists", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fradiologists"


def test_radiologists_may_not_open_manager_pages(
    client: TestClient, login: Login, department: Department
) -> None:
    login(client, Role.RADIOLOGIST, radiologist_id=department.readers["R1"])
    for url in ("/radiologists", "/licences", "/shift-templates", "/rules", "/periods"):
        assert client.get(url).status_code == 403, url


def test_create_radiologist_form_shows_errors_beside_fields(
    client: TestClient, as_admin: dict, department: Department
) -> None:
    form = {
        "csrf_token": _token(client),
        "code": "R1",  # taken
        "name": "Ida Moe",
        "email": "ida@example.org",
        "fte": "0.5",
        "home_time_zone": "Europe/Oslo",
        "home_region_id": str(department.regions["N"]),
        "active": "on",
    }
    taken = client.post("/radiologists/new", data=form)
    assert taken.status_code == 422
    assert "already used" in _error_of(taken.text, "code")
    assert 'value="Ida Moe"' in taken.text  # what was typed stays

    bad_zone = client.post(
        "/radiologists/new", data=form | {"code": "R9", "home_time_zone": "Oslo"}
    )
    assert bad_zone.status_code == 422
    assert "IANA" in _error_of(bad_zone.text, "home_time_zone")

    created = client.post("/radiologists/new", data=form | {"code": "R9"}, follow_redirects=False)
    assert created.status_code == 303
    page = client.get(created.headers["location"])
    assert "Saved." in page.text and "Ida Moe" in page.text


def test_edit_radiologist_and_add_skill_and_licence(
    client: TestClient, as_admin: dict, department: Department, engine: Engine
) -> None:
    reader = department.readers["R4"]
    token = _token(client)
    details = {
        "csrf_token": token,
        "code": "R4",
        "name": "Dan Ek",
        "email": "r4@example.org",
        "fte": "2",  # too much
        "home_time_zone": "Europe/Oslo",
        "home_region_id": str(department.regions["N"]),
        "active": "on",
    }
    too_much = client.post(f"/radiologists/{reader}", data=details)
    assert too_much.status_code == 422
    assert "less than or equal to 1" in _error_of(too_much.text, "fte")
    saved = client.post(f"/radiologists/{reader}", data=details | {"fte": "0.6"})
    assert saved.status_code == 200 and "Saved." in saved.text  # after the redirect

    skill = {"csrf_token": token, "subspecialty_id": str(department.subspecialties["neuro"])}
    assert (
        client.post(f"/radiologists/{reader}/skills", data=skill | {"level": "2"}).status_code
        == 200
    )
    twice = client.post(f"/radiologists/{reader}/skills", data=skill | {"level": "1"})
    assert twice.status_code == 422 and "already used" in _error_of(twice.text, "subspecialty_id")

    licence = {
        "csrf_token": token,
        "region_id": str(department.regions["S"]),
        "valid_from": "2027-02-01",
        "valid_to": "2027-01-01",
    }
    backwards = client.post(f"/radiologists/{reader}/licences", data=licence)
    assert backwards.status_code == 422 and "before valid_from" in backwards.text
    ok = client.post(f"/radiologists/{reader}/licences", data=licence | {"valid_to": ""})
    assert ok.status_code == 200
    with Session(engine) as session:
        stored = session.get(m.Radiologist, reader)
        assert stored is not None and stored.fte == 0.6
        assert {s.subspecialty_id: s.level for s in stored.skills}[
            department.subspecialties["neuro"]
        ] == 2
        assert any(
            lic.valid_to is None and lic.valid_from == dt.date(2027, 2, 1)
            for lic in stored.licences
        )


def test_licences_page_warns_of_expiry(
    client: TestClient, as_admin: dict, department: Department, engine: Engine
) -> None:
    with Session(engine) as session:
        session.add(
            m.Licence(
                radiologist_id=department.readers["R2"],
                region_id=department.regions["N"],
                valid_from=dt.date(2020, 1, 1),
                valid_to=dt.date(2027, 1, 5),  # lapses inside the 4-10 Jan period
            )
        )
        session.commit()
    html = client.get("/licences?today=2026-12-28").text
    row = next(r for r in re.findall(r"<tr>.*?</tr>", html, flags=re.S) if "2027-01-05" in r)
    assert "Bo Berg" in row and "expires within the period" in row


def test_shift_template_form_with_weekday_boxes(
    client: TestClient, as_admin: dict, department: Department, engine: Engine
) -> None:
    form = {
        "csrf_token": _token(client),
        "code": "WKD",
        "name": "Weekend day",
        "kind": "weekend",
        "local_start": "09:00",
        "length_minutes": "600",
        "region_id": str(department.regions["S"]),
        "site_id": "",
        "remote": "on",
        "required_readers": "1",
        "subspecialty_id": "",
    }
    no_days = client.post("/shift-templates/new", data=form)
    assert no_days.status_code == 422 and "weekdays is empty" in no_days.text
    created = client.post(
        "/shift-templates/new", data=form | {"weekdays": ["5", "6"]}, follow_redirects=False
    )
    assert created.status_code == 303
    with Session(engine) as session:
        template = session.exec(select(m.ShiftTemplate).where(m.ShiftTemplate.code == "WKD")).one()
        assert template.weekdays == "56" and template.local_start == dt.time(9)
        assert template.region_id == department.regions["S"]
    edit = client.get(f"/shift-templates/{template.id}").text
    assert 'value="5"\n      checked' in edit or re.search(r'value="5"\s+checked', edit)


def test_rules_form_errors_and_scope(
    client: TestClient, login: Login, department: Department
) -> None:
    login(client, Role.MANAGER, region_ids=[department.regions["N"]])
    token = _token(client)
    default = client.get("/rules").text
    assert "Default" in default
    rules_id = re.search(r'href="[^"]*/rules/(\d+)"', default)
    assert rules_id is not None
    # The default set is read-only to a manager: no form, and a post is refused.
    page = client.get(f"/rules/{rules_id.group(1)}").text
    assert "only an administrator may change it" in page
    refused = client.post(
        f"/rules/{rules_id.group(1)}", data={"csrf_token": token, "max_weekends": "1"}
    )
    assert refused.status_code == 403
    form = {"csrf_token": token, "region_id": str(department.regions["N"]), "max_weekly_hours": "0"}
    zero = client.post("/rules/new", data=form)
    assert zero.status_code == 422 and "greater than 0" in _error_of(zero.text, "max_weekly_hours")
    created = client.post(
        "/rules/new", data=form | {"max_weekly_hours": "40"}, follow_redirects=False
    )
    assert created.status_code == 303


def test_edit_a_licence_and_a_skill_level(
    client: TestClient, as_admin: dict, department: Department, engine: Engine
) -> None:
    reader = department.readers["R3"]
    page = client.get(f"/radiologists/{reader}").text
    licence_id = int(re.findall(r'href="[^"]*/licences/(\d+)"', page)[0])
    form = client.get(f"/licences/{licence_id}").text
    assert 'name="valid_from" type="date" value="2020-01-01"' in form
    token = _token(client)
    data = {
        "csrf_token": token,
        "number": "C-1",
        "valid_from": "2020-01-01",
        "valid_to": "2019-01-01",
    }
    backwards = client.post(f"/licences/{licence_id}", data=data)
    assert backwards.status_code == 422 and "before valid_from" in _error_of(
        backwards.text, "valid_to"
    )
    saved = client.post(f"/licences/{licence_id}", data=data | {"valid_to": "2027-06-30"})
    assert saved.status_code == 200
    assert client.get("/licences/9999").status_code == 404

    skill_id = int(re.findall(r'action="[^"]*/skills/(\d+)"', page)[0])
    assert (
        client.post(f"/skills/{skill_id}", data={"csrf_token": token, "level": "5"}).status_code
        == 422
    )
    assert (
        client.post(f"/skills/{skill_id}", data={"csrf_token": token, "level": "3"}).status_code
        == 200
    )
    with Session(engine) as session:
        licence = session.get(m.Licence, licence_id)
        assert licence is not None and licence.number == "C-1"
        assert licence.valid_to == dt.date(2027, 6, 30)
        skill = session.get(m.Skill, skill_id)
        assert skill is not None and skill.level == 3
