"""A stored department whose week can be rostered, for the manager tests and the browser test.

Two North readers licensed everywhere are added to ``seed_department``: the week then has slack,
so a hand edit or a locked cell still leaves the re-solve feasible.
"""

from __future__ import annotations

import datetime as dt
import functools
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, select

from scheduler import models as m
from scheduler.db import dispose_engine, session_scope
from scheduler.migrations import upgrade
from scheduler.problem_builder import build_problem
from scheduler.rosters import store_roster
from scheduler.services.solving import solve_period
from solver.options import SolveOptions
from solver.roster import Roster
from tests.scheduler.department import START, seed_department

FAST = SolveOptions(max_time_in_seconds=4, num_workers=2, random_seed=1, explain_time_limit=2)


@dataclass(frozen=True)
class Department:
    period_id: int
    regions: dict[str, int]  # code -> id
    readers: dict[str, int]
    templates: dict[str, int]
    subspecialties: dict[str, int]
    sites: dict[str, int]


def seed_rosterable(session: Session) -> Department:
    period_id = seed_department(session, weeks=1)
    regions = {r.code: r.id for r in session.exec(select(m.Region)) if r.id}
    general = session.exec(select(m.Subspecialty).where(m.Subspecialty.code == "general")).one()
    sites = list(session.exec(select(m.Site)))
    for code, name in (("R6", "Finn Gran"), ("R7", "Gro Holm")):
        reader = m.Radiologist(
            code=code, name=name, email=f"{code.lower()}@example.org",
            home_time_zone="Europe/Oslo", home_region_id=regions["N"],
        )  # fmt: skip
        session.add(reader)
        session.flush()
        assert reader.id is not None
        session.add(m.Skill(radiologist_id=reader.id, subspecialty_id=general.id))
        for region_id in regions.values():
            session.add(
                m.Licence(
                    radiologist_id=reader.id, region_id=region_id, valid_from=dt.date(2020, 1, 1)
                )
            )
        for site in sites:
            session.add(m.Privilege(radiologist_id=reader.id, site_id=site.id, valid_from=START))
    session.commit()
    return department_ids(session, period_id)


def department_ids(session: Session, period_id: int) -> Department:
    def ids(table: type[m.SQLModel]) -> dict[str, int]:
        return {row.code: row.id for row in session.exec(select(table))}  # type: ignore[attr-defined]

    return Department(
        period_id=period_id,
        regions=ids(m.Region),
        readers=ids(m.Radiologist),
        templates=ids(m.ShiftTemplate),
        subspecialties=ids(m.Subspecialty),
        sites=ids(m.Site),
    )


def store(session: Session, department: Department, roster: Roster, note: str = "") -> m.Roster:
    built = build_problem(session=session, period_id=department.period_id)
    row = store_roster(session=session, built=built, roster=roster, objective=None, note=note)
    session.commit()
    session.refresh(row)
    return row


@functools.cache
def solve_week_once() -> Roster:
    """A valid roster of the department's week, solved once per process (a few seconds): the
    ``solved_week`` fixture is offered by three conftests, each of which would solve it again."""
    with tempfile.TemporaryDirectory(prefix="solved-week-") as folder:
        url = f"sqlite:///{Path(folder) / 'week.sqlite'}"
        upgrade(url)
        try:
            with session_scope(url) as session:
                department = seed_rosterable(session)
                outcome = solve_period(
                    session=session, period_id=department.period_id, options=FAST
                )
            assert outcome.report is not None and outcome.report.ok, outcome.result.explanation
            return outcome.result.roster
        finally:
            dispose_engine(url)
