"""The cheapest schedule that keeps every count cap, searched back from the end of the horizon.

The schedule program (solver.schedule_dp) relaxes count caps (at most so many night shifts...) and
charges the capped shifts a Lagrangian multiplier. At some prices no multiplier gives a schedule
that keeps the caps and is the cheapest: the relaxation leaves a gap, and the pricing call would
go to CP-SAT. This search closes the gap. It extends schedules backwards from their last day, each
carrying its counts so far, and bounds what the days before can cost from the forward pass's least
values at the same multipliers: a prefix reaching state ``s`` on day ``d`` costs at least its
charged value minus the multipliers times the counts it may still add. Best first (A*), so the
first whole schedule taken is the cheapest; partial schedules no cheaper than the best known are
dropped, and so are those another reached the same day, state and counts more cheaply.
"""

from __future__ import annotations

import heapq
import itertools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from solver.schedule_dp_pass import _OFF, ForwardPass, State, tolerance

if TYPE_CHECKING:
    from solver.schedule_dp import ReaderDP

# Partial schedules expanded before the search gives up (and leaves the question to CP-SAT).
MAX_EXPANSIONS = 4_000

_Path = tuple[int, int, "_Path"] | None  # (day, template, the path after it), linked


@dataclass(frozen=True)
class SearchResult:
    """``keys``: the cheapest schedule's (day, template) options, None when no schedule below the
    incumbent exists or the search gave up; ``lower_bound``: proven lower bound of the least cost
    of a schedule keeping the caps (the incumbent itself when the search completed without a
    better one); ``complete``: the search ran to the end."""

    keys: frozenset[tuple[int, int]] | None
    cost: float
    lower_bound: float
    complete: bool


class CapSearch:
    """A* over ``forward``'s states with counts per cap of ``dp``; ``costs[day, template]`` the
    true (uncharged) costs, ``multipliers`` those ``forward`` was charged at."""

    def __init__(
        self,
        dp: ReaderDP,
        forward: ForwardPass,
        costs: np.ndarray,
        multipliers: np.ndarray,
        weekend_price: float,
    ) -> None:
        self.dp = dp
        self.forward = forward
        self.costs = costs
        self.multipliers = [float(m) for m in multipliers]
        self.caps = [cap.cap for cap in dp.count_caps]
        self.weekend_price = weekend_price
        # the caps working (day, template) counts toward
        self.adds = {
            (day, t): tuple(int(i) for i in np.flatnonzero(dp.cap_masks[:, day, t]))
            for day in range(dp.num_days)
            for t in range(len(dp.templates))
        }
        # options[i][day]: days up to ``day`` with an option counting toward cap i (one shift a
        # day: the most a prefix to ``day`` can add to it)
        options = dp.cap_masks.max(axis=2).cumsum(axis=1)
        self.floors = [
            [max(0, cap - int(options[i, day])) for day in range(dp.num_days)]
            for i, cap in enumerate(self.caps)
        ]
        # templates per (day, class, length group) with a finite cost
        self.choices: dict[tuple[int, int, int], list[int]] = {}
        for day in range(dp.num_days):
            for c, templates in enumerate(dp.classes):
                for g, length in enumerate(dp.lengths):
                    found = [
                        int(t)
                        for t in templates
                        if dp.length_matrix[day, t] == length and np.isfinite(costs[day, t])
                    ]
                    if found:
                        self.choices[day, c, g] = found

    def _canonical(self, day: int, counts: tuple[int, ...]) -> tuple[int, ...]:
        """``counts`` with every cap the prefix to ``day`` cannot reach raised to the count at
        which it could just reach it: partial schedules that differ only there have the same
        futures (and the prefix's multipliers charge it no more than the room left)."""
        return tuple(max(n, floor[day]) for n, floor in zip(counts, self.floors, strict=True))

    def _slack_charge(self, counts: tuple[int, ...]) -> float:
        """Most the multipliers can have charged a prefix that keeps the caps, given ``counts``
        (canonical)."""
        return sum(
            m * (cap - n) for m, cap, n in zip(self.multipliers, self.caps, counts, strict=True)
        )

    def run(self, incumbent: float) -> SearchResult:
        """The cheapest schedule keeping the caps if it costs less than ``incumbent``."""
        dp, forward = self.dp, self.forward
        last = dp.num_days - 1
        zero = tuple(0 for _ in self.caps)
        ties = itertools.count()
        heap: list[tuple[float, int, int, State, tuple[int, ...], float, _Path]] = []
        seen: dict[tuple[int, State, tuple[int, ...]], float] = {}
        limit = incumbent - tolerance(incumbent)
        start_counts = self._canonical(last, zero)
        start_charge = self._slack_charge(start_counts)
        for value, state in forward.end_states():
            key = dp.own_constant + value - start_charge
            if key < limit:
                heapq.heappush(heap, (key, next(ties), last, state, start_counts, 0.0, None))
        expansions = 0
        while heap:
            key, _, day, state, counts, suffix, path = heapq.heappop(heap)
            if key >= limit:
                break
            if day < 0:  # a whole schedule, at its true cost: the cheapest left
                return SearchResult(_keys(path), key, key, True)
            expansions += 1
            if expansions > MAX_EXPANSIONS:
                return SearchResult(None, incumbent, key, False)
            for before, template, cost in self._steps(day, state):
                new_counts = counts
                if template is not None and self.adds[day, template]:
                    raised = list(counts)
                    for i in self.adds[day, template]:
                        raised[i] += 1
                    if any(n > cap for n, cap in zip(raised, self.caps, strict=True)):
                        continue
                    new_counts = tuple(raised)
                new_suffix = suffix + cost
                new_path = (day, template, path) if template is not None else path
                if before is None:  # day 0 reached from the start
                    total = dp.own_constant + new_suffix
                    if total < limit:
                        heapq.heappush(
                            heap, (total, next(ties), -1, state, new_counts, 0.0, new_path)
                        )
                    continue
                prefix = forward.value(day - 1, before)
                if prefix == math.inf:
                    continue
                new_counts = self._canonical(day - 1, new_counts)
                bound = dp.own_constant + new_suffix + prefix - self._slack_charge(new_counts)
                if bound >= limit:
                    continue
                label = (day - 1, before, new_counts)
                if seen.get(label, np.inf) <= new_suffix + tolerance(new_suffix):
                    continue
                seen[label] = new_suffix
                heapq.heappush(
                    heap, (bound, next(ties), day - 1, before, new_counts, new_suffix, new_path)
                )
        return SearchResult(None, incumbent, incumbent, True)

    def _steps(self, day: int, state: State) -> list[tuple[State | None, int | None, float]]:
        """(state the day before or None at the start, template worked on ``day`` or None, its
        true cost) for every way into ``state`` on ``day``."""
        dp, forward = self.dp, self.forward
        if state[0] == _OFF:
            if day == 0:
                return [(None, None, 0.0)]
            return [(before, None, 0.0) for before in forward.off_sources(state)]
        _, c, run, weekends, minutes = state
        steps: list[tuple[State | None, int | None, float]] = []
        for g in range(len(dp.lengths)):
            templates = self.choices.get((day, c, g))
            if not templates:
                continue
            for before in forward.sources(day, c, run, weekends, minutes, g):
                after_off = before[0] == _OFF
                new_weekend = (
                    dp.new_weekend_after_off if after_off else dp.new_weekend_after_work
                )[day]
                extra = self.weekend_price if new_weekend else 0.0
                source: State | None = None if day == 0 else before
                for t in templates:
                    steps.append((source, t, float(self.costs[day, t]) + extra))
        return steps


def _keys(path: _Path) -> frozenset[tuple[int, int]]:
    keys = []
    while path is not None:
        day, template, path = path
        keys.append((day, template))
    return frozenset(keys)
