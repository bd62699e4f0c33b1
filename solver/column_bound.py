"""A Dantzig-Wolfe / column-generation lower bound for any Problem.

CP-SAT's own bound on the product's models stays near 0, so a roster's distance from the optimum is
unknown. Here each reader's decisions are one convex combination of their complete schedules
(*columns*: a set of shift ids meeting all the reader's own hard rules, with the reader's own
penalties as cost), and only the cross-reader terms (headcount and reading cover, urgent floors,
fairness spreads) stay as rows of a master LP (solver.column_master). Each round solves the master
over the columns found so far (GLOP), prices every reader against its duals (solver.column_pricing:
the schedule program, or the reader's own CP-SAT model), and adds the schedules of negative reduced
cost.

The bound of a round is the Lagrangian of the coupling rows at the master's duals:
``constant(duals) + sum over readers of a proven lower bound of their least priced cost``. It is
valid in every round, converged or not and whatever the pricing time limits, because it uses a
proven bound of each reader's least priced cost (the program's relaxation, or CP-SAT's bound), never
the schedule found. Every objective term is a nonnegative integer, so 0 is a bound before any round,
and ``ceil(bound)`` is one too.
"""

from __future__ import annotations

import math
import os
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from solver.column_master import Coupling, RestrictedMaster, build_coupling
from solver.column_pricing import PricingResult, ReaderPricing, Schedule
from solver.constraints.fairness import load_scale
from solver.model import RosterModel, build_model
from solver.per_reader import one_reader_problem
from solver.problem import Problem, Radiologist
from solver.roster import Assignment, Roster
from solver.validate import validate

# A schedule enters the master only with a reduced cost below this.
REDUCED_COST_TOLERANCE = 1e-6
# A pricing call never gets less, nor more (so a round ends and the duals move on).
MIN_PRICING_SECONDS = 0.05
MAX_PRICING_SECONDS = 5.0
# A round's pricing calls share the time left so that about this many more rounds still fit.
ROUNDS_AHEAD = 8
# ... and never more than this, until a reader's patience grows: early duals are poor, and many
# quick rounds move them further than a few long ones (Curtois 17 in 60 s: bound 5,233 instead of 0)
MAX_SHARE_SECONDS = 0.25
# How much longer than its share a reader's pricing may grow after fruitless calls.
MAX_PATIENCE = 32.0
# Duals priced: this share of the best bound's duals plus the rest of the master's (Wentges
# smoothing: it damps the master's oscillating duals, which otherwise make the bound tail off).
SMOOTHING = 0.5
# Schedules kept from one pricing call: the best few by reduced cost.
SCHEDULES_PER_PRICING = 5
# Share of a round's pricing calls CP-SAT may search while pricing still counts as quick.
QUICK_SEARCHED_SHARE = 0.1
# Price taken off a shift a reader must work: more than any schedule's cost could gain elsewhere.
FORCED_PRICE = 1e6
# Cost per missing reader of a hard cover in the master only (the bound keeps the rule hard):
# this many times the largest weight of the problem.
HARD_SLACK_FACTOR = 1000


@dataclass(frozen=True)
class ColumnBound:
    """``bound``: a valid lower bound of the objective of any roster (the best round's);
    ``lp_value``: the restricted master's value at the end, the Dantzig-Wolfe LP bound itself when
    ``converged``; ``columns``: reader id -> schedules (shift-id sets), each valid for the reader's
    own hard rules, with the master's weight of each in ``lp_weights``."""

    bound: float
    lp_value: float
    converged: bool
    iterations: int
    seconds: float
    columns: dict[str, list[frozenset[str]]]
    lp_weights: dict[str, list[float]]

    def shares(self) -> dict[str, dict[str, float]]:
        """How much of each shift each reader works in the LP's mix of their schedules."""
        return {
            reader: reader_shares(self.lp_weights[reader], schedules)
            for reader, schedules in self.columns.items()
        }


def reader_shares(
    weights: Sequence[float], schedules: Sequence[frozenset[str]]
) -> dict[str, float]:
    """How much of each shift one reader works in the LP's mix of their ``schedules``."""
    share: dict[str, float] = defaultdict(float)
    for weight, schedule in zip(weights, schedules, strict=True):
        for shift_id in schedule:
            share[shift_id] += weight
    return dict(share)


@dataclass(frozen=True)
class _Column:
    shifts: frozenset[str]
    cost: float


class _ColumnPool:
    """Columns per reader, each once, mirrored in the master."""

    def __init__(self, problem: Problem, coupling: Coupling, master: RestrictedMaster) -> None:
        self.problem = problem
        self.coupling = coupling
        self.master = master
        self.columns: dict[str, list[_Column]] = {r.id: [] for r in problem.radiologists}
        self.known: dict[str, set[frozenset[str]]] = {r.id: set() for r in problem.radiologists}
        self.shift_days = {s.id: s.day for s in problem.shifts}

    def weekends_worked(self, shifts: frozenset[str]) -> int:
        return self.problem.weekends_worked(self.shift_days[s] for s in shifts)

    def add(self, reader: str, schedule: Schedule) -> bool:
        if schedule.shifts in self.known[reader]:
            return False
        self.known[reader].add(schedule.shifts)
        column = _Column(schedule.shifts, schedule.own_cost)
        self.columns[reader].append(column)
        weekends = self.weekends_worked(column.shifts)
        coefficients = self.coupling.column_coefficients(reader, column.shifts, weekends)
        self.master.add_column(reader, column.cost, coefficients)
        return True


def column_bound(
    problem: Problem,
    seconds: float,
    *,
    start: Roster | None = None,
    workers: int = 1,
    on_progress: Callable[[float, int], None] | None = None,
) -> ColumnBound:
    """A lower bound of ``problem``'s objective by column generation, within ``seconds`` (plus the
    build of the models and one pricing call at most). ``workers``: readers priced at once, each
    by one CP-SAT worker. ``start``: a roster whose schedules seed
    the master (the greedy starting roster's always do); ``on_progress(bound, rounds)`` hears each
    better bound."""
    deadline = time.perf_counter() + seconds
    generation = ColumnGeneration(problem, start=start, workers=workers)
    return generation.run(deadline, on_progress=on_progress)


class ColumnGeneration:
    """The master, its columns and the readers' pricing models: ``run`` generates columns and
    the bound; what it leaves can be searched on (solver.column_dive)."""

    def __init__(self, problem: Problem, *, start: Roster | None = None, workers: int = 1) -> None:
        self.started = time.perf_counter()
        self.problem = problem
        full = build_model(problem)
        self.coupling = build_coupling(full, HARD_SLACK_FACTOR * _largest_weight(problem))
        self.master = RestrictedMaster(self.coupling, [r.id for r in problem.radiologists])
        self.pool = _ColumnPool(problem, self.coupling, self.master)
        for roster in (start, _greedy_roster(full)):
            if roster is not None:
                _seed(problem, self.pool, roster)
        self.search = _Search(problem, self.coupling, self.pool, self.started, workers)
        self.rounds = 0

    def seed(self, roster: Roster) -> None:
        """Each reader's schedule in ``roster`` joins the master (if it keeps their own rules)."""
        _seed(self.problem, self.pool, roster)

    def release(self) -> None:
        """Every schedule may enter the master again, and pricing forces and forbids no shift
        (after a dive, solver.shift_dive)."""
        for reader, columns in self.pool.columns.items():
            self.master.allow_only(reader, set(range(len(columns))))
        self.search.forced = {}
        self.search.forbidden = {}
        self.search.priced_at = None

    def run(
        self,
        deadline: float,
        *,
        on_progress: Callable[[float, int], None] | None = None,
        near: float = 0.0,
    ) -> ColumnBound:
        """Rounds of pricing until ``deadline`` or convergence, or until the bound is within
        ``near`` (a share) of the master's value; the best round's bound."""
        master, search, coupling = self.master, self.search, self.coupling
        search.deadline = deadline
        best = 0.0
        # the duals of the best Lagrangian so far, even below 0: the centre of the smoothing
        best_lagrangian, best_duals = -math.inf, None
        smoothing = SMOOTHING
        lp_value = math.inf
        converged = False
        while time.perf_counter() < deadline:
            lp_value, master_duals, convexity = master.solve()
            master_duals = coupling.signed(master_duals)
            duals = master_duals
            if best_duals is not None and smoothing > 0:
                duals = [
                    smoothing * centre + (1 - smoothing) * dual
                    for centre, dual in zip(best_duals, master_duals, strict=True)
                ]
            priced = search.price_round(duals, master_duals, convexity)
            if priced is None:
                break  # out of time: an unfinished round proves nothing
            self.rounds += 1
            if priced.infeasible:  # a reader's own rules cannot hold: no roster at all
                return self._result(math.inf, lp_value, True)
            if priced.lagrangian > best_lagrangian:
                best_lagrangian, best_duals = priced.lagrangian, duals
            if priced.lagrangian > best:
                best = priced.lagrangian
                if on_progress is not None:
                    on_progress(best, self.rounds)
            if _meets(best, lp_value):
                converged = True
                break
            if best >= lp_value - near * max(1.0, abs(lp_value)):
                break  # the master's duals are as good as the caller needs
            if priced.added == 0:
                if duals is master_duals and priced.all_proven:
                    converged = True  # no schedule prices out at the master's own duals
                    break
                smoothing = 0.0  # mispriced at the smoothed duals: price at the master's next
            else:
                smoothing = SMOOTHING
            if math.ceil(best - 1e-6) >= math.ceil(lp_value - 1e-6):
                break  # the integer bound cannot rise above the master's value rounded up
        if not converged and time.perf_counter() < deadline + MAX_PRICING_SECONDS:
            lp_value = master.solve()[0]
        return self._result(best, lp_value, converged)

    def _result(self, bound: float, lp_value: float, converged: bool) -> ColumnBound:
        weights = self.master.weights()
        columns = self.pool.columns
        return ColumnBound(
            bound=bound,
            lp_value=lp_value,
            converged=converged,
            iterations=self.rounds,
            seconds=time.perf_counter() - self.started,
            columns={
                r: [c.shifts for c in reader_columns] for r, reader_columns in columns.items()
            },
            lp_weights={r: weights.get(r, []) for r in columns},
        )


@dataclass(frozen=True)
class _Round:
    lagrangian: float
    added: int
    all_proven: bool
    infeasible: bool = False


class _Search:
    """The readers' pricing models (built on first use) and one round of pricing them all."""

    def __init__(
        self,
        problem: Problem,
        coupling: Coupling,
        pool: _ColumnPool,
        deadline: float,
        workers: int,
    ) -> None:
        self.problem = problem
        self.readers = list(problem.radiologists)
        self.coupling = coupling
        self.pool = pool
        self.deadline = deadline
        self.lanes = max(1, workers)
        self.pricers: dict[str, ReaderPricing] = {}
        # proven pricing results at ``priced_at``: a round at the same duals (the master gained
        # nothing) reuses them and spends its time on the readers not proven yet
        self.priced_at: list[float] | None = None
        self.proven: dict[str, PricingResult] = {}
        # a reader whose pricing neither proved its minimum nor found a schedule gets a longer
        # limit next time (doubled each time, up to MAX_PATIENCE times its share)
        self.patience: dict[str, float] = {r.id: 1.0 for r in problem.radiologists}
        self.searched_share = 0.0  # of the last round's pricing calls, searched by CP-SAT
        # shifts a reader must work (a dive's choices): priced far below anything else, and only
        # schedules working all of them enter the master
        self.forced: dict[str, frozenset[str]] = {}
        # shifts a reader may not work (a dive's other branch): priced far above anything else,
        # and no schedule working one enters the master
        self.forbidden: dict[str, frozenset[str]] = {}
        # the schedule program's schedules are answer enough, proven or not (during a dive)
        self.heuristic = False

    def price_round(
        self, duals: list[float], master_duals: list[float], convexity: dict[str, float]
    ) -> _Round | None:
        """Every reader priced at ``duals``; their schedules enter the master when their reduced
        cost at the master's own duals is negative. None when time ran out before the end."""
        if duals != self.priced_at:
            self.priced_at, self.proven = duals, {}
        lagrangian = self.coupling.lagrangian_constant(duals)
        waiting = []
        for reader in self.readers:
            if reader.id in self.proven:
                lagrangian += self.proven[reader.id].lower_bound
            else:
                waiting.append(reader)
        results = self._price_all(waiting, duals, convexity)
        if results is None:
            return None
        added, all_proven = 0, True
        if results:  # averaged over the last rounds: one round's share swings (0-0.19 on 17)
            share = sum(r.searched for r in results) / len(results)
            self.searched_share = (self.searched_share + share) / 2
        for reader, result in zip(waiting, results, strict=True):
            if result.infeasible:
                return _Round(math.inf, 0, True, infeasible=True)
            lagrangian += result.lower_bound
            pricer = self.pricers[reader.id]
            found = self._add_best(reader.id, pricer, result.schedules, master_duals, convexity)
            added += found
            if result.proven:
                self.proven[reader.id] = result
                self.patience[reader.id] = 1.0
            else:
                all_proven = False
                if not found:
                    patience = 2 * self.patience[reader.id]
                    self.patience[reader.id] = min(patience, MAX_PATIENCE)
        return _Round(lagrangian, added, all_proven)

    def _price_all(
        self, waiting: list[Radiologist], duals: list[float], convexity: dict[str, float]
    ) -> list[PricingResult] | None:
        """``waiting`` readers priced ``self.lanes`` at a time, one CP-SAT worker each (CP-SAT
        leaves Python's lock while it searches, so threads use every core); None when time ran
        out before every one was priced. A schedule priced below the reader's ``convexity`` dual
        is a column worth adding without proving it the least."""
        for reader in waiting:  # built one by one: building a model holds Python's lock
            if reader.id not in self.pricers:
                if time.perf_counter() >= self.deadline:
                    return None
                self.pricers[reader.id] = ReaderPricing(self.problem, reader)

        def price(position: int, reader: Radiologist) -> PricingResult | None:
            left = self.deadline - time.perf_counter()
            if left <= 0:
                return None
            still = len(waiting) - position
            share = left * self.lanes / (still + ROUNDS_AHEAD * len(self.readers))
            budget = min(share, MAX_SHARE_SECONDS) * self.patience[reader.id]
            return self.pricers[reader.id].price(
                self._shift_prices(reader.id, duals),
                self.coupling.weekend_price(reader.id, duals),
                min(max(budget, MIN_PRICING_SECONDS), MAX_PRICING_SECONDS, left),
                1,
                enough=convexity.get(reader.id, -math.inf),
                heuristic=self.heuristic,
            )

        # the schedule program's compiled passes leave Python's lock too, but only a core each
        # can run them: more threads than cores would only take turns
        lanes = self.lanes
        if self.heuristic or self.prices_quickly():
            lanes = min(lanes, os.cpu_count() or 1)
        if lanes == 1:
            results = [price(position, reader) for position, reader in enumerate(waiting)]
        else:
            with ThreadPoolExecutor(max_workers=lanes) as pool:
                results = list(pool.map(price, range(len(waiting)), waiting))
        if any(result is None for result in results):
            return None
        return [result for result in results if result is not None]

    def programmed(self) -> bool:
        """Every reader priced by the schedule program (solver.schedule_dp)."""
        return bool(self.pricers) and all(p.program is not None for p in self.pricers.values())

    def prices_quickly(self) -> bool:
        """Every reader priced by the schedule program, CP-SAT searching for few of them in the
        last rounds (count caps the program could not settle: a half or more of the calls on
        Curtois-Qu 15 as its bound converged, before the program counted its small caps);
        CP-SAT's calls then want their threads."""
        return self.programmed() and self.searched_share <= QUICK_SEARCHED_SHARE

    def keeps(self, reader: str, shifts: frozenset[str]) -> bool:
        """The schedule works every shift forced on ``reader`` and none forbidden (a dive's
        choices): only such schedules may enter the master."""
        forced = self.forced.get(reader, frozenset())
        return forced <= shifts and not self.forbidden.get(reader, frozenset()) & shifts

    def _shift_prices(self, reader: str, duals: list[float]) -> dict[str, float]:
        prices = self.coupling.shift_prices(reader, duals)
        for shift_id in self.forced.get(reader, ()):
            prices[shift_id] = prices.get(shift_id, 0.0) - FORCED_PRICE
        for shift_id in self.forbidden.get(reader, ()):
            prices[shift_id] = prices.get(shift_id, 0.0) + FORCED_PRICE
        return prices

    def _add_best(
        self,
        reader: str,
        pricer: ReaderPricing,
        schedules: tuple[Schedule, ...],
        master_duals: list[float],
        convexity: dict[str, float],
    ) -> int:
        prices = self.coupling.shift_prices(reader, master_duals)
        weekend_price = self.coupling.weekend_price(reader, master_duals)
        priced = []
        for schedule in schedules:
            cost = schedule.own_cost + self.pool.weekends_worked(schedule.shifts) * weekend_price
            cost += sum(prices.get(s, 0.0) for s in schedule.shifts)
            priced.append((cost - convexity[reader], schedule))
        priced.sort(key=lambda item: item[0])
        added = 0
        priced = [
            (cost, schedule) for cost, schedule in priced if self.keeps(reader, schedule.shifts)
        ]
        for reduced_cost, schedule in priced[:SCHEDULES_PER_PRICING]:
            if reduced_cost < -REDUCED_COST_TOLERANCE and self.pool.add(reader, schedule):
                added += 1
        if schedules:
            # the search's last schedule is its best at the pricing duals: start there next time
            pricer.hint(schedules[-1].shifts)
        return added


def _meets(bound: float, lp_value: float) -> bool:
    return bound >= lp_value - 1e-6 * max(1.0, abs(lp_value))


def _greedy_roster(full: RosterModel) -> Roster:
    """The greedy starting roster build_model hinted (solver.starting_roster)."""
    hint = full.model.proto.solution_hint
    hinted = dict(zip(hint.vars, hint.values, strict=True))
    return Roster(
        assignments=tuple(
            Assignment(reader, shift)
            for (reader, shift), var in full.ctx.x.items()
            if hinted.get(var.index, 0)
        )
    )


def _seed(problem: Problem, pool: _ColumnPool, roster: Roster) -> None:
    """Each reader's schedule in ``roster``, if it meets the reader's own hard rules."""
    for reader in problem.radiologists:
        shifts = frozenset(roster.shifts_of(reader.id))
        if shifts in pool.known[reader.id]:
            continue
        alone = one_reader_problem(problem, reader)
        report = validate(alone, Roster.from_schedules({reader.id: shifts}))
        if report.ok:
            schedule = Schedule(shifts, float(report.objective))
            pool.add(reader.id, schedule)


def _largest_weight(problem: Problem) -> float:
    """The largest single penalty weight of the problem (at least 1)."""
    weights = problem.weights
    fairness = max(weights.fairness_nights, weights.fairness_weekends, weights.fairness_on_call)
    scales = [load_scale(r) for r in problem.radiologists if r.fte > 0]
    candidates = [
        1,
        weights.change,
        weights.follow_the_sun,
        fairness * max(scales, default=1),
        *(c.weight_under for c in problem.headcount_cover),
        *(c.weight_over for c in problem.headcount_cover),
        *(d.weight_under * max(1, d.min_readers) for d in problem.reading_demand),
        *(d.weight_over for d in problem.reading_demand),
        *(a.weight for r in problem.radiologists for a in r.availability),
    ]
    shift_units = max((problem.shift_units(s) for s in problem.shifts), default=1)
    return float(max(candidates) * max(1, shift_units))
