"""Pricing for the column-generation bound (solver.column_bound): each reader's own model, built
once and re-aimed at each round's duals.

A reader's own model is the product's model of the problem with that reader alone and without the
cross-reader terms (headcount and reading cover, urgent floors, fairness), so every schedule it
allows meets all of the reader's own hard rules and its objective is the reader's own penalties.
Pricing adds the dual prices of the shifts and weekends worked. CP-SAT wants integer coefficients:
prices are scaled and rounded, and the bound CP-SAT proves is turned back into a bound of the true
(float) minimum by subtracting the largest error the rounding can make.

Where the schedule program (solver.schedule_dp) models the reader, it answers first, in
milliseconds; CP-SAT searches only when the program can neither prove its schedule the cheapest
nor find one worth adding to the master (a count cap its multipliers could not meet exactly).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ortools.sat.python import cp_model

from solver.constraints.context import BoolVar
from solver.model import RosterModel, build_model
from solver.per_reader import one_reader_problem
from solver.problem import Problem, Radiologist
from solver.schedule_dp import ReaderDP

# Prices are multiplied by this before rounding; the rounding error per variable is then at most
# half a thousandth of the objective unit.
PRICE_SCALE = 1000
# A schedule is worth adding below the reader's convexity dual by more than this.
REDUCED_COST_TOLERANCE = 1e-6
# Largest scaled coefficient CP-SAT is given (well inside its int64 objective).
MAX_SCALED_COEFFICIENT = 10**12


@dataclass(frozen=True)
class Schedule:
    shifts: frozenset[str]
    own_cost: float


@dataclass(frozen=True)
class PricingResult:
    """``lower_bound``: proven lower bound of the reader's least priced cost (own cost plus the
    prices of what the schedule works); ``schedules``: the schedules CP-SAT found on the way."""

    lower_bound: float
    schedules: tuple[Schedule, ...]
    proven: bool
    infeasible: bool = False
    searched: bool = True  # CP-SAT searched (the schedule program alone did not answer)


class _Collector(cp_model.CpSolverSolutionCallback):
    """Every improving schedule the search finds, with its own cost."""

    def __init__(self, pricing: ReaderPricing) -> None:
        super().__init__()
        self.pricing = pricing
        self.found: list[Schedule] = []

    def on_solution_callback(self) -> None:
        shifts = frozenset(s for s, var in self.pricing.x.items() if self.boolean_value(var))
        own = sum(
            p.weight * (p.expr if isinstance(p.expr, int) else self.value(p.expr))
            for p in self.pricing.roster_model.penalties
        )
        self.found.append(Schedule(shifts, float(own)))


class ReaderPricing:
    """The reader's own model and how to price it at given shift and weekend prices."""

    def __init__(self, problem: Problem, reader: Radiologist) -> None:
        self.reader = reader
        self.roster_model: RosterModel = build_model(one_reader_problem(problem, reader))
        ctx = self.roster_model.ctx
        self.x: dict[str, BoolVar] = {shift_id: var for (_, shift_id), var in ctx.x.items()}
        self.day_of = {shift_id: ctx.shifts[shift_id].day for shift_id in self.x}
        weekends = (ctx.works_weekend(reader.id, k) for k in sorted(ctx.weekend_days))
        self.weekend_literals = [w for w in weekends if w is not None]
        penalties = self.roster_model.penalties
        self.own_cost = cp_model.LinearExpr.weighted_sum(
            [p.expr for p in penalties], [p.weight for p in penalties]
        )
        self.program = ReaderDP.of(self.roster_model, reader)
        self._hinted: frozenset[str] | None = None

    def hint(self, shifts: frozenset[str]) -> None:
        """The schedule CP-SAT starts from when it next searches (set then: most calls end in
        the program, and a hint per variable per call cost more than the program on Curtois-Qu
        13)."""
        self._hinted = shifts

    def _apply_hint(self) -> None:
        if self._hinted is None:
            return
        model = self.roster_model.model
        model.clear_hints()  # type: ignore[no-untyped-call]
        for shift_id, var in self.x.items():
            model.add_hint(var, shift_id in self._hinted)
        self._hinted = None

    def price(
        self,
        shift_prices: dict[str, float],
        weekend_price: float,
        seconds: float,
        workers: int,
        *,
        enough: float = -math.inf,
        heuristic: bool = False,
    ) -> PricingResult:
        """Least own cost + sum of prices of the shifts worked + weekend_price per weekend worked:
        by the dynamic program when it models the reader and proves its answer, or finds a
        schedule below ``enough`` (a column worth adding; the search can prove the least later),
        else searched by CP-SAT for ``seconds`` from the program's schedule. ``heuristic``: the
        program's schedule is answer enough, proven or not (a dive wants columns, not proofs)."""
        if self.program is None:
            return self._search(shift_prices, weekend_price, seconds, workers)
        # a dive's pricing, too, asks the program for its least (its count caps' gap searched):
        # the first schedule keeping the caps let Curtois-Qu 15's dive LP climb 3,828 -> 4,533
        answer = self.program.best(shift_prices, weekend_price, enough=enough)
        # proven: the least is known, or no schedule is worth adding (all the question asks)
        proven = answer.exact or (
            math.isfinite(enough) and answer.lower_bound >= enough - REDUCED_COST_TOLERANCE
        )
        if answer.schedule is not None and (
            proven or heuristic or answer.schedule.priced_cost < enough - REDUCED_COST_TOLERANCE
        ):
            schedule = Schedule(answer.schedule.shifts, answer.schedule.own_cost)
            return PricingResult(answer.lower_bound, (schedule,), proven=proven, searched=False)
        if answer.schedule is None and math.isinf(answer.lower_bound):
            return PricingResult(math.inf, (), proven=True, infeasible=True, searched=False)
        if answer.schedule is not None:
            self.hint(answer.schedule.shifts)
        searched = self._search(shift_prices, weekend_price, seconds, workers)
        if searched.infeasible or answer.schedule is None:
            return searched
        found = Schedule(answer.schedule.shifts, answer.schedule.own_cost)
        return PricingResult(
            lower_bound=max(searched.lower_bound, answer.lower_bound),
            schedules=(found, *searched.schedules),
            proven=searched.proven,
        )

    def _search(
        self,
        shift_prices: dict[str, float],
        weekend_price: float,
        seconds: float,
        workers: int,
    ) -> PricingResult:
        self._apply_hint()
        shift_terms = [(s, var, shift_prices.get(s, 0.0)) for s, var in self.x.items()]
        shift_terms = [(s, var, price) for s, var, price in shift_terms if price != 0.0]
        weekend_terms = [(lit, weekend_price) for lit in self.weekend_literals if weekend_price]
        prices = [price for *_, price in shift_terms] + [price for _, price in weekend_terms]
        largest = max((abs(price) for price in prices), default=0.0)
        scale = max(1, min(PRICE_SCALE, int(MAX_SCALED_COEFFICIENT / max(largest, 1.0))))
        rounded = [round(price * scale) for price in prices]
        errors = [abs(price * scale - r) for price, r in zip(prices, rounded, strict=True)]
        # The scaled objective is off by the errors of the variables set to 1: at most one shift
        # a day (a rule of every problem), and any weekends.
        worst_by_day: dict[int, float] = {}
        for (shift_id, _, _), error in zip(shift_terms, errors, strict=False):
            day = self.day_of[shift_id]
            worst_by_day[day] = max(worst_by_day.get(day, 0.0), error)
        rounding_error = sum(worst_by_day.values()) + sum(errors[len(shift_terms) :])
        variables = [var for _, var, _ in shift_terms] + [lit for lit, _ in weekend_terms]
        model = self.roster_model.model
        model.minimize(scale * self.own_cost + cp_model.LinearExpr.weighted_sum(variables, rounded))
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(seconds, 0.01)
        solver.parameters.num_workers = workers
        collector = _Collector(self)
        status = solver.solve(model, collector)
        if status == cp_model.INFEASIBLE:
            return PricingResult(math.inf, (), proven=True, infeasible=True)
        if status == cp_model.MODEL_INVALID:
            raise RuntimeError(f"pricing model of {self.reader.id} is invalid")
        # Without a roster found, CP-SAT may stop before its presolve has set any bound and
        # report 0, which is no bound at all (seen on Curtois-Qu 15 at 0.01 s): trust its bound
        # only after a search that found something, and never below what the prices alone allow.
        floor = self._floor(shift_terms, weekend_terms)
        bound = solver.best_objective_bound
        searched = status in (cp_model.OPTIMAL, cp_model.FEASIBLE) and not math.isnan(bound)
        lower_bound = max(floor, (bound - rounding_error) / scale) if searched else floor
        return PricingResult(
            lower_bound=lower_bound,
            schedules=tuple(collector.found),
            proven=status == cp_model.OPTIMAL,
        )

    def _floor(
        self,
        shift_terms: list[tuple[str, BoolVar, float]],
        weekend_terms: list[tuple[BoolVar, float]],
    ) -> float:
        """A lower bound no search is needed for: every own penalty is at least 0, at most one
        shift is worked a day, and each weekend literal at most once."""
        cheapest_by_day: dict[int, float] = {}
        for shift_id, _, price in shift_terms:
            day = self.day_of[shift_id]
            cheapest_by_day[day] = min(cheapest_by_day.get(day, 0.0), price)
        return sum(cheapest_by_day.values()) + sum(min(0.0, price) for _, price in weekend_terms)
