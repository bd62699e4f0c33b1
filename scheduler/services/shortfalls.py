"""Why a pool's demand went uncovered on a shift, in words a manager can act on.

The reasons narrow the readers step by step, as eligibility does: skill, licence, privilege,
shift rules, leave, then whether the eligible ones were busy elsewhere.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from solver.eligibility import has_licence, has_privilege, may_read_pool, may_work_shift
from solver.problem import Pool, Problem, Radiologist, Shift
from solver.roster import Roster
from solver.validation.days import matches


def _readers(count: int) -> str:
    return f"{count} reader" if count == 1 else f"{count} readers"


def _verb(count: int, verb: str) -> str:
    return f"{verb}s" if count == 1 else verb


@dataclass
class ShortfallExplainer:
    """Built once per roster: who works what on which day."""

    problem: Problem
    roster: Roster

    def __post_init__(self) -> None:
        shifts = {s.id: s for s in self.problem.shifts}
        self.assigned = self.roster.worked()
        self.days_worked: dict[str, set[int]] = defaultdict(set)
        for a in self.roster.assignments:
            if a.shift_id in shifts:
                self.days_worked[a.radiologist].add(shifts[a.shift_id].day)

    def reason(self, shift: Shift, pool: Pool, region: str) -> str:
        problem = self.problem
        date = problem.date_of(shift.day)
        skilled = [r for r in problem.radiologists if pool.subspecialty in r.skills]
        if not skilled:
            return f"no radiologist has the {pool.subspecialty} skill"
        licensed = [r for r in skilled if has_licence(r, region, date)]
        if not licensed:
            return (
                f"none of the {_readers(len(skilled))} with the {pool.subspecialty} skill holds "
                f"a {region} licence valid on {date}"
            )
        privileged = [r for r in licensed if has_privilege(r, pool.site, date)]
        if not privileged:
            return (
                f"none of the {_readers(len(licensed))} licensed for {region} has privileges at "
                f"{pool.site} on {date}"
            )
        eligible = [
            r
            for r in privileged
            if may_work_shift(problem, r, shift) and may_read_pool(problem, r, shift, pool)
        ]
        if not eligible:
            if not shift.remote:
                return (
                    f"the shift is on-site and none of the qualified readers is based in {region}"
                )
            return "no qualified reader may work this shift (shift limits or required skills)"
        return self._busy(shift, eligible)

    def cover_reason(self, shift: Shift) -> str:
        """Why an on-call or headcount shift has too few readers."""
        eligible = [r for r in self.problem.radiologists if may_work_shift(self.problem, r, shift)]
        if not eligible:
            return (
                f"nobody may work it: no reader holds a valid {shift.region} licence with the "
                "required skill" + ("" if shift.remote else f", based in {shift.region}")
            )
        return self._busy(shift, eligible)

    def _busy(self, shift: Shift, eligible: list[Radiologist]) -> str:
        free = [r for r in eligible if not self._absent(r, shift)]
        if not free:
            return f"all {_readers(len(eligible))} eligible are on leave or unavailable that day"
        on_shift = [r for r in free if (r.id, shift.id) in self.assigned]
        busy = [r for r in free if shift.day in self.days_worked[r.id] and r not in on_shift]
        idle = len(free) - len(on_shift) - len(busy)
        parts = []
        if on_shift:
            n = len(on_shift)
            parts.append(f"{_readers(n)} on this shift {_verb(n, 'give')} their hours elsewhere")
        if busy:
            parts.append(f"{_readers(len(busy))} {_verb(len(busy), 'work')} other shifts that day")
        if idle:
            parts.append(
                f"{_readers(idle)} free that day {'is' if idle == 1 else 'are'} at a limit "
                "(hours, rest, consecutive days or nights) or needed more elsewhere"
            )
        return f"of {_readers(len(free))} eligible and available, " + "; ".join(parts)

    def _absent(self, reader: Radiologist, shift: Shift) -> bool:
        if shift.day in reader.fixed_days_off:
            return True
        return any(
            entry.kind.is_hard and entry.day == shift.day and matches(entry, shift)
            for entry in reader.availability
        )
