"""A server (re)start picks up what the last one left: jobs queued while it was down run, and a
job a dead worker left "running" fails with the reason.

The executor itself is proven in tests/scheduler/test_jobs_local.py (a worker killed with SIGKILL
mid-solve leaves the job failed with a reason and the earlier roster version intact; start-up
recovery, then the queue); this goes through the web app's lifespan, as ``teleroster serve`` runs.
"""

import socket
import subprocess
import sys

from fastapi.testclient import TestClient
from sqlmodel import Session

from scheduler import models as m
from scheduler.jobs.service import submit_solve
from scheduler.models.columns import utc_now
from scheduler.settings import Settings
from tests.scheduler.jobs_helpers import (
    finished,
    load_job,
    quick,
    roster_versions,
    solvable_department,
    wait_for_job,
)
from web.app import create_app


def test_a_restarted_server_recovers_the_dead_and_runs_the_queued(
    db_url: str, session: Session
) -> None:
    period_id = solvable_department(session)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    orphan = m.SolveJob(
        period_id=period_id, status=m.JobStatus.RUNNING, started_at=utc_now(),
        worker=f"{socket.gethostname()}:{dead.pid}",
    )  # fmt: skip
    session.add(orphan)
    session.commit()
    queued = submit_solve(session=session, period_id=period_id, options=quick(1.0))
    assert orphan.id is not None and queued.id is not None

    app = create_app(Settings(database_url=db_url, local_workers=1), start_jobs=True)
    with TestClient(app) as client:
        done = wait_for_job(db_url, queued.id, finished, timeout=90)
        assert client.get("/health").json()["status"] == "ok"
    assert done.status == m.JobStatus.SUCCEEDED and done.result_roster_id is not None
    failed = load_job(db_url, orphan.id)
    assert failed.status == m.JobStatus.FAILED
    assert failed.error == f"worker died (pid {dead.pid}) before finishing"
    assert [v for v, _ in roster_versions(db_url, period_id)] == [1]
