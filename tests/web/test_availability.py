"""Availability: the month calendar, its deadline, who may see whose, reminders, parallel saves."""

import datetime as dt
import threading
import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event
from sqlmodel import Session, select

from scheduler.models import (
    AvailabilityEntry,
    AvailabilityKind,
    AvailabilitySubmission,
    Notice,
    PeriodStatus,
    PlanningPeriod,
    Role,
    ShiftKind,
    utc_now,
)
from scheduler.services.availability import DayChoice, save_availability
from tests.web.clinic import Clinic, seed_clinic
from tests.web.conftest import Login, read_csrf


@pytest.fixture
def clinic(session: Session) -> Clinic:
    return seed_clinic(session, weeks=4)


def _entries(engine: Engine, clinic: Clinic, reader: str) -> dict[str, tuple[str, str | None]]:
    with Session(engine) as session:
        rows = session.exec(
            select(AvailabilityEntry).where(
                AvailabilityEntry.radiologist_id == clinic.readers[reader]
            )
        ).all()
        state = {
            e.date.isoformat(): (e.kind.value, e.shift_kind.value if e.shift_kind else None)
            for e in rows
        }
        assert len(state) == len(rows), "two entries for one day"
        return state


def _form(client: TestClient, days: dict[dt.date, str], shifts: dict[dt.date, str] | None = None):
    data = {"csrf_token": read_csrf(client)}
    for date, kind in days.items():
        data[f"day-{date.isoformat()}"] = kind
        data[f"shift-{date.isoformat()}"] = (shifts or {}).get(date, "")
    return data


def _set_deadline(engine: Engine, clinic: Clinic, deadline: dt.datetime) -> None:
    with Session(engine) as session:
        period = session.get(PlanningPeriod, clinic.period_id)
        assert period is not None
        period.availability_deadline = deadline
        session.add(period)
        session.commit()


def test_calendar_shows_every_day_of_the_period_by_month(
    client: TestClient, login: Login, clinic: Clinic
) -> None:
    login(client, Role.RADIOLOGIST, radiologist_id=clinic.readers["R1"])
    html = client.get(f"/me/availability/{clinic.period_id}").text
    for offset in range(28):
        assert f'name="day-{clinic.day(offset).isoformat()}"' in html
    assert f'name="day-{clinic.day(28).isoformat()}"' not in html
    assert "January 2030" in html and "February 2030" in html  # 7 Jan + 4 weeks crosses a month
    assert 'aria-label="Monday 07 January 2030"' in html


def test_index_goes_straight_to_the_only_open_period(
    client: TestClient, login: Login, clinic: Clinic
) -> None:
    login(client, Role.RADIOLOGIST, radiologist_id=clinic.readers["R1"])
    response = client.get("/me/availability", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/me/availability/{clinic.period_id}"


def test_radiologist_marks_leave_and_sees_it_saved(
    client: TestClient, login: Login, clinic: Clinic, engine: Engine
) -> None:
    login(client, Role.RADIOLOGIST, radiologist_id=clinic.readers["R1"])
    leave = {clinic.day(d): "leave" for d in (1, 2, 3)}
    data = _form(client, {**leave, clinic.day(5): "avoid"}, {clinic.day(5): "night"})
    response = client.post(f"/me/availability/{clinic.period_id}", data=data)
    assert response.status_code == 200 and "Saved." in response.text
    assert _entries(engine, clinic, "R1") == {
        clinic.day(1).isoformat(): ("leave", None),
        clinic.day(2).isoformat(): ("leave", None),
        clinic.day(3).isoformat(): ("leave", None),
        clinic.day(5).isoformat(): ("avoid", "night"),
    }
    assert response.text.count('value="leave" selected') == 3
    assert "Last saved" in response.text


def test_a_save_replaces_only_the_days_it_sends(
    client: TestClient, login: Login, clinic: Clinic, engine: Engine
) -> None:
    login(client, Role.RADIOLOGIST, radiologist_id=clinic.readers["R1"])
    url = f"/me/availability/{clinic.period_id}"
    client.post(url, data=_form(client, {clinic.day(d): "leave" for d in (1, 2, 3)}))
    client.post(url, data=_form(client, {clinic.day(2): "", clinic.day(3): "prefer"}))
    assert _entries(engine, clinic, "R1") == {
        clinic.day(1).isoformat(): ("leave", None),
        clinic.day(3).isoformat(): ("prefer", None),
    }


def test_saving_nothing_still_counts_as_submitted(
    client: TestClient, login: Login, clinic: Clinic, engine: Engine
) -> None:
    login(client, Role.RADIOLOGIST, radiologist_id=clinic.readers["R2"])
    data = _form(client, {clinic.day(d): "" for d in range(28)})
    assert client.post(f"/me/availability/{clinic.period_id}", data=data).status_code == 200
    with Session(engine) as session:
        assert session.get(AvailabilitySubmission, (clinic.period_id, clinic.readers["R2"]))


def test_unknown_choice_is_refused(
    client: TestClient, login: Login, clinic: Clinic, engine: Engine
) -> None:
    login(client, Role.RADIOLOGIST, radiologist_id=clinic.readers["R1"])
    data = _form(client, {clinic.day(1): "holiday"})
    response = client.post(f"/me/availability/{clinic.period_id}", data=data)
    assert response.status_code == 422
    assert "is not a choice" in response.text
    assert _entries(engine, clinic, "R1") == {}


def test_form_without_csrf_token_changes_nothing(
    client: TestClient, login: Login, clinic: Clinic, engine: Engine
) -> None:
    login(client, Role.RADIOLOGIST, radiologist_id=clinic.readers["R1"])
    data = _form(client, {clinic.day(1): "leave"})
    del data["csrf_token"]
    response = client.post(f"/me/availability/{clinic.period_id}", data=data)
    assert response.status_code == 403
    assert _entries(engine, clinic, "R1") == {}


def test_a_radiologist_cannot_read_or_change_a_colleagues_availability(
    client: TestClient, login: Login, clinic: Clinic, engine: Engine
) -> None:
    with Session(engine) as session:
        save_availability(
            session=session,
            period=session.get(PlanningPeriod, clinic.period_id),  # type: ignore[arg-type]
            radiologist_id=clinic.readers["R2"],
            choices=[DayChoice(clinic.day(4), AvailabilityKind.LEAVE)],
        )
    before = _entries(engine, clinic, "R2")
    login(client, Role.RADIOLOGIST, radiologist_id=clinic.readers["R1"])
    other = clinic.readers["R2"]
    page = f"/availability/{clinic.period_id}/radiologists/{other}"
    api = f"/api/periods/{clinic.period_id}/availability/{other}"
    token = read_csrf(client)

    assert client.get(page).status_code == 403
    posted = client.post(page, data={"csrf_token": token, f"day-{clinic.day(4)}": ""})
    assert posted.status_code == 403
    assert client.get(api).status_code == 403
    put = client.put(
        api,
        json={"days": [{"date": clinic.day(4).isoformat(), "kind": None}]},
        headers={"X-CSRF-Token": token},
    )
    assert put.status_code == 403
    assert _entries(engine, clinic, "R2") == before == {clinic.day(4).isoformat(): ("leave", None)}
    # The manager pages are not theirs either.
    assert client.get(f"/availability/{clinic.period_id}").status_code == 403


def test_json_api_reads_and_writes_with_the_csrf_header(
    client: TestClient, login: Login, clinic: Clinic, engine: Engine
) -> None:
    login(client, Role.RADIOLOGIST, radiologist_id=clinic.readers["R1"])
    url = f"/api/periods/{clinic.period_id}/availability/{clinic.readers['R1']}"
    body = {
        "days": [
            {"date": clinic.day(0).isoformat(), "kind": "unavailable"},
            {"date": clinic.day(1).isoformat(), "kind": "prefer", "shift_kind": "day", "weight": 2},
        ]
    }
    assert client.put(url, json=body).status_code == 403  # no CSRF header
    response = client.put(url, json=body, headers={"X-CSRF-Token": read_csrf(client)})
    assert response.status_code == 200
    assert response.json()["entries"] == [
        {"date": clinic.day(0).isoformat(), "kind": "unavailable", "shift_kind": None, "weight": 1},
        {"date": clinic.day(1).isoformat(), "kind": "prefer", "shift_kind": "day", "weight": 2},
    ]
    assert client.get(url).json()["submitted_at"] is not None


def test_days_outside_the_period_are_refused(
    client: TestClient, login: Login, clinic: Clinic, engine: Engine
) -> None:
    login(client, Role.RADIOLOGIST, radiologist_id=clinic.readers["R1"])
    url = f"/api/periods/{clinic.period_id}/availability/{clinic.readers['R1']}"
    body = {"days": [{"date": "2031-01-01", "kind": "leave"}]}
    response = client.put(url, json=body, headers={"X-CSRF-Token": read_csrf(client)})
    assert response.status_code == 422
    assert "outside Test weeks" in response.json()["detail"][0]["msg"]
    assert _entries(engine, clinic, "R1") == {}


def test_edits_lock_after_the_deadline_but_a_manager_may_correct(
    client: TestClient, make_client, login: Login, clinic: Clinic, engine: Engine
) -> None:
    _set_deadline(engine, clinic, utc_now() - dt.timedelta(minutes=1))
    login(client, Role.RADIOLOGIST, radiologist_id=clinic.readers["R1"])
    page = client.get(f"/me/availability/{clinic.period_id}").text
    assert "deadline for Test weeks passed" in page
    assert "disabled" in page
    response = client.post(
        f"/me/availability/{clinic.period_id}", data=_form(client, {clinic.day(1): "leave"})
    )
    assert response.status_code == 409
    assert "deadline" in response.text
    assert _entries(engine, clinic, "R1") == {}

    manager = make_client()
    login(manager, Role.MANAGER, region_ids=[clinic.regions["N"]])
    url = f"/availability/{clinic.period_id}/radiologists/{clinic.readers['R1']}"
    corrected = manager.post(url, data=_form(manager, {clinic.day(1): "leave"}))
    assert corrected.status_code == 200
    assert _entries(engine, clinic, "R1") == {clinic.day(1).isoformat(): ("leave", None)}


def test_a_period_that_is_not_open_is_locked(
    client: TestClient, login: Login, session: Session, engine: Engine
) -> None:
    clinic = seed_clinic(session, status=PeriodStatus.DRAFT)
    login(client, Role.RADIOLOGIST, radiologist_id=clinic.readers["R1"])
    response = client.post(
        f"/me/availability/{clinic.period_id}", data=_form(client, {clinic.day(1): "leave"})
    )
    assert response.status_code == 409
    assert "not open for availability" in response.text


def test_manager_sees_their_regions_and_cannot_reach_others(
    client: TestClient, login: Login, clinic: Clinic
) -> None:
    login(client, Role.MANAGER, region_ids=[clinic.regions["W"]])
    html = client.get(f"/availability/{clinic.period_id}").text
    assert "Cleo Dahl" in html and "Anna Lind" in html  # West: home R3, licensed R1
    assert "Bo Berg" not in html and "Dan Ek" not in html
    outside = f"/availability/{clinic.period_id}/radiologists/{clinic.readers['R2']}"
    assert client.get(outside).status_code == 403


def test_manager_index_counts_who_has_not_submitted(
    client: TestClient, login: Login, clinic: Clinic
) -> None:
    login(client, Role.MANAGER, region_ids=[clinic.regions["N"]])
    html = client.get("/availability").text
    assert f'href="http://testserver/availability/{clinic.period_id}"' in html
    assert "3 of 3 not submitted" in html  # R1, R2, R4 (North)


def test_reminders_reach_only_those_who_have_not_submitted(
    client: TestClient, make_client, login: Login, clinic: Clinic, engine: Engine
) -> None:
    with Session(engine) as session:
        save_availability(
            session=session,
            period=session.get(PlanningPeriod, clinic.period_id),  # type: ignore[arg-type]
            radiologist_id=clinic.readers["R1"],
            choices=[],
        )
    login(client, Role.MANAGER, region_ids=[clinic.regions["N"]])
    page = client.get(f"/availability/{clinic.period_id}").text
    assert '<strong id="missing-count">2</strong> of 3' in page  # R2, R4 (R1 submitted)
    sent = client.post(
        f"/availability/{clinic.period_id}/reminders", data={"csrf_token": read_csrf(client)}
    )
    assert "Sent 2 reminders" in sent.text
    with Session(engine) as session:
        told = {n.radiologist_id for n in session.exec(select(Notice)).all()}
    assert told == {clinic.readers["R2"], clinic.readers["R4"]}

    bo = make_client()
    login(bo, Role.RADIOLOGIST, radiologist_id=clinic.readers["R2"])
    page = bo.get(f"/me/availability/{clinic.period_id}").text
    assert "Please enter your availability for Test weeks" in page


def test_a_radiologist_dismisses_only_their_own_notices(
    client: TestClient, login: Login, clinic: Clinic, engine: Engine
) -> None:
    with Session(engine) as session:
        mine = Notice(radiologist_id=clinic.readers["R1"], message="Mine")
        theirs = Notice(radiologist_id=clinic.readers["R2"], message="Theirs")
        session.add_all([mine, theirs])
        session.commit()
        mine_id, theirs_id = mine.id, theirs.id
    login(client, Role.RADIOLOGIST, radiologist_id=clinic.readers["R1"])
    token = read_csrf(client)
    assert (
        client.post(f"/me/notices/{theirs_id}/dismiss", data={"csrf_token": token}).status_code
        == 404
    )
    done = client.post(
        f"/me/notices/{mine_id}/dismiss", data={"csrf_token": token}, follow_redirects=False
    )
    assert done.status_code == 303
    with Session(engine) as session:
        assert session.get(Notice, mine_id).read_at is not None  # type: ignore[union-attr]
        assert session.get(Notice, theirs_id).read_at is None  # type: ignore[union-attr]


def test_two_parallel_saves_end_in_one_of_them_whole(
    clinic: Clinic, engine: Engine, request: pytest.FixtureRequest
) -> None:
    days = [clinic.day(d) for d in range(10)]
    first = [DayChoice(d, AvailabilityKind.LEAVE) for d in days]
    second = [DayChoice(d, AvailabilityKind.PREFER, ShiftKind.DAY) for d in days[::2]] + [
        DayChoice(d, None) for d in days[1::2]
    ]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def widen_the_window(_conn, _cursor, statement: str, *_args) -> None:
        # Between a save's delete and its insert, give the other save every chance to interleave.
        if statement.lstrip().upper().startswith("INSERT INTO AVAILABILITY_ENTRY"):
            time.sleep(0.05)

    event.listen(engine, "before_cursor_execute", widen_the_window)
    request.addfinalizer(lambda: event.remove(engine, "before_cursor_execute", widen_the_window))

    def save(choices: list[DayChoice]) -> None:
        try:
            with Session(engine) as session:
                period = session.get(PlanningPeriod, clinic.period_id)
                assert period is not None
                barrier.wait()
                save_availability(
                    session=session,
                    period=period,
                    radiologist_id=clinic.readers["R1"],
                    choices=choices,
                )
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    for _ in range(5):  # a few rounds: the interleaving differs from run to run
        threads = [threading.Thread(target=save, args=(c,)) for c in (first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        state = _entries(engine, clinic, "R1")
        as_first = {d.isoformat(): ("leave", None) for d in days}
        as_second = {d.isoformat(): ("prefer", "day") for d in days[::2]}
        assert state in (as_first, as_second)
    with Session(engine) as session:
        submission = session.get(AvailabilitySubmission, (clinic.period_id, clinic.readers["R1"]))
        assert submission is not None and submission.saves == 10
