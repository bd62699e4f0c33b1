"""Period page and API: availability completeness, demand summary, Solve queues a job (never
solves in the request), job progress and cancel."""

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from scheduler import models as m
from scheduler.jobs.spec import JobSpec
from scheduler.models import Role
from tests.web.conftest import Login
from tests.web.manager.seed import Department


def test_period_summary_names_who_has_not_entered_availability(
    client: TestClient, as_admin: dict, department: Department
) -> None:
    assert [p["id"] for p in client.get("/api/periods").json()] == [department.period_id]
    body = client.get(f"/api/periods/{department.period_id}").json()
    assert body["period"]["name"] == "Test week"
    # R1 (leave) and R2 (avoid Friday) have entries; the rest have not said anything.
    assert {r["code"] for r in body["submitted"]} == {"R1", "R2"}
    assert {r["code"] for r in body["missing"]} == {"R3", "R4", "R5", "R6", "R7"}


def test_demand_summary_by_region_and_subspecialty(
    client: TestClient, as_admin: dict, department: Department
) -> None:
    demand = client.get(f"/api/periods/{department.period_id}").json()
    hours = {(d["region"], d["subspecialty"]): d["reader_hours"] for d in demand["demand"]}
    # Weekdays: 8 h general and 4 h neuro per site (N: TRO; S: UME, LUL); nights: 6 h at UME.
    assert hours == {
        ("N", "general"): 40.0,
        ("N", "neuro"): 20.0,
        ("S", "general"): 80.0 + 7 * 6.0,
        ("S", "neuro"): 40.0,
    }
    assert demand["demand_total_hours"] == 222.0


def test_a_manager_sees_their_regions_demand_and_readers(
    client: TestClient, login: Login, department: Department
) -> None:
    login(client, Role.MANAGER, region_ids=[department.regions["N"]])
    body = client.get(f"/api/periods/{department.period_id}").json()
    assert {d["region"] for d in body["demand"]} == {"N"}
    assert {r["code"] for r in body["missing"]} == {"R3", "R4", "R6", "R7"}


def test_solve_queues_a_job_and_does_not_solve_in_the_request(
    client: TestClient, as_admin: dict, department: Department, engine: Engine
) -> None:
    response = client.post(
        f"/api/periods/{department.period_id}/solve",
        json={"max_time_in_seconds": 5, "num_workers": 2},
        headers=as_admin,
    )
    assert response.status_code == 202
    job = response.json()
    assert job["status"] == "queued" and job["result_roster_id"] is None
    spec = JobSpec.from_json(job["options_json"])
    assert spec.options.max_time_in_seconds == 5 and spec.options.num_workers == 2
    assert spec.reference_roster_id is None
    with Session(engine) as session:
        assert session.exec(select(m.Roster)).first() is None  # nothing solved yet
    assert client.get(f"/api/jobs/{job['id']}").json()["status"] == "queued"
    listed = client.get(f"/api/periods/{department.period_id}/jobs").json()
    assert [j["id"] for j in listed] == [job["id"]]


@pytest.mark.parametrize(
    ("body", "field"),
    [({"num_workers": 0}, "num_workers"), ({"max_time_in_seconds": -1}, "max_time_in_seconds")],
)
def test_bad_solve_options_are_422(
    client: TestClient, as_admin: dict, department: Department, body: dict, field: str
) -> None:
    response = client.post(
        f"/api/periods/{department.period_id}/solve", json=body, headers=as_admin
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == field


def test_solve_of_a_missing_period_is_404(client: TestClient, as_admin: dict) -> None:
    assert client.post("/api/periods/999/solve", headers=as_admin).status_code == 404
    assert client.get("/api/periods/999").status_code == 404
    assert client.get("/api/jobs/999").status_code == 404
    assert client.post("/api/jobs/999/cancel", headers=as_admin).status_code == 404


def test_cancel_a_queued_job_then_again_is_409(
    client: TestClient, as_admin: dict, department: Department
) -> None:
    job = client.post(f"/api/periods/{department.period_id}/solve", headers=as_admin).json()
    cancelled = client.post(f"/api/jobs/{job['id']}/cancel", headers=as_admin)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    again = client.post(f"/api/jobs/{job['id']}/cancel", headers=as_admin)
    assert again.status_code == 409
    assert "cancelled job cannot become cancelled" in again.json()["detail"]


def test_radiologists_may_not_solve(
    client: TestClient, login: Login, csrf, department: Department
) -> None:
    login(client, Role.RADIOLOGIST, radiologist_id=department.readers["R2"])
    headers = {"X-CSRF-Token": csrf(client)}
    assert client.get(f"/api/periods/{department.period_id}").status_code == 403
    solve = client.post(f"/api/periods/{department.period_id}/solve", headers=headers)
    assert solve.status_code == 403


def test_period_page_and_solve_button(
    client: TestClient, as_admin: dict, department: Department
) -> None:
    page = client.get(f"/periods/{department.period_id}")
    html = re.sub(r"\s+", " ", page.text)
    assert (
        "Not entered yet" in html
        and "Dan Ek" in html
        and "Anna Lind" not in html.split("Not entered yet")[1].split("</ul>")[0]
    )
    assert '<th scope="row">S</th>' in html and "222" in html
    token = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
    assert token is not None
    bad = client.post(
        f"/periods/{department.period_id}/solve",
        data={"csrf_token": token[1], "max_time_in_seconds": "0", "num_workers": "2"},
    )
    assert bad.status_code == 422 and 'id="f-max_time_in_seconds-error"' in bad.text
    solved = client.post(
        f"/periods/{department.period_id}/solve",
        data={"csrf_token": token[1], "max_time_in_seconds": "3", "num_workers": "2"},
        follow_redirects=False,
    )
    assert solved.status_code == 303
    job_url = solved.headers["location"]
    job_page = client.get(job_url).text
    assert "queued" in job_page and 'id="job-cancel"' in job_page and "progress.js" in job_page
    job_id = job_url.rsplit("/", 1)[1]
    cancel = client.post(f"/jobs/{job_id}/cancel", data={"csrf_token": token[1]})
    assert cancel.status_code == 200 and "cancelled" in cancel.text
    assert 'id="job-cancel"' not in cancel.text  # nothing left to cancel
