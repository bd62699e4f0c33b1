"""What a worker does with one job: claim it, solve the period, record how it ended.

The same code runs in a local worker process and in a Ray task; everything it needs is the job id
and the database URL. Whatever happens short of the process dying, the job leaves "running":
succeeded, failed (with the reason) or cancelled.

A cancelled job keeps the best roster found before the cancel: the solver stops, the roster is
still valid, so it is stored as a new version and linked as the job's result. The same holds when
the worker is shut down mid-solve, except that the job then counts as failed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from scheduler.db import session_scope
from scheduler.jobs.identity import this_worker
from scheduler.jobs.reporting import JobReporter
from scheduler.jobs.spec import JobSpec
from scheduler.jobs.state import claim, claim_next, move
from scheduler.models.enums import JobStatus
from scheduler.models.jobs import SolveJob
from scheduler.services.solving import SolveOutcome, solve_period
from scheduler.settings import get_settings
from solver.roster import SolveStatus

log = logging.getLogger(__name__)

NO_ROSTER = "no roster found within the time limit"
SHUT_DOWN = "worker shut down before the solve finished"
FINISH_ATTEMPTS = 3

StopCheck = Callable[[], bool]


def _never() -> bool:
    return False


@dataclass(frozen=True)
class Ending:
    """The final status of a job and the fields written with it."""

    status: JobStatus
    values: dict[str, Any] = field(default_factory=dict)


def run_job(
    job_id: int, *, database_url: str | None = None, stop_requested: StopCheck = _never
) -> JobStatus | None:
    """Claim queued job ``job_id`` and run it; None when it was not queued any more."""
    url = database_url or get_settings().database_url
    with session_scope(url) as session:
        if not claim(session, job_id=job_id, worker=str(this_worker())):
            return None
    return execute_claimed(job_id, database_url=url, stop_requested=stop_requested)


def run_next(
    *, database_url: str | None = None, stop_requested: StopCheck = _never
) -> tuple[int, JobStatus] | None:
    """Claim the oldest queued job and run it; None when the queue is empty."""
    url = database_url or get_settings().database_url
    with session_scope(url) as session:
        job_id = claim_next(session, worker=str(this_worker()))
    if job_id is None:
        return None
    return job_id, execute_claimed(job_id, database_url=url, stop_requested=stop_requested)


def execute_claimed(
    job_id: int, *, database_url: str, stop_requested: StopCheck = _never
) -> JobStatus:
    """Run a job this process has claimed (status "running", worker = this process)."""
    started = time.monotonic()
    try:
        with session_scope(database_url) as session:
            job = session.get(SolveJob, job_id)
            if job is None:
                raise LookupError(f"solve job {job_id} no longer exists")
            spec = JobSpec.from_json(job.options_json, job_id=job_id)
            period_id = job.period_id
        reporter = JobReporter(
            job_id=job_id,
            database_url=database_url,
            time_limit=spec.options.max_time_in_seconds,
            stop_requested=stop_requested,
        )
        with session_scope(database_url) as session:
            outcome = solve_period(
                session=session,
                period_id=period_id,
                options=spec.options,
                reference_roster_id=spec.reference_roster_id,
                on_progress=reporter.on_progress,
                should_stop=reporter.should_stop,
                solve_job_id=job_id,
            )
            ending = ending_of(  # inside the session: it reads the stored roster row
                outcome,
                cancelled=reporter.cancelled,
                shut_down=stop_requested(),
                wall_seconds=time.monotonic() - started,
            )
    except Exception as exc:
        log.exception("solve job %s failed", job_id)
        ending = Ending(
            JobStatus.FAILED,
            {"error": f"{type(exc).__name__}: {exc}", "wall_seconds": time.monotonic() - started},
        )
    except BaseException as exc:
        # KeyboardInterrupt, SystemExit: record why, then let it end the worker.
        _finish(
            database_url,
            job_id,
            Ending(
                JobStatus.FAILED,
                {"error": f"worker interrupted ({type(exc).__name__}) before finishing"},
            ),
        )
        raise
    _finish(database_url, job_id, ending)
    return ending.status


def ending_of(
    outcome: SolveOutcome, *, cancelled: bool, shut_down: bool, wall_seconds: float
) -> Ending:
    """How a job ends, given what the solve returned and why it may have been stopped."""
    result = outcome.result
    values: dict[str, Any] = {
        "wall_seconds": wall_seconds,
        "first_feasible_seconds": result.first_feasible_seconds,
        "objective": result.objective,
        "best_bound": result.best_bound,
        "gap": result.gap,
    }
    if outcome.roster is not None:
        values["result_roster_id"] = outcome.roster.id
    if cancelled:
        return Ending(JobStatus.CANCELLED, values)
    if shut_down and result.status != SolveStatus.OPTIMAL:
        kept = ""
        if outcome.roster is not None:
            kept = f"; version {outcome.roster.version} keeps the best roster found"
        return Ending(JobStatus.FAILED, values | {"error": SHUT_DOWN + kept})
    if outcome.roster is not None:
        return Ending(JobStatus.SUCCEEDED, values | {"progress": 1.0})
    return Ending(JobStatus.FAILED, values | {"error": "\n".join(result.explanation) or NO_ROSTER})


def _finish(database_url: str, job_id: int, ending: Ending) -> None:
    """Record the ending; retried briefly, since a job left "running" waits for recovery."""
    for attempt in range(1, FINISH_ATTEMPTS + 1):
        try:
            with session_scope(database_url) as session:
                moved = move(
                    session,
                    job_id=job_id,
                    source=JobStatus.RUNNING,
                    target=ending.status,
                    values=ending.values,
                )
        except Exception:
            if attempt == FINISH_ATTEMPTS:
                raise
            log.warning("job %s: ending not recorded, retrying", job_id, exc_info=True)
            time.sleep(attempt)
            continue
        if not moved:
            log.warning("job %s was no longer running; its %s ending is dropped", job_id, ending)
        return
