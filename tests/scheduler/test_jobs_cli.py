"""`teleroster jobs submit|list|show|cancel` and `teleroster worker --drain`."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from scheduler import models as m
from scheduler.cli import _register, app
from scheduler.jobs.runner import SHUT_DOWN
from scheduler.jobs.service import submit_solve
from tests.scheduler.jobs_helpers import (
    load_job,
    quick,
    roster_versions,
    searching,
    searching_department,
    solvable_department,
    wait_for_job,
)

CLI = "import sys; from scheduler.cli import main; sys.argv[0] = 'teleroster'; main()"


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    _register()
    return CliRunner()


def listed(runner: CliRunner, *args: str) -> list[dict[str, object]]:
    result = runner.invoke(app, ["jobs", "list", "--json", *args])
    assert result.exit_code == 0, result.output
    rows: list[dict[str, object]] = json.loads(result.stdout)
    return rows


def test_submit_then_a_draining_worker_runs_it(
    runner: CliRunner, db_url: str, session: Session
) -> None:
    period_id = solvable_department(session)

    submitted = runner.invoke(
        app, ["jobs", "submit", "--period", str(period_id), "--time-limit", "1.5", "--workers", "2"]
    )
    assert submitted.exit_code == 0, submitted.output
    assert "job 1 queued" in submitted.output
    assert [row["status"] for row in listed(runner)] == ["queued"]

    worked = runner.invoke(app, ["worker", "--drain"])

    assert worked.exit_code == 0, worked.output
    assert "worker stopped after 1 job(s)" in worked.output
    job = load_job(db_url, 1)
    assert job.status == m.JobStatus.SUCCEEDED
    assert [v for v, _ in roster_versions(db_url, period_id)] == [1]
    shown = runner.invoke(app, ["jobs", "show", "1", "--json"])
    assert json.loads(shown.stdout)["result_roster_id"] == job.result_roster_id
    assert listed(runner, "--status", "queued") == []


def test_cancel_show_and_errors(runner: CliRunner, db_url: str, session: Session) -> None:
    period_id = solvable_department(session)
    runner.invoke(app, ["jobs", "submit", "--period", str(period_id)])

    cancelled = runner.invoke(app, ["jobs", "cancel", "1"])
    again = runner.invoke(app, ["jobs", "cancel", "1"])
    shown = runner.invoke(app, ["jobs", "show", "1"])
    missing = runner.invoke(app, ["jobs", "show", "9"])
    bad_period = runner.invoke(app, ["jobs", "submit", "--period", "99"])

    assert (cancelled.exit_code, again.exit_code) == (0, 1)
    assert "job 1 cancelled" in cancelled.output
    assert "a cancelled job cannot become cancelled" in again.output
    assert "cancelled" in shown.output and "max_time_in_seconds" in shown.output
    assert missing.exit_code == 2 and "solve job 9 not found" in missing.output
    assert bad_period.exit_code == 2 and "planning period 99 not found" in bad_period.output
    assert load_job(db_url, 1).status == m.JobStatus.CANCELLED


def test_sigterm_stops_a_worker_mid_solve_and_the_job_is_recorded(
    db_url: str, session: Session
) -> None:
    period_id = searching_department(session)
    job = submit_solve(session=session, period_id=period_id, options=quick(60))
    assert job.id is not None
    worker = subprocess.Popen(
        [sys.executable, "-c", CLI, "worker", "--poll", "0.2"],
        env=os.environ | {"DATABASE_URL": db_url},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for_job(db_url, job.id, searching, timeout=45)
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=20)
    finally:
        worker.kill()

    assert worker.returncode == 0, output
    assert "worker stopped after 1 job(s)" in output
    stopped = load_job(db_url, job.id)
    assert stopped.status == m.JobStatus.FAILED
    assert stopped.error is not None and stopped.error.startswith(SHUT_DOWN)
    assert stopped.wall_seconds is not None and stopped.wall_seconds < 30
