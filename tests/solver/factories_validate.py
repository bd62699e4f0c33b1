"""Tiny hand-made problems for the validator's tests: from Monday 2026-03-02, UTC unless said."""

from __future__ import annotations

import datetime as dt
from typing import Any

from solver.problem import Problem, Radiologist, Shift, ShiftKind
from solver.roster import Allocation, Assignment, Roster

UTC = dt.UTC
START = dt.date(2026, 3, 2)  # a Monday: days 5 and 6 are the first weekend


def at(day: int, hour: int = 8, minute: int = 0, start: dt.date = START) -> dt.datetime:
    """A UTC instant on roster day ``day``."""
    return dt.datetime.combine(start + dt.timedelta(days=day), dt.time(hour, minute), UTC)


def shift(
    day: int,
    template: str = "D",
    *,
    kind: ShiftKind | None = None,
    hour: int = 8,
    minutes: int = 480,
    start: dt.date = START,
    **overrides: Any,
) -> Shift:
    """Shift ``<template><day>`` from ``hour`` UTC; its kind follows the template's letter."""
    kinds = {
        "D": ShiftKind.DAY,
        "E": ShiftKind.EVENING,
        "N": ShiftKind.NIGHT,
        "C": ShiftKind.ON_CALL,
    }
    return Shift(
        id=overrides.pop("id", f"{template}{day}"),
        day=day,
        template=template,
        kind=kind or kinds.get(template, ShiftKind.DAY),
        start=at(day, hour, start=start),
        length_minutes=minutes,
        **overrides,
    )


def day_shifts(num_days: int = 7) -> tuple[Shift, ...]:
    """One 08:00-16:00 D shift a day."""
    return tuple(shift(d) for d in range(num_days))


def reader(rid: str = "r1", name: str = "Anna Lind", **overrides: Any) -> Radiologist:
    return Radiologist(id=rid, name=name, **overrides)


def problem(
    shifts: tuple[Shift, ...] | list[Shift],
    readers: tuple[Radiologist, ...] | list[Radiologist] = (),
    *,
    num_days: int = 7,
    **overrides: Any,
) -> Problem:
    return Problem(
        start_date=overrides.pop("start_date", START),
        num_days=num_days,
        shifts=tuple(shifts),
        radiologists=tuple(readers) or (reader(),),
        **overrides,
    )


def roster(*pairs: tuple[str, str], allocations: tuple[Allocation, ...] = ()) -> Roster:
    """Assignments from (radiologist, shift_id) pairs."""
    return Roster(assignments=tuple(Assignment(r, s) for r, s in pairs), allocations=allocations)


def works(rid: str, *shift_ids: str) -> tuple[tuple[str, str], ...]:
    return tuple((rid, s) for s in shift_ids)


def on_days(rid: str, *days: int, template: str = "D") -> tuple[tuple[str, str], ...]:
    return works(rid, *(f"{template}{d}" for d in days))
