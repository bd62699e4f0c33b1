"""The roster read against the problem once: ids resolved, duplicates dropped, lookups indexed.

Unknown ids are reported here once and then left out: the rules and the objective see only the
assignments and allocations whose radiologist, shift and pool exist.
"""

from __future__ import annotations

from collections import defaultdict

from solver.eligibility import is_night_for, local_night_minutes
from solver.problem import Pool, Problem, Radiologist, Shift
from solver.roster import Allocation, Roster
from solver.validation.violation import Violation, on, who


class RosterIndex:
    """Lookups by id, each reader's shifts sorted by UTC start, and caches of night minutes."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.readers: dict[str, Radiologist] = {r.id: r for r in problem.radiologists}
        self.shifts: dict[str, Shift] = {s.id: s for s in problem.shifts}
        self.pools: dict[str, Pool] = {p.id: p for p in problem.pools}
        self.assigned: set[tuple[str, str]] = set()
        # reader id -> their shifts, sorted by UTC start once everything is read
        self.worked: dict[str, list[Shift]] = {r.id: [] for r in problem.radiologists}
        self.allocations: list[Allocation] = []
        self._night_minutes: dict[tuple[str, str], int] = {}
        self._is_night: dict[tuple[str, str], bool] = {}

    def worked_by_day(self, reader_id: str) -> dict[int, list[Shift]]:
        by_day: dict[int, list[Shift]] = defaultdict(list)
        for shift in self.worked[reader_id]:
            by_day[shift.day].append(shift)
        return by_day

    def worked_days(self, reader_id: str) -> set[int]:
        return {shift.day for shift in self.worked[reader_id]}

    def weekends_worked(self, reader_id: str) -> set[int]:
        problem = self.problem
        return {
            problem.weekend_index(day)
            for day in self.worked_days(reader_id)
            if problem.is_weekend(day)
        }

    def night_minutes(self, shift: Shift, time_zone: str) -> int:
        """Cached: a month of a thousand readers asks this for the same few (shift, zone) pairs."""
        key = (shift.id, time_zone)
        if key not in self._night_minutes:
            self._night_minutes[key] = local_night_minutes(shift, time_zone)
        return self._night_minutes[key]

    def is_night(self, reader: Radiologist, shift: Shift) -> bool:
        # is_night_for depends on the reader only through their home zone
        key = (shift.id, reader.home_time_zone)
        if key not in self._is_night:
            self._is_night[key] = is_night_for(reader, shift)
        return self._is_night[key]


def read_roster(problem: Problem, roster: Roster) -> tuple[RosterIndex, list[Violation]]:
    index = RosterIndex(problem)
    violations: list[Violation] = []
    for assignment in roster.assignments:
        reader = index.readers.get(assignment.radiologist)
        shift = index.shifts.get(assignment.shift_id)
        if reader is None:
            violations.append(_unknown_reader(assignment.radiologist, assignment.shift_id))
        if shift is None:
            violations.append(_unknown_shift(assignment.radiologist, assignment.shift_id))
        if reader is None or shift is None:
            continue
        key = (reader.id, shift.id)
        if key in index.assigned:
            violations.append(
                Violation(
                    rule="duplicate_assignment",
                    radiologist=reader.id,
                    day=shift.day,
                    shift_id=shift.id,
                    message=f"{who(reader)} is assigned to shift {shift.id} on "
                    f"{on(problem, shift.day)} more than once",
                )
            )
            continue
        index.assigned.add(key)
        index.worked[reader.id].append(shift)
    for shifts in index.worked.values():
        shifts.sort(key=lambda s: (s.start, s.id))

    for allocation in roster.allocations:
        known = True
        if allocation.radiologist not in index.readers:
            violations.append(_unknown_reader(allocation.radiologist, allocation.shift_id))
            known = False
        if allocation.shift_id not in index.shifts:
            violations.append(_unknown_shift(allocation.radiologist, allocation.shift_id))
            known = False
        if allocation.pool not in index.pools:
            violations.append(
                Violation(
                    rule="unknown_pool",
                    radiologist=allocation.radiologist,
                    day=None,
                    shift_id=allocation.shift_id,
                    message=f"the roster allocates {allocation.radiologist!r} on shift "
                    f"{allocation.shift_id!r} to pool {allocation.pool!r}, which the problem "
                    "does not have",
                )
            )
            known = False
        if known:
            index.allocations.append(allocation)
    return index, violations


def _unknown_reader(reader_id: str, shift_id: str) -> Violation:
    return Violation(
        rule="unknown_radiologist",
        radiologist=reader_id,
        day=None,
        shift_id=shift_id,
        message=f"the roster names radiologist {reader_id!r} on shift {shift_id!r}, "
        "who is not in the problem",
    )


def _unknown_shift(reader_id: str, shift_id: str) -> Violation:
    return Violation(
        rule="unknown_shift",
        radiologist=reader_id,
        day=None,
        shift_id=shift_id,
        message=f"the roster puts {reader_id!r} on shift {shift_id!r}, which is not in the problem",
    )
