"""A roster whose readers keep to given schedules: the rest of the roster searched around them.

Column generation (solver.column_bound) ends with an LP that mixes a few complete schedules per
reader. The readers a dive in that LP fixed (solver.column_dive) keep their schedule and the
others are searched freely, hinted at their heaviest schedule (solver.column_phase): a small
search guided by the relaxation. It runs on the product's own model, each reader's shift
variables tied to a choice among their schedules, so every rule still holds and the objective is
the product's.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from solver.model import RosterModel, build_model
from solver.problem import Problem
from solver.roster import Roster
from solver.search_progress import STATUSES

Schedule = frozenset[str]  # shift ids one reader works


@dataclass(frozen=True)
class ChosenRoster:
    roster: Roster
    objective: int
    breakdown: dict[str, int]
    # the bound of the restricted search: valid only among the given schedules, not for the problem
    restricted_bound: float
    proven_best_among_schedules: bool


def choose_schedules(
    problem: Problem,
    schedules: Mapping[str, Sequence[Schedule]],
    seconds: float,
    *,
    workers: int = 2,
    seed: int = 0,
    hint: Roster | None = None,
    working: Collection[tuple[str, str]] = (),
    idle: Collection[tuple[str, str]] = (),
) -> ChosenRoster | None:
    """The best roster in ``seconds`` that gives each reader one of their ``schedules`` (readers
    not in it are free), works every (reader, shift) of ``working`` and none of ``idle``; None
    when no roster was found in time or none exists among them."""
    roster_model = build_model(problem)
    _tie_to_schedules(roster_model, schedules)
    _fix_shifts(roster_model, working, idle)
    if hint is not None:
        _hint_roster(roster_model, hint)
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.max_time_in_seconds = max(0.1, seconds)
    params.num_workers = workers
    params.random_seed = seed
    cp_status = solver.solve(roster_model.model)
    status = STATUSES.get(cp_status)
    if status is None or not status.has_roster:
        return None
    breakdown = roster_model.breakdown(solver)
    return ChosenRoster(
        roster=roster_model.read_roster(solver),
        objective=sum(breakdown.values()),
        breakdown=breakdown,
        restricted_bound=float(solver.best_objective_bound),
        proven_best_among_schedules=cp_status == cp_model.OPTIMAL,
    )


def _tie_to_schedules(
    roster_model: RosterModel, schedules: Mapping[str, Sequence[Schedule]]
) -> None:
    """x[r, s] = sum of the chosen-schedule literals of r's schedules that contain s."""
    ctx = roster_model.ctx
    model = ctx.model
    for reader_id, reader_schedules in schedules.items():
        slots = ctx.slots.get(reader_id)
        if slots is None:
            continue
        workable = {slot.shift.id for slot in slots}
        # a schedule needing a shift the reader has no variable for (barred, ineligible) cannot
        # be chosen; duplicates would only multiply the search's symmetric choices
        kept = sorted({s for s in reader_schedules if s <= workable}, key=sorted)
        if not kept:
            continue
        chosen = [model.new_bool_var(f"schedule {i} of {reader_id}") for i in range(len(kept))]
        model.add_exactly_one(chosen)
        for slot in slots:
            containing = [
                lit for lit, schedule in zip(chosen, kept, strict=True) if slot.shift.id in schedule
            ]
            model.add(slot.var == sum(containing))


def _fix_shifts(
    roster_model: RosterModel,
    working: Collection[tuple[str, str]],
    idle: Collection[tuple[str, str]],
) -> None:
    x, model = roster_model.ctx.x, roster_model.model
    for key in working:
        if key in x:
            model.add(x[key] == 1)
        else:  # the reader may not work it: no roster keeps to this
            model.add_bool_or([])
    for key in idle:
        if key in x:
            model.add(x[key] == 0)


def _hint_roster(roster_model: RosterModel, roster: Roster) -> None:
    """Hint the assignments of ``roster``; the chosen-schedule literals are left to propagation."""
    ctx = roster_model.ctx
    worked = roster.worked()
    ctx.model.clear_hints()  # type: ignore[no-untyped-call]
    for key, var in ctx.x.items():
        ctx.model.add_hint(var, key in worked)
