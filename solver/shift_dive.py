"""A roster from the column-generation LP by diving on single shifts, pricing again at every step.

The master LP (solver.column_bound) gives each reader a mix of schedules; summed, the mix says how
much of each shift the reader works (between 0 and 1). A step takes the surest choices: the
shifts the LP already nearly gives a reader (a share of at least ``SURE``), then each other
reader's largest share, and makes the readers work them: the master keeps only the schedules that
do, and pricing looks only for such schedules (solver.column_bound's ``forced``). Pricing then
runs a few rounds, so the LP stays close to the best mix agreeing with every choice so far. How
many choices a step makes adapts: halved while together they raise the LP too much, grown after a
step that held. A single choice that still raises it too much is weighed against its other
branch, the reader never working that shift, and the branch raising the LP less is taken. Past
half its time, a dive allows larger rises, the more so the nearer its deadline. Every
step's roster of each reader's heaviest schedule is a candidate; the dive
ends when the LP's mix is a roster, or at the deadline (solver.column_phase then keeps the shifts
the LP has decided and searches the rest).

Fixing one shift is a far smaller step than fixing a reader's whole schedule (solver.column_dive):
the others, and the reader's own other days, still adapt. It needs cheap pricing, which the
schedule program gives (solver.schedule_dp).
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from solver.column_bound import ColumnGeneration, reader_shares
from solver.column_master import ARTIFICIAL_COST
from solver.column_roster import ChosenRoster, choose_schedules
from solver.problem import Problem
from solver.roster import Roster

Schedules = dict[str, frozenset[str]]
# (forced, forbidden): the shifts each reader must work, and those they may not
Choices = tuple[dict[str, set[str]], dict[str, set[str]]]


class _HasShifts(Protocol):
    @property
    def shifts(self) -> frozenset[str]: ...


# a reader's share of a shift from which the shift is theirs without a choice being made
SURE = 0.9
# a reader's schedule weight from which it is the reader's own (the LP's mix is integral there)
INTEGRAL = 1 - 1e-6
# without sure shifts, a step makes one choice for each of this share of the readers
CHOICE_SHARE = 0.5
# a step raising the LP by more than this share of its value (or one unit) is undone, and the
# surer half of its choices tried instead. Loose enough for a quick first roster: re-dives from its
# windows (solver.redive) repair what the haste cost (Curtois-Qu 15, seed 0: 0.2 %, a dive to
# 4,145 and re-dives to 4,042 by 240 s; 0.6 %, a dive to 4,245 in 107 s and re-dives to 3,846)
STEP_RISE = 0.006
# Past this share of its time, a dive allows larger rises, growing as its deadline nears (twice the
# rise with a quarter of the time left, at most ``MAX_HASTE`` times): a dive that runs out of time
# leaves its undecided shifts to a short search, which does worse than a hastier dive that ends
# with a roster and re-dives from it (Curtois-Qu 19 in 120 s, seed 0: 3,263 out of time, 3,159
# with haste, the dive complete at 67 s)
HASTE_FROM, MAX_HASTE = 0.5, 10.0
# a step's choices after one whose choices all held: this many times as many
BATCH_GROWTH = 1.5
# pricing rounds after a step, at most (fewer once no reader has a better schedule)
ROUNDS_PER_STEP = 2

# a reader's share of a shift within this of 1 (or 0) in the LP where a dive stopped: the shift is
# decided, worked (or not), and a search settles the rest (Curtois-Qu 19: 3,257-3,761 in 45 s,
# against 4,414 keeping only the readers the LP gave one schedule)
DECIDED = 0.01


@dataclass(frozen=True)
class ShiftDive:
    best: Schedules | None  # the best roster of heaviest schedules seen, by ``score``
    best_score: float
    complete: bool  # the dive ended at an LP whose mix is a roster (not out of time)
    lp_value: float  # the master's value at the end
    steps: int
    forced: int  # (reader, shift) choices made
    # readers the LP gives one schedule at the end, and each reader's heaviest schedule then
    settled: Schedules
    heaviest: Schedules
    # each reader's share of each shift in the LP's mix at the end (forced shifts have 1)
    shares: dict[str, dict[str, float]]
    # the (forced, forbidden) choices the dive ended with, per reader
    choices: Choices = ({}, {})


def shift_dive(
    generation: ColumnGeneration,
    deadline: float,
    score: Callable[[Schedules], float],
    *,
    start: Choices | None = None,
) -> ShiftDive:
    """Dive until ``deadline``; ``score`` rates each step's roster of heaviest schedules (lower is
    better, the problem's objective). ``start``: the (forced, forbidden) choices to dive on from,
    another dive's, minus those freed again (solver.redive)."""
    master, pool, search = generation.master, generation.pool, generation.search
    search.deadline = deadline
    search.heuristic = True  # the dive wants columns quickly; the bound is priced after it
    forced: dict[str, set[str]] = defaultdict(set)
    forbidden: dict[str, set[str]] = defaultdict(set)
    if start is not None:
        for target, source in zip((forced, forbidden), start, strict=True):
            for reader, shifts in source.items():
                target[reader] |= shifts
        restrict(generation, forced, forbidden)
    steps = 0
    value = reprice(generation)
    best: Schedules | None = None
    best_score = float("inf")
    complete = False
    batch: int | None = None  # choices per step: halved while they cost too much, else grown
    began = time.perf_counter()
    while value is not None and value < ARTIFICIAL_COST and time.perf_counter() < deadline:
        heaviest, shares = _mix(master.weights(), pool.columns, forced)
        candidate = score(heaviest)
        if candidate < best_score:
            best, best_score = heaviest, candidate
        if not shares:  # every reader on one schedule: the LP's mix is a roster
            complete = True
            break
        ranked = _choices(shares)
        if batch is None:
            sure = sum(1 for share, _, _ in shares if share >= SURE)
            batch = max(sure, round(CHOICE_SHARE * len(heaviest)), 1)
        chosen = ranked[:batch]
        rise = max(1.0, STEP_RISE * abs(value) * haste(began, deadline, time.perf_counter()))
        while True:
            _force(generation, forced, forbidden, chosen, add=True)
            after = reprice(generation)
            # out of time (None): no halving, each a master solve, only the end
            if after is None or after <= value + rise:
                break
            if len(chosen) == 1:
                after = _other_branch(generation, forced, forbidden, chosen[0], after)
                break
            # together the choices cost too much: undo them and try the surer half
            _force(generation, forced, forbidden, chosen, add=False)
            chosen = chosen[: len(chosen) // 2]
        batch = len(chosen) if len(chosen) < batch else math.ceil(batch * BATCH_GROWTH)
        value = after
        steps += 1
    search.forced, search.forbidden = {}, {}
    search.heuristic = False
    choices: Choices = (
        {r: set(s) for r, s in forced.items()},
        {r: set(s) for r, s in forbidden.items()},
    )
    lp_value = value if value is not None else float("inf")
    forced_count = sum(len(s) for s in forced.values())
    weights = master.weights()
    heaviest, shares = _mix(weights, pool.columns, forced)
    mixed = {reader for _, reader, _ in shares}
    settled = {reader: s for reader, s in heaviest.items() if reader not in mixed}
    return ShiftDive(
        best,
        best_score,
        complete,
        lp_value,
        steps,
        forced_count,
        settled,
        heaviest,
        {reader: _reader_shares(w, pool.columns[reader]) for reader, w in weights.items()},
        choices,
    )


def haste(began: float, deadline: float, now: float) -> float:
    """How many times ``STEP_RISE`` a step may raise the LP at ``now``: 1 in the first
    ``HASTE_FROM`` of the time from ``began`` to ``deadline``, then inversely to the time left."""
    if deadline <= began:
        return MAX_HASTE
    left = max(deadline - now, 0.0) / (deadline - began)
    if left >= 1 - HASTE_FROM:
        return 1.0
    return min(MAX_HASTE, (1 - HASTE_FROM) / max(left, 1e-9))


def restrict(
    generation: ColumnGeneration,
    forced: dict[str, set[str]],
    forbidden: dict[str, set[str]],
    readers: Collection[str] | None = None,
) -> None:
    """Pricing keeps to ``forced`` and ``forbidden``, and the master keeps only the schedules that
    work every forced shift and no forbidden one, for ``readers`` (all when None: the others'
    choices are unchanged)."""
    search, master, columns = generation.search, generation.master, generation.pool.columns
    search.forced = {reader: frozenset(shifts) for reader, shifts in forced.items()}
    search.forbidden = {reader: frozenset(shifts) for reader, shifts in forbidden.items()}
    search.priced_at = None  # prices proven before no longer hold
    for reader in columns if readers is None else readers:
        keep = {i for i, c in enumerate(columns[reader]) if search.keeps(reader, c.shifts)}
        master.allow_only(reader, keep)


def _other_branch(
    generation: ColumnGeneration,
    forced: dict[str, set[str]],
    forbidden: dict[str, set[str]],
    choice: tuple[str, str],
    forcing_value: float,
) -> float | None:
    """The reader forbidden the shift instead of forced to it when that raises the LP less
    (else forced again); the LP's value after, None when time ran out."""
    _force(generation, forced, forbidden, [choice], add=False)
    _force(generation, forced, forbidden, [choice], add=True, forbid=True)
    forbidding_value = reprice(generation)
    if forbidding_value is None or forbidding_value <= forcing_value:
        return forbidding_value
    _force(generation, forced, forbidden, [choice], add=False, forbid=True)
    _force(generation, forced, forbidden, [choice], add=True)
    return reprice(generation)


def _force(
    generation: ColumnGeneration,
    forced: dict[str, set[str]],
    forbidden: dict[str, set[str]],
    chosen: list[tuple[str, str]],
    *,
    add: bool,
    forbid: bool = False,
) -> None:
    """Make (or, ``add`` false, stop making) each reader work their chosen shifts, or with
    ``forbid`` not work them (``restrict``)."""
    changed = forbidden if forbid else forced
    for reader, shift_id in chosen:
        if add:
            changed[reader].add(shift_id)
        else:
            changed[reader].discard(shift_id)
    restrict(generation, forced, forbidden, {reader for reader, _ in chosen})


def reprice(generation: ColumnGeneration) -> float | None:
    """Up to ``ROUNDS_PER_STEP`` rounds of pricing at the master's duals; the master's value
    after, None when time ran out."""
    master, search, coupling = generation.master, generation.search, generation.coupling
    if time.perf_counter() >= search.deadline:
        return None
    for _ in range(ROUNDS_PER_STEP):
        _, duals, convexity = master.solve()
        signed = coupling.signed(duals)
        priced = search.price_round(signed, signed, convexity)
        if priced is None:
            return None
        if priced.infeasible or priced.added == 0:
            break
    return master.solve()[0]


def _mix(
    weights: dict[str, list[float]],
    columns: Mapping[str, Sequence[_HasShifts]],
    forced: Mapping[str, set[str]],
) -> tuple[Schedules, list[tuple[float, str, str]]]:
    """Each reader's heaviest schedule, and (share, reader, shift) for the shifts of readers the
    LP still mixes, not yet forced."""
    heaviest: Schedules = {}
    shares: list[tuple[float, str, str]] = []
    for reader, reader_weights in weights.items():
        if not reader_weights:
            continue
        best = max(range(len(reader_weights)), key=reader_weights.__getitem__)
        heaviest[reader] = columns[reader][best].shifts
        if reader_weights[best] >= INTEGRAL:
            continue
        done = forced.get(reader, set())
        share = _reader_shares(reader_weights, columns[reader])
        shares += [(w, reader, s) for s, w in share.items() if s not in done]
    return heaviest, shares


def _reader_shares(weights: Sequence[float], columns: Sequence[_HasShifts]) -> dict[str, float]:
    return reader_shares(weights, [column.shifts for column in columns])


def _choices(shares: list[tuple[float, str, str]]) -> list[tuple[str, str]]:
    """The choices a step may make, surest first: every sure share, then each other reader's
    largest share (two unsure shifts of one reader may not go together)."""
    shares = sorted(shares, reverse=True)
    chosen = [(reader, s) for w, reader, s in shares if w >= SURE]
    taken = {reader for reader, _ in chosen}
    for w, reader, shift_id in shares:
        if w < SURE and reader not in taken:
            taken.add(reader)
            chosen.append((reader, shift_id))
    return chosen


def decided_shifts(
    problem: Problem, shares: dict[str, dict[str, float]]
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(reader, shift) pairs the LP's mix works (share at least 1 - ``DECIDED``), and those it
    leaves (at most ``DECIDED``)."""
    working: list[tuple[str, str]] = []
    idle: list[tuple[str, str]] = []
    for reader, of_shift in shares.items():
        for shift in problem.shifts:
            share = of_shift.get(shift.id, 0.0)
            if share >= 1 - DECIDED:
                working.append((reader, shift.id))
            elif share <= DECIDED:
                idle.append((reader, shift.id))
    return working, idle


def search_undecided(
    problem: Problem, dived: ShiftDive, seconds: float, *, workers: int = 2, seed: int = 0
) -> ChosenRoster | None:
    """The best roster CP-SAT finds in ``seconds`` working every shift the dive's LP has decided
    and none it has left (``decided_shifts``), from each reader's heaviest schedule; None when it
    finds none or there is no time."""
    if seconds <= 0:
        return None
    working, idle = decided_shifts(problem, dived.shares)
    hint = Roster.from_schedules(dived.heaviest)
    return choose_schedules(
        problem, {}, seconds, workers=workers, seed=seed, hint=hint, working=working, idle=idle
    )
