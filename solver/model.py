"""The CP-SAT model of a Problem: sparse variables, every rule family, one objective.

``x[r, s]`` exists only for shifts the reader may work (``eligibility.may_work_shift``) and is not
barred from (fixed day off, UNAVAILABLE/LEAVE, pins); a reader licensed nowhere near a shift's
region is never even compared with it. Reading units are modelled per group of interchangeable
readers (``constraints.reading_groups``). That keeps the model O(eligible pairs).
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from solver.constraints import FAMILIES
from solver.constraints.context import ModelContext, Penalty, entry_matches
from solver.constraints.reading_groups import ReadingGroups
from solver.eligibility import may_work_shift, shift_regions
from solver.problem import Availability, Problem, Radiologist, Shift, ShiftKind
from solver.roster import Allocation, Assignment, Roster
from solver.starting_roster import StartingRoster, starting_roster

ValueSource = cp_model.CpSolver | cp_model.CpSolverSolutionCallback

# breakdown keys, in display order
TERMS = ("cover", "preferences", "fairness", "change", "follow_the_sun")


@dataclass(frozen=True)
class RosterModel:
    ctx: ModelContext
    reading: ReadingGroups
    penalties: tuple[Penalty, ...]
    # the hinted starting roster seems to meet every hard rule (see solver.starting_roster)
    plausible_start: bool = False
    start: Roster | None = None  # that roster (None when the model is not hinted)

    @property
    def model(self) -> cp_model.CpModel:
        return self.ctx.model

    def read_roster(self, solver: cp_model.CpSolver) -> Roster:
        # one copy of the solution vector: reading it per variable is slow on large models
        return self.roster_from(list(solver.response_proto.solution))

    def roster_from(self, solution: list[int]) -> Roster:
        """The roster of a full solution of this model (values by variable index)."""
        assignments = tuple(
            sorted(Assignment(r, s) for (r, s), var in self.ctx.x.items() if solution[var.index])
        )
        return Roster(assignments=assignments, allocations=self.reading.allocations(solution))

    def minimize(self, terms: Collection[str] = TERMS) -> None:
        """Make the objective the penalties of ``terms`` only (all of them by default); the rules
        stay. A search phase may aim at one term first (solver.cover_phase)."""
        self.model.minimize(_objective(tuple(p for p in self.penalties if p.term in terms)))

    def has_term(self, term: str) -> bool:
        """Whether ``term`` has a penalty the search can change (not only constants)."""
        return any(p.term == term and not isinstance(p.expr, int) for p in self.penalties)

    def hint_solution(self, values: list[int]) -> None:
        """Hint every variable with a full solution of this model (values by variable index)."""
        self.model.clear_hints()  # type: ignore[no-untyped-call]
        hint = self.model.proto.solution_hint
        hint.vars.extend(range(len(values)))
        hint.values.extend(values)

    def breakdown(self, solution: ValueSource) -> dict[str, int]:
        """Objective terms of the solution a solver holds, or a solution callback is hearing."""
        totals = dict.fromkeys(TERMS, 0)
        for penalty in self.penalties:
            totals[penalty.term] += penalty.weight * int(solution.value(penalty.expr))
        return totals


def build_model(problem: Problem, *, guarded: bool = False, hinted: bool = True) -> RosterModel:
    """The model of ``problem``; ``guarded`` switches each hard-rule group by an assumption literal
    and leaves the objective out (see solver.explain); ``hinted`` false leaves out the greedy
    roster CP-SAT would start from (a model only read, never searched, needs none)."""
    ctx = ModelContext(problem, guarded=guarded)
    reading = ReadingGroups(ctx)
    _add_variables(ctx, reading)
    reading.add_flows()
    penalties = tuple(penalty for family in FAMILIES for penalty in family(ctx))
    if guarded:
        return RosterModel(ctx, reading, penalties)
    ctx.model.minimize(_objective(penalties))
    if not hinted:
        return RosterModel(ctx, reading, penalties)
    start = starting_roster(ctx, reading)
    _add_hints(ctx, reading, start)
    return RosterModel(
        ctx, reading, penalties, plausible_start=start.plausible, start=_as_roster(start)
    )


def _as_roster(start: StartingRoster) -> Roster:
    return Roster(
        assignments=tuple(sorted(Assignment(reader, shift) for reader, shift in start.assignments)),
        allocations=tuple(
            sorted(
                Allocation(reader, shift, pool, units)
                for (shift, reader, pool), units in start.units.items()
                if units > 0
            )
        ),
    )


def _objective(penalties: tuple[Penalty, ...]) -> Any:
    constant = sum(p.weight * p.expr for p in penalties if isinstance(p.expr, int))
    terms = [p for p in penalties if not isinstance(p.expr, int)]
    return (
        cp_model.LinearExpr.weighted_sum([p.expr for p in terms], [p.weight for p in terms])
        + constant
    )


def _add_hints(ctx: ModelContext, reading: ReadingGroups, start: StartingRoster) -> None:
    """Start the search from a greedy roster (solver.starting_roster): reading units as well as
    assignments, so its cover counts from the first roster on."""
    for key, var in ctx.x.items():
        ctx.model.add_hint(var, key in start.assignments)
    group_of = {
        (group_key[0], reader_id): group_key
        for group_key, group in reading.groups.items()
        for reader_id, _ in group.members
    }
    flows: Counter[tuple[tuple[str, tuple[str, ...]], str]] = Counter()
    for (shift_id, reader_id, pool), units in start.units.items():
        flows[group_of[shift_id, reader_id], pool] += units
    for group_key, group in reading.groups.items():
        for pool, var in group.flows.items():
            ctx.model.add_hint(var, flows[group_key, pool])


def _add_variables(ctx: ModelContext, reading: ReadingGroups) -> None:
    problem = ctx.problem
    by_start = sorted(problem.shifts, key=_start_order)
    shifts_by_region: dict[str | None, list[Shift]] = defaultdict(list)
    for shift in by_start:
        shifts_by_region[shift.region].append(shift)
    pins_by_reader: dict[str, list[tuple[int, str | None]]] = defaultdict(list)
    for pin in problem.pins:
        pins_by_reader[pin.radiologist].append((pin.day, pin.shift_id))

    verdicts: dict[tuple[object, ...], bool] = {}

    def eligible(reader: Radiologist, shift: Shift) -> bool:
        """may_work_shift, cached on everything it reads of the shift."""
        key = (
            reader.id,
            shift.template,
            shift.kind,
            shift.required_skills,
            shift.region,
            shift.remote,
            ctx.day_key(reader, shift.day),
        )
        if key not in verdicts:
            verdicts[key] = may_work_shift(problem, reader, shift)
        return verdicts[key]

    for reader in problem.radiologists:
        candidates = heapq.merge(
            *(shifts_by_region.get(region, []) for region in shift_regions(reader)),
            key=_start_order,
        )
        barred = _Barred(reader, pins_by_reader[reader.id], active=not ctx.guarded)
        for shift in candidates:
            if not eligible(reader, shift):
                continue
            _note_categories(ctx, reader, shift)
            if barred(shift):
                continue
            reading.join(reader, shift, ctx.add_slot(reader, shift))


def _start_order(shift: Shift) -> tuple[dt.datetime, str]:
    return shift.start, shift.id


def _note_categories(ctx: ModelContext, reader: Radiologist, shift: Shift) -> None:
    """Fairness compares readers who may work a shift of the category, available or not."""
    if ctx.is_night(reader, shift):
        ctx.category_readers["nights"].add(reader.id)
    if ctx.problem.is_weekend(shift.day):
        ctx.category_readers["weekends"].add(reader.id)
    if shift.kind == ShiftKind.ON_CALL:
        ctx.category_readers["on_call"].add(reader.id)


class _Barred:
    """Shifts a reader is barred from by fixed days off, hard availability and pins (normal solves
    only; explaining keeps them as variables so the rules that bar them can be named)."""

    def __init__(
        self, reader: Radiologist, pins: list[tuple[int, str | None]], *, active: bool
    ) -> None:
        self.active = active
        self.days_off = set(reader.fixed_days_off)
        self.entries: dict[int, list[Availability]] = defaultdict(list)
        for entry in reader.availability:
            if entry.kind.is_hard:
                self.entries[entry.day].append(entry)
        self.pinned: dict[int, set[str]] = defaultdict(set)
        for day, shift_id in pins:
            if shift_id is None:
                self.days_off.add(day)
            else:
                self.pinned[day].add(shift_id)

    def __call__(self, shift: Shift) -> bool:
        if not self.active:
            return False
        day = shift.day
        if day in self.days_off:
            return True
        if day in self.pinned and shift.id not in self.pinned[day]:
            return True
        return any(entry_matches(entry, shift) for entry in self.entries.get(day, []))
