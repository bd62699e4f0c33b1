"""Independent Curtois-Qu objective and hard-rule checker.

Works on the instance as read from the file and a plain list of worked shifts, and nothing else:
no solver types, no model. It referees the solver's own objective and its validator, so it follows
FORMAT.md word for word (H1..H9 and the three objective terms) and shares code with neither.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from scheduler.benchmarks.curtois import CurtoisInstance, Staff


@dataclass(frozen=True, order=True)
class WorkedShift:
    staff: str
    day: int
    shift: str


@dataclass(frozen=True)
class Evaluation:
    objective: int
    # "on_requests", "off_requests", "under_cover", "over_cover"
    breakdown: dict[str, int]
    # One sentence per broken hard rule, starting with its FORMAT.md name (H1..H9).
    violations: tuple[str, ...]

    @property
    def hard_violations(self) -> int:
        return len(self.violations)


@dataclass(frozen=True)
class _Run:
    first_day: int
    length: int
    working: bool

    @property
    def last_day(self) -> int:
        return self.first_day + self.length - 1


def evaluate(instance: CurtoisInstance, roster: Iterable[WorkedShift]) -> Evaluation:
    worked = sorted(set(roster))
    staff_ids = {s.id for s in instance.staff}
    shift_ids = {s.id for s in instance.shift_types}
    unknown = [
        w
        for w in worked
        if w.staff not in staff_ids or w.shift not in shift_ids or not 0 <= w.day < instance.horizon
    ]
    violations = [
        f"unknown entry: {w.staff} works {w.shift} on day {w.day} (unknown staff, shift or day)"
        for w in unknown
    ]
    valid = sorted(set(worked) - set(unknown))
    by_staff: dict[str, list[WorkedShift]] = defaultdict(list)
    for entry in valid:
        by_staff[entry.staff].append(entry)
    for staff in instance.staff:
        violations.extend(_staff_violations(instance, staff, by_staff[staff.id]))
    breakdown = _objective(instance, valid)
    return Evaluation(sum(breakdown.values()), breakdown, tuple(violations))


def _objective(instance: CurtoisInstance, worked: list[WorkedShift]) -> dict[str, int]:
    cells = {(w.staff, w.day, w.shift) for w in worked}
    headcount = Counter((w.day, w.shift) for w in worked)
    return {
        "on_requests": sum(
            r.weight for r in instance.on_requests if (r.staff, r.day, r.shift) not in cells
        ),
        "off_requests": sum(
            r.weight for r in instance.off_requests if (r.staff, r.day, r.shift) in cells
        ),
        "under_cover": sum(
            c.weight_under * max(0, c.requirement - headcount[c.day, c.shift])
            for c in instance.cover
        ),
        "over_cover": sum(
            c.weight_over * max(0, headcount[c.day, c.shift] - c.requirement)
            for c in instance.cover
        ),
    }


def _staff_violations(
    instance: CurtoisInstance, staff: Staff, worked: list[WorkedShift]
) -> list[str]:
    who = staff.id
    found: list[str] = []
    shifts_on: dict[int, list[str]] = defaultdict(list)
    for w in worked:
        shifts_on[w.day].append(w.shift)

    for day, shifts in sorted(shifts_on.items()):
        if len(shifts) > 1:
            found.append(f"H1 one shift per day: {who} works {'+'.join(shifts)} on day {day}")
        for shift in shifts:
            for next_shift in shifts_on.get(day + 1, []):
                if next_shift in instance.shift_type(shift).forbidden_next:
                    found.append(
                        f"H2 rotation: {who} works {shift} on day {day}, then {next_shift}"
                    )

    for shift_id, count in sorted(Counter(w.shift for w in worked).items()):
        limit = staff.max_shifts.get(shift_id)
        if limit is not None and count > limit:
            found.append(f"H3 max shifts: {who} works {count} x {shift_id} (max {limit})")

    minutes = sum(instance.shift_type(w.shift).length_minutes for w in worked)
    if not staff.min_total_minutes <= minutes <= staff.max_total_minutes:
        found.append(
            f"H4 total minutes: {who} works {minutes} min "
            f"(allowed {staff.min_total_minutes}..{staff.max_total_minutes})"
        )

    for run in _runs([day in shifts_on for day in range(instance.horizon)]):
        inside = run.first_day > 0 and run.last_day < instance.horizon - 1
        if run.working and run.length > staff.max_consecutive_shifts:
            found.append(
                f"H5 max consecutive shifts: {who} works days {run.first_day}..{run.last_day} "
                f"({run.length} > {staff.max_consecutive_shifts})"
            )
        if run.working and inside and run.length < staff.min_consecutive_shifts:
            found.append(
                f"H6 min consecutive shifts: {who} works days {run.first_day}..{run.last_day} "
                f"({run.length} < {staff.min_consecutive_shifts})"
            )
        if not run.working and inside and run.length < staff.min_consecutive_days_off:
            found.append(
                f"H7 min consecutive days off: {who} is off days {run.first_day}..{run.last_day} "
                f"({run.length} < {staff.min_consecutive_days_off})"
            )

    # Day 0 is a Monday: weekend k is days 7k+5 and 7k+6.
    weekends = {day // 7 for day in shifts_on if day % 7 >= 5}
    if len(weekends) > staff.max_weekends:
        found.append(
            f"H8 max weekends: {who} works {len(weekends)} weekends (max {staff.max_weekends})"
        )

    for day in sorted(instance.days_off.get(who, frozenset()) & shifts_on.keys()):
        found.append(f"H9 days off: {who} works on day {day}, a fixed day off")
    return found


def _runs(working: list[bool]) -> list[_Run]:
    """Maximal runs of equal values: worked days and days off alternate."""
    runs: list[_Run] = []
    for day, value in enumerate(working):
        if runs and runs[-1].working == value:
            last = runs[-1]
            runs[-1] = _Run(last.first_day, last.length + 1, value)
        else:
            runs.append(_Run(day, 1, value))
    return runs
