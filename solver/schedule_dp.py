"""One reader's cheapest schedule at given shift prices, by dynamic programming over the days.

Column generation (solver.column_bound) and the first roster (solver.per_reader) ask each reader
the same question many times: which complete schedule, meeting all the reader's own hard rules,
costs least (own penalties plus the prices of the shifts and weekends worked)? CP-SAT answers in
0.1-0.4 s a reader on Curtois-Qu 13; this program answers in milliseconds, for readers whose rules
it models exactly (``ReaderDP.of`` says None otherwise, and CP-SAT stays the answer).

The state after a day: what was worked (a template, or nothing), how long the current run of
worked days or of days off has lasted (capped where the rules stop telling lengths apart), whether
a worked run began on day 0 (runs touching either end of the horizon are exempt from the minimum
run rules), weekends worked and minutes worked so far. Counts per template and per kind are not in
the state: they are relaxed, so the program's least value is a lower bound of the true least cost.
When its schedule breaks a count cap, the capped shifts are charged a Lagrangian price and the
program runs again, a few times at most; a schedule is returned only if it keeps every cap.
Nights in a row are not in the state either: a schedule breaking their limit is no answer, and its
value stays only a bound (the department benchmark's readers: 0-2 % of pricing calls).

Where the multipliers leave a gap that decides the answer, a second program prices the reader
with its smallest caps counted in the state (at most 3 nights in 6 weeks: 4 counts), exactly, and
the larger caps still priced by multipliers; its passes cost as many times more as it has count
states. Only where it cannot (too many states) is the gap searched from the first program's
tables (solver.schedule_dp_search). Curtois-Qu 15, whose night caps bind at nearly every price
late in a column generation, paid 0.2 s a gap searched and 0.26 s a call to CP-SAT before.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model_helper

from solver.model import RosterModel, build_model
from solver.per_reader import one_reader_problem
from solver.problem import Problem, Radiologist, Shift
from solver.schedule_dp_pass import ForwardPass, close, tolerance
from solver.schedule_dp_search import CapSearch

LAGRANGIAN_ROUNDS = 12
BISECTIONS = 3  # once multipliers keep the caps: each halves the interval to the least that do
# Subgradient steps raising the Lagrangian bound before a gap is searched, and the share of
# Polyak's step taken (below 1: the target is an upper end, the true least may lie well below)
ASCENT_STEPS = 8
ASCENT_STEP = 0.5
MAX_STATE_VALUES = 30_000_000  # stored for the way back: days x states (about 240 MB of floats)
# The program counting caps exactly: its count states (the product of each counted cap plus one)
# at most this many, and its tables at most this many values (a pass of Curtois-Qu 15's nurse
# with 4 nights and 3 long nights in 6 weeks: 20 count states, 15 million values, 0.1 s)
MAX_COUNT_STATES = 32
MAX_COUNTED_STATE_VALUES = 16_000_000


@dataclass(frozen=True)
class DpSchedule:
    shifts: frozenset[str]
    own_cost: float
    priced_cost: float  # own cost plus the prices of what it works


@dataclass(frozen=True)
class DpResult:
    """``lower_bound``: proven lower bound of the least priced cost; ``schedule``: the cheapest
    schedule found that keeps every rule (None if the relaxation's repairs did not find one);
    ``exact``: the schedule is the least priced cost itself."""

    lower_bound: float
    schedule: DpSchedule | None

    @property
    def exact(self) -> bool:
        if self.schedule is None:
            return False
        gap = self.schedule.priced_cost - self.lower_bound
        return gap <= tolerance(self.lower_bound)


@dataclass(frozen=True)
class _CountCap:
    """At most ``cap`` of the options (day, template position) may be worked."""

    options: frozenset[tuple[int, int]]
    cap: int


class ReaderDP:
    """The reader's own rules and costs, laid out for the program; ``best`` prices them."""

    def __init__(
        self, roster_model: RosterModel, reader: Radiologist, *, counting: bool = False
    ) -> None:
        """Use ``ReaderDP.of``, which says when a reader's rules are beyond the program.
        ``counting``: keep the smallest count caps exactly, in the state (see the module)."""
        problem = roster_model.ctx.problem
        self.roster_model = roster_model
        self.counting = counting
        self.problem = problem
        self.reader = reader
        ctx = roster_model.ctx
        self.num_days = problem.num_days
        shifts = [ctx.shifts[shift_id] for (_, shift_id) in ctx.x]
        # a template per region: a reader licensed in two regions may work either's day shift
        self.templates = sorted({_template_of(shift) for shift in shifts})
        position = {template: i for i, template in enumerate(self.templates)}
        self.option: dict[tuple[int, int], Shift] = {}
        for shift in shifts:
            key = (shift.day, position[_template_of(shift)])
            if key in self.option:
                raise _Beyond("two shifts of one template on one day")
            self.option[key] = shift
        self.own_constant, self.own_coefficient = _own_costs(roster_model)
        # nights in a row are checked on the schedules found, not counted in the state (which
        # shifts are nights for the reader is asked only where a limit makes it matter)
        self.max_nights = reader.rules.max_consecutive_nights
        self.night_day = (
            {}
            if self.max_nights is None
            else {s.id: s.day for s in shifts if ctx.is_night(reader, s)}
        )
        self._minutes_layout(shifts)
        self._run_layout()
        self._weekend_layout()
        self.forbidden = self._forbidden_pairs(problem)
        self.count_caps = self._count_caps()
        # caps kept exactly in the state (a counting program's); the others are priced
        self.counted_caps = self._counted_caps() if counting else []
        self.count_caps = [cap for cap in self.count_caps if cap not in self.counted_caps]
        # cap_masks[i, day, t]: option (day, t) counts toward cap i (a multiplier charges it)
        self.cap_masks = np.zeros((len(self.count_caps), self.num_days, len(self.templates)))
        for i, cap in enumerate(self.count_caps):
            for day, t in cap.options:
                self.cap_masks[i, day, t] = 1.0
        self._class_layout()
        self._counter_layout()
        self._last_kept: np.ndarray | None = None  # Lagrangian multipliers that kept the caps
        # the program counting caps, built when a gap first needs it (False: not yet asked)
        self._counted: ReaderDP | None | bool = False
        states = len(self.classes) * (self.runs + 1) * self.counter_states * self.minute_states
        self.state_values = states * self.num_days  # one pass's work and memory
        if self.state_values > MAX_STATE_VALUES:
            raise _Beyond("too many states to keep")

    @classmethod
    def of(cls, roster_model: RosterModel, reader: Radiologist) -> ReaderDP | None:
        """The program for ``reader`` alone in ``roster_model`` (a one-reader model, as
        solver.per_reader.one_reader_problem gives), or None when a rule is beyond it."""
        if not _supported(roster_model.ctx.problem, reader):
            return None
        try:
            return cls(roster_model, reader)
        except _Beyond:
            return None

    # -- layout -----------------------------------------------------------------------------

    def _minutes_layout(self, shifts: list[Shift]) -> None:
        rules = self.reader.rules
        caps = [rules.max_total_minutes]
        if rules.max_average_weekly_minutes is not None:
            caps.append(rules.max_average_weekly_minutes * self.num_days // 7)
        self.max_minutes = min((c for c in caps if c is not None), default=None)
        self.min_minutes = rules.min_total_minutes or 0
        if self.max_minutes is None and not self.min_minutes:
            self.unit, self.minute_states, self.saturating = 1, 1, True
            self.length = dict.fromkeys(self.option, 0)
            return
        self.unit = math.gcd(*(s.counted_minutes for s in shifts), 0) or 1
        if self.max_minutes is not None:
            self.minute_states, self.saturating = self.max_minutes // self.unit + 1, False
        else:
            self.minute_states, self.saturating = -(-self.min_minutes // self.unit) + 1, True
        self.length = {key: s.counted_minutes // self.unit for key, s in self.option.items()}

    def _run_layout(self) -> None:
        rules = self.reader.rules
        self.max_run = rules.max_consecutive_days
        self.max_run_or_none = -1 if self.max_run is None else self.max_run  # kernels: -1 is none
        self.min_run = rules.min_consecutive_days or 1
        # runs of length index+1; without a maximum, the last index means "the minimum or more"
        self.runs = self.max_run if self.max_run is not None else max(self.min_run, 1)
        shortest_off = rules.min_consecutive_days_off or 1
        self.off_runs = shortest_off if shortest_off >= 2 else 1

    def _weekend_layout(self) -> None:
        problem = self.problem
        cap = self.reader.rules.max_weekends
        self.weekend_cap = None if cap is None else cap - self.reader.history.weekends_worked
        if self.weekend_cap is not None and self.weekend_cap < 0:
            raise _Beyond("more weekends worked before the period than allowed")
        self.weekend_states = 1 if self.weekend_cap is None else self.weekend_cap + 1
        weekend = [problem.is_weekend(day) for day in range(self.num_days)]
        index = [problem.weekend_index(day) for day in range(self.num_days)]
        # as arrays once: every pass of the compiled kernels takes them
        self.new_weekend_after_off = np.array(weekend, dtype=np.bool_)
        # a day worked right after a worked day of the same weekend counts no new weekend
        self.new_weekend_after_work = np.array(
            [
                weekend[d] and not (d > 0 and weekend[d - 1] and index[d - 1] == index[d])
                for d in range(self.num_days)
            ],
            dtype=np.bool_,
        )

    def _forbidden_pairs(self, problem: Problem) -> np.ndarray:
        """``[u, t]``: template t may not follow template u on the next day (a forbidden
        succession, or an overlap or too short a rest, the same on every pair of days)."""
        count = len(self.templates)
        forbidden = np.zeros((count, count), dtype=bool)
        for u, (before, _) in enumerate(self.templates):
            for t, (after, _) in enumerate(self.templates):
                forbidden[u, t] = (before, after) in problem.forbidden_successions
        rest_seconds = 60 * (self.reader.rules.min_rest_minutes or 0)
        # per day: the templates on offer, their starts and their ends (seconds), as arrays, so
        # every pair of days is compared at once (120 readers x 28 days x 18 templates squared)
        entries: dict[int, list[tuple[int, Shift]]] = defaultdict(list)
        for (day, t), shift in self.option.items():
            entries[day].append((t, shift))
        by_day = {
            day: (
                np.array([t for t, _ in offered]),
                np.array([shift.start.timestamp() for _, shift in offered]),
                np.array([shift.end.timestamp() for _, shift in offered]),
            )
            for day, offered in entries.items()
        }
        clashing = np.zeros((count, count), dtype=bool)  # on some pair of days
        fitting = np.zeros((count, count), dtype=bool)  # on some pair of days
        for day, (earlier, _, ends) in by_day.items():
            for gap in (1, 2):
                if day + gap not in by_day:
                    continue
                later, starts, _ = by_day[day + gap]
                clash = starts[None, :] - ends[:, None] < rest_seconds
                if gap == 2:
                    if clash.any():
                        raise _Beyond("shifts two days apart clash")
                    continue
                cells = np.ix_(earlier, later)
                clashing[cells] |= clash
                fitting[cells] |= ~clash
        if (clashing & fitting).any():
            raise _Beyond("a pair of templates clashes on some days only")
        forbidden |= clashing
        return forbidden

    def _count_caps(self) -> list[_CountCap]:
        rules = self.reader.rules
        groups: list[tuple[frozenset[tuple[int, int]], int]] = []
        for template, cap in rules.max_shifts_per_template.items():
            keys = frozenset(k for k, s in self.option.items() if s.template == template)
            groups.append((keys, cap))
        for kind, cap in rules.max_shifts_per_kind.items():
            keys = frozenset(k for k, s in self.option.items() if s.kind == kind)
            groups.append((keys, cap))
        caps = []
        for keys, cap in groups:
            if cap <= 0:
                for key in keys:
                    self.option.pop(key, None)
            elif len({day for day, _ in keys}) > cap:
                caps.append(_CountCap(keys, cap))
        return caps

    def _counted_caps(self) -> list[_CountCap]:
        """The smallest caps, while their count states stay within ``MAX_COUNT_STATES`` and the
        tables within ``MAX_COUNTED_STATE_VALUES``; only caps on whole templates (every day's
        shift of a template counts, or none)."""
        whole = [cap for cap in self.count_caps if _on_whole_templates(cap, self.option)]
        chosen: list[_CountCap] = []
        product = 1
        base = (self.runs + 1) * self.weekend_states * self.minute_states * self.num_days
        base *= len(self.templates)  # classes: at most one a template
        for cap in sorted(whole, key=lambda c: c.cap):
            product_after = product * (cap.cap + 1)
            if product_after > MAX_COUNT_STATES or base * product_after > MAX_COUNTED_STATE_VALUES:
                break
            chosen.append(cap)
            product = product_after
        return chosen

    def _counter_layout(self) -> None:
        """Counter states: weekends worked and the count of each counted cap, in mixed radix
        (weekends first); ``counter_next[i, c, k]`` the state after working class ``c`` from
        ``k`` (``i`` 1: the day starts a new weekend), -1 where a cap would break;
        ``counter_prev`` the inverse."""
        radices = [self.weekend_states] + [cap.cap + 1 for cap in self.counted_caps]
        self.counter_states = int(np.prod(radices))
        leaders = [int(ts[0]) for ts in self.classes]
        steps = np.zeros((2, len(self.classes), len(radices)), dtype=np.int64)
        for c, t in enumerate(leaders):
            for i, cap in enumerate(self.counted_caps):
                steps[:, c, i + 1] = _counts_toward(cap, t)
        if self.weekend_cap is not None:
            steps[1, :, 0] = 1
        digits = np.array(np.unravel_index(np.arange(self.counter_states), radices[::-1]))[::-1]
        limits = np.array(radices)[:, None]
        self.counter_next = np.full((2, len(self.classes), self.counter_states), -1, np.int64)
        self.counter_prev = np.full_like(self.counter_next, -1)
        for i in range(2):
            for c in range(len(self.classes)):
                after = digits + steps[i, c][:, None]
                fits = (after < limits).all(axis=0)
                target = np.ravel_multi_index(tuple(after[::-1, fits]), radices[::-1])
                self.counter_next[i, c, fits] = target
                self.counter_prev[i, c, target] = np.flatnonzero(fits)

    def _class_layout(self) -> None:
        """Templates that may follow and be followed by the same templates form one succession
        class; the program's state keeps the class, not the template."""
        count = len(self.templates)
        by_pattern: dict[bytes, list[int]] = defaultdict(list)
        for t in range(count):
            pattern = self.forbidden[t, :].tobytes() + self.forbidden[:, t].tobytes()
            # a class's templates count toward the same counted caps: the state counts by class
            pattern += bytes(_counts_toward(cap, t) for cap in self.counted_caps)
            by_pattern[pattern].append(t)
        self.classes = [np.array(ts) for ts in by_pattern.values()]
        leaders = [int(ts[0]) for ts in self.classes]
        self.class_forbidden = self.forbidden[np.ix_(leaders, leaders)]
        groups: dict[bytes, list[int]] = defaultdict(list)
        for c in range(len(self.classes)):
            if self.class_forbidden[:, c].any():
                groups[(~self.class_forbidden[:, c]).tobytes()].append(c)
        # (classes it may follow, classes) for the classes some class may not precede
        self.restricted = [
            (~self.class_forbidden[:, cs[0]], np.array(cs)) for cs in groups.values()
        ]
        self.lengths = sorted({self.length[key] for key in self.option})
        self.length_units = np.array(self.lengths, dtype=np.int64)  # for the compiled kernels
        self.length_matrix = np.full((self.num_days, count), -1)
        for day, t in self.option:
            self.length_matrix[day, t] = self.length[day, t]

    # -- pricing ----------------------------------------------------------------------------

    def best(
        self,
        shift_prices: Mapping[str, float],
        weekend_price: float = 0.0,
        *,
        enough: float | None = None,
    ) -> DpResult:
        """As ``_least``, but a schedule breaking the reader's limit on nights in a row (not in
        the program's state) is no answer: only its bound stands, and CP-SAT prices the reader.
        On the department benchmark every reader has such a limit, which the program's
        schedules rarely reach."""
        answer = self._least(shift_prices, weekend_price, enough=enough)
        if answer.schedule is not None and not self._keeps_nights(answer.schedule.shifts):
            return DpResult(answer.lower_bound, None)
        return answer

    def _keeps_nights(self, shifts: frozenset[str]) -> bool:
        if self.max_nights is None:
            return True
        nights = sorted(self.night_day[s] for s in shifts if s in self.night_day)
        run = 0
        for before, day in zip([-2, *nights], nights, strict=False):
            run = run + 1 if day == before + 1 else 1
            if run > self.max_nights:
                return False
        return True

    def _least(
        self,
        shift_prices: Mapping[str, float],
        weekend_price: float = 0.0,
        *,
        enough: float | None = None,
    ) -> DpResult:
        """The least own cost plus ``shift_prices`` of the shifts worked plus ``weekend_price``
        per weekend worked. ``enough``: a schedule below it is answer enough (pricing's
        convexity dual), ``math.inf`` asks for the least itself; a gap the multipliers leave
        (between their bound and their best schedule) is then searched
        (solver.schedule_dp_search), and the answer is exact, or its lower bound at least
        ``enough``, unless the search gave up."""
        # each (day, template) option's cost, inf where none: built once, charged per round
        base = np.full((self.num_days, len(self.templates)), np.inf)
        for (day, t), shift in self.option.items():
            base[day, t] = self.own_coefficient.get(shift.id, 0.0) + shift_prices.get(shift.id, 0.0)
        # multipliers grow until the schedule keeps the caps, then are bisected between the
        # last that broke them and the last that kept them: the least multipliers that keep the
        # caps tend to give the cheapest schedule that keeps them
        broke = np.zeros(len(self.count_caps))
        kept: np.ndarray | None = None
        multipliers = broke.copy()
        finite = np.abs(base[np.isfinite(base)])
        step = max(1.0, (finite.max() if finite.size else 1.0) / 4)
        lower_bound, best = -math.inf, None
        tightest: tuple[ForwardPass, np.ndarray] | None = None  # the pass of the best bound
        bisections = 0
        for _ in range(LAGRANGIAN_ROUNDS):
            charged_costs = base + np.tensordot(multipliers, self.cap_masks, axes=1)
            forward = ForwardPass(self, charged_costs, weekend_price)
            found = forward.run()
            if found is None:
                return DpResult(math.inf, None)
            value, keys = found
            # any schedule keeping the caps is charged no more than multipliers x caps
            charged = float(multipliers @ np.array([c.cap for c in self.count_caps], dtype=float))
            if self.own_constant + value - charged > lower_bound:
                lower_bound = self.own_constant + value - charged
                tightest = (forward, multipliers)
            excess = np.array([len(keys & cap.options) - cap.cap for cap in self.count_caps])
            if (excess <= 0).all():
                schedule = self._schedule(keys, shift_prices, weekend_price)
                if best is None or schedule.priced_cost < best.priced_cost:
                    best = schedule
                if not multipliers.any() or close(best.priced_cost, lower_bound):
                    break
                kept = multipliers
            else:
                broke = multipliers
            if kept is None and not multipliers.any() and self._last_kept is not None:
                multipliers = self._last_kept  # prices move little between calls: try there first
            elif kept is None:
                multipliers = broke + step * np.maximum(excess, 0)
                step *= 2
            elif bisections < BISECTIONS:
                multipliers = (broke + kept) / 2
                bisections += 1
            else:
                break
        if kept is not None:
            self._last_kept = kept
        incumbent = math.inf if best is None else best.priced_cost
        if (
            enough is not None
            and tightest is not None
            and not close(incumbent, lower_bound)
            and lower_bound < enough
            and not (incumbent < enough < math.inf)  # a schedule below enough answers
        ):
            counted = self._counted_program()
            if counted is not None:
                # the multipliers left a gap that decides the answer: the counting program
                # prices it, its caps exact
                answer = counted.best(shift_prices, weekend_price, enough=enough)
                if answer.schedule is not None and (
                    best is None or answer.schedule.priced_cost < best.priced_cost
                ):
                    best = answer.schedule
                return DpResult(max(lower_bound, answer.lower_bound), best)
            # no counting program: search the gap, counts in the state, from the best bound the
            # multipliers can give
            lower_bound, tightest = self._ascend(
                base, weekend_price, lower_bound, tightest, min(incumbent, enough)
            )
            search = CapSearch(self, tightest[0], base, tightest[1], weekend_price)
            result = search.run(min(incumbent, enough))
            if result.keys is not None:
                best = self._schedule(result.keys, shift_prices, weekend_price)
            lower_bound = max(lower_bound, result.lower_bound)
        return DpResult(lower_bound, best)

    def _counted_program(self) -> ReaderDP | None:
        """The program counting this one's smallest caps (built once), None when this one counts
        already or no cap can be counted."""
        if self._counted is False:
            self._counted = None
            if not self.counting:
                try:
                    counted = ReaderDP(self.roster_model, self.reader, counting=True)
                except _Beyond:
                    counted = None
                if counted is not None and counted.counted_caps:
                    self._counted = counted
        return self._counted if isinstance(self._counted, ReaderDP) else None

    def _ascend(
        self,
        base: np.ndarray,
        weekend_price: float,
        lower_bound: float,
        tightest: tuple[ForwardPass, np.ndarray],
        target: float,
    ) -> tuple[float, tuple[ForwardPass, np.ndarray]]:
        """The Lagrangian bound raised by subgradient steps toward ``target`` (Polyak's step:
        the gap to the target over the squared subgradient), from ``tightest``'s multipliers;
        the best bound and its pass."""
        caps = np.array([c.cap for c in self.count_caps], dtype=float)
        multipliers = tightest[1]
        counts = self._counts(tightest[0])
        for _ in range(ASCENT_STEPS):
            if counts is None or not math.isfinite(target):
                break
            subgradient = counts - caps
            norm = float(subgradient @ subgradient)
            if norm == 0 or target - lower_bound <= tolerance(target):
                break
            step = ASCENT_STEP * (target - lower_bound) / norm
            multipliers = np.maximum(0.0, multipliers + step * subgradient)
            forward = ForwardPass(
                self, base + np.tensordot(multipliers, self.cap_masks, axes=1), weekend_price
            )
            found = forward.run()
            if found is None:
                break
            bound = self.own_constant + found[0] - float(multipliers @ caps)
            counts = self._counts(forward, found[1])
            if bound > lower_bound:
                lower_bound, tightest = bound, (forward, multipliers)
        return lower_bound, tightest

    def _counts(
        self, forward: ForwardPass, keys: frozenset[tuple[int, int]] | None = None
    ) -> np.ndarray | None:
        if keys is None:
            found = forward.result
            if found is None:
                return None
            keys = found[1]
        return np.array([len(keys & cap.options) for cap in self.count_caps], dtype=float)

    def own_cost(self, shifts: Iterable[str]) -> float:
        """The reader's own penalties with ``shifts`` (ids) as their schedule."""
        return self.own_constant + sum(self.own_coefficient.get(s, 0.0) for s in shifts)

    def _schedule(
        self, keys: frozenset[tuple[int, int]], prices: Mapping[str, float], weekend_price: float
    ) -> DpSchedule:
        ids = frozenset(self.option[key].id for key in keys)
        own = self.own_cost(ids)
        weekends = self.problem.weekends_worked(day for day, _ in keys)
        priced = own + sum(prices.get(s, 0.0) for s in ids) + weekend_price * weekends
        return DpSchedule(ids, own, priced)


def reader_program(problem: Problem, reader: Radiologist) -> ReaderDP | None:
    """The program of ``reader`` alone in ``problem``, their own rules and penalties only
    (solver.per_reader.one_reader_problem); None when a rule is beyond it."""
    return ReaderDP.of(build_model(one_reader_problem(problem, reader), hinted=False), reader)


def _template_of(shift: Shift) -> tuple[str, str]:
    """The program's template of a shift: its template in its region."""
    return shift.template, shift.region or ""


def _counts_toward(cap: _CountCap, template: int) -> bool:
    return any(t == template for _, t in cap.options)


def _on_whole_templates(cap: _CountCap, options: Mapping[tuple[int, int], Shift]) -> bool:
    """Every option of a template the cap counts is in the cap."""
    templates = {t for _, t in cap.options}
    return all(key in cap.options for key in options if key[1] in templates)


class _Beyond(Exception):
    """A rule the program does not model for this reader."""


def _supported(problem: Problem, reader: Radiologist) -> bool:
    rules, history = reader.rules, reader.history
    if history.consecutive_days_worked or history.consecutive_nights_worked:
        return False
    if history.last_shift_end is not None and rules.min_rest_minutes:
        return False
    return not any(pin.radiologist == reader.id for pin in problem.pins)


def _own_costs(roster_model: RosterModel) -> tuple[float, dict[str, float]]:
    """The reader's own penalties as a constant plus a cost per shift worked; raises _Beyond when
    a penalty is not linear in the shift variables alone."""
    shift_of = {var.index: shift_id for (_, shift_id), var in roster_model.ctx.x.items()}
    constant = 0.0
    coefficient: dict[str, float] = defaultdict(float)
    for penalty in roster_model.penalties:
        if isinstance(penalty.expr, int):
            constant += penalty.weight * penalty.expr
            continue
        flat = cp_model_helper.FlatIntExpr(penalty.expr)
        constant += penalty.weight * flat.offset
        for var, factor in zip(flat.vars, flat.coeffs, strict=True):
            shift_id = shift_of.get(var.index)
            if shift_id is None:
                raise _Beyond("a penalty on a variable other than a shift worked")
            coefficient[shift_id] += penalty.weight * factor
    return constant, dict(coefficient)
