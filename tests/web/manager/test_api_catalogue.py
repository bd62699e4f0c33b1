"""JSON API of the catalogue: radiologists, skills, licences, shift templates and rule sets.

Each endpoint: success, 404, 403 (role or region), 409/422 where the input can be wrong.
"""

import datetime as dt
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from scheduler.models import Role
from tests.web.conftest import Login
from tests.web.manager.seed import Department

Csrf = Callable[[TestClient], str]


def _new_reader(**changes: object) -> dict[str, object]:
    return {
        "code": "R9",
        "name": "Ida Moe",
        "email": "ida@example.org",
        "fte": 0.6,
        "home_time_zone": "Europe/Oslo",
    } | changes


@pytest.fixture
def admin(as_admin: dict[str, str]) -> dict[str, str]:
    return as_admin


def test_list_and_get_radiologists(client: TestClient, admin: dict, department: Department) -> None:
    listed = client.get("/api/radiologists").json()
    assert {r["code"] for r in listed} == {"R1", "R2", "R3", "R4", "R5", "R6", "R7"}
    one = client.get(f"/api/radiologists/{department.readers['R3']}").json()
    assert one["name"] == "Cleo Dahl" and one["fte"] == 0.8
    assert client.get("/api/radiologists/9999").status_code == 404


def test_create_and_update_a_radiologist(
    client: TestClient, admin: dict, department: Department
) -> None:
    created = client.post(
        "/api/radiologists",
        json=_new_reader(home_region_id=department.regions["N"]),
        headers=admin,
    )
    assert created.status_code == 201, created.text
    reader_id = created.json()["id"]
    updated = client.patch(
        f"/api/radiologists/{reader_id}", json={"fte": 0.8, "name": "Ida Moe-Berg"}, headers=admin
    )
    assert updated.status_code == 200
    assert updated.json()["fte"] == 0.8 and updated.json()["name"] == "Ida Moe-Berg"
    assert client.get(f"/api/radiologists/{reader_id}").json()["code"] == "R9"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (_new_reader(email="not-an-email"), "email"),
        (_new_reader(home_time_zone="Mars/Olympus"), "home_time_zone"),
        (_new_reader(fte=1.5), "fte"),
        (_new_reader(code="R1"), "code"),  # taken
        (_new_reader(home_region_id=999), "home_region_id"),
    ],
)
def test_bad_radiologist_input_is_422_naming_the_field(
    client: TestClient, admin: dict, department: Department, body: dict, field: str
) -> None:
    response = client.post("/api/radiologists", json=body, headers=admin)
    assert response.status_code == 422
    assert [e["loc"][-1] for e in response.json()["detail"]] == [field]


def test_update_of_a_missing_radiologist_is_404(client: TestClient, admin: dict) -> None:
    response = client.patch("/api/radiologists/9999", json={"fte": 0.5}, headers=admin)
    assert response.status_code == 404


def test_blank_required_field_on_update_is_422(
    client: TestClient, admin: dict, department: Department
) -> None:
    response = client.patch(
        f"/api/radiologists/{department.readers['R1']}", json={"name": None}, headers=admin
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "name"]


def test_unsafe_calls_need_the_csrf_token(
    client: TestClient, admin: dict, department: Department
) -> None:
    response = client.post("/api/radiologists", json=_new_reader())
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_signed_out_is_401_and_radiologists_are_403(
    client: TestClient, login: Login, department: Department
) -> None:
    assert client.get("/api/radiologists").status_code == 401
    login(client, Role.RADIOLOGIST, radiologist_id=department.readers["R1"])
    for url in ("/api/radiologists", "/api/licences", "/api/shift-templates", "/api/rules"):
        assert client.get(url).status_code == 403, url


def test_a_manager_sees_and_edits_only_their_regions(
    client: TestClient, login: Login, csrf: Csrf, department: Department
) -> None:
    login(client, Role.MANAGER, region_ids=[department.regions["N"]])
    headers = {"X-CSRF-Token": csrf(client)}
    codes = {r["code"] for r in client.get("/api/radiologists").json()}
    # R2 and R5 are based in the South with South licences only.
    assert codes == {"R1", "R3", "R4", "R6", "R7"}
    assert client.get(f"/api/radiologists/{department.readers['R2']}").status_code == 404
    # Cleo Dahl holds a North licence but is based in the South: visible, not editable.
    cleo = f"/api/radiologists/{department.readers['R3']}"
    assert client.get(cleo).status_code == 200
    assert client.patch(cleo, json={"fte": 0.5}, headers=headers).status_code == 403
    south = _new_reader(home_region_id=department.regions["S"])
    assert client.post("/api/radiologists", json=south, headers=headers).status_code == 403
    north = _new_reader(home_region_id=department.regions["N"])
    assert client.post("/api/radiologists", json=north, headers=headers).status_code == 201


def test_skills_add_update_remove(client: TestClient, admin: dict, department: Department) -> None:
    reader = department.readers["R2"]  # general only
    neuro = department.subspecialties["neuro"]
    added = client.post(
        "/api/skills",
        json={"radiologist_id": reader, "subspecialty_id": neuro, "level": 2},
        headers=admin,
    )
    assert added.status_code == 201
    skill_id = added.json()["id"]
    again = client.post(
        "/api/skills", json={"radiologist_id": reader, "subspecialty_id": neuro}, headers=admin
    )
    assert again.status_code == 422
    assert (
        client.patch(f"/api/skills/{skill_id}", json={"level": 4}, headers=admin).status_code == 422
    )
    assert (
        client.patch(f"/api/skills/{skill_id}", json={"level": 3}, headers=admin).json()["level"]
        == 3
    )
    levels = {
        s["subspecialty_id"]: s["level"]
        for s in client.get(f"/api/radiologists/{reader}/skills").json()
    }
    assert levels[neuro] == 3
    assert client.delete(f"/api/skills/{skill_id}", headers=admin).status_code == 204
    assert client.delete(f"/api/skills/{skill_id}", headers=admin).status_code == 404


def test_licences_carry_expiry_warnings(
    client: TestClient, admin: dict, department: Department
) -> None:
    reader = department.readers["R4"]
    south = department.regions["S"]
    today = dt.date(2026, 12, 20)  # the department's period runs 4-10 Jan 2027

    def add(valid_to: dt.date) -> int:
        response = client.post(
            "/api/licences",
            json={
                "radiologist_id": reader,
                "region_id": south,
                "valid_from": "2020-01-01",
                "valid_to": valid_to.isoformat(),
            },
            headers=admin,
        )
        assert response.status_code == 201, response.text
        licence_id: int = response.json()["id"]
        return licence_id

    expired = add(dt.date(2026, 12, 1))
    in_period = add(dt.date(2027, 1, 6))
    soon = add(dt.date(2027, 1, 15))
    later = add(dt.date(2027, 6, 1))
    rows = client.get(f"/api/licences?radiologist_id={reader}&today={today}").json()
    warnings = {row["id"]: row["warning"] for row in rows}
    assert warnings[expired] == "expired"
    assert warnings[in_period] == "expires within the period"
    assert warnings[soon] == "expires within 30 days"
    assert warnings[later] is None
    assert [row["id"] for row in rows][:3] == [expired, in_period, soon]  # most urgent first


def test_licence_dates_and_scope_are_checked(
    client: TestClient, login: Login, csrf: Csrf, department: Department
) -> None:
    login(client, Role.MANAGER, region_ids=[department.regions["N"]])
    headers = {"X-CSRF-Token": csrf(client)}
    body = {
        "radiologist_id": department.readers["R4"],
        "region_id": department.regions["N"],
        "valid_from": "2027-02-01",
        "valid_to": "2027-01-01",
    }
    backwards = client.post("/api/licences", json=body, headers=headers)
    assert backwards.status_code == 422
    assert "before valid_from" in str(backwards.json()["detail"])
    south = body | {"region_id": department.regions["S"], "valid_to": None}
    assert client.post("/api/licences", json=south, headers=headers).status_code == 403
    created = client.post("/api/licences", json=body | {"valid_to": None}, headers=headers)
    assert created.status_code == 201
    licence = f"/api/licences/{created.json()['id']}"
    bad = client.patch(licence, json={"valid_to": "2026-01-01"}, headers=headers)
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "valid_to"]
    ok = client.patch(licence, json={"number": "N-77"}, headers=headers)
    assert ok.status_code == 200 and ok.json()["number"] == "N-77"
    assert client.patch("/api/licences/9999", json={}, headers=headers).status_code == 404
    assert client.delete(licence, headers=headers).status_code == 204


def test_shift_templates_per_region(
    client: TestClient, login: Login, csrf: Csrf, department: Department
) -> None:
    login(client, Role.MANAGER, region_ids=[department.regions["S"]])
    headers = {"X-CSRF-Token": csrf(client)}
    codes = {t["code"] for t in client.get("/api/shift-templates").json()}
    assert codes == {"DAY", "NGT"}  # OC is the North's; DAY applies everywhere
    body = {
        "code": "EVE",
        "name": "Evening",
        "kind": "evening",
        "local_start": "15:00",
        "length_minutes": 480,
        "region_id": department.regions["S"],
        "weekdays": "01234",
    }
    created = client.post("/api/shift-templates", json=body, headers=headers)
    assert created.status_code == 201, created.text
    duplicate = client.post("/api/shift-templates", json=body, headers=headers)
    assert duplicate.status_code == 422 and duplicate.json()["detail"][0]["loc"][-1] == "code"
    bad_days = client.post(
        "/api/shift-templates", json=body | {"code": "X", "weekdays": "79"}, headers=headers
    )
    assert bad_days.status_code == 422 and "weekdays" in bad_days.text
    north = body | {"code": "EVN", "region_id": department.regions["N"]}
    assert client.post("/api/shift-templates", json=north, headers=headers).status_code == 403
    # The all-region DAY template is an admin's to change.
    day = f"/api/shift-templates/{department.templates['DAY']}"
    assert client.patch(day, json={"name": "Days"}, headers=headers).status_code == 403
    evening = f"/api/shift-templates/{created.json()['id']}"
    changed = client.patch(evening, json={"length_minutes": 420}, headers=headers)
    assert changed.status_code == 200 and changed.json()["length_minutes"] == 420
    assert client.patch(evening, json={"length_minutes": 0}, headers=headers).status_code == 422
    oc = f"/api/shift-templates/{department.templates['OC']}"
    assert client.get(oc).status_code == 403
    assert client.get("/api/shift-templates/9999").status_code == 404


def test_rule_sets_per_region(client: TestClient, admin: dict, department: Department) -> None:
    listed = client.get("/api/rules").json()
    assert len(listed) == 1 and listed[0]["region_id"] is None  # the default
    north = {"region_id": department.regions["N"], "max_consecutive_nights": 2}
    created = client.post("/api/rules", json=north, headers=admin)
    assert created.status_code == 201
    assert created.json()["min_rest_hours"] == 11.0  # defaults fill the rest
    clash = client.post("/api/rules", json=north, headers=admin)
    assert clash.status_code == 422 and clash.json()["detail"][0]["loc"][-1] == "region_id"
    site_only = client.post("/api/rules", json={"site_id": department.sites["TRO"]}, headers=admin)
    assert site_only.status_code == 422
    wrong_site = {"region_id": department.regions["N"], "site_id": department.sites["UME"]}
    assert client.post("/api/rules", json=wrong_site, headers=admin).status_code == 422
    rules = f"/api/rules/{created.json()['id']}"
    assert (
        client.patch(rules, json={"max_weekly_hours": 40}, headers=admin).json()["max_weekly_hours"]
        == 40
    )
    assert client.patch(rules, json={"max_weekly_hours": -1}, headers=admin).status_code == 422
    assert client.get("/api/rules/9999").status_code == 404
