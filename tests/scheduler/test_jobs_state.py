"""Job rows without solving: transitions, the atomic claim, cancel, listing, the stored spec."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from scheduler import models as m
from scheduler.jobs.service import (
    JobInputError,
    JobNotFound,
    get_job,
    list_jobs,
    request_cancel,
    submit_solve,
)
from scheduler.jobs.spec import JobSpec, JobSpecError
from scheduler.jobs.state import InvalidTransition, claim, claim_next, move
from scheduler.models.jobs import SolveJob
from solver.options import SolveOptions

Q, R = m.JobStatus.QUEUED, m.JobStatus.RUNNING
S, F, C = m.JobStatus.SUCCEEDED, m.JobStatus.FAILED, m.JobStatus.CANCELLED


@pytest.fixture
def period_id(session: Session) -> int:
    period = m.PlanningPeriod(name="Week", start_date=dt.date(2027, 1, 4), weeks=1)
    session.add(period)
    session.commit()
    assert period.id is not None
    return period.id


def new_job(session: Session, period_id: int, status: m.JobStatus = Q) -> int:
    job = SolveJob(period_id=period_id, status=status)
    session.add(job)
    session.commit()
    assert job.id is not None
    return job.id


def status_of(session: Session, job_id: int) -> m.JobStatus:
    return get_job(session=session, job_id=job_id).status


class RecordingExecutor:
    def __init__(self) -> None:
        self.submitted: list[int] = []

    def start(self) -> None:
        pass

    def submit(self, job_id: int) -> None:
        self.submitted.append(job_id)

    def shutdown(self) -> None:
        pass


@pytest.mark.parametrize(("source", "target"), [(Q, R), (Q, C), (R, S), (R, F), (R, C)])
def test_allowed_transition_moves_the_row(
    session: Session, period_id: int, source: m.JobStatus, target: m.JobStatus
) -> None:
    job_id = new_job(session, period_id, source)

    assert move(session, job_id=job_id, source=source, target=target)
    session.commit()

    job = get_job(session=session, job_id=job_id)
    assert job.status == target
    assert (job.finished_at is not None) == target.is_finished


@pytest.mark.parametrize(
    ("source", "target"), [(Q, S), (Q, F), (R, Q), (S, R), (S, C), (F, R), (C, Q), (C, R)]
)
def test_refused_transition_raises_and_leaves_the_row(
    session: Session, period_id: int, source: m.JobStatus, target: m.JobStatus
) -> None:
    job_id = new_job(session, period_id, source)

    with pytest.raises(InvalidTransition, match=f"a {source.value} job cannot become"):
        move(session, job_id=job_id, source=source, target=target)

    assert status_of(session, job_id) == source


def test_move_from_a_stale_status_changes_nothing(session: Session, period_id: int) -> None:
    job_id = new_job(session, period_id, C)

    assert not move(session, job_id=job_id, source=Q, target=R)
    session.commit()

    assert status_of(session, job_id) == C


def test_two_claims_one_wins(engine: Engine, session: Session, period_id: int) -> None:
    job_id = new_job(session, period_id)

    with Session(engine) as first, Session(engine) as second:
        won_first = claim(first, job_id=job_id, worker="host-a:1")
        first.commit()
        won_second = claim(second, job_id=job_id, worker="host-b:2")
        second.commit()

    assert (won_first, won_second) == (True, False)
    job = get_job(session=session, job_id=job_id)
    assert job.status == R
    assert job.worker == "host-a:1"
    assert job.started_at is not None


def test_concurrent_claims_from_threads_one_wins(
    engine: Engine, session: Session, period_id: int
) -> None:
    job_id = new_job(session, period_id)
    start = threading.Barrier(4)
    wins: list[str] = []

    def contender(name: str) -> None:
        with Session(engine) as own:
            start.wait()
            if claim(own, job_id=job_id, worker=name):
                wins.append(name)
            own.commit()

    threads = [threading.Thread(target=contender, args=(f"h:{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(wins) == 1
    assert get_job(session=session, job_id=job_id).worker == wins[0]


def test_claim_next_takes_the_oldest_then_the_next(session: Session, period_id: int) -> None:
    older, newer = new_job(session, period_id), new_job(session, period_id)
    new_job(session, period_id, C)

    taken = [claim_next(session, worker=f"h:{n}") for n in range(3)]
    session.commit()

    assert taken == [older, newer, None]


def test_submit_queues_and_hands_the_job_to_the_executor(session: Session, period_id: int) -> None:
    executor = RecordingExecutor()
    options = SolveOptions(max_time_in_seconds=5, num_workers=2, random_seed=7)

    job = submit_solve(session=session, period_id=period_id, options=options, executor=executor)

    assert job.status == Q
    assert executor.submitted == [job.id]
    assert JobSpec.from_json(job.options_json) == JobSpec(options, None)


def test_submit_without_an_executor_leaves_the_job_queued(session: Session, period_id: int) -> None:
    job = submit_solve(session=session, period_id=period_id)

    assert status_of(session, job.id or 0) == Q


def test_submit_refuses_unknown_period_and_foreign_reference(
    session: Session, period_id: int
) -> None:
    other = m.PlanningPeriod(name="Other", start_date=dt.date(2027, 2, 1), weeks=1)
    session.add(other)
    session.flush()
    assert other.id is not None
    roster = m.Roster(period_id=other.id, version=1)
    session.add(roster)
    session.commit()

    with pytest.raises(JobInputError, match="period_id: planning period 999 not found"):
        submit_solve(session=session, period_id=999)
    with pytest.raises(JobInputError, match=f"reference_roster_id: roster {roster.id} is not"):
        submit_solve(session=session, period_id=period_id, reference_roster_id=roster.id)


def test_cancel_a_queued_job_ends_it_at_once(session: Session, period_id: int) -> None:
    job_id = new_job(session, period_id)

    job = request_cancel(session=session, job_id=job_id)

    assert job.status == C
    assert job.finished_at is not None
    assert not claim(session, job_id=job_id, worker="h:1")


def test_cancel_a_running_job_raises_its_flag(session: Session, period_id: int) -> None:
    job_id = new_job(session, period_id, R)

    job = request_cancel(session=session, job_id=job_id)

    assert (job.status, job.cancel_requested) == (R, True)


@pytest.mark.parametrize("status", [S, F, C])
def test_cancel_a_finished_job_is_refused(
    session: Session, period_id: int, status: m.JobStatus
) -> None:
    job_id = new_job(session, period_id, status)

    with pytest.raises(InvalidTransition, match=f"a {status.value} job cannot become cancelled"):
        request_cancel(session=session, job_id=job_id)
    assert not get_job(session=session, job_id=job_id).cancel_requested


def test_cancel_or_get_an_unknown_job(session: Session) -> None:
    with pytest.raises(JobNotFound, match="solve job 42 not found"):
        request_cancel(session=session, job_id=42)
    with pytest.raises(JobNotFound):
        get_job(session=session, job_id=42)


def test_list_jobs_newest_first_with_filters(session: Session, period_id: int) -> None:
    first, second, third = (new_job(session, period_id, s) for s in (Q, F, Q))

    assert [j.id for j in list_jobs(session=session)] == [third, second, first]
    assert [j.id for j in list_jobs(session=session, status=Q)] == [third, first]
    assert [j.id for j in list_jobs(session=session, limit=1, offset=1)] == [second]
    assert list_jobs(session=session, period_id=period_id + 1) == []


def test_spec_round_trip_and_errors_name_the_field() -> None:
    spec = JobSpec(SolveOptions(max_time_in_seconds=3, num_workers=1), reference_roster_id=4)

    assert JobSpec.from_json(spec.to_json()) == spec
    assert JobSpec.from_json("{}") == JobSpec()
    with pytest.raises(JobSpecError, match="solve job 3, options_json: not valid JSON"):
        JobSpec.from_json("{", job_id=3)
    with pytest.raises(JobSpecError, match="field solve: unknown option.*threads"):
        JobSpec.from_json('{"solve": {"threads": 2}}')
    with pytest.raises(JobSpecError, match="field solve: max_time_in_seconds must be positive"):
        JobSpec.from_json('{"solve": {"max_time_in_seconds": 0}}')
    with pytest.raises(JobSpecError, match="field reference_roster_id: expected an integer"):
        JobSpec.from_json('{"reference_roster_id": "v2"}')
