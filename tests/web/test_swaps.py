"""Swaps: offer, accept (validated), approve (a new published version), and every refusal."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from scheduler.models import Assignment, Role, Roster, RosterStatus, SwapRequest, SwapStatus
from scheduler.services.my_schedule import latest_published_roster
from tests.web.clinic import Cell, Clinic, publish, seed_clinic
from tests.web.conftest import Login, read_csrf

GENERAL_N = {("TRO", "general"): 8}


@pytest.fixture
def clinic(session: Session) -> Clinic:
    clinic = seed_clinic(session)
    publish(
        session,
        clinic,
        [
            Cell("R1", "DAY", 0, "N", GENERAL_N),  # Mon
            Cell("R2", "NGT", 0, "N", {("TRO", "general"): 6}),  # Mon 22:00 - Tue 08:00
            Cell("R2", "DAY", 3, "N", GENERAL_N),  # Thu
            Cell("R3", "DAY", 0, "W", {("PER", "general"): 8}),
            Cell("R4", "DAY", 1, "N", GENERAL_N),  # Tue 08:00
            Cell("R4", "DAY", 2, "N", {("TRO", "neuro"): 8}),  # Wed, neuro reading
        ],
    )
    return clinic


def _cell_id(session: Session, clinic: Clinic, reader: str, day: int) -> int:
    roster = latest_published_roster(session=session, period_id=clinic.period_id)
    assert roster is not None
    cell = session.exec(
        select(Assignment).where(
            Assignment.roster_id == roster.id,
            Assignment.radiologist_id == clinic.readers[reader],
            Assignment.date == clinic.day(day),
        )
    ).one()
    assert cell.id is not None
    return cell.id


def _holder(engine: Engine, clinic: Clinic, template: str, day: int) -> tuple[int, str]:
    """(latest published version, code of who holds the shift there)."""
    with Session(engine) as session:
        roster = latest_published_roster(session=session, period_id=clinic.period_id)
        assert roster is not None
        cell = session.exec(
            select(Assignment).where(
                Assignment.roster_id == roster.id,
                Assignment.shift_template_id == clinic.templates[template],
                Assignment.date == clinic.day(day),
                Assignment.region_id == clinic.regions["N"],
            )
        ).one()
        code = {v: k for k, v in clinic.readers.items()}[cell.radiologist_id]
        return roster.version, code


def _swap(engine: Engine, swap_id: int) -> SwapRequest:
    with Session(engine) as session:
        swap = session.get(SwapRequest, swap_id)
        assert swap is not None
        return swap


def _api(client: TestClient, path: str, body: dict | None = None):
    return client.post(path, json=body or {}, headers={"X-CSRF-Token": read_csrf(client)})


def _offer(client: TestClient, session: Session, clinic: Clinic, reader: str, day: int) -> int:
    response = _api(client, "/api/swaps", {"assignment_id": _cell_id(session, clinic, reader, day)})
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def test_offer_accept_approve_publishes_a_new_version_with_a_record(
    client: TestClient, make_client, login: Login, clinic: Clinic, session: Session, engine: Engine
) -> None:
    login(client, Role.RADIOLOGIST, radiologist_id=clinic.readers["R1"])
    swap_id = _offer(client, session, clinic, "R1", 0)

    dan = make_client()  # free on Monday
    login(dan, Role.RADIOLOGIST, radiologist_id=clinic.readers["R4"])
    accepted = _api(dan, f"/api/swaps/{swap_id}/accept")
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted"
    assert _holder(engine, clinic, "DAY", 0) == (1, "R1")  # nothing published yet

    manager = make_client()
    boss = login(manager, Role.MANAGER, region_ids=[clinic.regions["N"]])
    approved = _api(manager, f"/api/swaps/{swap_id}/approve")
    assert approved.status_code == 200, approved.text
    assert approved.json()["roster_version"] == 2
    assert _holder(engine, clinic, "DAY", 0) == (2, "R4")

    swap = _swap(engine, swap_id)
    assert swap.status == SwapStatus.APPROVED
    assert (swap.offered_by_id, swap.accepted_by_id) == (clinic.readers["R1"], clinic.readers["R4"])
    assert swap.decided_by_user_id == boss.id
    assert swap.accepted_at and swap.decided_at and swap.decided_at >= swap.accepted_at
    with Session(engine) as s:
        versions = s.exec(select(Roster).order_by(col(Roster.version))).all()
        assert [(r.version, r.status) for r in versions] == [
            (1, RosterStatus.PUBLISHED),
            (2, RosterStatus.PUBLISHED),
        ]
        assert "moved from Anna Lind to Dan Ek" in versions[1].note
        assert boss.email in versions[1].note
        assert versions[1].id == swap.result_roster_id
        # Everything else is copied unchanged, reading split included.
        cells = s.exec(select(Assignment).where(Assignment.roster_id == versions[1].id)).all()
        assert len(cells) == 6
        north_day = (clinic.day(0), clinic.templates["DAY"], clinic.regions["N"])
        moved = next(c for c in cells if (c.date, c.shift_template_id, c.region_id) == north_day)
        assert [a.units for a in moved.allocations] == [8]
    # The shift now shows on Dan's schedule, not Anna's.
    assert any(s["date"] == clinic.day(0).isoformat() for s in dan.get("/api/me/schedule").json())
    assert all(
        s["date"] != clinic.day(0).isoformat() for s in client.get("/api/me/schedule").json()
    )


def test_taking_a_shift_without_the_licence_is_refused_with_the_reason(
    client: TestClient, make_client, login: Login, clinic: Clinic, session: Session, engine: Engine
) -> None:
    login(client, Role.RADIOLOGIST, radiologist_id=clinic.readers["R4"])
    swap_id = _offer(client, session, clinic, "R4", 1)  # a North day shift
    cleo = make_client()
    login(cleo, Role.RADIOLOGIST, radiologist_id=clinic.readers["R3"])  # West licence only
    refused = _api(cleo, f"/api/swaps/{swap_id}/accept")
    assert refused.status_code == 409
    messages = " ".join(refused.json()["detail"]["refused"])
    assert "Cleo Dahl" in messages and "licen" in messages.lower()
    assert _swap(engine, swap_id).status == SwapStatus.OFFERED
    assert _holder(engine, clinic, "DAY", 1) == (1, "R4")


def test_taking_a_shift_without_rest_is_refused(
    client: TestClient, make_client, login: Login, clinic: Clinic, session: Session, engine: Engine
) -> None:
    login(client, Role.RADIOLOGIST, radiologist_id=clinic.readers["R2"])
    swap_id = _offer(client, session, clinic, "R2", 0)  # Monday night, ends Tue 08:00
    dan = make_client()
    login(dan, Role.RADIOLOGIST, radiologist_id=clinic.readers["R4"])  # works Tue from 08:00
    refused = _api(dan, f"/api/swaps/{swap_id}/accept")
    assert refused.status_code == 409
    assert "rest" in " ".join(refused.json()["detail"]["refused"]).lower()
    assert _swap(engine, swap_id).status == SwapStatus.OFFERED


def test_taking_reading_work_without_the_skill_is_refused(
    client: TestClient, make_client, login: Login, clinic: Clinic, session: Session
) -> None:
    login(client, Role.RADIOLOGIST, radiologist_id=clinic.readers["R4"])
    swap_id = _offer(client, session, clinic, "R4", 2)  # Wednesday, neuro reading
    bo = make_client()
    login(bo, Role.RADIOLOGIST, radiologist_id=clinic.readers["R2"])  # general only
    refused = bo.post(
        f"/me/swaps/{swap_id}/accept", data={"csrf_token": read_csrf(bo)}, follow_redirects=False
    )
    assert refused.status_code == 409
    assert "The rules do not allow this swap" in refused.text
    assert "neuro" in refused.text


def test_a_radiologist_cannot_act_on_a_colleagues_shifts_or_swaps(
    client: TestClient, make_client, login: Login, clinic: Clinic, session: Session, engine: Engine
) -> None:
    login(client, Role.RADIOLOGIST, radiologist_id=clinic.readers["R1"])
    swap_id = _offer(client, session, clinic, "R1", 0)
    bo = make_client()
    login(bo, Role.RADIOLOGIST, radiologist_id=clinic.readers["R2"])

    # Offering someone else's shift, cancelling someone else's offer: not found, nothing changes.
    stolen = _api(bo, "/api/swaps", {"assignment_id": _cell_id(session, clinic, "R3", 0)})
    assert stolen.status_code == 404
    assert _api(bo, f"/api/swaps/{swap_id}/cancel").status_code == 404
    form = bo.post(f"/me/swaps/{swap_id}/cancel", data={"csrf_token": read_csrf(bo)})
    assert form.status_code == 404
    # Approving is for managers.
    assert _api(bo, f"/api/swaps/{swap_id}/approve").status_code == 403
    assert bo.get("/swaps").status_code == 403
    # Taking one's own shift makes no sense.
    assert _api(client, f"/api/swaps/{swap_id}/accept").status_code == 409
    assert _swap(engine, swap_id).status == SwapStatus.OFFERED
    with Session(engine) as s:
        assert len(s.exec(select(SwapRequest)).all()) == 1


def test_a_manager_decides_only_swaps_in_their_regions(
    client: TestClient, make_client, login: Login, clinic: Clinic, session: Session, engine: Engine
) -> None:
    login(client, Role.RADIOLOGIST, radiologist_id=clinic.readers["R1"])
    swap_id = _offer(client, session, clinic, "R1", 0)
    dan = make_client()
    login(dan, Role.RADIOLOGIST, radiologist_id=clinic.readers["R4"])
    assert _api(dan, f"/api/swaps/{swap_id}/accept").status_code == 200

    west = make_client()
    login(west, Role.MANAGER, region_ids=[clinic.regions["W"]])
    assert "Anna Lind" not in west.get("/swaps").text
    assert _api(west, f"/api/swaps/{swap_id}/approve").status_code == 403
    assert _api(west, f"/api/swaps/{swap_id}/reject", {"reason": "no"}).status_code == 403
    assert _swap(engine, swap_id).status == SwapStatus.ACCEPTED

    north = make_client()
    login(north, Role.MANAGER, region_ids=[clinic.regions["N"]])
    assert "Anna Lind" in north.get("/swaps").text
    rejected = north.post(
        f"/swaps/{swap_id}/reject",
        data={"csrf_token": read_csrf(north), "reason": "cover is thin that day"},
        follow_redirects=False,
    )
    assert rejected.status_code == 303
    swap = _swap(engine, swap_id)
    assert swap.status == SwapStatus.REJECTED and swap.refusal == "cover is thin that day"
    assert _holder(engine, clinic, "DAY", 0) == (1, "R1")


def test_an_offer_is_taken_once(
    client: TestClient, make_client, login: Login, clinic: Clinic, session: Session
) -> None:
    login(client, Role.RADIOLOGIST, radiologist_id=clinic.readers["R4"])
    swap_id = _offer(client, session, clinic, "R4", 1)
    anna = make_client()
    login(anna, Role.RADIOLOGIST, radiologist_id=clinic.readers["R1"])
    assert _api(anna, f"/api/swaps/{swap_id}/accept").status_code == 200
    bo = make_client()
    login(bo, Role.RADIOLOGIST, radiologist_id=clinic.readers["R2"])
    again = _api(bo, f"/api/swaps/{swap_id}/accept")
    assert again.status_code == 409 and "accepted" in again.json()["detail"]
    # Offering the same shift twice is refused too.
    twice = _api(client, "/api/swaps", {"assignment_id": _cell_id(session, clinic, "R4", 1)})
    assert twice.status_code == 409


def test_swap_writes_need_the_csrf_header(
    client: TestClient, login: Login, clinic: Clinic, session: Session
) -> None:
    login(client, Role.RADIOLOGIST, radiologist_id=clinic.readers["R1"])
    body = {"assignment_id": _cell_id(session, clinic, "R1", 0)}
    assert client.post("/api/swaps", json=body).status_code == 403
    assert (
        client.post("/me/swaps", data={"assignment_id": str(body["assignment_id"])}).status_code
        == 403
    )


def test_the_swaps_page_offers_and_withdraws(
    client: TestClient, make_client, login: Login, clinic: Clinic, engine: Engine
) -> None:
    login(client, Role.RADIOLOGIST, radiologist_id=clinic.readers["R1"])
    page = client.get("/me/swaps").text
    assert "Offer one of my shifts" in page and "Day · North" in page
    with Session(engine) as s:
        cell_id = _cell_id(s, clinic, "R1", 0)
    offered = client.post(
        "/me/swaps",
        data={"csrf_token": read_csrf(client), "assignment_id": str(cell_id), "note": "dentist"},
        follow_redirects=False,
    )
    assert offered.status_code == 303
    with Session(engine) as s:
        swap = s.exec(select(SwapRequest)).one()
    assert swap.note == "dentist"

    dan = make_client()
    login(dan, Role.RADIOLOGIST, radiologist_id=clinic.readers["R4"])
    assert "offered by Anna Lind" in dan.get("/me/swaps").text

    withdrawn = client.post(
        f"/me/swaps/{swap.id}/cancel",
        data={"csrf_token": read_csrf(client)},
        follow_redirects=False,
    )
    assert withdrawn.status_code == 303
    assert _swap(engine, swap.id).status == SwapStatus.CANCELLED  # type: ignore[arg-type]
    assert "offered by Anna Lind" not in dan.get("/me/swaps").text


def test_approval_rechecks_against_the_current_data(
    client: TestClient, make_client, login: Login, clinic: Clinic, session: Session, engine: Engine
) -> None:
    """Dan accepted; then his licence was withdrawn. The manager's approval is refused."""
    from scheduler.models import Licence

    login(client, Role.RADIOLOGIST, radiologist_id=clinic.readers["R1"])
    swap_id = _offer(client, session, clinic, "R1", 0)
    dan = make_client()
    login(dan, Role.RADIOLOGIST, radiologist_id=clinic.readers["R4"])
    assert _api(dan, f"/api/swaps/{swap_id}/accept").status_code == 200
    with Session(engine) as s:
        for licence in s.exec(
            select(Licence).where(Licence.radiologist_id == clinic.readers["R4"])
        ).all():
            s.delete(licence)
        s.commit()
    manager = make_client()
    login(manager, Role.MANAGER, region_ids=[clinic.regions["N"]])
    refused = _api(manager, f"/api/swaps/{swap_id}/approve")
    assert refused.status_code == 409
    assert _swap(engine, swap_id).status == SwapStatus.ACCEPTED
    assert _holder(engine, clinic, "DAY", 0) == (1, "R1")
