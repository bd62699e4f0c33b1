"""What moved between two versions of a period's roster, cell by cell."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import Session, select

from scheduler import models as m
from scheduler.services.catalogue import get_row
from scheduler.services.errors import FieldError
from scheduler.services.radiologists import visible_radiologist_ids
from scheduler.services.scope import RegionScope


class ChangeKind(StrEnum):
    ADDED = "added"  # off before, working now
    REMOVED = "removed"  # working before, off now
    MOVED = "moved"  # another shift the same day
    LOCKED = "locked"
    UNLOCKED = "unlocked"


@dataclass(frozen=True)
class CellChange:
    radiologist_id: int
    radiologist: str  # name
    date: dt.date
    kind: ChangeKind
    before: str  # "S · NGT", "" when off
    after: str


@dataclass(frozen=True)
class RosterDiff:
    old: m.Roster
    new: m.Roster
    changes: tuple[CellChange, ...]

    def count(self, kind: ChangeKind) -> int:
        return sum(1 for c in self.changes if c.kind == kind)


Cell = frozenset[tuple[str, bool]]  # (shift label, locked)


def diff_rosters(*, session: Session, old_id: int, new_id: int, scope: RegionScope) -> RosterDiff:
    old = get_row(session, m.Roster, old_id)
    new = get_row(session, m.Roster, new_id)
    if old.period_id != new.period_id:
        raise FieldError(
            "against", f"roster {old_id} and roster {new_id} belong to different periods"
        )
    visible = visible_radiologist_ids(session=session, scope=scope)
    before = _cells(session, old_id)
    after = _cells(session, new_id)
    names = {r.id: r.name for r in session.exec(select(m.Radiologist))}
    changes = []
    for key in sorted(before.keys() | after.keys(), key=lambda k: (k[1], names.get(k[0], ""))):
        reader_id, date = key
        if visible is not None and reader_id not in visible:
            continue
        kind = _change(before.get(key, frozenset()), after.get(key, frozenset()))
        if kind is not None:
            changes.append(
                CellChange(
                    radiologist_id=reader_id,
                    radiologist=names.get(reader_id, f"radiologist {reader_id}"),
                    date=date,
                    kind=kind,
                    before=_label(before.get(key, frozenset())),
                    after=_label(after.get(key, frozenset())),
                )
            )
    return RosterDiff(old, new, tuple(changes))


def _change(before: Cell, after: Cell) -> ChangeKind | None:
    shifts_before = {label for label, _ in before}
    shifts_after = {label for label, _ in after}
    if shifts_before != shifts_after:
        if not shifts_before:
            return ChangeKind.ADDED
        return ChangeKind.REMOVED if not shifts_after else ChangeKind.MOVED
    if before == after:
        return None
    return ChangeKind.LOCKED if any(locked for _, locked in after) else ChangeKind.UNLOCKED


def _label(cell: Cell) -> str:
    return ", ".join(sorted(label for label, _ in cell))


def _cells(session: Session, roster_id: int) -> dict[tuple[int, dt.date], Cell]:
    regions = {r.id: r.code for r in session.exec(select(m.Region))}
    templates = {t.id: t.code for t in session.exec(select(m.ShiftTemplate))}
    cells: dict[tuple[int, dt.date], set[tuple[str, bool]]] = defaultdict(set)
    for a in session.exec(select(m.Assignment).where(m.Assignment.roster_id == roster_id)):
        region = regions.get(a.region_id, "") if a.region_id is not None else ""
        label = (
            f"{region} · {templates[a.shift_template_id]}"
            if region
            else templates[a.shift_template_id]
        )
        cells[(a.radiologist_id, a.date)].add((label, a.locked))
    return {key: frozenset(value) for key, value in cells.items()}
