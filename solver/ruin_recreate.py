"""Ruin and recreate over best responses: a few readers who could read where demand goes unread
lose their schedules, then each in random order takes their best response to the rest (solver.
reading_response). Kept when the objective, tracked exactly, is no worse.

A sweep moves one reader at a time and stops where no reader alone can do better; rebuilding
several at once lets one hand a weekend to another and take the weekday they leave. A rebuild of
a dozen readers costs tens of milliseconds, against seconds for a part searched by CP-SAT.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

from solver.reading_response import Improved, ReadingResponses, ResponseState
from solver.roster import Roster

FEWEST, MOST = 3, 20  # readers rebuilt at once
REFRESH = 25  # rebuilds between two reads of where demand goes unread


@dataclass(frozen=True)
class Rebuilt:
    roster: Roster
    tried: int
    gained: float  # the objective's fall, as tracked


def rebuild(
    responses: ReadingResponses, roster: Roster, rng: random.Random, deadline: float
) -> Rebuilt:
    """Rebuilds until ``deadline``, from the best split of each shift's reading; the roster they
    leave (never worse, as tracked)."""
    start = responses.split(roster)
    state = ResponseState(responses, start)
    may_work = responses.may_work()
    tried = 0
    gained = 0.0  # the fall from ``roster``, the split's own gain included
    if start is not roster:
        gained = ResponseState(responses, roster).objective() - state.objective()
    short: list[tuple[str, str]] = []
    weights: list[int] = []
    while time.perf_counter() < deadline:
        if tried % REFRESH == 0:
            short, weights = _short(responses, state)
            if not short:
                break
        _, shift_id = rng.choices(short, weights=weights)[0]
        able = may_work.get(shift_id, [])
        if not able:
            continue
        chosen = rng.sample(able, min(len(able), rng.randint(FEWEST, MOST)))
        gained -= state.rebuild(chosen, rng)
        tried += 1
    return Rebuilt(state.roster(), tried, gained)


def improve_by_rebuilds(
    responses: ReadingResponses, roster: Roster, objective: int, rng: random.Random, deadline: float
) -> Improved | None:
    """Rebuilds until ``deadline``, their roster kept when, validated, it breaks no rule and
    scores below ``objective``."""
    done = rebuild(responses, roster, rng, deadline)
    return responses.kept_if_better(done.roster, objective, done.tried) if done.gained > 0 else None


def _short(
    responses: ReadingResponses, state: ResponseState
) -> tuple[list[tuple[str, str]], list[int]]:
    """(pool, shift) pairs whose demand goes unread, with their weighted shortfall."""
    keys, weights = [], []
    for key, demand in responses.demand.items():
        missing = demand.units - state.given[key]
        if missing > 0 and demand.weight_under > 0:
            keys.append(key)
            weights.append(missing * demand.weight_under)
    return keys, weights
