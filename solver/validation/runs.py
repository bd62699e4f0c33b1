"""Maximal runs of equal flags over the horizon's days, the basis of every consecutive-days rule."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Run:
    start: int
    length: int

    @property
    def last(self) -> int:
        return self.start + self.length - 1


def runs_of(flags: Sequence[bool], value: bool = True) -> list[Run]:
    """Maximal runs of consecutive days whose flag equals ``value``."""
    found: list[Run] = []
    start: int | None = None
    for day, flag in enumerate(flags):
        if flag == value and start is None:
            start = day
        elif flag != value and start is not None:
            found.append(Run(start, day - start))
            start = None
    if start is not None:
        found.append(Run(start, len(flags) - start))
    return found


def is_inner(run: Run, num_days: int) -> bool:
    """A run touching the first or last day may go on outside the horizon: min rules spare it."""
    return run.start > 0 and run.last < num_days - 1
