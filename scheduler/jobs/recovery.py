"""Start-up recovery: jobs left "running" by a dead worker become "failed" with the reason.

A worker on this host is dead when its pid is gone. A worker elsewhere cannot be asked, so its job
is presumed dead once it runs past its time limit, the infeasibility explanation budget and a
grace period (``Settings.job_grace_seconds``, which also covers a reused pid here). Roster versions
are never touched: a dead worker stored nothing, or stored a complete version before it died.
Queued jobs need nothing: workers poll the queue, and the Ray executor resubmits them.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlmodel import Session, col, select

from scheduler.jobs.identity import parse_worker, pid_alive
from scheduler.jobs.spec import JobSpec, JobSpecError
from scheduler.jobs.state import move
from scheduler.models.columns import utc_now
from scheduler.models.enums import JobStatus
from scheduler.models.jobs import SolveJob
from scheduler.settings import get_settings
from solver.options import SolveOptions

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RecoveredJob:
    job_id: int
    reason: str


def recover_jobs(
    session: Session, *, grace_seconds: float | None = None, now: dt.datetime | None = None
) -> list[RecoveredJob]:
    """Fail the running jobs whose worker is dead; the caller commits."""
    grace = get_settings().job_grace_seconds if grace_seconds is None else grace_seconds
    now = now or utc_now()
    running = session.exec(
        select(SolveJob)
        .where(col(SolveJob.status) == JobStatus.RUNNING)
        .execution_options(populate_existing=True)  # workers changed these rows elsewhere
    ).all()
    recovered = []
    for job in running:
        assert job.id is not None
        reason = death_reason(job, now=now, grace_seconds=grace)
        if reason is None:
            continue
        moved = move(
            session,
            job_id=job.id,
            source=JobStatus.RUNNING,
            target=JobStatus.FAILED,
            values={"error": reason},
        )
        if moved:  # else it finished while we looked
            log.warning("solve job %s: %s", job.id, reason)
            recovered.append(RecoveredJob(job.id, reason))
    return recovered


def queued_job_ids(session: Session) -> list[int]:
    """Queued jobs, oldest first."""
    ids = session.exec(
        select(SolveJob.id)
        .where(col(SolveJob.status) == JobStatus.QUEUED)
        .order_by(col(SolveJob.created_at), col(SolveJob.id))
    ).all()
    return [job_id for job_id in ids if job_id is not None]


def death_reason(job: SolveJob, *, now: dt.datetime, grace_seconds: float) -> str | None:
    """Why the running ``job`` is presumed dead, or None while it may still be alive."""
    worker = parse_worker(job.worker)
    if worker is not None and worker.is_local and not pid_alive(worker.pid):
        return f"worker died (pid {worker.pid}) before finishing"
    if job.started_at is None:
        return None
    overdue = now - (job.started_at + dt.timedelta(seconds=_allowed_seconds(job, grace_seconds)))
    if overdue <= dt.timedelta(0):
        return None
    who = f"pid {worker.pid} on {worker.host}" if worker else f"worker {job.worker!r}"
    running_for = (now - job.started_at).total_seconds()
    return (
        f"worker died ({who}) before finishing: still running after {running_for:.0f} s, "
        f"past its time limit and {grace_seconds:g} s of grace"
    )


def _allowed_seconds(job: SolveJob, grace_seconds: float) -> float:
    try:
        options = JobSpec.from_json(job.options_json, job_id=job.id).options
    except JobSpecError:
        options = SolveOptions()
    return options.max_time_in_seconds + options.explain_time_limit + grace_seconds
