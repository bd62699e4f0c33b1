"""Roster versions in the database <-> ``solver.Roster``.

A published roster is never edited in place: every solve or edit that changes it stores a new
version.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from scheduler import models as m
from scheduler.problem_builder import BuiltProblem, ShiftKey
from solver.roster import Allocation, Assignment, Roster


class RosterNotFound(LookupError):
    pass


def next_version(*, session: Session, period_id: int) -> int:
    current = session.exec(
        select(func.max(m.Roster.version)).where(m.Roster.period_id == period_id)
    ).one()
    return (current or 0) + 1


def store_roster(
    *,
    session: Session,
    built: BuiltProblem,
    roster: Roster,
    objective: int | None,
    note: str = "",
    solve_job_id: int | None = None,
) -> m.Roster:
    """Store ``roster`` as the next version of the period; pinned cells stay locked."""
    pinned = {(pin.radiologist, pin.shift_id) for pin in built.problem.pins if pin.shift_id}
    row = _insert_next_version(
        session=session,
        period_id=built.period_id,
        note=note,
        objective=objective,
        solve_job_id=solve_job_id,
    )
    assert row.id is not None
    units: dict[tuple[str, str], list[Allocation]] = {}
    for allocation in roster.allocations:
        units.setdefault((allocation.radiologist, allocation.shift_id), []).append(allocation)
    for assignment in sorted(roster.assignments):
        key = built.shift_keys[assignment.shift_id]
        stored = m.Assignment(
            roster_id=row.id,
            radiologist_id=built.radiologist_ids[assignment.radiologist],
            date=key.date,
            shift_template_id=key.template_id,
            region_id=key.region_id,
            locked=(assignment.radiologist, assignment.shift_id) in pinned,
        )
        session.add(stored)
        session.flush()
        assert stored.id is not None
        for allocation in units.get((assignment.radiologist, assignment.shift_id), []):
            if allocation.units <= 0:
                continue
            site_id, subspecialty_id = built.pool_keys[allocation.pool]
            session.add(
                m.AssignmentAllocation(
                    assignment_id=stored.id,
                    site_id=site_id,
                    subspecialty_id=subspecialty_id,
                    units=allocation.units,
                )
            )
    session.flush()
    return row


VERSION_ATTEMPTS = 5


def _insert_next_version(
    *, session: Session, period_id: int, note: str, objective: int | None, solve_job_id: int | None
) -> m.Roster:
    """Insert the period's next version number; two jobs finishing together both ask for the same
    number, and the loser of the unique (period, version) race takes the one after."""
    for attempt in range(VERSION_ATTEMPTS):
        row = m.Roster(
            period_id=period_id,
            version=next_version(session=session, period_id=period_id),
            note=note,
            objective=objective,
            solve_job_id=solve_job_id,
        )
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            if attempt == VERSION_ATTEMPTS - 1:
                raise
            continue
        return row
    raise AssertionError("unreachable")


def get_roster(*, session: Session, period_id: int, version: int | None = None) -> m.Roster:
    """A stored version of the period's roster; the latest when ``version`` is None."""
    query = select(m.Roster).where(m.Roster.period_id == period_id)
    if version is not None:
        query = query.where(m.Roster.version == version)
    row = session.exec(query.order_by(col(m.Roster.version).desc())).first()
    if row is None:
        which = f"version {version}" if version is not None else "any version"
        raise RosterNotFound(f"planning period {period_id} has no roster ({which})")
    return row


def load_roster(*, session: Session, built: BuiltProblem, roster_id: int) -> Roster:
    """A stored roster in solver terms.

    Cells the problem cannot name keep a readable unknown id, so the validator reports them
    instead of them vanishing.
    """
    row = session.get(m.Roster, roster_id)
    if row is None:
        raise RosterNotFound(f"roster {roster_id} does not exist")
    codes = {db_id: code for code, db_id in built.radiologist_ids.items()}
    shift_ids = built.shift_ids_by_key()
    pools = {key: pool for pool, key in built.pool_keys.items()}
    assignments: list[Assignment] = []
    allocations: list[Allocation] = []
    for stored in row.assignments:
        code = codes.get(stored.radiologist_id, f"radiologist#{stored.radiologist_id}")
        shift_id = shift_ids.get(
            ShiftKey(stored.shift_template_id, stored.date, stored.region_id),
            f"template#{stored.shift_template_id}:{stored.date.isoformat()}",
        )
        assignments.append(Assignment(code, shift_id))
        for allocation in stored.allocations:
            pool = pools.get(
                (allocation.site_id, allocation.subspecialty_id),
                f"site#{allocation.site_id}/subspecialty#{allocation.subspecialty_id}",
            )
            allocations.append(Allocation(code, shift_id, pool, allocation.units))
    return Roster(tuple(sorted(assignments)), tuple(sorted(allocations)))
