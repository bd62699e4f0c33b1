"""Real concurrency through the HTTP app: two managers on one roster version, two tabs of one
radiologist saving availability. Each request runs in its own thread and client; a barrier inside
the service holds the first until the second has read the same state, so the race is certain.
On SQLite and, with TEST_DATABASE_URL, on PostgreSQL.
"""

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import Engine
from sqlmodel import Session, select

from scheduler import models as m
from scheduler.models import Role
from scheduler.services import availability, publish, roster_edit
from solver.roster import Roster
from tests.web.clinic import Clinic, seed_clinic
from tests.web.conftest import Login, read_csrf, sign_in
from tests.web.manager.seed import Department

BARRIER_SECONDS = 20


def hold_until_both_arrive(
    monkeypatch: pytest.MonkeyPatch, module: Any, name: str, barrier: threading.Barrier
) -> None:
    """Make ``module.name`` wait (once per thread) until both racers have reached it."""
    original = getattr(module, name)
    waited = threading.local()

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not getattr(waited, "done", False):
            waited.done = True
            barrier.wait(BARRIER_SECONDS)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, wrapper)


def race(*calls: Callable[[], Response]) -> list[Response]:
    """Run each call in its own thread at once; their responses, in order."""
    results: list[Response | BaseException | None] = [None] * len(calls)

    def run(i: int) -> None:
        try:
            results[i] = calls[i]()
        except BaseException as exc:  # re-raised in the test's thread
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(BARRIER_SECONDS * 2)
    for result in results:
        if not isinstance(result, Response):
            raise AssertionError(f"a racer failed: {result!r}")
    return results  # type: ignore[return-value]


def _manager(make_client: Callable[[], TestClient], login: Login) -> tuple[TestClient, dict]:
    client = make_client()
    login(client, Role.ADMIN)
    return client, {"X-CSRF-Token": read_csrf(client)}


def _worked_cells(solved: Roster, department: Department) -> dict[str, str]:
    """A date each of R2 and R3 works in the stored roster."""
    cells: dict[str, str] = {}
    for a in sorted(solved.assignments):
        if a.radiologist in ("R2", "R3") and a.radiologist not in cells:
            cells[a.radiologist] = a.shift_id.split(":")[2]
    assert set(cells) == {"R2", "R3"}
    return cells


def _shifts_of(engine: Engine, roster_id: int, reader_id: int, date: str) -> int:
    with Session(engine) as session:
        return len(
            session.exec(
                select(m.Assignment).where(
                    m.Assignment.roster_id == roster_id,
                    m.Assignment.radiologist_id == reader_id,
                    m.Assignment.date == dt.date.fromisoformat(date),
                )
            ).all()
        )


def _roster(engine: Engine, roster_id: int) -> m.Roster:
    with Session(engine) as session:
        roster = session.get(m.Roster, roster_id)
        assert roster is not None
        return roster


def test_two_managers_editing_one_version_at_once_one_gets_409(
    make_client: Callable[[], TestClient], login: Login, engine: Engine,
    stored_roster: int, department: Department, solved_week: Roster,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    (first, h1), (second, h2) = _manager(make_client, login), _manager(make_client, login)
    cells = _worked_cells(solved_week, department)
    hold_until_both_arrive(monkeypatch, roster_edit, "claim_edit", threading.Barrier(2))

    def day_off(client: TestClient, headers: dict, reader: str) -> Callable[[], Response]:
        url = f"/api/rosters/{stored_roster}/cells/{department.readers[reader]}/{cells[reader]}"
        return lambda: client.put(url, json={"lock_version": 1, "template_id": None},
                                  headers=headers)  # fmt: skip

    responses = race(day_off(first, h1, "R2"), day_off(second, h2, "R3"))

    assert sorted(r.status_code for r in responses) == [200, 409], [r.text for r in responses]
    winner = "R2" if responses[0].status_code == 200 else "R3"
    loser = "R3" if winner == "R2" else "R2"
    refused = responses[1] if winner == "R2" else responses[0]
    assert "changed by someone else" in refused.json()["detail"]
    assert _roster(engine, stored_roster).lock_version == 2
    assert _shifts_of(engine, stored_roster, department.readers[winner], cells[winner]) == 0
    assert _shifts_of(engine, stored_roster, department.readers[loser], cells[loser]) == 1
    # the loser reloads and retries: nothing was lost, only refused
    monkeypatch.undo()
    client, headers = (second, h2) if loser == "R3" else (first, h1)
    url = f"/api/rosters/{stored_roster}/cells/{department.readers[loser]}/{cells[loser]}"
    retry = client.put(url, json={"lock_version": 2, "template_id": None}, headers=headers)
    assert retry.status_code == 200
    assert _shifts_of(engine, stored_roster, department.readers[loser], cells[loser]) == 0


def test_publish_racing_an_edit_never_publishes_an_unseen_change(
    make_client: Callable[[], TestClient], login: Login, engine: Engine,
    stored_roster: int, department: Department, solved_week: Roster,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    (first, h1), (second, h2) = _manager(make_client, login), _manager(make_client, login)
    cells = _worked_cells(solved_week, department)
    barrier = threading.Barrier(2)
    hold_until_both_arrive(monkeypatch, roster_edit, "claim_edit", barrier)
    hold_until_both_arrive(monkeypatch, publish, "claim_edit", barrier)
    reader_id = department.readers["R2"]
    url = f"/api/rosters/{stored_roster}/cells/{reader_id}/{cells['R2']}"

    edit, published = race(
        lambda: first.put(url, json={"lock_version": 1, "template_id": None}, headers=h1),
        lambda: second.post(
            f"/api/rosters/{stored_roster}/publish", json={"lock_version": 1}, headers=h2
        ),
    )

    assert sorted((edit.status_code, published.status_code)) == [200, 409]
    roster = _roster(engine, stored_roster)
    assert roster.lock_version == 2
    if published.status_code == 200:  # published as the publisher saw it; the edit was refused
        assert roster.status == m.RosterStatus.PUBLISHED
        assert _shifts_of(engine, stored_roster, reader_id, cells["R2"]) == 1
    else:  # the edit went in; the publisher must look at it first
        assert roster.status == m.RosterStatus.DRAFT
        assert _shifts_of(engine, stored_roster, reader_id, cells["R2"]) == 0


@pytest.fixture
def clinic(session: Session) -> Clinic:
    return seed_clinic(session, weeks=4)


def test_two_tabs_saving_availability_at_once_end_in_one_whole_save(
    make_client: Callable[[], TestClient], login: Login, engine: Engine, clinic: Clinic,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    tab1 = make_client()
    user = login(tab1, Role.RADIOLOGIST, radiologist_id=clinic.readers["R1"])
    tab2 = make_client()
    sign_in(tab2, user.email)
    url = f"/api/periods/{clinic.period_id}/availability/{clinic.readers['R1']}"
    days = [clinic.day(d).isoformat() for d in range(14)]
    leave = {"days": [{"date": d, "kind": "leave"} for d in days]}
    prefer = {"days": [{"date": d, "kind": "prefer", "shift_kind": "night"} for d in days[::2]]
              + [{"date": d, "kind": None} for d in days[1::2]]}  # fmt: skip

    for round_ in range(3):  # the first round also races to create the submission row
        hold_until_both_arrive(monkeypatch, availability, "_replace", threading.Barrier(2))
        responses = race(
            lambda: tab1.put(url, json=leave, headers={"X-CSRF-Token": read_csrf(tab1)}),
            lambda: tab2.put(url, json=prefer, headers={"X-CSRF-Token": read_csrf(tab2)}),
        )
        monkeypatch.undo()
        assert [r.status_code for r in responses] == [200, 200], [r.text for r in responses]
        stored = {(e["date"], e["kind"], e["shift_kind"]) for e in tab1.get(url).json()["entries"]}
        as_leave = {(d, "leave", None) for d in days}
        as_prefer = {(d, "prefer", "night") for d in days[::2]}
        assert stored in (as_leave, as_prefer), (round_, sorted(stored))
    with Session(engine) as session:
        submission = session.get(m.AvailabilitySubmission, (clinic.period_id, clinic.readers["R1"]))
        assert submission is not None and submission.saves == 6
