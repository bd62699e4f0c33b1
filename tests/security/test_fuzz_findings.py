"""What the fuzzer found, pinned down: each was a 500 or a response outside its schema."""

import io

from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine
from sqlmodel import Session, select

from scheduler import models as m
from scheduler.problem_builder import BuildError
from tests.web.manager.seed import Department
from web.routes.service_errors import install_service_error_handlers


def test_ids_too_large_for_the_database_are_422_not_500(
    client: TestClient, as_admin: dict, department: Department
) -> None:
    huge = 2**70  # SQLite cannot bind it; PostgreSQL's integer ids stop at 2**31 - 1
    for url in (f"/api/radiologists/{huge}", f"/api/rosters/{huge}",
                f"/api/periods/{2**40}", f"/api/jobs/{2**63}"):  # fmt: skip
        response = client.get(url)
        assert response.status_code in (404, 422), (url, response.text)
        if response.status_code == 422:
            assert response.json()["detail"][0]["msg"].startswith("A value in the request")
    patched = client.patch(f"/api/skills/{huge}", json={"level": 2}, headers=as_admin)
    assert patched.status_code in (404, 422)


def test_a_licence_number_set_to_null_is_422(
    client: TestClient, as_admin: dict, department: Department, engine: Engine
) -> None:
    with Session(engine) as session:
        licence = session.exec(select(m.Licence)).first()
        assert licence is not None
        licence_id, number = licence.id, licence.number
    response = client.patch(f"/api/licences/{licence_id}", json={"number": None}, headers=as_admin)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "number"]
    with Session(engine) as session:
        assert session.get(m.Licence, licence_id).number == number  # type: ignore[union-attr]


def test_every_api_422_has_the_documented_list_shape(
    client: TestClient, as_admin: dict, department: Department
) -> None:
    probe = FastAPI()
    install_service_error_handlers(probe)

    @probe.get("/api/probe")
    def raise_build_error() -> None:
        raise BuildError("planning period 0 does not exist")  # a 422 that is not a FieldError

    responses = [
        TestClient(probe).get("/api/probe"),
        client.put(
            f"/api/periods/{department.period_id}/availability/{department.readers['R1']}",
            json={"days": [{"date": "1999-01-01", "kind": "leave"}]},
            headers=as_admin,
        ),
        client.post("/api/imports/nonsense", files={"file": ("x.csv", b"a\n")}, headers=as_admin),
    ]
    for response in responses:
        detail = response.json()["detail"]
        assert isinstance(detail, list) and {"loc", "msg", "type"} <= set(detail[0]), detail
    assert [r.status_code for r in responses] == [422, 422, 422]


def test_text_with_a_nul_character_is_never_a_500(client: TestClient, engine: Engine) -> None:
    """PostgreSQL cannot store or even compare text holding NUL; psycopg refused it as a 500."""
    token = client.get("/login").text.split('name="csrf-token" content="')[1].split('"')[0]
    response = client.post(
        "/login", data={"email": "a\x00b@example.org", "password": "x", "csrf_token": token}
    )
    # SQLite holds NUL: a plain wrong sign-in; PostgreSQL cannot: the value is refused
    assert response.status_code == (422 if engine.dialect.name == "postgresql" else 401)
    assert "Traceback" not in response.text


def test_control_characters_in_names_do_not_break_the_excel_export(
    client: TestClient, as_admin: dict, stored_roster: int, department: Department,
    engine: Engine,
) -> None:  # fmt: skip
    with Session(engine) as session:
        reader = session.get(m.Radiologist, department.readers["R2"])
        period = session.get(m.PlanningPeriod, department.period_id)
        assert reader is not None and period is not None
        reader.name, period.name = "Bo\x01 Berg\x1f", "Week\x02 1"
        session.add_all([reader, period])
        session.commit()
    response = client.get(f"/api/rosters/{stored_roster}/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = {row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert "Bo\ufffd Berg\ufffd" in names
