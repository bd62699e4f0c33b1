"""Best responses when readers meet through reading demand: each reader in turn given the best
schedule against what the others read (issue 3, national months).

With the others fixed, a reader's part of the objective is their own penalties (wishes, follow the
sun, change from the reference) plus, for each shift they work, the reading their units take off
the demand still unread without them (a shift's units go to its most heavily weighted short pools
first, which is the best split of them), plus headcount cover at its margin. Both are a price per
shift, so the schedule program (solver.schedule_dp) finds the reader's best schedule under every
rule of their own in milliseconds. Fairness joins all readers; a move is accepted only when its
gain, less the rise of the fairness spreads (solver.fairness_spread), is positive. A hard cover a
reader alone keeps is priced so that they keep it.

Parts searched by CP-SAT (solver.part_search) free a few dozen readers a step; a sweep re-plans
every reader in about the time of one step. The 1,000-reader month's roster after 300 s of parts
(914,413) fell to 604,067 in four sweeps (10 s, the programs built in 9-11 s more): half the
readers' work moved to where their regions read least.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from solver.eligibility import may_read_pool
from solver.fairness_spread import FairnessCategories
from solver.problem import Problem, Radiologist, ReadingDemand
from solver.reading_split import best_split
from solver.roster import Allocation, Assignment, Roster
from solver.schedule_dp import ReaderDP, reader_program
from solver.validate import ValidationReport, validate

GAIN_TOLERANCE = 1e-6
SETTLED = (
    0.002  # of the objective: a sweep gaining less says the rest needs several readers at once
)
HARD_COVER_PRICE = 1e9  # far above any objective: a reader who alone keeps a hard cover keeps it


@dataclass(frozen=True)
class _Responder:
    reader: Radiologist
    program: ReaderDP
    # shift id -> the demand of the pools the reader may read on it, heaviest shortfall first
    readable: Mapping[str, tuple[ReadingDemand, ...]]


@dataclass(frozen=True)
class Sweep:
    roster: Roster
    moved: int  # readers given another schedule
    resplit: bool = False  # the sweep started from another split of the reading (reading_split)


@dataclass(frozen=True)
class Improved:
    roster: Roster
    report: ValidationReport
    moved: int  # readers moved (sweeps) or rebuilds tried

    @property
    def objective(self) -> int:
        return self.report.objective


class ReadingResponses:
    """Each reader's schedule program, and the demand that prices their shifts."""

    def __init__(self, problem: Problem, responders: Mapping[str, _Responder]) -> None:
        """Use ``ReadingResponses.of``, which says when the problem allows it."""
        self.problem = problem
        self.responders = dict(responders)
        self.shifts = {shift.id: shift for shift in problem.shifts}
        self.covers = {cover.shift_id: cover for cover in problem.headcount_cover}
        self.demand = {(demand.pool, demand.shift_id): demand for demand in problem.reading_demand}
        self.fairness = FairnessCategories(problem)
        self._split: Roster | None = None  # the last roster ``split`` returned

    @staticmethod
    def apply_to(problem: Problem) -> bool:
        """Whether readers meet only through terms a per-shift price states: reading demand and
        headcount cover, not urgent-reader floors."""
        has_cover = bool(problem.reading_demand or problem.headcount_cover)
        return has_cover and all(demand.min_readers <= 0 for demand in problem.reading_demand)

    @classmethod
    def of(cls, problem: Problem, *, deadline: float | None = None) -> ReadingResponses | None:
        """None when the problem is beyond best responses (``apply_to``), when no reader's rules
        are within the program, or when building the programs would pass ``deadline``. Readers
        beyond the program keep their schedules."""
        if not cls.apply_to(problem):
            return None
        demand_of: dict[str, list[ReadingDemand]] = {}
        for demand in problem.reading_demand:
            demand_of.setdefault(demand.shift_id, []).append(demand)
        pools = {pool.id: pool for pool in problem.pools}
        responders = {}
        for reader in problem.radiologists:
            if deadline is not None and time.perf_counter() > deadline:
                return None
            program = reader_program(problem, reader)
            if program is None:
                continue
            readable = {}
            for shift in program.option.values():
                wanted = [
                    demand
                    for demand in demand_of.get(shift.id, ())
                    if may_read_pool(problem, reader, shift, pools[demand.pool])
                ]
                wanted.sort(key=lambda demand: -demand.weight_under)
                readable[shift.id] = tuple(wanted)
            responders[reader.id] = _Responder(reader, program, readable)
        return cls(problem, responders) if responders else None

    def may_work(self) -> dict[str, list[_Responder]]:
        """Shift id -> the readers with a program who may work it."""
        able: dict[str, list[_Responder]] = {}
        for reader_id in sorted(self.responders):
            responder = self.responders[reader_id]
            for shift_id in responder.readable:
                able.setdefault(shift_id, []).append(responder)
        return able

    def sweep(self, roster: Roster, rng: random.Random, deadline: float) -> Sweep:
        """Every reader with a program, in random order, moved to a better schedule when one
        exists (until ``deadline``); everyone's reading split afresh, from the best split of
        each shift (solver.reading_split: prices read off a poorer split mislead the readers)."""
        start = self.split(roster)
        state = ResponseState(self, start)
        moved = 0
        readers = sorted(self.responders)
        rng.shuffle(readers)
        for reader_id in readers:
            if time.perf_counter() > deadline:
                break
            moved += state.respond(self.responders[reader_id])
        return Sweep(state.roster(), moved, resplit=start.allocations != roster.allocations)

    def improve(
        self, roster: Roster, objective: int, rng: random.Random, deadline: float
    ) -> Improved | None:
        """One sweep, kept when the whole roster, validated, breaks no rule and scores better
        than ``objective``; None otherwise."""
        swept = self.sweep(roster, rng, deadline)
        if not (swept.moved or swept.resplit):
            return None
        return self.kept_if_better(swept.roster, objective, swept.moved)

    def settle(
        self,
        roster: Roster,
        objective: int,
        rng: random.Random,
        deadline: float,
        should_stop: Callable[[], bool],
    ) -> Improved | None:
        """Sweeps until one gains less than ``SETTLED`` of the objective (or time is up, or a
        stop is asked); the last better roster, None if no sweep was better."""
        best = None
        while time.perf_counter() < deadline and not should_stop():
            better = self.improve(roster, objective, rng, deadline)
            if better is None:
                break
            gain = objective - better.objective
            best, roster, objective = better, better.roster, better.objective
            if gain < SETTLED * objective:
                break
        return best

    def kept_if_better(self, roster: Roster, objective: int, moved: int) -> Improved | None:
        """``roster``, its reading split at its best, when, validated, it breaks no rule and
        scores below ``objective``."""
        roster = self.split(roster)
        report = validate(self.problem, roster)
        if not report.ok or report.objective >= objective:
            return None
        return Improved(roster, report, moved)

    def split(self, roster: Roster) -> Roster:
        """``roster`` with each shift's reading split at its best (solver.reading_split). The
        roster it returned last is returned as it is: an accepted roster is the next sweep's or
        rebuild batch's start, and splitting it again (0.2 s at 1,000 readers) would change
        nothing."""
        if roster is not self._split:
            self._split = best_split(self.problem, roster)
        return self._split


class ResponseState:
    """A roster as best responses change it: who works what, what each pool is given, and the
    objective's terms that change with them (cover, readers' own costs, fairness), kept exact so
    that a move of several readers is judged without validating the whole roster."""

    def __init__(self, responses: ReadingResponses, roster: Roster) -> None:
        self.responses = responses
        self.schedules: dict[str, set[str]] = {}
        self.units: dict[str, dict[tuple[str, str], int]] = {}  # reader -> (shift, pool) -> units
        self.given: Counter[tuple[str, str]] = Counter()  # (pool, shift) -> units
        self.staffed: Counter[str] = Counter()
        for assignment in roster.assignments:
            self.schedules.setdefault(assignment.radiologist, set()).add(assignment.shift_id)
            self.staffed[assignment.shift_id] += 1
        for allocation in roster.allocations:
            held = self.units.setdefault(allocation.radiologist, {})
            key = (allocation.shift_id, allocation.pool)
            held[key] = held.get(key, 0) + allocation.units
            self.given[allocation.pool, allocation.shift_id] += allocation.units
        shifts = responses.shifts
        self.spreads = responses.fairness.spreads(
            {reader: [shifts[s] for s in worked] for reader, worked in self.schedules.items()}
        )
        self.cover_cost = sum(self._demand_cost(key) for key in responses.demand)
        self.cover_cost += sum(self._headcount_cost(shift_id) for shift_id in responses.covers)
        self.hard_short = sum(self._hard_short(shift_id) for shift_id in responses.covers)
        self.own_cost = sum(
            responder.program.own_cost(self.schedules.get(reader_id, set()))
            for reader_id, responder in responses.responders.items()
        )

    def objective(self) -> float:
        """The objective up to a constant (what readers without a program cost themselves)."""
        return self.cover_cost + self.own_cost + self.spreads.cost()

    def rebuild(self, responders: list[_Responder], rng: random.Random) -> float:
        """Clear the readers' schedules, then give each in random order their best response to
        the rest: kept when the objective is no worse and no hard cover is lost, else undone.
        The objective's change (at most 0 when kept)."""
        before, hard_before = self.objective(), self.hard_short
        saved = [
            (responder, set(self.schedules.get(responder.reader.id, set())))
            for responder in responders
        ]
        kept_units = {r.reader.id: dict(self.units.get(r.reader.id, {})) for r in responders}
        for responder in responders:
            self._place(responder, set(), {})
        order = list(responders)
        rng.shuffle(order)
        for responder in order:
            answer = responder.program.best(self._prices(responder))
            if answer.schedule is not None:
                self._place(responder, set(answer.schedule.shifts), None)
        change = self.objective() - before
        if change > GAIN_TOLERANCE or self.hard_short > hard_before:
            for responder, worked in saved:
                self._place(responder, worked, kept_units[responder.reader.id])
            return 0.0
        return change

    def _place(
        self,
        responder: _Responder,
        worked: set[str],
        held: dict[tuple[str, str], int] | None,
    ) -> None:
        """The reader's schedule replaced by ``worked``, their units split as ``held`` (None:
        afresh, to the heaviest short pools)."""
        reader = responder.reader
        before = self.schedules.get(reader.id, set())
        self.own_cost -= responder.program.own_cost(before)
        self._withdraw(reader.id, before)
        self.spreads.apply(reader, [self.responses.shifts[s] for s in worked])
        self._deploy(responder, worked, held)
        self.own_cost += responder.program.own_cost(worked)

    def _demand_cost(self, key: tuple[str, str]) -> int:
        demand = self.responses.demand.get(key)
        if demand is None:
            return 0
        given = self.given[key]
        return demand.weight_under * max(0, demand.units - given) + demand.weight_over * max(
            0, given - demand.units
        )

    def _headcount_cost(self, shift_id: str) -> int:
        cover = self.responses.covers[shift_id]
        present = self.staffed[shift_id]
        under = 0 if cover.hard else cover.weight_under * max(0, cover.required - present)
        return under + cover.weight_over * max(0, present - cover.required)

    def _hard_short(self, shift_id: str) -> int:
        cover = self.responses.covers[shift_id]
        return int(cover.hard and self.staffed[shift_id] < cover.required)

    def _give(self, pool: str, shift_id: str, units: int) -> None:
        key = (pool, shift_id)
        before = self._demand_cost(key)
        self.given[key] += units
        self.cover_cost += self._demand_cost(key) - before

    def _staff(self, shift_id: str, readers: int) -> None:
        if shift_id not in self.responses.covers:
            self.staffed[shift_id] += readers
            return
        before, short = self._headcount_cost(shift_id), self._hard_short(shift_id)
        self.staffed[shift_id] += readers
        self.cover_cost += self._headcount_cost(shift_id) - before
        self.hard_short += self._hard_short(shift_id) - short

    def respond(self, responder: _Responder) -> int:
        """The reader's best schedule against the others; 1 when it changed."""
        reader_id = responder.reader.id
        current = self.schedules.get(reader_id, set())
        self._withdraw(reader_id, current)
        prices = self._prices(responder)
        program = responder.program
        now = program.own_cost(current) + sum(prices.get(s, 0.0) for s in current)
        answer = program.best(prices)
        self._deploy(responder, current, None)  # back, reading split afresh
        if answer.schedule is None or answer.schedule.shifts == current:
            return 0
        gain = now - answer.schedule.priced_cost
        shifts = [self.responses.shifts[s] for s in answer.schedule.shifts]
        if gain <= GAIN_TOLERANCE or gain - self.spreads.change(responder.reader, shifts) <= 0:
            return 0
        self._place(responder, set(answer.schedule.shifts), None)
        return 1

    def _withdraw(self, reader_id: str, worked: set[str]) -> None:
        for (shift_id, pool), units in self.units.pop(reader_id, {}).items():
            self._give(pool, shift_id, -units)
        for shift_id in worked:
            self._staff(shift_id, -1)
        self.schedules[reader_id] = set()

    def _deploy(
        self, responder: _Responder, worked: set[str], held: dict[tuple[str, str], int] | None
    ) -> None:
        reader_id = responder.reader.id
        if held is None:
            held = {}
            for shift_id in worked:
                _, split = self._split(responder, shift_id)
                held.update(split)
        for (shift_id, pool), units in held.items():
            self._give(pool, shift_id, units)
        self.units[reader_id] = held
        self.schedules[reader_id] = worked
        for shift_id in worked:
            self._staff(shift_id, 1)

    def _split(
        self, responder: _Responder, shift_id: str
    ) -> tuple[int, dict[tuple[str, str], int]]:
        """The reader's units on the shift given to its heaviest short pools: the weighted
        shortfall they remove, and the split."""
        left = self.responses.problem.shift_units(self.responses.shifts[shift_id])
        value = 0
        split = {}
        for demand in responder.readable.get(shift_id, ()):
            if left <= 0:
                break
            taken = min(left, demand.units - self.given[demand.pool, shift_id])
            if taken > 0:
                value += taken * demand.weight_under
                split[shift_id, demand.pool] = taken
                left -= taken
        return value, split

    def _prices(self, responder: _Responder) -> dict[str, float]:
        prices = {}
        for shift_id in responder.readable:
            price = -float(self._split(responder, shift_id)[0])
            cover = self.responses.covers.get(shift_id)
            if cover is not None:
                short = self.staffed[shift_id] < cover.required
                if short:
                    price -= HARD_COVER_PRICE if cover.hard else cover.weight_under
                else:
                    price += cover.weight_over
            if price:
                prices[shift_id] = price
        return prices

    def roster(self) -> Roster:
        return Roster(
            assignments=tuple(
                sorted(
                    Assignment(reader, shift_id)
                    for reader, worked in self.schedules.items()
                    for shift_id in worked
                )
            ),
            allocations=tuple(
                sorted(
                    Allocation(reader, shift_id, pool, units)
                    for reader, held in self.units.items()
                    for (shift_id, pool), units in held.items()
                    if units > 0
                )
            ),
        )
