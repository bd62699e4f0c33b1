"""One pass of the schedule program (solver.schedule_dp): least values by day and state, then the
way back from the best end.

States after a day, each over (counter state, minutes worked): ``work[c, r]``, worked a
template of succession class ``c`` (templates that may follow and be followed by the same ones),
in a run of ``r + 1`` days that began after a day off (without a maximum run the last ``r < R``
means "that many or more"), or for ``r == R``, worked every day since day 0 (a run exempt from the
minimum, as it touches the horizon's start); ``off[l]``, a day off in a rest of ``l + 1`` days,
the last ``l`` meaning "enough rest" (where a rest from day 0, exempt from the minimum, starts).

Each day a class takes the cheapest of its templates of each length: the state keeps the class,
the minutes and the counter state, which is all the rules after that day look at. The counter
state (solver.schedule_dp's ``counter_next``) counts weekends worked and, in a program that keeps
some count caps exactly, the shifts worked toward each of them.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from solver.schedule_dp_kernel import forward_tables, way_back

if TYPE_CHECKING:
    from solver.schedule_dp import ReaderDP

State = tuple[int, ...]  # (_WORK, class, run, counter, minutes) or (_OFF, rest, counter, minutes)
_WORK, _OFF = 0, 1
RELATIVE_TOLERANCE = 1e-9


class ForwardPass:
    """Least costs of ``dp``'s schedules at ``cost_matrix[day, template]`` (inf: not workable)
    and ``weekend_price`` per weekend worked."""

    def __init__(self, dp: ReaderDP, cost_matrix: np.ndarray, weekend_price: float) -> None:
        self.dp = dp
        self.weekend_price = weekend_price
        classes = len(dp.classes)
        self.class_cost = np.full((len(dp.lengths), dp.num_days, classes), np.inf)
        self.class_pick = np.zeros((len(dp.lengths), dp.num_days, classes), dtype=int)
        for g, length in enumerate(dp.lengths):
            masked = np.where(dp.length_matrix == length, cost_matrix, np.inf)
            for c, templates in enumerate(dp.classes):
                sub = masked[:, templates]
                self.class_cost[g, :, c] = sub.min(axis=1)
                self.class_pick[g, :, c] = templates[sub.argmin(axis=1)]
        self.workable = np.isfinite(self.class_cost).any(axis=2)  # [g, day]
        self.first_run = dp.runs  # the run index of "worked every day since day 0"
        self.work_shape = (classes, dp.runs + 1, dp.counter_states, dp.minute_states)
        self.may_end = np.zeros(dp.runs + 1, dtype=bool)
        self.may_end[max(0, dp.min_run - 1) :] = True
        self.may_end[self.first_run] = True  # exempt from the minimum
        self.work = np.empty(0)  # [day, class, run, counter, minutes], once run
        self.off = np.empty(0)  # [day, rest, counter, minutes]
        self.result: tuple[float, frozenset[tuple[int, int]]] | None = None  # once run

    def run(self) -> tuple[float, frozenset[tuple[int, int]]] | None:
        """The least cost and the (day, template) options of a schedule that has it; None when
        the rules allow no schedule."""
        dp = self.dp
        self.work, self.off = forward_tables(
            self.class_cost,
            dp.length_units,
            dp.class_forbidden,
            self.may_end,
            dp.new_weekend_after_work,
            dp.new_weekend_after_off,
            dp.runs,
            dp.max_run_or_none,
            dp.off_runs,
            dp.counter_next,
            dp.minute_states,
            dp.saturating,
            float(self.weekend_price),
        )
        end = self._end_minutes()
        candidates: list[tuple[float, State]] = []
        for kind, values in ((_WORK, self.work[-1]), (_OFF, self.off[-1])):
            if values.size == 0:
                continue
            masked = np.where(end, values, np.inf)
            index = np.unravel_index(int(masked.argmin()), masked.shape)
            candidates.append((float(masked[index]), (kind, *map(int, index))))
        value, state = min(candidates)
        if not math.isfinite(value):
            return None
        self.result = value, self._back(state)
        return self.result

    def _back(self, state: State) -> frozenset[tuple[int, int]]:
        dp = self.dp
        end = np.zeros(5, dtype=np.int64)
        end[: len(state)] = state
        picked = way_back(
            self.work,
            self.off,
            self.class_cost,
            self.class_pick,
            dp.length_units,
            dp.class_forbidden,
            self.may_end,
            dp.new_weekend_after_work,
            dp.new_weekend_after_off,
            dp.runs,
            dp.max_run_or_none,
            dp.counter_prev,
            dp.saturating,
            float(self.weekend_price),
            end,
        )
        return frozenset((day, int(t)) for day, t in enumerate(picked) if t >= 0)

    def end_states(self) -> list[tuple[float, State]]:
        """Every state a whole schedule may end in after the last day, with its least value."""
        end = self._end_minutes()
        states: list[tuple[float, State]] = []
        for kind, values in ((_WORK, self.work[-1]), (_OFF, self.off[-1])):
            masked = np.where(end, values, np.inf)
            for index in zip(*np.nonzero(np.isfinite(masked)), strict=True):
                states.append((float(masked[index]), (kind, *map(int, index))))
        return states

    def _end_minutes(self) -> np.ndarray:
        dp = self.dp
        states = np.arange(dp.minute_states)
        if dp.saturating:
            return np.asarray(
                (states == dp.minute_states - 1) | (states * dp.unit >= dp.min_minutes)
            )
        return np.asarray(states * dp.unit >= dp.min_minutes)

    # -- the way back -----------------------------------------------------------------------

    def value(self, day: int, state: State) -> float:
        kind, *index = state
        table = self.work if kind == _WORK else self.off
        return float(table[day][tuple(index)])

    def sources(
        self, day: int, c: int, run: int, counter: int, minutes: int, g: int
    ) -> list[State]:
        """States the day before from which working class ``c`` (length group ``g``) reaches
        ``(c, run, counter, minutes)``."""
        dp = self.dp
        w_work = int(dp.counter_prev[int(dp.new_weekend_after_work[day]), c, counter])
        w_off = int(dp.counter_prev[int(dp.new_weekend_after_off[day]), c, counter])
        before_minutes = self._minutes_before(minutes, g)
        if day == 0:
            fits = run == self.first_run and w_off == 0 and 0 in before_minutes
            return [(_OFF, dp.off_runs - 1, 0, 0)] if fits else []
        may_follow = [u for u in range(len(dp.classes)) if not dp.class_forbidden[u, c]]
        runs_before = []
        if run == self.first_run:
            runs_before.append(run)
        elif run > 0:
            runs_before.append(run - 1)
        if run == dp.runs - 1 and dp.max_run is None:
            runs_before.append(run)
        sources: list[State] = []
        for m in before_minutes:
            if w_work >= 0:
                sources += [(_WORK, u, r, w_work, m) for r in runs_before for u in may_follow]
            if run == 0 and w_off >= 0:
                sources.append((_OFF, dp.off_runs - 1, w_off, m))
        return sources

    def _minutes_before(self, minutes: int, g: int) -> list[int]:
        dp = self.dp
        before = minutes - dp.lengths[g]
        if dp.saturating and minutes == dp.minute_states - 1:
            return list(range(max(0, before), dp.minute_states))
        return [before] if before >= 0 else []

    def off_sources(self, state: State) -> list[State]:
        """States the day before from which a day off reaches the off ``state``."""
        dp = self.dp
        _, run, weekends, minutes = state
        sources: list[State] = []
        if run > 0:
            sources.append((_OFF, run - 1, weekends, minutes))
        if run == dp.off_runs - 1:
            sources.append((_OFF, run, weekends, minutes))
        if run == 0:
            ends = np.flatnonzero(self.may_end)
            for c in range(len(dp.classes)):
                sources += [(_WORK, c, int(r), weekends, minutes) for r in ends]
        return sources


def tolerance(value: float) -> float:
    return 1e-6 + RELATIVE_TOLERANCE * abs(value) if math.isfinite(value) else 0.0


def close(a: float, b: float) -> bool:
    return bool(abs(a - b) <= tolerance(b))
