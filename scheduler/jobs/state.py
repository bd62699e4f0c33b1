"""Status transitions of a ``SolveJob`` row, each one a guarded UPDATE.

``UPDATE solve_job SET status = :target ... WHERE id = :id AND status = :source`` changes at most
one row, and only if nobody moved the job first: the row count says who won. That makes a claim
atomic on SQLite (one writer at a time) and on PostgreSQL (the losing UPDATE re-checks the WHERE
clause after the winner commits), with no lock held between statements.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from scheduler.models.columns import utc_now
from scheduler.models.enums import JobStatus
from scheduler.models.jobs import SolveJob

ALLOWED: dict[JobStatus, frozenset[JobStatus]] = {
    JobStatus.QUEUED: frozenset({JobStatus.RUNNING, JobStatus.CANCELLED}),
    JobStatus.RUNNING: frozenset({JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED}),
}


class InvalidTransition(ValueError):
    """A status change the job life cycle does not allow."""

    def __init__(self, source: JobStatus, target: JobStatus) -> None:
        allowed = ", ".join(sorted(ALLOWED.get(source, frozenset()))) or "nothing (finished)"
        super().__init__(f"a {source.value} job cannot become {target.value} (allowed: {allowed})")
        self.source = source
        self.target = target


def check_transition(source: JobStatus, target: JobStatus) -> None:
    if target not in ALLOWED.get(source, frozenset()):
        raise InvalidTransition(source, target)


def move(
    session: Session,
    *,
    job_id: int,
    source: JobStatus,
    target: JobStatus,
    values: Mapping[str, Any] | None = None,
) -> bool:
    """Move the job from ``source`` to ``target`` if it is still ``source``; True if it moved.

    The caller commits (soon: on SQLite the write lock is held until then).
    """
    check_transition(source, target)
    changes = dict(values or {})
    if target.is_finished:
        changes.setdefault("finished_at", utc_now())
    statement = (
        update(SolveJob)
        .where(col(SolveJob.id) == job_id, col(SolveJob.status) == source)
        .values(status=target, **changes)
    )
    return session.exec(statement).rowcount == 1


def claim(session: Session, *, job_id: int, worker: str) -> bool:
    """Take a queued job for ``worker`` (``host:pid``); False if another worker or a cancel won."""
    return move(
        session,
        job_id=job_id,
        source=JobStatus.QUEUED,
        target=JobStatus.RUNNING,
        values={"started_at": utc_now(), "worker": worker},
    )


def claim_next(session: Session, *, worker: str, candidates: int = 10) -> int | None:
    """Claim the oldest queued job; its id, or None when the queue is empty (or all were taken)."""
    queued = session.exec(
        select(SolveJob.id)
        .where(col(SolveJob.status) == JobStatus.QUEUED)
        .order_by(col(SolveJob.created_at), col(SolveJob.id))
        .limit(candidates)
    ).all()
    for job_id in queued:
        assert job_id is not None
        if claim(session, job_id=job_id, worker=worker):
            return job_id
    return None


def update_running(session: Session, *, job_id: int, values: Mapping[str, Any]) -> bool:
    """Write progress fields of a running job; False when it is no longer running."""
    statement = (
        update(SolveJob)
        .where(col(SolveJob.id) == job_id, col(SolveJob.status) == JobStatus.RUNNING)
        .values(**values)
    )
    return session.exec(statement).rowcount == 1
