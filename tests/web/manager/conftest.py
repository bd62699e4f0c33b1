"""Fixtures of the manager UI tests: the department, and a valid roster of its week.

The roster is solved once per test process and stored into each test's database (solver ids are
codes, not database ids, so it fits every copy).
"""

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from scheduler.models import Role
from solver.roster import Roster
from tests.alone import RunLock, alone
from tests.web.conftest import Login
from tests.web.manager.seed import Department, seed_rosterable, solve_week_once, store


@pytest.fixture(scope="session")
def solved_week(run_lock: RunLock | None) -> Roster:
    """A valid roster of the department's week, solved once (a few seconds).

    Solved while no other test runs (pytest -n): tests count on what a search with the cores to
    itself finds in its time (no R2 on the South night of Saturday the 9th), which a starved one
    may not have found yet."""
    with alone(run_lock):
        return solve_week_once()


@pytest.fixture
def department(engine: Engine) -> Department:
    with Session(engine) as session:
        return seed_rosterable(session)


@pytest.fixture
def stored_roster(engine: Engine, department: Department, solved_week: Roster) -> int:
    """Version 1 of the department's week, a draft; its id."""
    with Session(engine) as session:
        row = store(session, department, solved_week, note="solved")
        assert row.id is not None
        return row.id


@pytest.fixture
def as_admin(client: TestClient, login: Login, csrf: Callable[[TestClient], str]) -> dict[str, str]:
    """Signs the client in as an admin; the headers an unsafe API call needs."""
    login(client, Role.ADMIN)
    return {"X-CSRF-Token": csrf(client)}
