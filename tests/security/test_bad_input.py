"""Hostile and awkward input end to end: formula injection in exports, HTML in names, dates
outside the period, and shifts across the daylight-saving change."""

import csv
import datetime as dt
import io
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar
from openpyxl import load_workbook
from sqlalchemy import Engine
from sqlmodel import Session, select

from scheduler import models as m
from scheduler.exports.formulas import FORMULA_STARTS
from scheduler.models import Role
from scheduler.problem_builder import build_problem
from tests.web.clinic import Cell, Clinic, publish, seed_clinic
from tests.web.conftest import Login
from tests.web.manager.seed import Department

HOSTILE = {
    "R2": '=HYPERLINK("http://evil","x")',
    "R3": "+SUM(1,2)",
    "R4": "-2+3",
    "R5": "@cmd|' /C calc'!A0",
    "R6": "\t=1+1",
}
HTML = '<img src=x onerror="alert(1)">'


def _rename(engine: Engine, department: Department, names: dict[str, str]) -> None:
    with Session(engine) as session:
        for code, name in names.items():
            reader = session.get(m.Radiologist, department.readers[code])
            assert reader is not None
            reader.name = name
            session.add(reader)
        template = session.get(m.ShiftTemplate, department.templates["DAY"])
        assert template is not None
        template.name = "=Day()"
        session.add(template)
        session.commit()


def test_no_exported_cell_can_run_as_a_formula(
    client: TestClient, as_admin: dict, stored_roster: int, department: Department,
    engine: Engine,
) -> None:  # fmt: skip
    _rename(engine, department, HOSTILE)
    response = client.get(f"/api/rosters/{stored_roster}/export.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.text)))
    cells = [cell for row in rows for cell in row]
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    names = {row[2] for row in rows[1:]}
    shown = {name for name in names if name.startswith("'")}
    worked = {HOSTILE[row[1]] for row in rows[1:] if row[1] in HOSTILE}
    assert shown == {"'" + name for name in worked} and len(worked) >= 3
    assert any(cell == "'=Day()" for cell in cells)

    book = load_workbook(
        io.BytesIO(client.get(f"/api/rosters/{stored_roster}/export.xlsx").content)
    )
    values = [c for row in book.active.iter_rows() for c in row if isinstance(c.value, str)]
    assert values and not [c.value for c in values if c.value.startswith(FORMULA_STARTS)]
    assert all(c.data_type == "s" for c in values)


def test_html_in_names_is_shown_as_text_on_every_page(
    client: TestClient, login: Login, csrf: Callable[[TestClient], str], stored_roster: int,
    department: Department, engine: Engine,
) -> None:  # fmt: skip
    with Session(engine) as session:
        reader = session.get(m.Radiologist, department.readers["R2"])
        region = session.get(m.Region, department.regions["N"])
        template = session.get(m.ShiftTemplate, department.templates["NGT"])
        period = session.get(m.PlanningPeriod, department.period_id)
        assert reader and region and template and period
        reader.name, region.name, template.name = HTML, f"<b>{region.name}</b>", "<i>Night</i>"
        period.name = "<script>alert('period')</script>"
        session.add_all([reader, region, template, period])
        session.commit()
    login(client, Role.ADMIN)
    pages = [
        "/radiologists", f"/radiologists/{department.readers['R2']}", "/licences",
        "/shift-templates", "/periods", f"/periods/{department.period_id}",
        f"/rosters/{stored_roster}", f"/rosters/{stored_roster}/coverage",
        f"/rosters/{stored_roster}/publish", "/availability", "/swaps", "/users", "/imports",
    ]  # fmt: skip
    escaped_somewhere = False
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        for raw in (HTML, "<b>", "<i>Night", "<script>alert("):
            assert raw not in response.text, (page, raw)
        escaped_somewhere |= "&lt;img src=x onerror=" in response.text
    assert escaped_somewhere
    other = TestClient(client.app)
    login(other, Role.RADIOLOGIST, radiologist_id=department.readers["R2"])
    for page in ("/me/schedule", "/me/availability", "/me/swaps"):
        response = other.get(page)
        assert response.status_code == 200, page
        assert HTML not in response.text and "<script>alert(" not in response.text, page


def test_availability_import_outside_the_period_names_row_and_column(
    client: TestClient, as_admin: dict, department: Department, engine: Engine
) -> None:
    with Session(engine) as session:
        period = session.get(m.PlanningPeriod, department.period_id)
        assert period is not None
        name = period.name
        before = len(session.exec(select(m.AvailabilityEntry)).all())
    rows = (
        "period,radiologist,date,shift_kind,kind,weight,note\n"
        f"{name},R1,2027-01-05,,leave,1,ok\n"
        f"{name},R2,2031-02-30,,leave,1,no such day\n"
        f"{name},R3,2026-12-31,,leave,1,before the period\n"
    )
    response = client.post(
        "/api/imports/availability",
        files={"file": ("availability.csv", rows.encode())},
        headers=as_admin,
    )
    assert response.status_code == 422
    where = {(i["row"], i["column"]) for i in response.json()["detail"]}
    assert where == {(3, "date"), (4, "date")}
    assert "outside period" in response.text
    with Session(engine) as session:
        assert len(session.exec(select(m.AvailabilityEntry)).all()) == before


# --- Daylight saving: Oslo springs forward on 31 March 2030 and falls back on 27 October ---


@pytest.fixture
def clinic(session: Session) -> Clinic:
    return seed_clinic(session, weeks=1)


def _move_period(engine: Engine, clinic: Clinic, start: dt.date) -> None:
    with Session(engine) as session:
        period = session.get(m.PlanningPeriod, clinic.period_id)
        assert period is not None
        period.start_date = start
        session.add(period)
        session.commit()


@pytest.mark.parametrize(
    ("monday", "dst_night", "hours"),
    [
        (dt.date(2030, 3, 25), dt.date(2030, 3, 30), 9),
        (dt.date(2030, 10, 21), dt.date(2030, 10, 26), 11),
    ],
    ids=["spring-forward", "fall-back"],
)
def test_a_night_on_the_dst_night_lasts_what_the_clock_says_end_to_end(
    client: TestClient, login: Login, clinic: Clinic, engine: Engine,
    monday: dt.date, dst_night: dt.date, hours: int,
) -> None:  # fmt: skip
    _move_period(engine, clinic, monday)
    night_before = dst_night - dt.timedelta(days=1)
    with Session(engine) as session:
        built = build_problem(session=session, period_id=clinic.period_id)
        night_id = clinic.templates["NGT"]
        nights = {
            key.date: shift.length_minutes
            for shift in built.problem.shifts
            if (key := built.shift_keys[shift.id]).template_id == night_id
        }
        assert nights[dst_night] == hours * 60
        assert nights[night_before] == 600
        offset = (dst_night - dt.date(2030, 1, 7)).days
        roster_id = publish(session, clinic, [
            Cell("R1", "NGT", offset - 1, "N"), Cell("R2", "NGT", offset, "N"),
        ])  # fmt: skip
    login(client, Role.ADMIN)
    ics = client.get(f"/api/rosters/{roster_id}/export.ics")
    assert ics.status_code == 200
    events = Calendar.from_ical(ics.content).walk("VEVENT")
    lengths = sorted(e.decoded("dtend") - e.decoded("dtstart") for e in events)
    assert sorted(lengths) == sorted([dt.timedelta(hours=10), dt.timedelta(hours=hours)])
    rows = list(
        csv.DictReader(io.StringIO(client.get(f"/api/rosters/{roster_id}/export.csv").text))
    )
    by_date = {row["date"]: row for row in rows}
    start = dt.datetime.fromisoformat(by_date[dst_night.isoformat()]["start_utc"])
    end = dt.datetime.fromisoformat(by_date[dst_night.isoformat()]["end_utc"])
    assert end - start == dt.timedelta(hours=hours)
    # and the rule check reads the same hours: no rest or overlap problem is invented
    check = client.get(f"/api/rosters/{roster_id}/validation").json()
    assert not [v for v in check["violations"] if v["rule"] in ("rest", "overlap")], check
