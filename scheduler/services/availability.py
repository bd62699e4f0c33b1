"""Radiologists' availability for a planning period: reading it, saving it, chasing it.

A save replaces the radiologist's entries for the submitted days in one transaction. Its first
statement updates the radiologist's AvailabilitySubmission row, which makes two saves by the same
radiologist run one after the other on every backend (a PostgreSQL row lock; SQLite's write
lock), so the last save wins whole and the two never interleave.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from scheduler.models import (
    AvailabilityEntry,
    AvailabilityKind,
    AvailabilitySubmission,
    Notice,
    PeriodStatus,
    PlanningPeriod,
    Radiologist,
    ShiftKind,
    utc_now,
)


class AvailabilityError(ValueError):
    """A save that cannot be accepted (a day outside the period, ...); the message says why."""


class AvailabilityLocked(AvailabilityError):
    """The period is not open for availability, or its deadline has passed."""


@dataclass(frozen=True)
class DayChoice:
    """What a radiologist marked for one day; ``kind`` None clears the day."""

    date: dt.date
    kind: AvailabilityKind | None
    shift_kind: ShiftKind | None = None
    weight: int = 1


def open_periods(*, session: Session) -> list[PlanningPeriod]:
    return list(
        session.exec(
            select(PlanningPeriod)
            .where(PlanningPeriod.status == PeriodStatus.OPEN)
            .order_by(col(PlanningPeriod.start_date))
        ).all()
    )


def lock_reason(period: PlanningPeriod, now: dt.datetime | None = None) -> str | None:
    """Why radiologists may not edit this period's availability now, or None when they may."""
    now = now or utc_now()
    if period.status != PeriodStatus.OPEN:
        return f"{period.name} is not open for availability (it is {period.status.value})."
    if period.availability_deadline is not None and now > period.availability_deadline:
        deadline = period.availability_deadline.strftime("%Y-%m-%d %H:%M UTC")
        return f"The deadline for {period.name} passed at {deadline}; ask your manager."
    return None


def period_dates(period: PlanningPeriod) -> list[dt.date]:
    return [period.start_date + dt.timedelta(days=d) for d in range(period.num_days)]


def entries_for(
    *, session: Session, period_id: int, radiologist_id: int
) -> list[AvailabilityEntry]:
    return list(
        session.exec(
            select(AvailabilityEntry)
            .where(
                AvailabilityEntry.period_id == period_id,
                AvailabilityEntry.radiologist_id == radiologist_id,
            )
            .order_by(col(AvailabilityEntry.date), col(AvailabilityEntry.id))
        ).all()
    )


def submission_of(
    *, session: Session, period_id: int, radiologist_id: int
) -> AvailabilitySubmission | None:
    return session.get(AvailabilitySubmission, (period_id, radiologist_id))


def save_availability(
    *,
    session: Session,
    period: PlanningPeriod,
    radiologist_id: int,
    choices: Sequence[DayChoice],
    enforce_deadline: bool = True,
    now: dt.datetime | None = None,
) -> list[AvailabilityEntry]:
    """Replace the radiologist's entries for the chosen days, and commit.

    ``enforce_deadline`` False lets a manager correct availability after the deadline.
    """
    now = now or utc_now()
    if enforce_deadline and (reason := lock_reason(period, now)) is not None:
        raise AvailabilityLocked(reason)
    assert period.id is not None
    _check_choices(period, choices)
    try:
        return _replace(session, period.id, radiologist_id, choices, now)
    except IntegrityError:
        # Both saves created the first submission row at once; the loser retries behind it.
        session.rollback()
        return _replace(session, period.id, radiologist_id, choices, now)


def _check_choices(period: PlanningPeriod, choices: Sequence[DayChoice]) -> None:
    seen: set[dt.date] = set()
    for choice in choices:
        if not period.start_date <= choice.date <= period.end_date:
            raise AvailabilityError(
                f"{choice.date.isoformat()} is outside {period.name} "
                f"({period.start_date.isoformat()} to {period.end_date.isoformat()})"
            )
        if choice.date in seen:
            raise AvailabilityError(f"{choice.date.isoformat()} is given twice")
        if choice.weight < 1:
            raise AvailabilityError(f"{choice.date.isoformat()}: weight must be at least 1")
        seen.add(choice.date)


def _replace(
    session: Session,
    period_id: int,
    radiologist_id: int,
    choices: Sequence[DayChoice],
    now: dt.datetime,
) -> list[AvailabilityEntry]:
    claimed = session.execute(
        update(AvailabilitySubmission)
        .where(
            col(AvailabilitySubmission.period_id) == period_id,
            col(AvailabilitySubmission.radiologist_id) == radiologist_id,
        )
        .values(submitted_at=now, saves=col(AvailabilitySubmission.saves) + 1)
    )
    if claimed.rowcount == 0:  # type: ignore[attr-defined]
        session.add(
            AvailabilitySubmission(
                period_id=period_id, radiologist_id=radiologist_id, submitted_at=now, saves=1
            )
        )
        session.flush()
    session.execute(
        delete(AvailabilityEntry).where(
            col(AvailabilityEntry.period_id) == period_id,
            col(AvailabilityEntry.radiologist_id) == radiologist_id,
            col(AvailabilityEntry.date).in_([choice.date for choice in choices]),
        )
    )
    entries = [
        AvailabilityEntry(
            period_id=period_id,
            radiologist_id=radiologist_id,
            date=choice.date,
            shift_kind=choice.shift_kind,
            kind=choice.kind,
            weight=choice.weight,
        )
        for choice in choices
        if choice.kind is not None
    ]
    session.add_all(entries)
    session.commit()
    return entries


@dataclass(frozen=True)
class SubmissionStatus:
    radiologist: Radiologist
    submitted_at: dt.datetime | None
    entries: int


def submission_statuses(
    *, session: Session, period_id: int, radiologist_ids: set[int] | None
) -> list[SubmissionStatus]:
    """Every active radiologist in scope (None: all) with when they last saved, if ever."""
    query = select(Radiologist).where(col(Radiologist.active)).order_by(col(Radiologist.name))
    if radiologist_ids is not None:
        query = query.where(col(Radiologist.id).in_(radiologist_ids))
    submitted = {
        row.radiologist_id: row.submitted_at
        for row in session.exec(
            select(AvailabilitySubmission).where(AvailabilitySubmission.period_id == period_id)
        )
    }
    counts: dict[int, int] = {}
    for entry in session.exec(
        select(AvailabilityEntry).where(AvailabilityEntry.period_id == period_id)
    ):
        counts[entry.radiologist_id] = counts.get(entry.radiologist_id, 0) + 1
    statuses = []
    for reader in session.exec(query):
        assert reader.id is not None
        statuses.append(
            SubmissionStatus(reader, submitted.get(reader.id), counts.get(reader.id, 0))
        )
    return statuses


def send_reminders(
    *,
    session: Session,
    period: PlanningPeriod,
    radiologist_ids: Iterable[int],
    sent_by_user_id: int | None,
) -> int:
    """A notice to each given radiologist who has not saved availability yet; how many were sent.

    Flushed, not committed.
    """
    assert period.id is not None
    deadline = (
        f" before {period.availability_deadline.strftime('%Y-%m-%d %H:%M UTC')}"
        if period.availability_deadline
        else ""
    )
    sent = 0
    for radiologist_id in sorted(set(radiologist_ids)):
        if submission_of(session=session, period_id=period.id, radiologist_id=radiologist_id):
            continue
        session.add(
            Notice(
                radiologist_id=radiologist_id,
                period_id=period.id,
                sent_by_user_id=sent_by_user_id,
                message=f"Please enter your availability for {period.name}{deadline}.",
            )
        )
        sent += 1
    session.flush()
    return sent


def unread_notices(*, session: Session, radiologist_id: int) -> list[Notice]:
    return list(
        session.exec(
            select(Notice)
            .where(Notice.radiologist_id == radiologist_id, col(Notice.read_at).is_(None))
            .order_by(col(Notice.created_at).desc())
        ).all()
    )


def dismiss_notice(*, session: Session, notice_id: int, radiologist_id: int) -> bool:
    """Mark a notice read; False when it is not this radiologist's (nothing changes)."""
    notice = session.get(Notice, notice_id)
    if notice is None or notice.radiologist_id != radiologist_id:
        return False
    notice.read_at = utc_now()
    session.add(notice)
    session.flush()
    return True
