"""Manual roster edits: change or lock a cell, see the rules it breaks at once, re-solve.

A draft version is edited in place; editing a published version stores a new draft with the
change (the published one stays frozen). Both are guarded by ``lock_version``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, select

from scheduler import models as m
from scheduler.jobs.service import submit_solve
from scheduler.problem_builder import ShiftKey
from scheduler.services.allocation import allocate_units
from scheduler.services.catalogue import get_row
from scheduler.services.errors import FieldError
from scheduler.services.radiologists import get_radiologist
from scheduler.services.roster_versions import (
    CheckedRoster,
    check_roster,
    claim_edit,
    copy_as_draft,
)
from scheduler.services.scope import RegionScope
from solver.options import SolveOptions
from solver.roster import Roster
from solver.validate import ValidationReport, Violation, validate


@dataclass(frozen=True)
class CellEdit:
    """What one (radiologist, date) cell should become: a shift, or off when ``template_id`` is
    None; ``locked`` keeps it through re-solves."""

    radiologist_id: int
    date: dt.date
    template_id: int | None
    region_id: int | None = None
    locked: bool = False


@dataclass(frozen=True)
class EditOutcome:
    roster: m.Roster  # the version now holding the change
    new_version: bool  # True when the edited version was published
    report: ValidationReport
    radiologist_code: str
    day: int

    @property
    def cell_violations(self) -> list[Violation]:
        return [
            v
            for v in self.report.violations
            if v.radiologist == self.radiologist_code and (v.day is None or v.day == self.day)
        ]


def edit_cell(
    *, session: Session, scope: RegionScope, roster_id: int, edit: CellEdit, lock_version: int
) -> EditOutcome:
    source = get_row(session, m.Roster, roster_id)
    period = get_row(session, m.PlanningPeriod, source.period_id)
    reader = get_radiologist(session=session, scope=scope, radiologist_id=edit.radiologist_id)
    day = (edit.date - period.start_date).days
    if not 0 <= day < period.num_days:
        raise FieldError("date", f"{edit.date} is outside the period {period.name}")
    region_id = _checked_shift(session, scope, edit)
    for cell in _cell(session, roster_id, edit):
        scope.check(cell.region_id, f"the shift {reader.code} works on {edit.date}")
    if edit.template_id is None and edit.locked:
        raise FieldError("locked", "a day off cannot be locked: only worked cells are stored")

    claim_edit(session, source, lock_version)
    target = source
    if source.status == m.RosterStatus.PUBLISHED:
        note = f"edited from published version {source.version}"
        target = copy_as_draft(session, source, note)
    assert target.id is not None
    placed = _apply(session, target.id, edit, region_id)
    session.flush()
    session.expire(target)
    checked = check_roster(session=session, roster_id=target.id)
    if placed is not None:
        checked = _allocate(session, placed, checked)
    target.objective = checked.report.objective
    session.add(target)
    session.commit()
    session.refresh(target)
    return EditOutcome(target, target.id != source.id, checked.report, reader.code, day)


def _checked_shift(session: Session, scope: RegionScope, edit: CellEdit) -> int | None:
    """The region the new shift serves, after checking the template may be worked that day."""
    if edit.template_id is None:
        return None
    template = session.get(m.ShiftTemplate, edit.template_id)
    if template is None:
        raise FieldError("shift", f"shift template {edit.template_id} does not exist")
    if not template.applies_on(edit.date):
        raise FieldError("shift", f"shift {template.code} is not worked on a {edit.date:%A}")
    region_id = template.region_id if template.region_id is not None else edit.region_id
    if region_id is None or session.get(m.Region, region_id) is None:
        raise FieldError("shift", f"shift {template.code} needs the region it serves")
    if template.region_id is not None and edit.region_id not in (None, template.region_id):
        raise FieldError("shift", f"shift {template.code} serves region {template.region_id} only")
    scope.check(region_id, f"shift {template.code}")
    return region_id


def _cell(session: Session, roster_id: int, edit: CellEdit) -> list[m.Assignment]:
    return list(
        session.exec(
            select(m.Assignment).where(
                m.Assignment.roster_id == roster_id,
                m.Assignment.radiologist_id == edit.radiologist_id,
                m.Assignment.date == edit.date,
            )
        )
    )


def _apply(
    session: Session, roster_id: int, edit: CellEdit, region_id: int | None
) -> m.Assignment | None:
    """Make the cell hold the edit; the new assignment if one was placed (it needs hours)."""
    cell = _cell(session, roster_id, edit)
    same = [a for a in cell if a.shift_template_id == edit.template_id and a.region_id == region_id]
    if same and len(cell) == 1:
        same[0].locked = edit.locked  # the shift stays; only its lock changes
        session.add(same[0])
        return None
    for assignment in cell:
        session.delete(assignment)
    session.flush()
    if edit.template_id is None:
        return None
    placed = m.Assignment(
        roster_id=roster_id,
        radiologist_id=edit.radiologist_id,
        date=edit.date,
        shift_template_id=edit.template_id,
        region_id=region_id,
        locked=edit.locked,
    )
    session.add(placed)
    session.flush()
    return placed


def _allocate(session: Session, placed: m.Assignment, checked: CheckedRoster) -> CheckedRoster:
    """Give the placed shift's hours to pools still short, and check the roster with them."""
    built = checked.built
    codes = {db_id: code for code, db_id in built.radiologist_ids.items()}
    code = codes.get(placed.radiologist_id)
    key = ShiftKey(placed.shift_template_id, placed.date, placed.region_id)
    shift_id = built.shift_ids_by_key().get(key)
    if code is None or shift_id is None or placed.id is None:
        return checked  # an inactive reader or a vanished shift: the validator says so
    allocations = allocate_units(built.problem, checked.roster, code, shift_id)
    for allocation in allocations:
        site_id, subspecialty_id = built.pool_keys[allocation.pool]
        session.add(
            m.AssignmentAllocation(
                assignment_id=placed.id,
                site_id=site_id,
                subspecialty_id=subspecialty_id,
                units=allocation.units,
            )
        )
    session.flush()
    roster = Roster(
        checked.roster.assignments,
        tuple(sorted(checked.roster.allocations + tuple(allocations))),
    )
    return CheckedRoster(built, roster, validate(built.problem, roster))


def resolve_roster(
    *, session: Session, roster_id: int, options: SolveOptions | None = None
) -> m.SolveJob:
    """Queue a re-solve that keeps the version's locked cells and moves as little as it can."""
    roster = get_row(session, m.Roster, roster_id)
    return submit_solve(
        session=session, period_id=roster.period_id, options=options, reference_roster_id=roster_id
    )
