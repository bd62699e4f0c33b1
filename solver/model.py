"""The CP-SAT model of a Problem: sparse variables, every rule family, one objective.

``x[r, s]`` exists only for shifts the reader may work (``eligibility.may_work_shift``) and is not
barred from (fixed day off, UNAVAILABLE/LEAVE, pins); a reader licensed nowhere near a shift's
region is never even compared with it. Reading units are modelled per group of interchangeable
readers (``constraints.reading_groups``). That keeps the model O(eligible pairs).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from solver.constraints import FAMILIES
from solver.constraints.context import ModelContext, Penalty, entry_matches
from solver.constraints.reading_groups import ReadingGroups
from solver.eligibility import may_work_shift
from solver.problem import Availability, Problem, Radiologist, Shift, ShiftKind
from solver.roster import Assignment, Roster

# breakdown keys, in display order
TERMS = ("cover", "preferences", "fairness", "change", "follow_the_sun")


@dataclass(frozen=True)
class RosterModel:
    ctx: ModelContext
    reading: ReadingGroups
    penalties: tuple[Penalty, ...]

    @property
    def model(self) -> cp_model.CpModel:
        return self.ctx.model

    def read_roster(self, solver: cp_model.CpSolver) -> Roster:
        # one copy of the solution vector: reading it per variable is slow on large models
        solution = list(solver.response_proto.solution)
        assignments = tuple(
            sorted(Assignment(r, s) for (r, s), var in self.ctx.x.items() if solution[var.index])
        )
        return Roster(assignments=assignments, allocations=self.reading.allocations(solution))

    def hint_solution(self, values: list[int]) -> None:
        """Hint every variable with a full solution of this model (values by variable index)."""
        self.model.clear_hints()  # type: ignore[no-untyped-call]
        hint = self.model.proto.solution_hint
        hint.vars.extend(range(len(values)))
        hint.values.extend(values)

    def breakdown(self, solver: cp_model.CpSolver) -> dict[str, int]:
        totals = dict.fromkeys(TERMS, 0)
        for penalty in self.penalties:
            totals[penalty.term] += penalty.weight * int(solver.value(penalty.expr))
        return totals

    def active_penalties(self, solver: cp_model.CpSolver) -> list[tuple[str, int]]:
        """The penalty terms that cost something in the solver's solution: (readable name, cost)."""
        costs = ((p.name, p.weight * int(solver.value(p.expr))) for p in self.penalties)
        return [(name, cost) for name, cost in costs if cost]


def build_model(problem: Problem, *, guarded: bool = False) -> RosterModel:
    """The model of ``problem``; ``guarded`` switches each hard-rule group by an assumption literal
    and leaves the objective out (see solver.explain)."""
    ctx = ModelContext(problem, guarded=guarded)
    reading = ReadingGroups(ctx)
    _add_variables(ctx, reading)
    reading.add_flows()
    penalties = tuple(penalty for family in FAMILIES for penalty in family(ctx))
    if not guarded:
        ctx.model.minimize(_objective(penalties))
        _add_hints(ctx)
    return RosterModel(ctx, reading, penalties)


def _objective(penalties: tuple[Penalty, ...]) -> Any:
    constant = sum(p.weight * p.expr for p in penalties if isinstance(p.expr, int))
    terms = [p for p in penalties if not isinstance(p.expr, int)]
    return (
        cp_model.LinearExpr.weighted_sum([p.expr for p in terms], [p.weight for p in terms])
        + constant
    )


def _add_hints(ctx: ModelContext) -> None:
    """Start the search from a cheap roster: the reference one when re-solving, pins, and hard
    covers filled greedily. Finding any roster that meets hard cover is the slow part of large
    solves; from this start, CP-SAT repairs what the greedy got wrong and improves the rest."""
    start = _starting_roster(ctx)
    for key, var in ctx.x.items():
        ctx.model.add_hint(var, key in start)


def _starting_roster(ctx: ModelContext) -> set[tuple[str, str]]:
    problem = ctx.problem
    chosen = {key for key in problem.reference if key in ctx.x}
    chosen |= {(p.radiologist, p.shift_id) for p in problem.pins if p.shift_id is not None}
    taken: dict[str, list[Shift]] = defaultdict(list)
    for reader_id, shift_id in chosen:
        taken[reader_id].append(ctx.shifts[shift_id])
    candidates: dict[str, list[str]] = defaultdict(list)
    for reader_id, shift_id in ctx.x:
        candidates[shift_id].append(reader_id)

    def fits(reader: Radiologist, shift: Shift) -> bool:
        rest = dt.timedelta(minutes=reader.rules.min_rest_minutes or 0)
        mine = taken[reader.id]
        limit = reader.rules.max_shifts_per_template.get(shift.template)
        if limit is not None and sum(s.template == shift.template for s in mine) >= limit:
            return False
        return all(
            other.day != shift.day
            and (other.start >= shift.end + rest or shift.start >= other.end + rest)
            for other in mine
        )

    hard = sorted(
        (c for c in problem.headcount_cover if c.hard and c.required > 0),
        key=lambda c: ctx.shifts[c.shift_id].start,
    )
    for cover in hard:
        shift = ctx.shifts[cover.shift_id]
        staffed = sum((r, shift.id) in chosen for r in candidates[shift.id])
        for reader_id in sorted(candidates[shift.id], key=lambda r: len(taken[r])):
            if staffed >= cover.required:
                break
            if (reader_id, shift.id) not in chosen and fits(ctx.readers[reader_id], shift):
                chosen.add((reader_id, shift.id))
                taken[reader_id].append(shift)
                staffed += 1
    return chosen


def _add_variables(ctx: ModelContext, reading: ReadingGroups) -> None:
    problem = ctx.problem
    shifts_by_region: dict[str | None, list[Shift]] = defaultdict(list)
    for shift in problem.shifts:
        shifts_by_region[shift.region].append(shift)
    pins_by_reader: dict[str, list[tuple[int, str | None]]] = defaultdict(list)
    for pin in problem.pins:
        pins_by_reader[pin.radiologist].append((pin.day, pin.shift_id))

    for reader in problem.radiologists:
        # a shift of region R needs a licence for R: readers never licensed there can be skipped
        # unseen
        regions = [None, *sorted({lic.region for lic in reader.licences})]
        candidates = sorted(
            (s for region in regions for s in shifts_by_region.get(region, [])),
            key=lambda s: (s.start, s.id),
        )
        barred = _Barred(reader, pins_by_reader[reader.id], active=not ctx.guarded)
        for shift in candidates:
            if not may_work_shift(problem, reader, shift):
                continue
            _note_categories(ctx, reader, shift)
            if barred(shift):
                continue
            reading.join(reader, shift, ctx.add_slot(reader, shift))


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
