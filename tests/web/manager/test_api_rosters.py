"""JSON API of roster versions: grid, rule check, cell edits with optimistic locking, publish,
diff, coverage, re-solve and exports."""

import csv
import datetime as dt
import io

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar
from openpyxl import load_workbook
from sqlalchemy import Engine
from sqlmodel import Session

from scheduler import models as m
from scheduler.jobs.spec import JobSpec
from scheduler.models import Role
from solver.roster import Roster
from tests.web.conftest import Login
from tests.web.manager.seed import Department

LEAVE_DAY = "2027-01-06"  # Anna Lind (R1) is on leave


def _cell(department: Department, reader: str, date: str) -> str:
    return f"/cells/{department.readers[reader]}/{date}"


def _edit(
    client: TestClient,
    headers: dict,
    roster_id: int,
    department: Department,
    reader: str,
    date: str,
    **body: object,
):
    url = f"/api/rosters/{roster_id}{_cell(department, reader, date)}"
    return client.put(url, json={"lock_version": 1} | body, headers=headers)


def test_grid_has_every_assignment_once(
    client: TestClient, as_admin: dict, stored_roster: int, solved_week: Roster
) -> None:
    grid = client.get(f"/api/rosters/{stored_roster}").json()
    assert len(grid["dates"]) == 7 and grid["dates"][0] == "2027-01-04"
    assert len(grid["rows"]) == 7
    cells = [
        (row["radiologist"]["code"], shift["region"], shift["template"], grid["dates"][day])
        for row in grid["rows"]
        for day, cell in enumerate(row["cells"])
        for shift in cell
    ]
    expected = {
        (a.radiologist, *a.shift_id.split(":")) for a in solved_week.assignments
    }  # "N:DAY:2027-01-04"
    assert sorted(cells) == sorted(expected)


def test_grid_filters_by_region_and_subspecialty(
    client: TestClient, as_admin: dict, stored_roster: int, department: Department
) -> None:
    def codes(query: str) -> set[str]:
        grid = client.get(f"/api/rosters/{stored_roster}?{query}").json()
        return {row["radiologist"]["code"] for row in grid["rows"]}

    assert codes(f"region_id={department.regions['N']}") == {"R1", "R3", "R4", "R6", "R7"}
    assert codes(f"subspecialty_id={department.subspecialties['neuro']}") == {"R1", "R3", "R5"}
    both = (
        f"region_id={department.regions['S']}&subspecialty_id={department.subspecialties['neuro']}"
    )
    assert codes(both) == {"R1", "R3", "R5"}
    assert client.get("/api/rosters/999").status_code == 404


def test_a_stored_solver_roster_passes_the_rule_check(
    client: TestClient, as_admin: dict, stored_roster: int
) -> None:
    check = client.get(f"/api/rosters/{stored_roster}/validation").json()
    assert check["ok"] is True and check["violations"] == []
    assert check["objective"] == sum(check["breakdown"].values())


def test_editing_a_cell_shows_the_rule_it_breaks(
    client: TestClient, as_admin: dict, stored_roster: int, department: Department
) -> None:
    response = _edit(
        client, as_admin, stored_roster, department, "R1", LEAVE_DAY,
        template_id=department.templates["DAY"], region_id=department.regions["N"],
    )  # fmt: skip
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["new_version"] is False and body["roster"]["lock_version"] == 2
    assert body["ok"] is False
    assert any(
        v["rule"] == "unavailable" and "Anna Lind" in v["message"] and "on leave" in v["message"]
        for v in body["cell_violations"]
    )
    grid = client.get(f"/api/rosters/{stored_roster}").json()
    row = next(r for r in grid["rows"] if r["radiologist"]["code"] == "R1")
    assert [(s["region"], s["template"]) for s in row["cells"][2]] == [("N", "DAY")]


def test_a_stale_lock_version_is_409(
    client: TestClient, as_admin: dict, stored_roster: int, department: Department
) -> None:
    day_off = {"template_id": None}
    assert (
        _edit(
            client, as_admin, stored_roster, department, "R2", "2027-01-09", **day_off
        ).status_code
        == 200
    )
    stale = _edit(client, as_admin, stored_roster, department, "R3", "2027-01-09", **day_off)
    assert stale.status_code == 409
    assert "changed by someone else" in stale.json()["detail"]
    fresh = _edit(
        client, as_admin, stored_roster, department, "R3", "2027-01-09", lock_version=2, **day_off
    )
    assert fresh.status_code == 200


@pytest.mark.parametrize(
    ("reader", "date", "body", "field"),
    [
        ("R2", "2027-01-04", {"template_id": 999}, "shift"),
        ("R2", "2027-02-01", {"template_id": None}, "date"),
        ("R2", "2027-01-09", {"template_id": "DAY"}, "shift"),  # DAY is Monday to Friday
        ("R2", "2027-01-09", {"template_id": None, "locked": True}, "locked"),
        ("R2", "2027-01-04", {"template_id": "DAY"}, "shift"),  # DAY needs a region
        ("R2", "2027-01-04", {"template_id": "NGT", "region_id": "N"}, "shift"),  # NGT is S's
    ],
)
def test_bad_cell_edits_are_422(
    client: TestClient,
    as_admin: dict,
    stored_roster: int,
    department: Department,
    reader: str,
    date: str,
    body: dict,
    field: str,
) -> None:
    if isinstance(body.get("template_id"), str):
        body = body | {"template_id": department.templates[body["template_id"]]}
    if isinstance(body.get("region_id"), str):
        body = body | {"region_id": department.regions[body["region_id"]]}
    response = _edit(client, as_admin, stored_roster, department, reader, date, **body)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["body", field]


def test_cell_edit_not_found_and_forbidden(
    client: TestClient, login: Login, csrf, stored_roster: int, department: Department
) -> None:
    login(client, Role.MANAGER, region_ids=[department.regions["N"]])
    headers = {"X-CSRF-Token": csrf(client)}
    night = {"template_id": department.templates["NGT"]}  # the South's night
    south = _edit(client, headers, stored_roster, department, "R1", "2027-01-04", **night)
    assert south.status_code == 403
    missing_roster = client.put(
        f"/api/rosters/999{_cell(department, 'R1', '2027-01-04')}",
        json={"lock_version": 1},
        headers=headers,
    )
    assert missing_roster.status_code == 404
    missing_reader = client.put(
        f"/api/rosters/{stored_roster}/cells/999/2027-01-04",
        json={"lock_version": 1},
        headers=headers,
    )
    assert missing_reader.status_code == 404
    no_token = client.put(
        f"/api/rosters/{stored_roster}{_cell(department, 'R1', '2027-01-04')}",
        json={"lock_version": 1},
    )
    assert no_token.status_code == 403


def test_publish_freezes_and_later_edits_make_a_new_version(
    client: TestClient, as_admin: dict, stored_roster: int, department: Department, engine: Engine
) -> None:
    published = client.post(
        f"/api/rosters/{stored_roster}/publish", json={"lock_version": 1}, headers=as_admin
    )
    assert published.status_code == 200, published.text
    assert published.json()["roster"]["status"] == "published"
    assert published.json()["roster"]["published_at"] is not None
    again = client.post(
        f"/api/rosters/{stored_roster}/publish", json={"lock_version": 2}, headers=as_admin
    )
    assert again.status_code == 409

    before = client.get(f"/api/rosters/{stored_roster}").json()
    edit = _edit(
        client, as_admin, stored_roster, department, "R2", "2027-01-09", lock_version=2,
        template_id=None,
    )  # fmt: skip
    assert edit.status_code == 200
    assert edit.json()["new_version"] is True
    new_roster = edit.json()["roster"]
    assert new_roster["version"] == 2 and new_roster["status"] == "draft"
    assert "edited from published version 1" in new_roster["note"]
    assert client.get(f"/api/rosters/{stored_roster}").json()["rows"] == before["rows"]  # frozen
    with Session(engine) as session:
        period = session.get(m.PlanningPeriod, department.period_id)
        assert period is not None and period.status == m.PeriodStatus.PUBLISHED


def test_publishing_broken_rules_needs_a_reason(
    client: TestClient, as_admin: dict, stored_roster: int, department: Department
) -> None:
    broken = _edit(
        client, as_admin, stored_roster, department, "R1", LEAVE_DAY,
        template_id=department.templates["DAY"], region_id=department.regions["N"],
    )  # fmt: skip
    assert broken.json()["ok"] is False
    url = f"/api/rosters/{stored_roster}/publish"
    refused = client.post(url, json={"lock_version": 2}, headers=as_admin)
    assert refused.status_code == 422
    detail = refused.json()["detail"][0]
    assert detail["loc"] == ["body", "override_reason"] and "on leave" in detail["msg"]
    stale = client.post(url, json={"lock_version": 1, "override_reason": "x"}, headers=as_admin)
    assert stale.status_code == 409
    reason = "Anna agreed to cover the Wednesday"
    ok = client.post(url, json={"lock_version": 2, "override_reason": reason}, headers=as_admin)
    assert ok.status_code == 200
    assert ok.json()["roster"]["status"] == "published" and reason in ok.json()["roster"]["note"]
    assert "overridden" in ok.json()["roster"]["note"]


def test_diff_lists_what_moved(
    client: TestClient, as_admin: dict, stored_roster: int, department: Department
) -> None:
    client.post(f"/api/rosters/{stored_roster}/publish", json={"lock_version": 1}, headers=as_admin)
    edit = _edit(
        client, as_admin, stored_roster, department, "R1", LEAVE_DAY, lock_version=2,
        template_id=department.templates["DAY"], region_id=department.regions["N"], locked=True,
    )  # fmt: skip
    new_id = edit.json()["roster"]["id"]
    diff = client.get(f"/api/rosters/{new_id}/diff?against={stored_roster}").json()
    assert diff["old"]["version"] == 1 and diff["new"]["version"] == 2
    assert [
        (c["radiologist"], c["date"], c["kind"], c["before"], c["after"]) for c in diff["changes"]
    ] == [("Anna Lind", LEAVE_DAY, "added", "", "N · DAY")]
    assert client.get(f"/api/rosters/{new_id}/diff?against=999").status_code == 404
    assert client.get(f"/api/rosters/{new_id}/diff").status_code == 422  # against is required


def test_coverage_heatmap_shortfalls_and_fairness(
    client: TestClient, as_admin: dict, stored_roster: int, solved_week: Roster
) -> None:
    coverage = client.get(f"/api/rosters/{stored_roster}/coverage").json()
    assert {(r["region"], r["subspecialty"]) for r in coverage["heat"]} == {
        ("N", "general"), ("N", "neuro"), ("S", "general"), ("S", "neuro"),
    }  # fmt: skip
    for row in coverage["heat"]:
        assert len(row["percent"]) == 7
        for demand, covered, percent in zip(
            row["demand_hours"], row["covered_hours"], row["percent"], strict=True
        ):
            assert 0 <= covered <= demand
            assert (
                percent is None if demand == 0 else percent == pytest.approx(100 * covered / demand)
            )
    assert 0 < coverage["covered_percent"] <= 100
    assert all(s["reason"] for s in coverage["shortfalls"])
    assert coverage["shortfall_count"] == len(coverage["shortfalls"])
    fairness = {f["code"]: f for f in coverage["fairness"]}
    assert set(fairness) == {"R1", "R2", "R3", "R4", "R5", "R6", "R7"}
    dan = fairness["R4"]  # 0.5 FTE
    assert dan["on_calls_per_fte"] == pytest.approx(dan["on_calls"] / 0.5)
    on_calls = sum(1 for a in solved_week.assignments if ":OC:" in a.shift_id)
    assert on_calls > 0 and sum(f["on_calls"] for f in fairness.values()) == on_calls


def test_resolve_queues_a_job_referring_to_the_version(
    client: TestClient, as_admin: dict, stored_roster: int
) -> None:
    response = client.post(
        f"/api/rosters/{stored_roster}/resolve",
        json={"max_time_in_seconds": 4, "num_workers": 2},
        headers=as_admin,
    )
    assert response.status_code == 202
    assert JobSpec.from_json(response.json()["options_json"]).reference_roster_id == stored_roster
    assert client.post("/api/rosters/999/resolve", headers=as_admin).status_code == 404


def test_exports_escape_formulas_and_open(
    client: TestClient, as_admin: dict, stored_roster: int, department: Department,
    engine: Engine, solved_week: Roster,
) -> None:  # fmt: skip
    with Session(engine) as session:
        reader = session.get(m.Radiologist, department.readers["R2"])
        assert reader is not None
        reader.name = '=HYPERLINK("http://evil","Bo")'
        session.add(reader)
        session.commit()
    worked_by_r2 = sum(1 for a in solved_week.assignments if a.radiologist == "R2")
    assert worked_by_r2 > 0

    response = client.get(f"/api/rosters/{stored_roster}/export.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert 'filename="roster-2027-01-04-v1.csv"' in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == len(solved_week.assignments)
    names = {row["radiologist"] for row in rows if row["radiologist_code"] == "R2"}
    assert names == {'\'=HYPERLINK("http://evil","Bo")'}

    xlsx = client.get(f"/api/rosters/{stored_roster}/export.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = list(sheet.values)
    assert values[0][:3] == ("date", "radiologist_code", "radiologist")
    assert len(values) == 1 + len(solved_week.assignments)
    evil = [row for row in sheet.iter_rows(min_row=2) if row[1].value == "R2"]
    assert evil and all(row[2].data_type == "s" and row[2].value.startswith("'=") for row in evil)

    ics = client.get(f"/api/rosters/{stored_roster}/export.ics")
    assert ics.headers["content-type"].startswith("text/calendar")
    events = Calendar.from_ical(ics.content).walk("VEVENT")
    assert len(events) == len(solved_week.assignments)
    nights = [e for e in events if str(e["summary"]).startswith("Night")]
    assert nights, "the solved week staffs some South nights"
    assert len(nights) == sum(1 for a in solved_week.assignments if ":NGT:" in a.shift_id)
    for night in nights:
        # 22:00 in Stockholm in winter is 21:00 UTC; the shift lasts ten hours.
        start = night.decoded("dtstart")
        assert (start.hour, start.utcoffset()) == (21, dt.timedelta(0))
        assert night.decoded("dtend") - start == dt.timedelta(hours=10)
    assert client.get(f"/api/rosters/{stored_roster}/export.pdf").status_code == 422
    assert client.get("/api/rosters/999/export.csv").status_code == 404


def test_radiologists_may_not_use_the_roster_api(
    client: TestClient, login: Login, csrf, stored_roster: int, department: Department
) -> None:
    login(client, Role.RADIOLOGIST, radiologist_id=department.readers["R1"])
    headers = {"X-CSRF-Token": csrf(client)}
    for url in ("", "/validation", "/coverage", "/export.xlsx", f"/diff?against={stored_roster}"):
        assert client.get(f"/api/rosters/{stored_roster}{url}").status_code == 403, url
    publish = client.post(
        f"/api/rosters/{stored_roster}/publish", json={"lock_version": 1}, headers=headers
    )
    assert publish.status_code == 403
    edit = _edit(client, headers, stored_roster, department, "R1", "2027-01-04", template_id=None)
    assert edit.status_code == 403


def test_diff_across_periods_is_422(
    client: TestClient, as_admin: dict, stored_roster: int, engine: Engine
) -> None:
    with Session(engine) as session:
        other = m.PlanningPeriod(name="Next", start_date=dt.date(2027, 1, 11), weeks=1)
        session.add(other)
        session.flush()
        roster = m.Roster(period_id=other.id or 0, version=1)
        session.add(roster)
        session.commit()
        other_roster = roster.id
    response = client.get(f"/api/rosters/{stored_roster}/diff?against={other_roster}")
    assert response.status_code == 422
    assert "different periods" in response.json()["detail"][0]["msg"]


def test_every_api_route_is_documented_with_a_response_model(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    mine = {
        path: operations
        for path, operations in schema["paths"].items()
        if path.startswith(("/api/rosters", "/api/periods", "/api/jobs", "/api/radiologists"))
        or path.startswith(("/api/skills", "/api/licences", "/api/shift-templates", "/api/rules"))
    }
    assert len(mine) >= 20
    for path, operations in mine.items():
        for method, operation in operations.items():
            ok = next(code for code in operation["responses"] if code.startswith("2"))
            if ok == "204":
                continue
            content = operation["responses"][ok]["content"]
            assert any(kind.get("schema") or not kind for kind in content.values()), (method, path)
            if "export" not in path:
                assert content["application/json"]["schema"], (method, path)
    assert not any(path.startswith("/rosters") for path in schema["paths"])  # pages stay out
