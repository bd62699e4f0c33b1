"""Rules about which days a reader works: one shift a day, days off, leave, pins, successions."""

from __future__ import annotations

from solver.problem import Availability, AvailabilityKind, Pin, Radiologist, Shift
from solver.validation.index import RosterIndex
from solver.validation.violation import Violation, on, who


def matches(entry: Availability, shift: Shift) -> bool:
    """Template and kind narrow an availability entry; with neither it covers the whole day."""
    return (entry.template is None or shift.template == entry.template) and (
        entry.shift_kind is None or shift.kind == entry.shift_kind
    )


def one_shift_per_day(index: RosterIndex, reader: Radiologist) -> list[Violation]:
    violations = []
    for day, shifts in sorted(index.worked_by_day(reader.id).items()):
        if len(shifts) > 1:
            ids = ", ".join(s.id for s in shifts)
            violations.append(
                Violation(
                    rule="one_shift_per_day",
                    radiologist=reader.id,
                    day=day,
                    shift_id=None,
                    message=f"{who(reader)} works {len(shifts)} shifts on "
                    f"{on(index.problem, day)} ({ids}), more than one",
                )
            )
    return violations


def days_off(index: RosterIndex, reader: Radiologist) -> list[Violation]:
    """Fixed days off and hard availability entries (unavailable, leave)."""
    problem = index.problem
    violations = []
    by_day = index.worked_by_day(reader.id)
    for day in sorted(reader.fixed_days_off & by_day.keys()):
        for shift in by_day[day]:
            violations.append(
                Violation(
                    rule="fixed_day_off",
                    radiologist=reader.id,
                    day=day,
                    shift_id=shift.id,
                    message=f"{who(reader)} works shift {shift.id} on {on(problem, day)}, "
                    "a fixed day off",
                )
            )
    for entry in reader.availability:
        if not entry.kind.is_hard:
            continue
        for shift in by_day.get(entry.day, []):
            if matches(entry, shift):
                violations.append(
                    Violation(
                        rule="unavailable",
                        radiologist=reader.id,
                        day=entry.day,
                        shift_id=shift.id,
                        message=f"{who(reader)} works shift {shift.id} on "
                        f"{on(problem, entry.day)} while {_absence(entry)}",
                    )
                )
    return violations


def _absence(entry: Availability) -> str:
    state = "on leave" if entry.kind == AvailabilityKind.LEAVE else "unavailable"
    narrowing = [f"template {entry.template}"] if entry.template is not None else []
    if entry.shift_kind is not None:
        narrowing.append(f"{entry.shift_kind.value} shifts")
    return f"{state} for {' and '.join(narrowing)}" if narrowing else state


def pins(index: RosterIndex) -> list[Violation]:
    problem = index.problem
    violations = []
    for pin in problem.pins:
        reader = index.readers.get(pin.radiologist)
        when = on(problem, pin.day)
        if reader is None:
            message = f"a pin on {when} names {pin.radiologist!r}, who is not in the problem"
            violations.append(_broken(pin, pin.shift_id, message))
        elif pin.shift_id is None:
            for shift in index.worked_by_day(reader.id).get(pin.day, []):
                message = f"{who(reader)} is pinned off on {when} but works shift {shift.id}"
                violations.append(_broken(pin, shift.id, message))
        elif (reader.id, pin.shift_id) not in index.assigned:
            message = (
                f"{who(reader)} is pinned to shift {pin.shift_id} on {when} but does not work it"
            )
            violations.append(_broken(pin, pin.shift_id, message))
    return violations


def _broken(pin: Pin, shift_id: str | None, message: str) -> Violation:
    return Violation(
        rule="pin", radiologist=pin.radiologist, day=pin.day, shift_id=shift_id, message=message
    )


def forbidden_successions(index: RosterIndex, reader: Radiologist) -> list[Violation]:
    problem = index.problem
    forbidden = problem.forbidden_successions
    if not forbidden:
        return []
    violations = []
    by_day = index.worked_by_day(reader.id)
    for day, shifts in sorted(by_day.items()):
        for first in shifts:
            for then in by_day.get(day + 1, []):
                if (first.template, then.template) in forbidden:
                    violations.append(
                        Violation(
                            rule="forbidden_succession",
                            radiologist=reader.id,
                            day=day + 1,
                            shift_id=then.id,
                            message=f"{who(reader)} works {then.template} on "
                            f"{on(problem, day + 1)} right after {first.template} on "
                            f"{on(problem, day)}, a forbidden succession",
                        )
                    )
    return violations
