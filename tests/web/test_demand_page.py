"""The demand page and its JSON twin: roles, region scope, 404 / 422, and numbers as stored."""

import json
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from scheduler.models import Role
from scheduler.models.forecast import DemandForecast, RequiredCapacity
from tests.scheduler.demand_rows import Ids, seed_forecast, seed_history
from tests.scheduler.department import seed_department
from tests.web.conftest import Login


@pytest.fixture
def forecast(engine: Engine) -> Ids:
    with Session(engine) as session:
        return seed_forecast(session, seed_department(session))


@pytest.fixture
def history_only(engine: Engine) -> Ids:
    with Session(engine) as session:
        return seed_history(session, seed_department(session))


def _figure(page: str, element_id: str) -> dict:
    match = re.search(
        rf'<script type="application/json" id="{element_id}">(.*?)</script>', page, re.S
    )
    assert match is not None, f"no {element_id} on the page"
    return json.loads(match.group(1).replace("<\\/", "</"))


def test_json_numbers_are_the_stored_forecast_and_readers(
    client: TestClient, login: Login, forecast: Ids, engine: Engine
) -> None:
    login(client, Role.ADMIN)
    response = client.get(
        f"/api/periods/{forecast.period_id}/demand",
        params={"region": "N", "subspecialty": "general", "priority": "stat"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["region"]["code"] == "N" and body["priority"] == "stat"
    with Session(engine) as session:
        stored = session.exec(
            select(DemandForecast).where(
                DemandForecast.region_id == forecast.regions["N"],
                DemandForecast.priority == "stat",
            )
        ).all()
        capacity = session.exec(select(RequiredCapacity)).all()
    expected = {
        row.ts.replace(tzinfo=None).isoformat(): (row.mean, row.lower, row.upper) for row in stored
    }
    readers = {
        row.ts.replace(tzinfo=None).isoformat(): (row.readers, row.readers_erlang, row.reader_hours)
        for row in capacity
    }
    got = {r["start"].removesuffix("Z").removesuffix("+00:00"): r for r in body["rows"]}
    assert len(got) == len(expected) == 48
    for start, (mean, lower, upper) in expected.items():
        row = got[start]
        assert (row["mean"], row["lower"], row["upper"]) == (mean, lower, upper)
        assert (row["readers"], row["readers_erlang"], row["reader_hours"]) == readers[start]


def test_page_draws_both_charts_with_a_table_of_the_same_numbers(
    client: TestClient, login: Login, forecast: Ids
) -> None:
    login(client, Role.ADMIN)
    page = client.get(
        f"/periods/{forecast.period_id}/demand",
        params={"region": "N", "subspecialty": "general", "priority": "stat"},
    )
    assert page.status_code == 200
    text = page.text
    volume = _figure(text, "volume-data")
    names = [trace["name"] for trace in volume["data"]]
    assert "Forecast (mean)" in names and "90% prediction interval" in names
    mean_trace = next(t for t in volume["data"] if t["name"] == "Forecast (mean)")
    assert mean_trace["y"][3] == pytest.approx(0.8)
    readers = _figure(text, "readers-data")
    required = next(t for t in readers["data"] if t["name"] == "Readers required")
    assert max(v for v in required["y"] if v is not None) == 12
    assert 'id="demand-2027-01-04"' in text and "Mon 04 Jan 03:00" in text
    assert "plotly.min.js" in text
    assert "teleroster forecast" not in text


def test_day_resolution_has_one_table_row_per_day(
    client: TestClient, login: Login, forecast: Ids
) -> None:
    login(client, Role.PLANNER)
    body = client.get(
        f"/api/periods/{forecast.period_id}/demand",
        params={"region": "N", "subspecialty": "general", "resolution": "day"},
    ).json()
    assert [r["label"] for r in body["rows"]] == ["Mon 04 Jan", "Tue 05 Jan"]
    page = client.get(f"/periods/{forecast.period_id}/demand", params={"resolution": "day"})
    assert page.status_code == 200 and 'id="demand-rows"' in page.text


def test_without_a_forecast_the_page_says_what_to_run(
    client: TestClient, login: Login, history_only: Ids
) -> None:
    login(client, Role.ADMIN)
    page = client.get(f"/periods/{history_only.period_id}/demand", params={"history_weeks": 1})
    assert page.status_code == 200
    assert f"teleroster forecast --period {history_only.period_id}" in page.text
    observed = next(t for t in _figure(page.text, "volume-data")["data"] if t["name"] == "Observed")
    assert len(observed["y"]) == 7 * 24 and None in observed["y"]  # the gap hour stays a hole


def test_a_manager_sees_only_their_regions(client: TestClient, login: Login, forecast: Ids) -> None:
    login(client, Role.MANAGER, region_ids=[forecast.regions["S"]])
    url = f"/api/periods/{forecast.period_id}/demand"
    body = client.get(url).json()
    assert body["region"]["code"] == "S"
    assert [c["code"] for c in body["regions"]] == ["S"]
    assert body["rows"][0]["mean"] == 9.0
    assert client.get(url, params={"region": "N"}).status_code == 403
    page = client.get(f"/periods/{forecast.period_id}/demand", params={"region": "N"})
    assert page.status_code == 403
    own = client.get(f"/periods/{forecast.period_id}/demand")
    assert own.status_code == 200 and '<option value="N"' not in own.text


def test_a_planner_sees_every_region(client: TestClient, login: Login, forecast: Ids) -> None:
    login(client, Role.PLANNER)
    body = client.get(f"/api/periods/{forecast.period_id}/demand").json()
    assert [c["code"] for c in body["regions"]] == ["N", "S"]
    north = client.get(f"/api/periods/{forecast.period_id}/demand", params={"region": "N"})
    assert north.status_code == 200


def test_radiologists_may_not_look(client: TestClient, login: Login, forecast: Ids) -> None:
    login(client, Role.RADIOLOGIST)
    assert client.get(f"/api/periods/{forecast.period_id}/demand").status_code == 403
    assert client.get(f"/periods/{forecast.period_id}/demand").status_code == 403


def test_unknown_period_is_404(client: TestClient, login: Login, forecast: Ids) -> None:
    login(client, Role.ADMIN)
    assert client.get(f"/api/periods/{forecast.period_id + 1}/demand").status_code == 404
    assert client.get(f"/periods/{forecast.period_id + 1}/demand").status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        {"history_weeks": "13"},
        {"history_weeks": "-1"},
        {"history_weeks": "two"},
        {"resolution": "week"},
        {"priority": "urgent"},
        {"region": "ZZ"},
        {"subspecialty": "cardiac"},
    ],
)
def test_bad_query_parameters_are_422(
    client: TestClient, login: Login, forecast: Ids, params: dict[str, str]
) -> None:
    login(client, Role.ADMIN)
    api = client.get(f"/api/periods/{forecast.period_id}/demand", params=params)
    assert api.status_code == 422, api.text
    assert client.get(f"/periods/{forecast.period_id}/demand", params=params).status_code == 422


def test_navigation_and_period_page_lead_to_the_demand_page(
    client: TestClient, login: Login, forecast: Ids
) -> None:
    login(client, Role.MANAGER, region_ids=[forecast.regions["N"]])
    period_page = client.get(f"/periods/{forecast.period_id}").text
    links = re.findall(r'href="(?:http://testserver)?([^"]*)"', period_page)
    assert f"/periods/{forecast.period_id}/demand" in links
    assert "/demand" in links  # the navigation
    latest = client.get("/demand", follow_redirects=False)
    assert latest.status_code == 303
    assert latest.headers["location"] == f"/periods/{forecast.period_id}/demand"
