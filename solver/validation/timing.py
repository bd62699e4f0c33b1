"""Rules on UTC instants: no two shifts of a reader overlap, and enough rest between them."""

from __future__ import annotations

import datetime as dt

from solver.problem import Radiologist
from solver.validation.index import RosterIndex
from solver.validation.violation import Violation, on, who


def overlap_and_rest(index: RosterIndex, reader: Radiologist) -> list[Violation]:
    """Every pair of the reader's shifts, compared on UTC instants so DST nights come out right.

    An overlapping pair is reported as an overlap only, not also as too little rest.
    """
    problem = index.problem
    shifts = index.worked[reader.id]  # sorted by start
    rest_minutes = reader.rules.min_rest_minutes
    rest = dt.timedelta(minutes=rest_minutes or 0)
    violations = []
    for i, earlier in enumerate(shifts):
        for later in shifts[i + 1 :]:
            # later starts are sorted, so once one is clear of this shift, all the rest are too
            if later.start >= earlier.end + rest:
                break
            if later.start < earlier.end:
                violations.append(
                    Violation(
                        rule="overlap",
                        radiologist=reader.id,
                        day=later.day,
                        shift_id=later.id,
                        message=f"{who(reader)} works shift {later.id} on "
                        f"{on(problem, later.day)}, which overlaps shift {earlier.id} on "
                        f"{on(problem, earlier.day)}",
                    )
                )
            else:
                gap = _minutes(later.start - earlier.end)
                violations.append(
                    Violation(
                        rule="min_rest",
                        radiologist=reader.id,
                        day=later.day,
                        shift_id=later.id,
                        message=f"{who(reader)} rests only {gap} minutes between shift "
                        f"{earlier.id} on {on(problem, earlier.day)} and shift {later.id} on "
                        f"{on(problem, later.day)}, less than the minimum of {rest_minutes}",
                    )
                )

    last_end = reader.history.last_shift_end
    if rest_minutes is not None and last_end is not None and shifts:
        first = shifts[0]
        if first.start - last_end < rest:
            gap = _minutes(first.start - last_end)
            violations.append(
                Violation(
                    rule="min_rest",
                    radiologist=reader.id,
                    day=first.day,
                    shift_id=first.id,
                    message=f"{who(reader)} rests only {gap} minutes between their last shift "
                    f"before this period and shift {first.id} on {on(problem, first.day)}, "
                    f"less than the minimum of {rest_minutes}",
                )
            )
    return violations


def _minutes(delta: dt.timedelta) -> int:
    return int(delta.total_seconds() // 60)
