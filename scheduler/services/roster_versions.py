"""Roster versions: optimistic locking, copying a version into a new draft, checking one.

Every change to a stored roster bumps ``Roster.lock_version`` with a guarded UPDATE; an editor who
sends an older value lost a race and is refused (``StaleVersion``), instead of silently undoing
someone else's edit.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import Session, col

from scheduler import models as m
from scheduler.problem_builder import BuiltProblem, build_problem
from scheduler.rosters import load_roster, next_version
from scheduler.services.catalogue import get_row
from scheduler.services.errors import StaleVersion
from solver.roster import Roster
from solver.validate import ValidationReport, validate


@dataclass(frozen=True)
class CheckedRoster:
    built: BuiltProblem
    roster: Roster
    report: ValidationReport


def claim_edit(session: Session, roster: m.Roster, lock_version: int) -> None:
    """Bump the roster's lock_version if it is still ``lock_version``; else StaleVersion."""
    assert roster.id is not None
    statement = (
        update(m.Roster)
        .where(col(m.Roster.id) == roster.id, col(m.Roster.lock_version) == lock_version)
        .values(lock_version=lock_version + 1)
    )
    if session.exec(statement).rowcount != 1:
        session.rollback()
        session.refresh(roster)
        raise StaleVersion(
            f"roster version {roster.version} was changed by someone else since you loaded it "
            f"(lock_version is {roster.lock_version}, you sent {lock_version}): reload and retry"
        )
    session.refresh(roster)


def copy_as_draft(session: Session, source: m.Roster, note: str) -> m.Roster:
    """A new draft version of the period with ``source``'s cells, locks and reading split."""
    assert source.id is not None
    draft = m.Roster(
        period_id=source.period_id,
        version=next_version(session=session, period_id=source.period_id),
        note=note,
        objective=source.objective,
    )
    session.add(draft)
    session.flush()
    assert draft.id is not None
    for cell in source.assignments:
        copy = m.Assignment(
            roster_id=draft.id,
            radiologist_id=cell.radiologist_id,
            date=cell.date,
            shift_template_id=cell.shift_template_id,
            locked=cell.locked,
            region_id=cell.region_id,
        )
        session.add(copy)
        session.flush()
        assert copy.id is not None
        for allocation in cell.allocations:
            session.add(
                m.AssignmentAllocation(
                    assignment_id=copy.id,
                    site_id=allocation.site_id,
                    subspecialty_id=allocation.subspecialty_id,
                    units=allocation.units,
                )
            )
    session.flush()
    return draft


def check_roster(*, session: Session, roster_id: int) -> CheckedRoster:
    """The stored roster against the stored data as it is now; its locked cells are pins."""
    row = get_row(session, m.Roster, roster_id)
    built = build_problem(session=session, period_id=row.period_id, reference_roster_id=roster_id)
    roster = load_roster(session=session, built=built, roster_id=roster_id)
    return CheckedRoster(built, roster, validate(built.problem, roster))
