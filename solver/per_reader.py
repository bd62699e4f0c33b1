"""A first roster built reader by reader, for problems where no hard rule couples readers.

When every hard rule is a reader's own (days off, runs, minutes, successions...), the readers'
rosters can be chosen one at a time: each reader is solved alone, as the whole problem with just
that reader, the headcount cover reduced by what the readers before already staff. The union is a
valid roster of the whole problem, usually far from optimal but found quickly where the monolithic
model finds nothing (solver.lns improves it). Reading demand is left out of the one-reader parts;
the full model allocates reading units afterwards.
"""

from __future__ import annotations

import dataclasses
import time
from collections import Counter
from collections.abc import Callable

from solver.options import SolveOptions
from solver.problem import HeadcountCover, Problem, Radiologist
from solver.roster import Assignment, Progress, Roster, SolveStatus

MIN_READER_SECONDS = 1.0


def readers_coupled_by_hard_rules(problem: Problem) -> bool:
    """Hard minimum cover is the one hard rule that ties readers together."""
    return any(cover.hard and cover.required > 0 for cover in problem.headcount_cover)


def per_reader_roster(
    problem: Problem,
    seconds: float,
    *,
    workers: int = 1,
    should_stop: Callable[[], bool] | None = None,
    overrun_seconds: float | None = None,
) -> Roster | None:
    """Each reader solved alone in turn, sharing ``seconds``; None if one of them has no roster
    in time (or a stop was asked). A reader is never given less than ``MIN_READER_SECONDS``, so
    the whole may overrun ``seconds``, but never ``overrun_seconds``."""
    from solver.solve import solve  # solver.solve imports this module through solver.lns

    deadline = time.perf_counter() + seconds
    last_moment = time.perf_counter() + max(seconds, overrun_seconds or seconds)
    staffed: Counter[str] = Counter()
    assignments: list[Assignment] = []
    readers = problem.radiologists
    for position, reader in enumerate(readers):
        if should_stop is not None and should_stop():
            return None
        alone = dataclasses.replace(
            one_reader_problem(problem, reader),
            headcount_cover=_still_needed(problem.headcount_cover, staffed),
        )
        # an even share of what is left, but never starved; a reader with no roster in that
        # time gets half of all the time there is before the whole attempt is given up, and
        # stops at their first roster then (a 150-nurse year: readers whose first schedule came
        # after their 1.1 s spent their retries' minutes improving it, and no roster came in 600 s)
        left = deadline - time.perf_counter()
        share = max(left / (len(readers) - position), MIN_READER_SECONDS)
        for attempt in (share, max(share, (last_moment - time.perf_counter()) / 2)):
            attempt = min(attempt, last_moment - time.perf_counter())
            if attempt <= 0:
                return None
            # no best-response sweeps after a reader's search: where the schedule program models
            # the reader, the search has priced the same cover; where it does not (Curtois-Qu 23,
            # 32-shift years), building it to find so took 0.5 s of each reader's 1.1-2 s
            options = SolveOptions(
                max_time_in_seconds=attempt, num_workers=workers, lns=False, sweeps=False
            )
            result = solve(alone, options, *_first_after(share, should_stop))
            if result.status.has_roster or result.status == SolveStatus.INFEASIBLE:
                break
        if not result.status.has_roster:
            return None
        assignments.extend(result.roster.assignments)
        staffed.update(a.shift_id for a in result.roster.assignments)
    return Roster(assignments=tuple(sorted(assignments)))


def _first_after(
    seconds: float, should_stop: Callable[[], bool] | None
) -> tuple[Callable[[Progress], None], Callable[[], bool]]:
    """A progress handler and a stop check for one reader's solve: it stops once it has a
    roster and ``seconds`` have passed (or when ``should_stop`` says so)."""
    ends = time.perf_counter() + seconds
    found = False

    def heard(_: Progress) -> None:
        nonlocal found
        found = True

    def enough() -> bool:
        if should_stop is not None and should_stop():
            return True
        return found and time.perf_counter() >= ends

    return heard, enough


def one_reader_problem(problem: Problem, reader: Radiologist) -> Problem:
    """``problem`` with ``reader`` alone and no cross-reader term: the reader's own rules and
    penalties only (solver.column_pricing prices it; per_reader_roster adds the open cover)."""
    return dataclasses.replace(
        problem,
        radiologists=(reader,),
        headcount_cover=(),
        reading_demand=(),
        pins=tuple(pin for pin in problem.pins if pin.radiologist == reader.id),
        reference=frozenset(pair for pair in problem.reference if pair[0] == reader.id),
        weights=dataclasses.replace(
            problem.weights, fairness_nights=0, fairness_weekends=0, fairness_on_call=0
        ),
    )


def _still_needed(
    covers: tuple[HeadcountCover, ...], staffed: Counter[str]
) -> tuple[HeadcountCover, ...]:
    """Cover left for the next reader: shortfall and excess are then priced exactly at the
    margin (a requirement already met leaves 0, so any further reader is excess)."""
    return tuple(
        dataclasses.replace(cover, required=max(0, cover.required - staffed[cover.shift_id]))
        for cover in covers
    )
