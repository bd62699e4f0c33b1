"""Planner pages and API: roles, CSRF, scenarios with their changes, a background run, the
comparison with charts and exports, sweeps, licence advice and the coverage register."""

import io
import json
import re
import time
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine
from sqlmodel import Session

from scheduler import models as m
from scheduler.models import Role
from scheduler.scenarios.grid import parse_grid_text
from scheduler.scenarios.sweep import create_sweep
from tests.scheduler.department import seed_department
from tests.web.clinic import Cell, publish, seed_clinic
from tests.web.conftest import Login

Csrf = Callable[[TestClient], str]
HIRE_FORM = {
    "kind": "hire",
    "count": "2",
    "skills": ["neuro"],
    "fte": "1",
    "home_region": "S",
    "licences": ["N"],
}


@pytest.fixture
def period_id(engine: Engine) -> int:
    with Session(engine) as session:
        return seed_department(session)


def _new_scenario(client: TestClient, csrf: Csrf, period_id: int, name: str) -> int:
    response = client.post(
        "/planner/scenarios",
        data={"csrf_token": csrf(client), "period_id": str(period_id), "name": name},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    match = re.fullmatch(r"/planner/scenarios/(\d+)", response.headers["location"])
    assert match is not None
    return int(match.group(1))


def _wait_for_result(
    client: TestClient, scenario_id: int, timeout: float = 60
) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = client.get(f"/api/scenarios/{scenario_id}").json()
        result = body["result"]
        if result is not None and result["status"] != "running":
            return dict(result)
        time.sleep(0.3)
    raise AssertionError(f"scenario {scenario_id} still running after {timeout} s")


@pytest.mark.parametrize(
    ("role", "page", "api"),
    [
        (None, 303, 401),
        (Role.MANAGER, 403, 403),
        (Role.RADIOLOGIST, 403, 403),
        (Role.PLANNER, 200, 200),
        (Role.ADMIN, 200, 200),
    ],  # noqa: E501
)
def test_every_page_and_endpoint_needs_the_planner_role(
    client: TestClient, login: Login, period_id: int, role: Role | None, page: int, api: int
) -> None:
    if role is not None:
        login(client, role)
    for path in ("/planner", "/planner/recommend", "/planner/register", "/planner/compare?ids=1"):
        response = client.get(path, follow_redirects=False)
        expected = page if not (page == 200 and "compare" in path) else 404  # no scenario 1 yet
        assert response.status_code == expected, path
    assert client.get("/api/scenarios").status_code == api
    assert client.get("/api/sweeps").status_code == api


def test_forms_and_api_changes_need_the_csrf_token(
    client: TestClient, login: Login, period_id: int
) -> None:
    login(client, Role.PLANNER)
    form = client.post("/planner/scenarios", data={"period_id": str(period_id), "name": "x"})
    assert form.status_code == 403
    api = client.post("/api/scenarios", json={"name": "x", "period_id": period_id})
    assert api.status_code == 403


def test_a_scenario_gets_its_changes_through_forms(
    client: TestClient, login: Login, csrf: Csrf, period_id: int
) -> None:
    login(client, Role.PLANNER)
    scenario_id = _new_scenario(client, csrf, period_id, "Two neuro for the north")
    added = client.post(
        f"/planner/scenarios/{scenario_id}/changes",
        data={"csrf_token": csrf(client), **HIRE_FORM},
        follow_redirects=False,
    )
    assert added.status_code == 303
    growth = client.post(
        f"/planner/scenarios/{scenario_id}/changes",
        data={"csrf_token": csrf(client), "kind": "volume_growth", "percent": "10", "region": ""},
    )
    assert growth.status_code == 200
    page = client.get(f"/planner/scenarios/{scenario_id}").text
    assert "hire 2 neuro at 1 FTE, licensed in N" in page
    assert "volume +10% (everywhere)" in page

    bad = client.post(
        f"/planner/scenarios/{scenario_id}/changes",
        data={
            "csrf_token": csrf(client),
            "kind": "advanced",
            "json": '{"kind": "grant_licence", "region": "X"}',
        },  # noqa: E501
    )
    assert bad.status_code == 422
    assert "unknown region &#39;X&#39;" in bad.text or "unknown region 'X'" in bad.text
    missing = client.post(
        f"/planner/scenarios/{scenario_id}/changes",
        data={"csrf_token": csrf(client), "kind": "hire", "count": "1"},
    )
    assert missing.status_code == 422 and "skills" in missing.text

    removed = client.post(
        f"/planner/scenarios/{scenario_id}/changes/1/delete", data={"csrf_token": csrf(client)}
    )
    assert removed.status_code == 200
    changes = client.get(f"/api/scenarios/{scenario_id}").json()["changes"]
    assert [c["kind"] for c in changes] == ["hire"]

    taken = client.post(
        "/planner/scenarios",
        data={
            "csrf_token": csrf(client),
            "period_id": str(period_id),
            "name": "Two neuro for the north",
        },  # noqa: E501
    )
    assert taken.status_code == 422 and "already used" in taken.text


def test_run_then_compare_shows_the_sparse_region_rising(
    client: TestClient, login: Login, csrf: Csrf, period_id: int
) -> None:
    login(client, Role.PLANNER)
    scenario_id = _new_scenario(client, csrf, period_id, "hire")
    client.post(
        f"/planner/scenarios/{scenario_id}/changes", data={"csrf_token": csrf(client), **HIRE_FORM}
    )
    run = client.post(
        f"/planner/scenarios/{scenario_id}/run",
        data={"csrf_token": csrf(client), "time_limit": "2", "workers": "2"},
        follow_redirects=False,
    )
    assert run.status_code == 303
    result = _wait_for_result(client, scenario_id)
    assert result["status"] in ("optimal", "feasible")

    page = client.get(f"/planner/compare?ids={scenario_id}")
    assert page.status_code == 200
    cell = re.search(
        rf'<tr data-region="N" data-sparse="true">.*?data-scenario="{scenario_id}" '
        r'data-covered="([\d.]+)" data-delta="(-?[\d.]+)"',
        page.text,
        re.S,
    )
    assert cell is not None, "no cover cell for the sparse region N"
    assert float(cell.group(2)) > 0
    figure = re.search(
        r'<script type="application/json" id="coverage-data">(.*?)</script>', page.text, re.S
    )  # noqa: E501
    assert figure is not None
    traces = json.loads(figure.group(1))["data"]
    assert len(traces) == 2 and traces[0]["type"] == "bar"
    assert "/vendor/plotly/plotly.min.js" in page.text
    assert client.get("/vendor/plotly/plotly.min.js").status_code == 200

    exported = client.get(f"/planner/compare.csv?ids={scenario_id}")
    assert exported.headers["content-type"].startswith("text/csv")
    lines = exported.text.strip().splitlines()
    assert lines[0].startswith("scenario,status,region") and len(lines) == 5
    excel = client.get(f"/planner/compare.xlsx?ids={scenario_id}")
    workbook = load_workbook(io.BytesIO(excel.content))
    assert workbook.sheetnames == ["Scenarios", "Changes"]
    assert workbook["Scenarios"].max_row == 5

    api = client.get(f"/api/scenarios/compare?ids={scenario_id}").json()
    assert [c["id"] for c in api["columns"]][1] == scenario_id
    north = [r for r in api["rows"] if r["region"] == "N"]
    assert north[1]["covered_pct_all"] > north[0]["covered_pct_all"]


def test_api_crud_and_error_statuses(
    client: TestClient, login: Login, csrf: Csrf, period_id: int
) -> None:
    login(client, Role.PLANNER)
    headers = {"X-CSRF-Token": csrf(client)}
    created = client.post(
        "/api/scenarios",
        json={
            "name": "api",
            "period_id": period_id,
            "changes": [{"kind": "volume_growth", "percent": 5}],
        },  # noqa: E501
        headers=headers,
    )
    assert created.status_code == 201
    scenario_id = created.json()["id"]
    assert created.json()["changes"][0]["percent"] == 5.0 and created.json()["result"] is None

    invalid = client.post(
        "/api/scenarios",
        json={"name": "bad", "period_id": period_id, "changes": [{"kind": "hire", "count": 1}]},
        headers=headers,
    )
    assert invalid.status_code == 422
    assert invalid.json()["detail"][0]["loc"] == ["body", "changes"]
    assert client.get("/api/scenarios/9999").status_code == 404

    patched = client.patch(f"/api/scenarios/{scenario_id}", json={"name": "api 2"}, headers=headers)
    assert patched.status_code == 200 and patched.json()["name"] == "api 2"
    copied = client.post(
        f"/api/scenarios/{scenario_id}/copy", json={"name": "api copy"}, headers=headers
    )  # noqa: E501
    assert copied.status_code == 201 and copied.json()["copied_from_id"] == scenario_id
    listed = client.get(f"/api/scenarios?period_id={period_id}").json()
    assert {s["name"] for s in listed} >= {"api 2", "api copy"}

    compare = client.get(f"/api/scenarios/compare?ids={scenario_id}").json()
    baseline_id = compare["columns"][0]["id"]
    refused = client.patch(
        f"/api/scenarios/{baseline_id}",
        json={"changes": [{"kind": "volume_growth", "percent": 5}]},
        headers=headers,
    )
    assert refused.status_code == 409
    assert client.delete(f"/api/scenarios/{scenario_id}", headers=headers).status_code == 204
    assert client.get(f"/api/scenarios/{scenario_id}").status_code == 404


def test_sweep_page_and_cancel_rules(
    client: TestClient, login: Login, csrf: Csrf, period_id: int, engine: Engine
) -> None:
    with Session(engine) as session:
        grid = parse_grid_text(
            "dimensions: {growth: {'0%': [], '+5%': [{kind: volume_growth, percent: 5}]}}",
            source="g",
        )  # noqa: E501
        sweep = create_sweep(
            session=session, grid=grid, name="tiny", period_id=period_id, time_limit_seconds=1
        )
        session.commit()
        sweep_id = sweep.id
    login(client, Role.PLANNER)
    page = client.get(f"/planner/sweeps/{sweep_id}")
    assert page.status_code == 200
    assert "tiny · growth=+5%" in page.text and "0 of 2 scenarios solved" in page.text
    api = client.get(f"/api/sweeps/{sweep_id}").json()
    assert (api["total"], api["done"], api["status"]) == (2, 0, "pending")
    not_running = client.post(
        f"/api/sweeps/{sweep_id}/cancel", headers={"X-CSRF-Token": csrf(client)}
    )
    assert not_running.status_code == 409


def test_licence_advice_page_and_api(client: TestClient, login: Login, period_id: int) -> None:
    login(client, Role.PLANNER)
    page = client.get(f"/planner/recommend?period_id={period_id}&budget=2")
    assert page.status_code == 200 and 'id="advice-summary"' in page.text
    advice = client.get(f"/api/recommendations/licences?period_id={period_id}&budget=2").json()
    assert advice["covered_after_hours"] >= advice["covered_before_hours"]
    assert all(g["region"] == "N" for g in advice["grants"])  # N is the only sparse region
    assert (
        client.get(f"/api/recommendations/licences?period_id={period_id}&budget=-1").status_code
        == 422
    )  # noqa: E501


def test_coverage_register_page_csv_and_api(
    client: TestClient, login: Login, engine: Engine
) -> None:
    with Session(engine) as session:
        clinic = seed_clinic(session)
        roster_id = publish(
            session,
            clinic,
            [
                Cell("R1", "DAY", 0, "N", {("TRO", "general"): 8}),
                Cell("R3", "DAY", 0, "N", {("TRO", "general"): 8}),
            ],  # noqa: E501
        )
        draft = m.Roster(period_id=clinic.period_id, version=2)
        session.add(draft)
        session.commit()
        draft_id = draft.id
    login(client, Role.PLANNER)
    api = client.get(f"/api/rosters/{roster_id}/register").json()
    assert {e["radiologist_code"] for e in api["entries"]} == {"R1"}  # R3 holds no N licence
    assert api["excluded"] == [
        {
            "radiologist": "R3",
            "site": "TRO",
            "date": clinic.day(0).isoformat(),
            "missing": "licence for N",
        }  # noqa: E501
    ]
    assert client.get(f"/api/rosters/{draft_id}/register").status_code == 409
    page = client.get(f"/planner/register?roster_id={roster_id}&site_id={clinic.sites['TRO']}")
    assert (
        page.status_code == 200
        and "Anna Lind" in page.text
        and "Cleo Dahl" not in page.text.split('id="excluded"')[0]
    )  # noqa: E501
    csv_text = client.get(f"/planner/register.csv?roster_id={roster_id}").text
    assert csv_text.count("\n") == len(api["entries"]) + 1
