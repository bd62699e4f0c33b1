"""Solve jobs as the web app and the CLI see them: submit, cancel, look up, list.

Keyword-only functions taking a session. ``submit_solve`` commits, because the job must be
visible to worker processes before anyone is told about it.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from scheduler import models as m
from scheduler.jobs.executor import Executor, running_executor
from scheduler.jobs.spec import JobSpec
from scheduler.jobs.state import InvalidTransition, move, update_running
from scheduler.models.enums import JobStatus
from scheduler.models.jobs import SolveJob
from solver.options import SolveOptions


class JobNotFound(LookupError):
    def __init__(self, job_id: int) -> None:
        super().__init__(f"solve job {job_id} not found")
        self.job_id = job_id


class JobInputError(ValueError):
    """A submission that names a missing period or a roster of another period."""


def submit_solve(
    *,
    session: Session,
    period_id: int,
    options: SolveOptions | None = None,
    reference_roster_id: int | None = None,
    executor: Executor | None = None,
) -> SolveJob:
    """Queue a solve of the period and hand it to ``executor`` (default: the running one).

    With no executor in this process the job stays queued for a ``teleroster worker``.
    """
    if session.get(m.PlanningPeriod, period_id) is None:
        raise JobInputError(f"period_id: planning period {period_id} not found")
    if reference_roster_id is not None:
        reference = session.get(m.Roster, reference_roster_id)
        if reference is None or reference.period_id != period_id:
            raise JobInputError(
                f"reference_roster_id: roster {reference_roster_id} is not a version of "
                f"period {period_id}"
            )
    spec = JobSpec(options or SolveOptions(), reference_roster_id)
    job = SolveJob(period_id=period_id, options_json=spec.to_json())
    session.add(job)
    session.commit()
    session.refresh(job)
    assert job.id is not None
    target = executor or running_executor()
    if target is not None:
        target.submit(job.id)
    return job


def get_job(*, session: Session, job_id: int) -> SolveJob:
    job = session.get(SolveJob, job_id, populate_existing=True)
    if job is None:
        raise JobNotFound(job_id)
    return job


def list_jobs(
    *,
    session: Session,
    period_id: int | None = None,
    status: JobStatus | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[SolveJob]:
    """Newest first."""
    query = select(SolveJob).execution_options(populate_existing=True)
    if period_id is not None:
        query = query.where(col(SolveJob.period_id) == period_id)
    if status is not None:
        query = query.where(col(SolveJob.status) == status)
    query = query.order_by(col(SolveJob.created_at).desc(), col(SolveJob.id).desc())
    return list(session.exec(query.offset(offset).limit(limit)).all())


def request_cancel(*, session: Session, job_id: int) -> SolveJob:
    """Cancel a job: a queued one at once, a running one at its worker's next check (~1 s).

    Raises JobNotFound, or InvalidTransition when the job has already finished.
    """
    flag = {"cancel_requested": True}
    cancelled_queued = move(
        session, job_id=job_id, source=JobStatus.QUEUED, target=JobStatus.CANCELLED, values=flag
    )
    flagged = cancelled_queued or update_running(session, job_id=job_id, values=flag)
    session.commit()
    job = get_job(session=session, job_id=job_id)
    if not flagged:
        raise InvalidTransition(job.status, JobStatus.CANCELLED)
    return job
