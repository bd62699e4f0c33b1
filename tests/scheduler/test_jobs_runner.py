"""The runner in this process: a job solves the test department and records how it ended."""

from __future__ import annotations

import os
import socket
import threading

from sqlmodel import Session

from scheduler import models as m
from scheduler.jobs.runner import NO_ROSTER, run_job, run_next
from scheduler.jobs.service import request_cancel, submit_solve
from scheduler.models.jobs import SolveJob
from tests.scheduler.jobs_helpers import (
    finished,
    load_job,
    quick,
    roster_versions,
    searching,
    searching_department,
    set_on_call_readers,
    solvable_department,
    wait_for_job,
)


class RowWatcher:
    """Reads the job row every 0.1 s from another thread: what a web page polling it would see."""

    def __init__(self, url: str, job_id: int) -> None:
        self.url, self.job_id = url, job_id
        self.seen: list[SolveJob] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> RowWatcher:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            self.seen.append(load_job(self.url, self.job_id))


def test_job_succeeds_stores_a_roster_and_writes_progress(db_url: str, session: Session) -> None:
    period_id = searching_department(session)
    job = submit_solve(session=session, period_id=period_id, options=quick(2.0))
    assert job.id is not None

    with RowWatcher(db_url, job.id) as watcher:
        status = run_job(job.id, database_url=db_url)

    assert status == m.JobStatus.SUCCEEDED
    done = load_job(db_url, job.id)
    assert done.status == m.JobStatus.SUCCEEDED
    assert done.worker == f"{socket.gethostname()}:{os.getpid()}"
    assert done.started_at is not None and done.finished_at is not None
    assert done.started_at <= done.finished_at
    assert done.progress == 1.0
    assert done.objective is not None and done.best_bound is not None and done.gap is not None
    assert done.first_feasible_seconds is not None and done.wall_seconds is not None
    assert 0 < done.first_feasible_seconds <= done.wall_seconds
    assert done.error is None
    roster = session.get(m.Roster, done.result_roster_id)
    assert roster is not None
    assert (roster.period_id, roster.version, roster.solve_job_id) == (period_id, 1, job.id)
    assert roster.objective == done.objective
    assert len(roster.assignments) > 0
    during = [row for row in watcher.seen if searching(row)]
    assert during, "no progress was written while the job ran"
    assert all(0 <= row.progress < 1 for row in during)


def test_a_job_already_taken_is_not_run_twice(db_url: str, session: Session) -> None:
    period_id = solvable_department(session)
    job = submit_solve(session=session, period_id=period_id, options=quick(1.0))
    assert job.id is not None
    request_cancel(session=session, job_id=job.id)

    assert run_job(job.id, database_url=db_url) is None
    assert run_next(database_url=db_url) is None
    assert roster_versions(db_url, period_id) == []


def test_no_roster_fails_with_the_explanation(db_url: str, session: Session) -> None:
    period_id = solvable_department(session)
    set_on_call_readers(session, 4)  # only three readers may take the North on-call
    job = submit_solve(session=session, period_id=period_id, options=quick(2.0))
    assert job.id is not None

    assert run_next(database_url=db_url) == (job.id, m.JobStatus.FAILED)

    failed = load_job(db_url, job.id)
    assert failed.error is not None
    assert failed.error != NO_ROSTER
    assert "On-call cover N OC" in failed.error
    assert failed.result_roster_id is None
    assert roster_versions(db_url, period_id) == []


def test_an_exception_fails_the_job_with_its_message(db_url: str, session: Session) -> None:
    period_id = solvable_department(session)
    job = SolveJob(period_id=period_id, options_json='{"solve": {"num_workers": 0}}')
    session.add(job)
    session.commit()
    assert job.id is not None

    assert run_job(job.id, database_url=db_url) == m.JobStatus.FAILED

    failed = load_job(db_url, job.id)
    assert failed.error == (
        f"JobSpecError: solve job {job.id}, options_json, field solve: "
        "num_workers must be at least 1, got 0"
    )
    assert failed.finished_at is not None


def test_cancel_stops_the_solve_and_keeps_the_best_roster(db_url: str, session: Session) -> None:
    period_id = searching_department(session)
    job = submit_solve(session=session, period_id=period_id, options=quick(30.0))
    job_id = job.id
    assert job_id is not None
    worker = threading.Thread(target=run_job, args=(job_id,), kwargs={"database_url": db_url})
    worker.start()
    try:
        wait_for_job(db_url, job_id, searching, timeout=45)
        request_cancel(session=session, job_id=job_id)
        cancelled = wait_for_job(db_url, job_id, finished, timeout=10)
    finally:
        worker.join()

    assert cancelled.status == m.JobStatus.CANCELLED
    assert cancelled.wall_seconds is not None and cancelled.wall_seconds < 15
    assert cancelled.result_roster_id is not None
    assert roster_versions(db_url, period_id)[0][0] == 1
