"""Run rules over a reader's day-by-day literals (worked days, night days): longest and shortest
runs.

A literal of None is a day the reader cannot work at all (no variable): always off.
"""

from __future__ import annotations

from solver.constraints.context import BoolVar, ModelContext


def cap_runs(
    ctx: ModelContext,
    days: list[BoolVar | None],
    longest: int,
    before: int,
    guard: list[BoolVar],
) -> None:
    """No run of true days longer than ``longest``; ``before`` true days precede day 0.

    Sliding windows of ``longest + 1`` days hold at most ``longest`` true days, fewer by the history
    days the window reaches back into. Days after the horizon are off, so windows stop at its end.
    """
    for start in range(-before, len(days) - longest):
        end = start + longest
        if end < 0:  # entirely in the past: nothing left to decide
            continue
        window = [day for day in days[max(0, start) : end + 1] if day is not None]
        room = longest - max(0, -start)
        if len(window) > room:
            ctx.model.add(sum(window) <= room).only_enforce_if(guard)


def forbid_short_runs(
    ctx: ModelContext,
    days: list[BoolVar | None],
    shortest: int,
    guard: list[BoolVar],
    *,
    of_true: bool,
) -> None:
    """Every maximal run of true days (``of_true``) or false days, not touching the horizon's first
    or last day, lasts at least ``shortest`` days: each short pattern (edge, k inner days, edge) is
    cut by one clause."""
    n = len(days)
    for length in range(1, shortest):
        for start in range(1, n - length):
            first_edge, last_edge = days[start - 1], days[start + length]
            inner = days[start : start + length]
            if of_true:
                if any(day is None for day in inner):
                    continue
                clause = [~day for day in inner if day is not None]
                clause += [edge for edge in (first_edge, last_edge) if edge is not None]
            else:
                if first_edge is None or last_edge is None:
                    continue
                clause = [day for day in inner if day is not None] + [~first_edge, ~last_edge]
            ctx.model.add_bool_or(clause).only_enforce_if(guard)
