"""A greedy roster to start the search from (CP-SAT solution hints).

On large problems CP-SAT's first rosters are poor and slow to come; a plain greedy that already
meets most cover gives its local search a far better start. The greedy keeps pins and the reference
roster, fills hard covers, then soft headcount and reading demand shift by shift, weekends first,
each time taking the least-loaded readers (relative to FTE) whose own plan stays within the
per-reader hard rules it can check locally; on a weekend, readers already working it come first,
as their other day spends no more of their limit on weekends (national month, 500 readers: the
start fell from 391,140 to 275,371, its half weekends from 264 to 88). It does not look ahead
(minimum runs, minimum minutes): the hint is a guide, and CP-SAT repairs what the greedy gets
wrong.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from solver.constraints.context import ModelContext
from solver.constraints.reading_groups import ReadingGroups
from solver.problem import AvailabilityKind, Radiologist, Shift, ShiftKind


@dataclass(frozen=True)
class StartingRoster:
    assignments: frozenset[tuple[str, str]]  # (reader, shift)
    units: dict[tuple[str, str, str], int]  # (shift, reader, pool) -> units given
    # every hard rule holds, as far as the greedy can tell: worth completing by search
    plausible: bool


def starting_roster(ctx: ModelContext, reading: ReadingGroups) -> StartingRoster:
    return _Greedy(ctx, reading).run()


class _ReaderPlan:
    """One reader's shifts so far, with the counters their hard rules need."""

    def __init__(self, ctx: ModelContext, reader: Radiologist) -> None:
        self.ctx = ctx
        self.reader = reader
        self.by_day: dict[int, Shift] = {}
        self.minutes = 0
        self.templates: Counter[str] = Counter()
        self.kinds: Counter[str] = Counter()
        self.weekends: set[int] = set()
        self.scale = round(100 / reader.fte) if reader.fte > 0 else 0
        self.rest = dt.timedelta(minutes=reader.rules.min_rest_minutes or 0)
        rules = reader.rules
        caps = [rules.max_total_minutes]
        if rules.max_average_weekly_minutes is not None:
            caps.append(rules.max_average_weekly_minutes * ctx.problem.num_days // 7)
        self.minutes_cap = min((c for c in caps if c is not None), default=None)
        self.avoid: dict[int, list[tuple[str | None, str | None]]] = defaultdict(list)
        for entry in reader.availability:
            if entry.kind == AvailabilityKind.AVOID and entry.weight > 0:
                self.avoid[entry.day].append((entry.template, entry.shift_kind))
        self.night_days: set[int] = set()

    def load(self) -> float:
        return len(self.by_day) / self.reader.fte if self.reader.fte > 0 else float("inf")

    def cost(self, shift: Shift) -> int:
        """What taking ``shift`` adds to the objective terms the greedy can see: FTE-scaled
        category loads (fairness) and local night hours (follow the sun)."""
        problem, weights = self.ctx.problem, self.ctx.problem.weights
        cost = 0
        if weights.fairness_nights and self.ctx.is_night(self.reader, shift):
            cost += weights.fairness_nights * self.scale * (len(self.night_days) + 1)
        if weights.fairness_weekends and problem.is_weekend(shift.day):
            if problem.weekend_index(shift.day) not in self.weekends:
                cost += weights.fairness_weekends * self.scale * (len(self.weekends) + 1)
        if weights.fairness_on_call and shift.kind == ShiftKind.ON_CALL:
            cost += weights.fairness_on_call * self.scale * (self.kinds[shift.kind] + 1)
        if weights.follow_the_sun:
            night = self.ctx.night_minutes(shift, self.reader.home_time_zone)
            cost += weights.follow_the_sun * (night // 60)
        return cost

    def starts_weekend(self, shift: Shift) -> bool:
        """Taking ``shift`` uses up one of the reader's limited weekends (a half weekend wastes
        the other day of one)."""
        problem = self.ctx.problem
        return (
            self.reader.rules.max_weekends is not None
            and problem.is_weekend(shift.day)
            and problem.weekend_index(shift.day) not in self.weekends
        )

    def avoids(self, shift: Shift) -> bool:
        return any(
            template in (None, shift.template) and kind in (None, shift.kind)
            for template, kind in self.avoid.get(shift.day, ())
        )

    def allows(self, shift: Shift) -> bool:
        rules = self.reader.rules
        day = shift.day
        if day in self.by_day:
            return False
        if self.minutes_cap is not None and self.minutes + shift.counted_minutes > self.minutes_cap:
            return False
        template_cap = rules.max_shifts_per_template.get(shift.template)
        if template_cap is not None and self.templates[shift.template] >= template_cap:
            return False
        kind_cap = rules.max_shifts_per_kind.get(shift.kind)
        if kind_cap is not None and self.kinds[shift.kind] >= kind_cap:
            return False
        return (
            self._rested(shift)
            and self._succession_allowed(shift)
            and self._weekend_allowed(day)
            and self._runs_allowed(day, shift)
        )

    def add(self, shift: Shift) -> None:
        self.by_day[shift.day] = shift
        self.minutes += shift.counted_minutes
        self.templates[shift.template] += 1
        self.kinds[shift.kind] += 1
        if self.ctx.problem.is_weekend(shift.day):
            self.weekends.add(self.ctx.problem.weekend_index(shift.day))
        if self.ctx.is_night(self.reader, shift):
            self.night_days.add(shift.day)

    def meets_minima(self) -> bool:
        """The minimum rules the greedy does not steer by: total minutes and run lengths."""
        rules = self.reader.rules
        if rules.min_total_minutes and self.minutes < rules.min_total_minutes:
            return False
        shortest = rules.min_consecutive_days
        if not shortest or shortest < 2:
            return True
        last_day = self.ctx.problem.num_days - 1
        for day in self.by_day:
            if day - 1 in self.by_day:
                continue  # not the start of a run
            end = day
            while end + 1 in self.by_day:
                end += 1
            if day > 0 and end < last_day and end - day + 1 < shortest:
                return False
        return True

    def _rested(self, shift: Shift) -> bool:
        history_end = self.reader.history.last_shift_end
        if self.reader.rules.min_rest_minutes is not None and history_end is not None:
            if shift.start < history_end + self.rest:
                return False
        reach = 2 + (self.rest + dt.timedelta(minutes=shift.length_minutes)).days
        for day in range(shift.day - reach, shift.day + reach + 1):
            other = self.by_day.get(day)
            if other is None:
                continue
            first, second = (other, shift) if other.start <= shift.start else (shift, other)
            if second.start < first.end + self.rest:
                return False
        return True

    def _succession_allowed(self, shift: Shift) -> bool:
        banned = self.ctx.problem.forbidden_successions
        if not banned:
            return True
        before = self.by_day.get(shift.day - 1)
        after = self.by_day.get(shift.day + 1)
        return not (
            (before is not None and (before.template, shift.template) in banned)
            or (after is not None and (shift.template, after.template) in banned)
        )

    def _weekend_allowed(self, day: int) -> bool:
        problem = self.ctx.problem
        limit = self.reader.rules.max_weekends
        if limit is None or not problem.is_weekend(day):
            return True
        if problem.weekend_index(day) in self.weekends:
            return True
        return len(self.weekends) + self.reader.history.weekends_worked < limit

    def _runs_allowed(self, day: int, shift: Shift) -> bool:
        rules = self.reader.rules
        history = self.reader.history
        worked = self.by_day.keys()
        if rules.max_consecutive_days is not None:
            if _run_through(day, worked, history.consecutive_days_worked) > (
                rules.max_consecutive_days
            ):
                return False
        if rules.max_consecutive_nights is not None and self.ctx.is_night(self.reader, shift):
            if _run_through(day, self.night_days, history.consecutive_nights_worked) > (
                rules.max_consecutive_nights
            ):
                return False
        shortest_off = rules.min_consecutive_days_off
        if shortest_off and shortest_off > 1:
            for step in (-1, 1):
                for gap in range(1, shortest_off):
                    between = (day + step * k for k in range(1, gap + 1))
                    if day + step * (gap + 1) in worked and not any(d in worked for d in between):
                        return False  # would leave `gap` days off between two worked days
        return True


def _run_through(day: int, worked: Collection[int], before: int) -> int:
    """Length of the run of worked days through ``day`` once it is worked, with history."""
    start = day
    while start - 1 in worked:
        start -= 1
    end = day
    while end + 1 in worked:
        end += 1
    return end - start + 1 + (before if start == 0 else 0)


class _Greedy:
    def __init__(self, ctx: ModelContext, reading: ReadingGroups) -> None:
        self.ctx = ctx
        self.reading = reading
        self.plans = {r.id: _ReaderPlan(ctx, r) for r in ctx.problem.radiologists}
        self.chosen: set[tuple[str, str]] = set()
        self.units: dict[tuple[str, str, str], int] = {}
        self.given: Counter[tuple[str, str]] = Counter()  # (shift, reader) -> units given so far
        self.candidates: dict[str, list[str]] = defaultdict(list)
        for reader_id, shift_id in ctx.x:
            self.candidates[shift_id].append(reader_id)
        self.readable: dict[tuple[str, str], tuple[str, ...]] = {}
        for (shift_id, pools), group in reading.groups.items():
            for reader_id, _ in group.members:
                self.readable[shift_id, reader_id] = pools

    def run(self) -> StartingRoster:
        problem = self.ctx.problem
        plausible = True
        for pin in problem.pins:
            if pin.shift_id is not None and (pin.radiologist, pin.shift_id) in self.ctx.x:
                shift = self.ctx.shifts[pin.shift_id]
                plausible &= self.plans[pin.radiologist].allows(shift)
                self._take(pin.radiologist, shift, force=True)
        for reader_id, shift_id in sorted(problem.reference):
            if (reader_id, shift_id) in self.ctx.x:
                self._take(reader_id, self.ctx.shifts[shift_id])
        hard = [c for c in problem.headcount_cover if c.hard and c.required > 0]
        for cover in sorted(hard, key=lambda c: self.ctx.shifts[c.shift_id].start):
            plausible &= self._staff(self.ctx.shifts[cover.shift_id], cover.required)
        soft: dict[str, int] = defaultdict(int)
        for cover in problem.headcount_cover:
            if not cover.hard and cover.weight_under > 0:
                soft[cover.shift_id] += cover.required
        wanted: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for demand in problem.reading_demand:
            if demand.weight_under > 0 and demand.units > 0:
                wanted[demand.shift_id][demand.pool] += demand.units
        # weekends first: under a limit on weekends worked they are the scarce days, and a reader
        # who works one day of a weekend is best placed to work the other (taken before the
        # weekdays, the days in a row and the rest around them are still free)
        order = sorted(problem.shifts, key=lambda s: (not problem.is_weekend(s.day), s.start, s.id))
        for shift in order:
            if soft.get(shift.id):
                self._staff(shift, soft[shift.id])
            if wanted.get(shift.id):
                self._read(shift, wanted[shift.id])
        plausible &= all(plan.meets_minima() for plan in self.plans.values())
        return StartingRoster(frozenset(self.chosen), self.units, plausible)

    def _take(self, reader_id: str, shift: Shift, *, force: bool = False) -> bool:
        plan = self.plans[reader_id]
        if (reader_id, shift.id) in self.chosen or not (force or plan.allows(shift)):
            return False
        plan.add(shift)
        self.chosen.add((reader_id, shift.id))
        return True

    def _ranked(self, shift: Shift) -> list[str]:
        plans = self.plans
        return sorted(
            (r for r in self.candidates[shift.id] if plans[r].reader.fte > 0),
            key=lambda r: (
                plans[r].avoids(shift),
                plans[r].starts_weekend(shift),
                plans[r].cost(shift),
                plans[r].load(),
                r,
            ),
        )

    def _staff(self, shift: Shift, required: int) -> bool:
        """Take readers until ``required`` work ``shift``; False if too few could."""
        staffed = sum((r, shift.id) in self.chosen for r in self.candidates[shift.id])
        for reader_id in self._ranked(shift):
            if staffed >= required:
                break
            staffed += self._take(reader_id, shift)
        return staffed >= required

    def _read(self, shift: Shift, wanted: dict[str, int]) -> None:
        """Readers in turn, each giving their units to the pools they read with most left."""
        units = self.ctx.problem.shift_units(shift)
        for reader_id in self._ranked(shift):
            if sum(wanted.values()) <= 0:
                return
            pools = [p for p in self.readable.get((shift.id, reader_id), ()) if wanted.get(p)]
            if not pools:
                continue
            if (reader_id, shift.id) not in self.chosen and not self._take(reader_id, shift):
                continue
            room = units - self.given[shift.id, reader_id]
            for pool in sorted(pools, key=lambda p: -wanted[p]):
                given = min(room, wanted[pool])
                if given <= 0:
                    continue
                key = (shift.id, reader_id, pool)
                self.units[key] = self.units.get(key, 0) + given
                self.given[shift.id, reader_id] += given
                wanted[pool] -= given
                room -= given
