"""Jobs through a local Ray runtime: a remote task runs the same runner on the same database.

One test, since starting the runtime costs most of its time (~10 s).
"""

from __future__ import annotations

import os

import pytest
import ray
from sqlmodel import Session

from scheduler import models as m
from scheduler.jobs.identity import parse_worker
from scheduler.jobs.ray_executor import RayExecutor
from scheduler.jobs.runner import SHUT_DOWN
from scheduler.jobs.service import submit_solve
from tests.scheduler.jobs_helpers import (
    load_job,
    quick,
    roster_versions,
    searching,
    searching_department,
    wait_for_job,
)

# Local Ray runtimes take fixed ports (the dashboard agent's 52365): one worker starts them all, one
# at a time (pytest -n, --dist loadgroup).
pytestmark = pytest.mark.xdist_group("ray")


def test_jobs_run_as_ray_tasks_and_shutdown_stops_them_cleanly(
    db_url: str, session: Session
) -> None:
    period_id = searching_department(session)
    queued_before_start = submit_solve(session=session, period_id=period_id, options=quick(1.5))
    assert queued_before_start.id is not None
    assert not ray.is_initialized()
    executor = RayExecutor(database_url=db_url)
    try:
        executor.start()  # starts a local runtime and resubmits what is queued
        job = submit_solve(
            session=session, period_id=period_id, options=quick(1.5), executor=executor
        )
        assert job.id is not None
        results = [executor.wait(queued_before_start.id, 120), executor.wait(job.id, 120)]
        # The queue poll forgets finished tasks; wait() still answers for them.
        executor._forget_finished()
        assert executor.wait(job.id, 10) == "succeeded"
        # Stopped by the shutdown below, long before this limit.
        long = submit_solve(
            session=session, period_id=period_id, options=quick(60), executor=executor
        )
        assert long.id is not None
        wait_for_job(db_url, long.id, searching, timeout=60)
    finally:
        executor.shutdown()

    # a failed job's error is in its row: shown, since a failure here has been seen once under
    # full CI load and not reproduced
    errors = [load_job(db_url, i).error for i in (queued_before_start.id, job.id)]
    assert results == ["succeeded", "succeeded"], errors
    assert not ray.is_initialized()  # the executor stops the runtime it started
    done = load_job(db_url, job.id)
    assert done.status == m.JobStatus.SUCCEEDED
    worker = parse_worker(done.worker)
    assert worker is not None and worker.pid != os.getpid()  # ran in a Ray worker process
    stopped = load_job(db_url, long.id)
    assert stopped.status == m.JobStatus.FAILED
    assert stopped.error is not None and stopped.error.startswith(SHUT_DOWN)
    assert stopped.wall_seconds is not None and stopped.wall_seconds < 50
    assert [v for v, _ in roster_versions(db_url, period_id)] == [1, 2, 3]
