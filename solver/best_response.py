"""Rosters built and improved reader by reader, each reader given their cheapest schedule against
what the others already staff (a *best response*), by the schedule program (solver.schedule_dp).

When headcount cover is the only term between readers (no reading demand, no fairness, no hard
cover), a reader's part of the objective, the others fixed, is their own penalties plus, for each
shift they work, the cover's marginal cost: its under weight while the shift is short without them,
else its over weight. The program finds the reader's best schedule at those prices in milliseconds,
so a first roster takes one pass over the readers, and each further pass (a *sweep*) replaces a
reader's schedule when a cheaper one exists: the objective never rises, and a sweep ends at a
roster no single reader can improve alone. Curtois-Qu 13 (120 nurses): a first roster in about 7 s,
and after the sweeps 5,866-5,966 at 16 s, where solving each nurse's CP-SAT model in turn took
18 s for 8,077.
"""

from __future__ import annotations

import math
import random
import time
from collections import Counter
from collections.abc import Callable, Mapping

from solver.per_reader import readers_coupled_by_hard_rules
from solver.problem import HeadcountCover, Problem
from solver.roster import Roster
from solver.schedule_dp import ReaderDP, reader_program

Schedules = dict[str, frozenset[str]]  # reader id -> shift ids worked
GAIN_TOLERANCE = 1e-6
SWEEP_GAIN = 0.02  # of the objective: a sweep gaining less is the last
# a pass of the program over more states than this takes a second or more: a first roster of 100
# readers, each priced a few times, would take minutes (Curtois-Qu 21: 14 million, 0.9 s a pass)
MAX_CHEAP_PASS_STATES = 5_000_000
TIE_BREAK = 0.5  # below the least weight of an integer objective: it only breaks ties


class BestResponse:
    """Each reader's schedule program and the cover that prices their shifts."""

    def __init__(self, problem: Problem, programs: Mapping[str, ReaderDP]) -> None:
        """Use ``BestResponse.of``, which says when the problem allows it."""
        self.problem = problem
        self.programs = dict(programs)
        self.cover: dict[str, HeadcountCover] = {c.shift_id: c for c in problem.headcount_cover}

    @classmethod
    def of(cls, problem: Problem, *, deadline: float | None = None) -> BestResponse | None:
        """None when readers meet in more than headcount cover, when the program cannot model
        some reader, or when building the programs would pass ``deadline``."""
        weights = problem.weights
        if problem.reading_demand or readers_coupled_by_hard_rules(problem):
            return None
        if weights.fairness_nights or weights.fairness_weekends or weights.fairness_on_call:
            return None
        programs = {}
        for reader in problem.radiologists:
            if deadline is not None and time.perf_counter() > deadline:
                return None
            program = reader_program(problem, reader)
            if program is None or program.state_values > MAX_CHEAP_PASS_STATES:
                return None
            programs[reader.id] = program
        return cls(problem, programs)

    def prices(
        self, staffed_by_others: Counter[str], scarcity: Mapping[str, float] | None = None
    ) -> dict[str, float]:
        """A shift's marginal cover cost for one more reader; ``scarcity`` (0-1 per shift) makes
        short shifts few readers are left for up to TIE_BREAK cheaper, so that among schedules of
        one cost a reader takes those the others could not."""
        prices = {}
        for shift_id, cover in self.cover.items():
            short = staffed_by_others[shift_id] < cover.required
            price = float(-cover.weight_under if short else cover.weight_over)
            if short and scarcity:
                price -= TIE_BREAK * scarcity.get(shift_id, 0.0)
            if price:
                prices[shift_id] = price
        return prices

    def priced(self, reader: str, shifts: frozenset[str], prices: Mapping[str, float]) -> float:
        return self.programs[reader].own_cost(shifts) + sum(prices.get(s, 0.0) for s in shifts)

    def objective(self, schedules: Schedules) -> float:
        """Own penalties plus headcount cover's: the whole objective, as nothing else joins
        the readers."""
        staffed: Counter[str] = Counter()
        total = 0.0
        for reader, shifts in schedules.items():
            total += self.priced(reader, shifts, {})
            staffed.update(shifts)
        for shift_id, cover in self.cover.items():
            gap = staffed[shift_id] - cover.required
            total += gap * cover.weight_over if gap > 0 else -gap * cover.weight_under
        return total

    def first_roster(
        self, should_stop: Callable[[], bool] | None = None, deadline: float = math.inf
    ) -> Schedules | None:
        """Readers in turn, each at their best against those before; None if a reader has no
        schedule the program can find (or a stop was asked, or ``deadline`` passed)."""
        staffed: Counter[str] = Counter()
        schedules: Schedules = {}
        # readers who may work the shift and are still to be scheduled
        left: Counter[str] = Counter()
        for program in self.programs.values():
            left.update(shift.id for shift in program.option.values())
        for reader in self.problem.radiologists:
            if (should_stop is not None and should_stop()) or time.perf_counter() > deadline:
                return None
            program = self.programs[reader.id]
            left.subtract(shift.id for shift in program.option.values())
            scarcity = {
                shift_id: min(1.0, (cover.required - staffed[shift_id]) / (1 + left[shift_id]))
                for shift_id, cover in self.cover.items()
                if staffed[shift_id] < cover.required
            }
            answer = program.best(self.prices(staffed, scarcity))
            if answer.schedule is None:
                return None
            schedules[reader.id] = answer.schedule.shifts
            staffed.update(answer.schedule.shifts)
        return schedules

    def sweep(self, schedules: Schedules, rng: random.Random, deadline: float) -> float:
        """Each reader, in random order, moved to a cheaper schedule against the others when
        the program finds one; ``schedules`` changes in place. The objective's fall."""
        staffed: Counter[str] = Counter()
        for shifts in schedules.values():
            staffed.update(shifts)
        gained = 0.0
        readers = list(schedules)
        rng.shuffle(readers)
        for reader in readers:
            if time.perf_counter() > deadline:
                break
            current = schedules[reader]
            staffed.subtract(current)
            prices = self.prices(staffed)
            answer = self.programs[reader].best(prices)
            if answer.schedule is not None:
                gain = self.priced(reader, current, prices) - answer.schedule.priced_cost
                if gain > GAIN_TOLERANCE:
                    current = answer.schedule.shifts
                    schedules[reader] = current
                    gained += gain
            staffed.update(current)
        return gained


def best_response_roster(
    problem: Problem,
    seconds: float,
    *,
    seed: int = 0,
    should_stop: Callable[[], bool] | None = None,
) -> Roster | None:
    """A first roster reader by reader, then sweeps while they gain and time is left; None when
    the problem is beyond best responses (see ``BestResponse.of``) or time ran out first."""
    deadline = time.perf_counter() + seconds
    responses = BestResponse.of(problem, deadline=deadline)
    if responses is None:
        return None
    schedules = responses.first_roster(should_stop, deadline)
    if schedules is None:
        return None
    rng = random.Random(seed)
    while time.perf_counter() < deadline and not (should_stop is not None and should_stop()):
        objective = responses.objective(schedules)
        # a sweep gaining little says the rest is for searches that move several readers at once
        if responses.sweep(schedules, rng, deadline) <= SWEEP_GAIN * max(objective, 1.0):
            break
    return Roster.from_schedules(schedules)
