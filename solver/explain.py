"""Infeasibility in plain words.

Two steps. ``obvious_conflicts`` reads the normal model's variables for the cases anyone would spot
by hand (a hard cover with too few readers able to work it at all, a pin on a shift the reader
cannot work), so it costs nothing. ``explain_infeasibility`` builds the model again with every
hard-rule group guarded by an assumption literal, solves with one worker and reads CP-SAT's
sufficient assumptions for infeasibility, then drops the rules the conflict does not need while time
allows.
"""

from __future__ import annotations

import time

from ortools.sat.python import cp_model

from solver.constraints.context import Guard, ModelContext, entry_matches
from solver.constraints.headcount_cover import cover_sentence
from solver.eligibility import may_work_shift
from solver.model import RosterModel, build_model
from solver.options import SolveOptions
from solver.problem import AvailabilityKind, Pin, Problem, Radiologist, Shift

CONFLICT_LEAD = "These rules cannot all hold together:"


def obvious_conflicts(roster_model: RosterModel) -> list[str]:
    """Sentences for conflicts visible without search; empty when there are none."""
    ctx = roster_model.ctx
    sentences = []
    for cover in ctx.problem.headcount_cover:
        able = len(ctx.on_shift.get(cover.shift_id, []))
        if cover.hard and able < cover.required:
            missing = _who_is_missing(ctx.shifts[cover.shift_id], able)
            sentences.append(f"{cover_sentence(ctx, cover)}: {missing}.")
    for pin in ctx.problem.pins:
        if pin.shift_id is not None and (pin.radiologist, pin.shift_id) not in ctx.x:
            sentences.append(_pin_conflict(ctx, pin))
    return sentences


def explain_infeasibility(problem: Problem, options: SolveOptions) -> tuple[str, ...]:
    """The hard rules that conflict, each in a sentence, under a lead sentence."""
    guarded = build_model(problem, guarded=True)
    guards = guarded.ctx.guards
    deadline = time.monotonic() + options.explain_time_limit
    status, core = _core(guarded, guards, options.explain_time_limit, options.random_seed)
    if status == cp_model.INFEASIBLE and core:
        core = _shrink(guarded, core, deadline, options.random_seed)
        return (CONFLICT_LEAD, *dict.fromkeys(g.sentence for g in core))
    if status == cp_model.INFEASIBLE:
        return ("The problem is infeasible, but no single group of hard rules could be blamed.",)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return ("The problem was found infeasible, yet its rules held when checked again: a bug.",)
    return (
        f"The problem is infeasible; the conflicting rules could not be isolated within "
        f"{options.explain_time_limit:g} s.",
    )


def _core(
    guarded: RosterModel, assumed: list[Guard], limit: float, seed: int
) -> tuple[cp_model.CpSolverStatus, list[Guard]]:
    model = guarded.model
    model.clear_assumptions()
    model.add_assumptions([g.literal for g in assumed])
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1  # sufficient assumptions need the single core-based worker
    solver.parameters.max_time_in_seconds = max(limit, 0.05)
    solver.parameters.random_seed = seed
    status = solver.solve(model)
    if status != cp_model.INFEASIBLE:
        return status, []
    by_index = {g.literal.index: g for g in assumed}
    blamed = solver.sufficient_assumptions_for_infeasibility()
    return status, [by_index[i] for i in blamed if i in by_index]


def _shrink(guarded: RosterModel, core: list[Guard], deadline: float, seed: int) -> list[Guard]:
    """Deletion filter: a rule whose removal leaves the rest infeasible is not needed."""
    kept = list(core)
    for candidate in core:
        if not any(g is candidate for g in kept):
            continue
        remaining = deadline - time.monotonic()
        if len(kept) <= 1 or remaining <= 0:
            break
        trial = [g for g in kept if g is not candidate]
        status, smaller = _core(guarded, trial, remaining / 2, seed)
        if status == cp_model.INFEASIBLE:
            kept = smaller or trial
    return kept


def _who_is_missing(shift: Shift, able: int) -> str:
    if able == 0 and shift.region is not None:
        return f"nobody licensed for region {shift.region} is available"
    if able == 0:
        return "nobody eligible is available"
    verb = "is" if able == 1 else "are"
    return f"only {able} eligible reader{'s' if able != 1 else ''} {verb} available"


def _pin_conflict(ctx: ModelContext, pin: Pin) -> str:
    reader = ctx.readers[pin.radiologist]
    shift = ctx.shifts[str(pin.shift_id)]
    return (
        f"{ctx.who(reader)} is pinned to {ctx.shift_label(shift)}, "
        f"but {_why_not(ctx, reader, shift)}."
    )


def _why_not(ctx: ModelContext, reader: Radiologist, shift: Shift) -> str:
    """Why the reader cannot work the shift, in the words of the first rule that bars it."""
    problem = ctx.problem
    if not may_work_shift(problem, reader, shift):
        rules = reader.rules
        if rules.max_shifts_per_template.get(shift.template, 1) == 0:
            return f"they may not work {shift.template} shifts"
        if rules.max_shifts_per_kind.get(shift.kind, 1) == 0:
            return f"they may not work {shift.kind} shifts"
        if shift.required_skills and not shift.required_skills & reader.skills:
            return f"the shift needs one of {', '.join(sorted(shift.required_skills))}"
        if shift.region is not None and not shift.remote and reader.home_region != shift.region:
            return f"the shift is on site in {shift.region} and they are based elsewhere"
        return f"they hold no licence for region {shift.region} on {ctx.date(shift.day)}"
    if shift.day in reader.fixed_days_off:
        return "it is their fixed day off"
    for entry in reader.availability:
        if entry.kind.is_hard and entry_matches(entry, shift):
            state = "on leave" if entry.kind == AvailabilityKind.LEAVE else "unavailable"
            return f"they are {state} that day"
    others = [p for p in problem.pins if p.radiologist == reader.id and p.day == shift.day]
    if any(p.shift_id is None for p in others):
        return "they are also pinned off that day"
    return "another pin holds them that day"
