"""Recovery of jobs left running by dead workers, and the throttled progress / cancel link."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys

import pytest
from sqlmodel import Session

from scheduler import models as m
from scheduler.jobs.identity import WorkerId, parse_worker, pid_alive
from scheduler.jobs.recovery import queued_job_ids, recover_jobs
from scheduler.jobs.reporting import JobReporter, Throttle
from scheduler.jobs.service import get_job
from scheduler.jobs.spec import JobSpec
from scheduler.models.columns import utc_now
from scheduler.models.jobs import SolveJob
from solver.options import SolveOptions
from solver.roster import Progress

HOST = socket.gethostname()


@pytest.fixture
def period_id(session: Session) -> int:
    period = m.PlanningPeriod(name="Week", start_date=dt.date(2027, 1, 4), weeks=1)
    session.add(period)
    session.commit()
    assert period.id is not None
    return period.id


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def running_job(
    session: Session, period_id: int, worker: str, *, started_ago: float = 1.0, limit: float = 10
) -> int:
    spec = JobSpec(SolveOptions(max_time_in_seconds=limit, explain_time_limit=5))
    job = SolveJob(
        period_id=period_id,
        status=m.JobStatus.RUNNING,
        worker=worker,
        started_at=utc_now() - dt.timedelta(seconds=started_ago),
        options_json=spec.to_json(),
    )
    session.add(job)
    session.commit()
    assert job.id is not None
    return job.id


def test_job_of_a_dead_local_worker_fails_with_the_reason(session: Session, period_id: int) -> None:
    pid = dead_pid()
    job_id = running_job(session, period_id, f"{HOST}:{pid}")

    recovered = recover_jobs(session, grace_seconds=60)
    session.commit()

    job = get_job(session=session, job_id=job_id)
    assert job.status == m.JobStatus.FAILED
    assert job.error == f"worker died (pid {pid}) before finishing"
    assert job.finished_at is not None
    assert [r.job_id for r in recovered] == [job_id]


def test_live_workers_and_queued_jobs_are_left_alone(session: Session, period_id: int) -> None:
    alive = running_job(session, period_id, f"{HOST}:{os.getpid()}")
    elsewhere = running_job(session, period_id, "other-host:12345", started_ago=30)
    queued = SolveJob(period_id=period_id)
    session.add(queued)
    session.commit()

    assert recover_jobs(session, grace_seconds=60) == []
    session.commit()

    assert get_job(session=session, job_id=alive).status == m.JobStatus.RUNNING
    assert get_job(session=session, job_id=elsewhere).status == m.JobStatus.RUNNING
    assert queued_job_ids(session) == [queued.id]


def test_job_elsewhere_past_its_limit_and_grace_is_presumed_dead(
    session: Session, period_id: int
) -> None:
    # limit 10 s + explanation 5 s + grace 60 s = 75 s allowed.
    overdue = running_job(session, period_id, "other-host:77", started_ago=80)
    in_time = running_job(session, period_id, "other-host:78", started_ago=70)

    recover_jobs(session, grace_seconds=60)
    session.commit()

    job = get_job(session=session, job_id=overdue)
    assert job.status == m.JobStatus.FAILED
    assert job.error is not None
    assert job.error.startswith("worker died (pid 77 on other-host) before finishing")
    assert get_job(session=session, job_id=in_time).status == m.JobStatus.RUNNING


def test_worker_ids_parse_and_zombies_count_as_dead() -> None:
    assert parse_worker("node-1.example:4321") == WorkerId("node-1.example", 4321)
    assert parse_worker("ray task abc") is None
    assert parse_worker(None) is None
    assert pid_alive(os.getpid())
    assert not pid_alive(dead_pid())
    zombie = subprocess.Popen([sys.executable, "-c", "pass"])
    try:
        os.waitid(os.P_PID, zombie.pid, os.WEXITED | os.WNOWAIT)  # exited, not yet reaped
        assert not pid_alive(zombie.pid)
    finally:
        zombie.wait()


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_throttle_allows_one_call_per_interval() -> None:
    clock = FakeClock()
    throttle = Throttle(1.0, clock)

    seen = []
    for step in range(12):  # 0.0, 0.25, ... 2.75 s
        clock.now = 100 + step * 0.25
        seen.append(throttle.due())

    assert [i * 0.25 for i, due in enumerate(seen) if due] == [0.0, 1.0, 2.0]


def test_reporter_writes_at_most_once_a_second_and_reads_cancel(
    db_url: str, session: Session, period_id: int
) -> None:
    job_id = running_job(session, period_id, f"{HOST}:{os.getpid()}")
    clock = FakeClock()
    reporter = JobReporter(job_id=job_id, database_url=db_url, time_limit=10, clock=clock)

    def row() -> tuple[float | None, float | None, float | None, float]:
        job = get_job(session=session, job_id=job_id)
        return job.objective, job.best_bound, job.gap, job.progress

    assert not reporter.should_stop()  # t=0: solve starts, flag read, progress 0 written
    reporter.on_progress(Progress(objective=500, best_bound=100, elapsed_seconds=0.1))
    clock.now += 0.5
    reporter.on_progress(Progress(objective=400, best_bound=100, elapsed_seconds=0.5))
    assert row() == (None, None, None, 0.0)  # both within the second of the last write

    job = get_job(session=session, job_id=job_id)
    job.cancel_requested = True
    session.add(job)
    session.commit()
    assert not reporter.should_stop()  # t=0.5: the flag is not read again yet

    clock.now += 0.6
    reporter.on_progress(Progress(objective=300, best_bound=150, elapsed_seconds=1.1))
    assert row() == (300, 150, 0.5, pytest.approx(0.11))  # the latest improvement only
    reporter.on_progress(Progress(objective=280, best_bound=150, elapsed_seconds=1.1))
    clock.now += 0.5
    assert not reporter.cancelled
    assert reporter.should_stop()  # t=1.6: read, and seen; nothing written this second
    assert reporter.cancelled and not reporter.orphaned
    assert row()[0] == 300

    clock.now += 0.5
    assert reporter.should_stop()  # t=2.1: already cancelled, no database needed
    assert row()[0] == 300


def test_reporter_stops_when_its_job_is_no_longer_running(
    db_url: str, session: Session, period_id: int
) -> None:
    job_id = running_job(session, period_id, f"{HOST}:{os.getpid()}")
    reporter = JobReporter(job_id=job_id, database_url=db_url, time_limit=10)
    recover_jobs(session, grace_seconds=0, now=utc_now() + dt.timedelta(hours=1))
    session.commit()

    assert reporter.should_stop()
    assert reporter.orphaned and not reporter.cancelled
