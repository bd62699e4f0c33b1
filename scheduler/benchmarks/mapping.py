"""Curtois-Qu instance -> the product's general ``solver.Problem``, and a solved roster back again.

No special-purpose model: every benchmark rule lands on a rule family the product already has
(FORMAT.md for the rules, ``solver.problem.Rules`` for the families), so solving the benchmark
exercises the real model.
"""

from __future__ import annotations

import datetime as dt

from scheduler.benchmarks.curtois import CurtoisInstance, Staff
from scheduler.benchmarks.evaluate import WorkedShift
from solver.problem import (
    Availability,
    AvailabilityKind,
    HeadcountCover,
    Problem,
    Radiologist,
    Rules,
    Shift,
    ShiftKind,
)
from solver.roster import Roster

# Day 0 of every instance is a Monday, so weekend_index() matches weekend k = days 7k+5, 7k+6.
START_DATE = dt.date(2024, 1, 1)
# The benchmark has no rest or night rule, so any start works; 08:00 + at most 12 h keeps a day's
# shifts clear of the next day's.
SYNTHETIC_START = dt.time(8, 0, tzinfo=dt.UTC)


def shift_instance_id(day: int, shift_type: str) -> str:
    return f"{day}:{shift_type}"


def to_problem(instance: CurtoisInstance, *, start_date: dt.date = START_DATE) -> Problem:
    if start_date.weekday() != 0:
        raise ValueError(f"start_date must be a Monday, got {start_date:%A %Y-%m-%d}")
    shifts = tuple(
        Shift(
            id=shift_instance_id(day, shift_type.id),
            day=day,
            template=shift_type.id,
            kind=ShiftKind.DAY,
            start=dt.datetime.combine(start_date + dt.timedelta(days=day), SYNTHETIC_START),
            length_minutes=shift_type.length_minutes,
        )
        for day in range(instance.horizon)
        for shift_type in instance.shift_types
    )
    return Problem(
        name=instance.name,
        start_date=start_date,
        num_days=instance.horizon,
        shifts=shifts,
        radiologists=tuple(_radiologist(instance, staff) for staff in instance.staff),
        headcount_cover=tuple(
            HeadcountCover(
                shift_id=shift_instance_id(cover.day, cover.shift),
                required=cover.requirement,
                weight_under=cover.weight_under,
                weight_over=cover.weight_over,
            )
            for cover in instance.cover
        ),
        forbidden_successions=frozenset(
            (shift_type.id, next_id)
            for shift_type in instance.shift_types
            for next_id in shift_type.forbidden_next
        ),
    )


def _radiologist(instance: CurtoisInstance, staff: Staff) -> Radiologist:
    # On-request cost w*(1-x): a PREFER narrowed to its template costs w unless that shift is done.
    prefer = tuple(
        Availability(day=r.day, kind=AvailabilityKind.PREFER, template=r.shift, weight=r.weight)
        for r in instance.on_requests
        if r.staff == staff.id
    )
    avoid = tuple(
        Availability(day=r.day, kind=AvailabilityKind.AVOID, template=r.shift, weight=r.weight)
        for r in instance.off_requests
        if r.staff == staff.id
    )
    return Radiologist(
        id=staff.id,
        name=staff.id,
        fixed_days_off=instance.days_off.get(staff.id, frozenset()),
        availability=prefer + avoid,
        rules=Rules(
            max_shifts_per_template=dict(staff.max_shifts),
            min_total_minutes=staff.min_total_minutes,
            max_total_minutes=staff.max_total_minutes,
            max_consecutive_days=staff.max_consecutive_shifts,
            min_consecutive_days=staff.min_consecutive_shifts,
            min_consecutive_days_off=staff.min_consecutive_days_off,
            max_weekends=staff.max_weekends,
        ),
    )


def worked_shifts(problem: Problem, roster: Roster) -> list[WorkedShift]:
    """The roster in benchmark terms, (staff, day, shift type), for the independent evaluator."""
    shifts = {shift.id: shift for shift in problem.shifts}
    return sorted(
        WorkedShift(a.radiologist, shifts[a.shift_id].day, shifts[a.shift_id].template)
        for a in roster.assignments
    )
