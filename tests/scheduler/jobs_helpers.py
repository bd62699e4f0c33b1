"""Shared by the test_jobs*.py files: a department the solver can roster, and waiting on a job."""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlmodel import Session, select

from scheduler import models as m
from scheduler.db import session_scope
from scheduler.models.jobs import SolveJob
from solver.options import SolveOptions
from tests.scheduler.department import seed_department


def solvable_department(session: Session) -> int:
    """The test department with its North on-call left unstaffed; the period id.

    As seeded, a nightly 16 h North on-call outweighs the weekly hours of the three readers who
    may take it, so the week is infeasible; the job machinery needs a week that gets a roster.
    """
    period_id = seed_department(session)
    set_on_call_readers(session, 0)
    return period_id


def searching_department(session: Session) -> int:
    """The solvable department over four weeks: its solve keeps searching for many seconds.

    One week is now proven optimal in well under a second; tests that must catch a job while it
    is still searching (cancel, SIGTERM, a killed worker) need a month, which takes more than a
    minute to prove on two workers.
    """
    period_id = seed_department(session, weeks=4)
    set_on_call_readers(session, 0)
    return period_id


def set_on_call_readers(session: Session, readers: int) -> None:
    on_call = session.exec(select(m.ShiftTemplate).where(m.ShiftTemplate.code == "OC")).one()
    on_call.required_readers = readers
    session.add(on_call)
    session.commit()


def quick(seconds: float = 2.0) -> SolveOptions:
    return SolveOptions(max_time_in_seconds=seconds, num_workers=2, explain_time_limit=1.0)


def load_job(url: str, job_id: int) -> SolveJob:
    """A fresh copy of the row, read in a session of its own (workers write it elsewhere)."""
    with session_scope(url) as session:
        job = session.get(SolveJob, job_id)
        assert job is not None
        session.expunge(job)
        return job


def wait_for_job(
    url: str, job_id: int, until: Callable[[SolveJob], bool], *, timeout: float = 60.0
) -> SolveJob:
    deadline = time.monotonic() + timeout
    while True:
        job = load_job(url, job_id)
        if until(job):
            return job
        if time.monotonic() > deadline:
            raise AssertionError(f"job {job_id} still {job.status.value} after {timeout} s: {job}")
        time.sleep(0.1)


def searching(job: SolveJob) -> bool:
    """Running, with at least one roster found (progress written)."""
    return job.status == m.JobStatus.RUNNING and job.objective is not None


def finished(job: SolveJob) -> bool:
    return job.status.is_finished


def roster_versions(url: str, period_id: int) -> list[tuple[int, int]]:
    """(version, number of assignments) of every stored roster of the period."""
    with session_scope(url) as session:
        rosters = session.exec(
            select(m.Roster).where(m.Roster.period_id == period_id).order_by(m.Roster.version)
        ).all()
        return [(r.version, len(r.assignments)) for r in rosters]
