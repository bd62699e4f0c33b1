"""Fixtures of the manager UI tests: the department, and a valid roster of its week.

The roster is solved once per test session and stored into each test's database (solver ids are
codes, not database ids, so it fits every copy).
"""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from scheduler.db import dispose_engine, session_scope
from scheduler.migrations import upgrade
from scheduler.models import Role
from scheduler.services.solving import solve_period
from solver.roster import Roster
from tests.web.conftest import Login
from tests.web.manager.seed import FAST, Department, seed_rosterable, store


@pytest.fixture(scope="session")
def solved_week(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Roster]:
    """A valid roster of the department's week, solved once (a few seconds)."""
    path: Path = tmp_path_factory.mktemp("solved") / "week.sqlite"
    url = f"sqlite:///{path}"
    upgrade(url)
    try:
        with session_scope(url) as session:
            department = seed_rosterable(session)
            outcome = solve_period(session=session, period_id=department.period_id, options=FAST)
        assert outcome.report is not None and outcome.report.ok, outcome.result.explanation
        yield outcome.result.roster
    finally:
        dispose_engine(url)


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
