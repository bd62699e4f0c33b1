"""A problem cut to a window of its days, what readers work outside carried in (solver.subproblem).

A part free over a few days still holds its readers' whole horizon when only pins fix the other
days: at 1,000 readers a weekend part's model is a month of every reader, and on a year's horizon
(Curtois-Qu 23) a part of a few weeks is a year. Cut to the free days and a *margin* of pinned days
on each side, the model shrinks in proportion, and the rules that see beyond the window are kept
from what the current roster works outside it:

* runs and rest before the window: ``History`` at its first day (days and nights worked in a row,
  the last shift's end);
* weekends worked outside: ``History.weekends_worked``; the window never splits a weekend, so none
  is counted twice;
* period totals (minutes, the average weekly cap, shifts per template and per kind): the caps and
  the minimum less what is worked outside.

The margin is long enough that every run crossing an edge of the window is seen whole where it can
change: it holds a day off wherever a longest-run rule applies (so a run cannot cross it), and it
is at least as long as the shortest-run rules (a run touching the cut edge, exempt from them in the
small problem, then lies beyond the margin's length anyway). The margin is pinned to the current
roster, which keeps every rule, so pairs of days across an edge (rest, successions) are unchanged.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Iterable

from solver.eligibility import is_night_for
from solver.problem import History, Problem, Radiologist, Rules, Shift
from solver.roster import Roster

MIN_MARGIN_DAYS = 2  # rest after a long shift may reach the day after next


def margin_days(readers: Iterable[Radiologist]) -> int:
    """Pinned days kept on each side of a window so no run of these readers crosses it unseen."""
    margin = MIN_MARGIN_DAYS
    for reader in readers:
        rules = reader.rules
        for shortest in (rules.min_consecutive_days, rules.min_consecutive_days_off):
            margin = max(margin, shortest or 0)
        for longest in (rules.max_consecutive_days, rules.max_consecutive_nights):
            if longest is not None:
                margin = max(margin, longest + 1)
    return margin


def window_span(problem: Problem, free_days: tuple[int, int], margin: int) -> tuple[int, int]:
    """The days (first, last) to keep for readers free over ``free_days``: the margin on each
    side, widened so that no weekend is split."""
    first = max(0, free_days[0] - margin)
    last = min(problem.num_days - 1, free_days[1] + margin)
    while first > 0 and _same_weekend(problem, first - 1, first):
        first -= 1
    while last < problem.num_days - 1 and _same_weekend(problem, last, last + 1):
        last += 1
    return first, last


def cut_horizon(problem: Problem, roster: Roster, first: int, last: int) -> Problem:
    """``problem`` over days ``first``..``last`` only, renumbered from 0, its readers' rules and
    history carrying what ``roster`` works outside. Covers, pins, availability and reference
    outside the window are dropped: the caller has reduced the covers by the fixed readers."""
    if first == 0 and last == problem.num_days - 1:
        return problem
    shifts = {shift.id: shift for shift in problem.shifts}
    outside: dict[str, list[Shift]] = {}
    for a in roster.assignments:
        shift = shifts.get(a.shift_id)
        if shift is not None and not first <= shift.day <= last:
            outside.setdefault(a.radiologist, []).append(shift)
    kept = tuple(
        dataclasses.replace(shift, day=shift.day - first)
        for shift in problem.shifts
        if first <= shift.day <= last
    )
    kept_ids = {shift.id for shift in kept}
    carried = _Carried(problem, first, last)
    return dataclasses.replace(
        problem,
        start_date=problem.date_of(first),
        num_days=last - first + 1,
        shifts=kept,
        radiologists=tuple(carried.reader(r, outside.get(r.id, [])) for r in problem.radiologists),
        headcount_cover=tuple(c for c in problem.headcount_cover if c.shift_id in kept_ids),
        reading_demand=tuple(d for d in problem.reading_demand if d.shift_id in kept_ids),
        pins=tuple(
            dataclasses.replace(pin, day=pin.day - first)
            for pin in problem.pins
            if first <= pin.day <= last
        ),
        reference=frozenset(pair for pair in problem.reference if pair[1] in kept_ids),
    )


class _Carried:
    """One reader of the window: days renumbered, what they work outside carried in."""

    def __init__(self, problem: Problem, first: int, last: int) -> None:
        self.problem = problem
        self.first = first
        self.last = last

    def reader(self, reader: Radiologist, outside: list[Shift]) -> Radiologist:
        first, last = self.first, self.last
        return dataclasses.replace(
            reader,
            fixed_days_off=frozenset(
                day - first for day in reader.fixed_days_off if first <= day <= last
            ),
            availability=tuple(
                dataclasses.replace(entry, day=entry.day - first)
                for entry in reader.availability
                if first <= entry.day <= last
            ),
            rules=self._rules(reader.rules, outside),
            history=self._history(reader, outside),
        )

    def _rules(self, rules: Rules, outside: list[Shift]) -> Rules:
        if not outside and rules.max_average_weekly_minutes is None:
            return rules
        minutes = sum(shift.counted_minutes for shift in outside)
        caps = [cap for cap in (rules.max_total_minutes,) if cap is not None]
        if rules.max_average_weekly_minutes is not None:
            # the whole period's cap, as solver.constraints.total_minutes states it
            caps.append(rules.max_average_weekly_minutes * self.problem.num_days // 7)
        per_template = Counter(shift.template for shift in outside)
        per_kind = Counter(shift.kind for shift in outside)
        least = None if rules.min_total_minutes is None else rules.min_total_minutes - minutes
        return dataclasses.replace(
            rules,
            min_total_minutes=least if least is not None and least > 0 else None,
            max_total_minutes=min(caps) - minutes if caps else None,
            max_average_weekly_minutes=None,
            max_shifts_per_template={
                template: cap - per_template[template]
                for template, cap in rules.max_shifts_per_template.items()
            },
            max_shifts_per_kind={
                kind: cap - per_kind[kind] for kind, cap in rules.max_shifts_per_kind.items()
            },
        )

    def _history(self, reader: Radiologist, outside: list[Shift]) -> History:
        history = reader.history
        before = [shift for shift in outside if shift.day < self.first]
        worked_days = {shift.day for shift in before}
        night_days = {shift.day for shift in before if is_night_for(reader, shift)}
        weekends = {
            self.problem.weekend_index(shift.day)
            for shift in outside
            if self.problem.is_weekend(shift.day)
        }
        ends = [shift.end for shift in before]
        return History(
            consecutive_days_worked=self._run_before(worked_days, history.consecutive_days_worked),
            consecutive_nights_worked=self._run_before(
                night_days, history.consecutive_nights_worked
            ),
            last_shift_end=_latest(history.last_shift_end, ends),
            weekends_worked=history.weekends_worked + len(weekends),
        )

    def _run_before(self, days: set[int], carried: int) -> int:
        """Days of ``days`` in a row just before the window; the history's too when they reach
        the horizon's start."""
        run = 0
        day = self.first - 1
        while day >= 0 and day in days:
            run += 1
            day -= 1
        return run + carried if day < 0 else run


def _latest(known: dt.datetime | None, ends: list[dt.datetime]) -> dt.datetime | None:
    candidates = [*ends, *([known] if known is not None else [])]
    return max(candidates) if candidates else None


def _same_weekend(problem: Problem, day: int, next_day: int) -> bool:
    return (
        problem.is_weekend(day)
        and problem.is_weekend(next_day)
        and problem.weekend_index(day) == problem.weekend_index(next_day)
    )
