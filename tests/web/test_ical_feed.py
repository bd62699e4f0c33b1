"""My schedule and the personal iCal feed: UTC instants, local descriptions, tokens."""

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlalchemy import Engine
from sqlmodel import Session

from scheduler.models import Role, Roster
from scheduler.services.my_schedule import issue_calendar_token
from tests.web.clinic import Cell, Clinic, publish, seed_clinic
from tests.web.conftest import Login, read_csrf

UTC = dt.UTC


@pytest.fixture
def clinic(session: Session) -> Clinic:
    clinic = seed_clinic(session)
    publish(
        session,
        clinic,
        [
            Cell("R1", "DAY", 0, "N"),  # Mon 7 Jan 2030, 08:00-16:00 Oslo (UTC+1)
            Cell("R1", "DAY", 1, "W"),  # Tue, 08:00-16:00 Perth (UTC+8)
            Cell("R1", "OC", 3, "N"),  # Thu 16:00 - Fri 08:00 Oslo, on-call
            Cell("R2", "NGT", 0, "N"),
        ],
    )
    return clinic


def _feed_url(client: TestClient) -> str:
    page = client.post("/me/calendar-token", data={"csrf_token": read_csrf(client)})
    assert page.status_code == 200
    match = re.search(r'<code class="secret" id="feed-url">([^<]+)</code>', page.text)
    assert match is not None
    return match.group(1).replace("http://testserver", "")


def _events(body: bytes) -> dict[str, dict[str, object]]:
    calendar = Calendar.from_ical(body)
    return {
        str(event["SUMMARY"]): {
            "start": event.decoded("DTSTART"),
            "end": event.decoded("DTEND"),
            "uid": str(event["UID"]),
            "description": str(event["DESCRIPTION"]),
            "raw_start": event["DTSTART"].to_ical().decode(),
        }
        for event in calendar.walk("VEVENT")
    }


def test_feed_round_trips_the_shifts_in_utc_and_local_time(
    client: TestClient, login: Login, clinic: Clinic
) -> None:
    login(client, Role.RADIOLOGIST, radiologist_id=clinic.readers["R1"])
    response = client.get(_feed_url(client))
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    events = _events(response.content)
    assert set(events) == {"Day · North", "Day · West", "On-call · North"}  # not R2's night

    north = events["Day · North"]
    assert north["start"] == dt.datetime(2030, 1, 7, 7, 0, tzinfo=UTC)
    assert north["end"] == dt.datetime(2030, 1, 7, 15, 0, tzinfo=UTC)
    assert north["raw_start"] == "20300107T070000Z"  # written in UTC, not floating time
    assert "Local time (Europe/Oslo): Mon 07 Jan 2030 08:00 – 16:00" in str(north["description"])

    west = events["Day · West"]
    assert west["start"] == dt.datetime(2030, 1, 8, 0, 0, tzinfo=UTC)  # 08:00 in Perth
    assert "Local time (Australia/Perth): Tue 08 Jan 2030 08:00 – 16:00" in str(west["description"])

    on_call = events["On-call · North"]
    assert on_call["start"] == dt.datetime(2030, 1, 10, 15, 0, tzinfo=UTC)
    assert on_call["end"] == dt.datetime(2030, 1, 11, 7, 0, tzinfo=UTC)
    assert "Thu 10 Jan 2030 16:00 – Fri 11 Jan 08:00" in str(on_call["description"])
    assert "On-call" in str(on_call["description"])
    assert "Region: North (N)" in str(on_call["description"])


def test_uids_are_stable_across_roster_versions(
    client: TestClient, login: Login, clinic: Clinic, engine: Engine
) -> None:
    login(client, Role.RADIOLOGIST, radiologist_id=clinic.readers["R1"])
    url = _feed_url(client)
    before = {k: v["uid"] for k, v in _events(client.get(url).content).items()}
    with Session(engine) as session:
        publish(session, clinic, [Cell("R1", "DAY", 0, "N")], version=2)
    after = {k: v["uid"] for k, v in _events(client.get(url).content).items()}
    assert after == {"Day · North": before["Day · North"]}  # v2 is the published truth now
    assert len(set(before.values())) == 3


def test_regenerating_revokes_the_old_link(
    client: TestClient, login: Login, clinic: Clinic
) -> None:
    login(client, Role.RADIOLOGIST, radiologist_id=clinic.readers["R1"])
    old = _feed_url(client)
    new = _feed_url(client)
    assert old != new
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_revoked_link_gives_404(client: TestClient, login: Login, clinic: Clinic) -> None:
    login(client, Role.RADIOLOGIST, radiologist_id=clinic.readers["R1"])
    url = _feed_url(client)
    revoked = client.post(
        "/me/calendar-token/revoke", data={"csrf_token": read_csrf(client)}, follow_redirects=False
    )
    assert revoked.status_code == 303
    assert client.get(url).status_code == 404
    assert "Make my calendar link" in client.get("/me/schedule").text


def test_unknown_token_gives_404_and_needs_no_session(
    client: TestClient, clinic: Clinic, session: Session
) -> None:
    assert client.get("/calendar/not-a-token.ics").status_code == 404
    token = issue_calendar_token(session=session, radiologist_id=clinic.readers["R2"])
    session.commit()
    anonymous = client.get(f"/calendar/{token}.ics")  # calendar apps cannot sign in
    assert anonymous.status_code == 200
    assert set(_events(anonymous.content)) == {"Night · North"}


def test_tokens_are_stored_hashed(clinic: Clinic, session: Session) -> None:
    from scheduler.models import CalendarToken

    token = issue_calendar_token(session=session, radiologist_id=clinic.readers["R1"])
    stored = session.get(CalendarToken, 1)
    assert stored is not None and token not in stored.token_hash


def test_my_schedule_page_lists_only_my_published_shifts_in_local_time(
    client: TestClient, login: Login, clinic: Clinic
) -> None:
    login(client, Role.RADIOLOGIST, radiologist_id=clinic.readers["R1"])
    html = client.get("/me/schedule").text
    shifts = re.findall(r'<li data-date="([^"]+)" data-kind="([^"]+)">', html)
    assert shifts == [
        (clinic.day(0).isoformat(), "day"),
        (clinic.day(1).isoformat(), "day"),
        (clinic.day(3).isoformat(), "on_call"),
    ]
    assert "08:00–16:00" in html and "(Australia/Perth)" in html
    assert '<span class="tag">on-call</span>' in html
    assert "Night" not in html


def test_draft_versions_are_not_shown(
    client: TestClient, login: Login, clinic: Clinic, engine: Engine
) -> None:
    with Session(engine) as session:
        publish(session, clinic, [Cell("R1", "NGT", 5, "N")], version=2)
        draft = session.get(Roster, 2)
        assert draft is not None
        draft.status = draft.status.DRAFT
        session.add(draft)
        session.commit()
    login(client, Role.RADIOLOGIST, radiologist_id=clinic.readers["R1"])
    days = [s["date"] for s in client.get("/api/me/schedule").json()]
    assert clinic.day(5).isoformat() not in days and len(days) == 3


def test_schedules_of_others_are_out_of_reach(
    client: TestClient, make_client, login: Login, clinic: Clinic
) -> None:
    login(client, Role.RADIOLOGIST, radiologist_id=clinic.readers["R1"])
    assert client.get(f"/api/radiologists/{clinic.readers['R2']}/schedule").status_code == 403
    own = client.get(f"/api/radiologists/{clinic.readers['R1']}/schedule")
    assert own.status_code == 200 and len(own.json()) == 3

    west = make_client()
    login(west, Role.MANAGER, region_ids=[clinic.regions["W"]])
    assert west.get(f"/api/radiologists/{clinic.readers['R2']}/schedule").status_code == 403
    assert west.get(f"/api/radiologists/{clinic.readers['R1']}/schedule").status_code == 200


def test_the_feed_token_form_needs_csrf(client: TestClient, login: Login, clinic: Clinic) -> None:
    login(client, Role.RADIOLOGIST, radiologist_id=clinic.readers["R1"])
    assert client.post("/me/calendar-token").status_code == 403
    assert "Make my calendar link" in client.get("/me/schedule").text  # none was made


def test_a_team_calendar_names_each_radiologist(clinic: Clinic, session: Session) -> None:
    """The manager export reuses roster_to_ical with names in the summaries."""
    from scheduler.ical import roster_to_ical
    from scheduler.services.my_schedule import published_shifts

    body = roster_to_ical(published_shifts(session=session), calendar_name="Team", with_names=True)
    summaries = sorted(_events(body))
    assert summaries == [
        "Anna Lind: Day · North",
        "Anna Lind: Day · West",
        "Anna Lind: On-call · North",
        "Bo Berg: Night · North",
    ]
