"""Jobs through the local executor: worker processes (spawn) polling the job table."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest
from sqlmodel import Session, select

from scheduler import models as m
from scheduler.jobs.executor import make_executor, running_executor, start_executor, stop_executor
from scheduler.jobs.identity import parse_worker
from scheduler.jobs.local import LocalExecutor
from scheduler.jobs.ray_executor import RayExecutor
from scheduler.jobs.recovery import recover_jobs
from scheduler.jobs.runner import SHUT_DOWN
from scheduler.jobs.service import request_cancel, submit_solve
from scheduler.models.columns import utc_now
from scheduler.models.jobs import SolveJob
from scheduler.services.solving import solve_period
from scheduler.settings import Settings
from tests.scheduler.jobs_helpers import (
    finished,
    load_job,
    quick,
    roster_versions,
    searching,
    searching_department,
    solvable_department,
    wait_for_job,
)


@pytest.fixture
def executor(db_url: str) -> Iterator[LocalExecutor]:
    executor = LocalExecutor(database_url=db_url, processes=1, poll_seconds=0.2)
    yield executor
    executor.shutdown(timeout=30)


def test_jobs_queued_before_and_after_start_both_succeed(
    db_url: str, session: Session, executor: LocalExecutor
) -> None:
    period_id = solvable_department(session)
    early = submit_solve(session=session, period_id=period_id, options=quick(1.5))
    executor.start()
    late = submit_solve(session=session, period_id=period_id, options=quick(1.5), executor=executor)
    assert early.id is not None and late.id is not None

    first = wait_for_job(db_url, early.id, finished)
    second = wait_for_job(db_url, late.id, finished)

    assert (first.status, second.status) == (m.JobStatus.SUCCEEDED, m.JobStatus.SUCCEEDED)
    worker = parse_worker(first.worker)
    assert worker is not None and worker.pid in executor.pids and worker.pid != os.getpid()
    stored = set(session.exec(select(m.Roster.id)).all())
    assert {first.result_roster_id, second.result_roster_id} == stored
    assert [v for v, _ in roster_versions(db_url, period_id)] == [1, 2]


def test_cancel_reaches_a_worker_process(
    db_url: str, session: Session, executor: LocalExecutor
) -> None:
    period_id = searching_department(session)
    executor.start()
    job = submit_solve(session=session, period_id=period_id, options=quick(30), executor=executor)
    assert job.id is not None

    wait_for_job(db_url, job.id, searching, timeout=45)
    request_cancel(session=session, job_id=job.id)
    cancelled = wait_for_job(db_url, job.id, finished, timeout=10)

    assert cancelled.status == m.JobStatus.CANCELLED
    assert cancelled.result_roster_id is not None  # the best roster so far is kept


def test_shutdown_mid_solve_records_the_job_instead_of_leaving_it_running(
    db_url: str, session: Session, executor: LocalExecutor
) -> None:
    period_id = searching_department(session)
    executor.start()
    job = submit_solve(session=session, period_id=period_id, options=quick(30), executor=executor)
    assert job.id is not None
    wait_for_job(db_url, job.id, searching, timeout=45)

    executor.shutdown(timeout=30)

    stopped = wait_for_job(db_url, job.id, finished, timeout=1)
    assert stopped.status == m.JobStatus.FAILED
    assert stopped.error is not None and stopped.error.startswith(SHUT_DOWN)
    assert stopped.result_roster_id is not None


def test_worker_killed_mid_run_is_recovered_and_earlier_version_stays(
    db_url: str, session: Session, executor: LocalExecutor
) -> None:
    period_id = searching_department(session)
    earlier = solve_period(session=session, period_id=period_id, options=quick(1.0))
    assert earlier.roster is not None
    before = roster_versions(db_url, period_id)
    assert [v for v, _ in before] == [1]

    executor.start()
    job = submit_solve(session=session, period_id=period_id, options=quick(30), executor=executor)
    assert job.id is not None
    running = wait_for_job(db_url, job.id, searching, timeout=45)
    worker = parse_worker(running.worker)
    assert worker is not None and worker.pid in executor.pids

    os.kill(worker.pid, signal.SIGKILL)
    executor.shutdown(timeout=30)  # reaps the dead process
    assert wait_for_job(db_url, job.id, lambda j: True).status == m.JobStatus.RUNNING

    recovered = recover_jobs(session)
    session.commit()

    failed = wait_for_job(db_url, job.id, finished, timeout=1)
    assert failed.status == m.JobStatus.FAILED
    assert failed.error == f"worker died (pid {worker.pid}) before finishing"
    assert [r.job_id for r in recovered] == [job.id]
    assert failed.result_roster_id is None
    assert roster_versions(db_url, period_id) == before


def test_start_executor_recovers_then_resumes_the_queue(db_url: str, session: Session) -> None:
    period_id = solvable_department(session)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    orphan = SolveJob(
        period_id=period_id,
        status=m.JobStatus.RUNNING,
        worker=f"{socket.gethostname()}:{dead.pid}",
        started_at=utc_now(),
    )
    session.add(orphan)
    session.commit()
    queued = submit_solve(session=session, period_id=period_id, options=quick(1.0))
    assert orphan.id is not None and queued.id is not None

    executor = start_executor(Settings(database_url=db_url, local_workers=1))
    try:
        assert isinstance(executor, LocalExecutor)
        assert start_executor() is executor and running_executor() is executor
        failed = load_job(db_url, orphan.id)
        assert (failed.status, failed.error) == (
            m.JobStatus.FAILED,
            f"worker died (pid {dead.pid}) before finishing",
        )
        assert wait_for_job(db_url, queued.id, finished).status == m.JobStatus.SUCCEEDED
    finally:
        stop_executor()
    assert running_executor() is None


def test_settings_choose_the_executor(db_url: str) -> None:
    ray_executor = make_executor(
        Settings(database_url=db_url, executor="ray", ray_address="ray://head:10001")
    )
    local = make_executor(Settings(database_url=db_url, local_workers=3))

    assert isinstance(ray_executor, RayExecutor) and ray_executor.address == "ray://head:10001"
    assert isinstance(local, LocalExecutor) and local.database_url == db_url
