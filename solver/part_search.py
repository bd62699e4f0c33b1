"""Search over parts: improve a national roster by re-solving one part at a time as a problem of
its own (issue 3).

solver.lns frees cells of the whole model, so each of its steps loads and presolves the whole
model; at 1,000 readers no step finishes. Here a step costs in proportion to the part it frees: the
part becomes a small Problem (solver.subproblem.restrict: the free readers only, covers reduced by
what the others give), searched from the part's current roster (solver.part_solve), merged back,
and accepted when the whole roster breaks no hard rule and its objective, recomputed by
solver.validate, is no worse. Only a part whose own objective improved is merged and validated:
the rest of the whole objective is a constant of the part, fairness apart.

Parts (``PART_KINDS``) follow the teleradiology structure of solver.region_facts:

* ``region``: readers licensed in one region, whole horizon (sampled to fit);
* ``region pair``: readers of two regions that share licensed readers (they carry capacity between
  them);
* ``shortfall``: readers of the region and days where the roster leaves most demand unread,
  drawn in proportion to the weighted shortfall;
* ``half weekends``: readers of a region who work one day of a weekend whose other day leaves
  the region short, whole horizon;
* ``week``: any readers over a window of a little more than a week, so windows overlap;
* ``weekend``: every reader over the days of one weekend, drawn by the weighted units its days
  leave unread, searched for longer (``WEEKEND_STEP_SECONDS``). Weekends carry most of the
  national months' shortfall, and the other kinds free a few readers at a time: on a
  500-reader roster (124,650 after 300 s) four such parts of 20 s each gained 17,192, where 90 s
  of the other kinds gained 4,802 (RESULTS-solver.md, session 19).

A part that frees a window of days is cut to that window and a margin of pinned days
(``restrict(..., windowed=True)``, solver.horizon_window): a weekend part of 1,000 readers is a
model of about two weeks instead of the month.

Small parts searched briefly gain most per second: on the 500-reader month (load 6-9), parts of
about 1,500 reader-days searched 8 s each reached 384,000 at 107 s, parts of 700 for 4 s 374,000
at 104 s, parts of 400 for 2.5 s 369,000 at 72 s (one run each). Each part is sized to about
``size`` free reader-days: the whole horizon when the readers are few, else a window (at least
``MIN_WINDOW_DAYS``) and readers sampled to fit. The size grows when a part's search finishes
(proven optimal) and shrinks when it neither finishes nor improves. Kinds are picked in proportion
to their recent gain per second, none starved. A part's reader-shift decisions where its LP and
the current roster agree stay fixed (``guided``, solver.part_solve): its search spends its time
where they disagree.

The first roster is ``start`` when given, else the monolithic search's (solver.solve on the whole
problem, stopped once it has a roster and ``FIRST_SHARE`` of the time has passed). The reported
bound is that search's (at least 0: every penalty is >= 0); parts prove nothing of the whole.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import random
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from solver.checks import ensure_valid
from solver.options import SolveOptions
from solver.part_solve import search_from
from solver.problem import Problem
from solver.reading_response import Improved, ReadingResponses
from solver.region_facts import (
    half_weekend_shortfall,
    licensed_readers,
    linked_region_pairs,
    shortfall_by_region_day,
)
from solver.roster import Progress, Roster, SolveResult, SolveStatus
from solver.ruin_recreate import improve_by_rebuilds
from solver.search_progress import ProgressHandler, Recorder, StopCheck
from solver.solve import solve
from solver.subproblem import Part, merge, part_roster, restrict
from solver.validate import ValidationReport, validate

log = logging.getLogger(__name__)

FIRST_SHARE = 0.15  # of the time: the monolithic search's first roster (and its early gains)
FIRST_MARGIN = 0.2  # of the time, at most a step's: the whole model's build
STEP_SECONDS = 2.5  # search budget of one part (its model build comes on top)
MIN_STEP_SECONDS = 1.0  # a part given less than this is not worth building
MIN_WINDOW_DAYS = 9  # a little more than a week, so windows of the same readers overlap
START_SIZE = 400  # free reader-days: about 14 readers over 4 weeks
MIN_SIZE, MAX_SIZE = 200, 20_000
GROW, SHRINK = 1.25, 0.85
SCORE_MEMORY = 0.7  # weight of a kind's past gain rate against its latest step
SCORE_FLOOR = 0.05  # of the best kind's score: no kind is ever starved
# Every this many steps, a sweep re-plans every reader by best responses: the steps between leave
# readers new best responses (1,000 readers: one sweep after 40 steps gained 16,000, 2.8 %). The
# last step is a sweep too: one from the 300 s roster of 558,897 gained 4,100-4,500.
SWEEP_EVERY = 10
REBUILD = "rebuild"  # the step kind that rebuilds a few readers at a time (solver.ruin_recreate)
REBUILD_SECONDS = 5.0  # of rebuilds a step: whole-roster validation (1 s at 1,000 readers) is rarer
# A weekend part frees every reader: its search needs time to reach its gains (500 readers,
# unguided: a 5 s search of each weekend gained 1,187 in all, a 20 s one 17,192). Guided, 10 s
# searches gained a little more a second on two 500-reader rosters, but the 300 s bench at 1,000
# readers ended at 524,798 against 502,438 with 20 s (RESULTS-solver.md, session 20). A long step
# takes at most a tenth of the time.
WEEKEND_STEP_SECONDS = 20.0
# every reader over a week of a long horizon (solver.cover_parts): Curtois-Qu 23's weeks were
# settled, proven optimal, in 1-5 s
ALL_READERS_STEP_SECONDS = 5.0
LONG_STEP_SHARE = 0.1


@dataclass
class PartView:
    """What a part chooser sees: the problem, the current roster, the target size, a seeded
    random generator."""

    problem: Problem
    roster: Roster
    size: float
    rng: random.Random


PartChooser = Callable[[PartView], Part | None]


def region_part(view: PartView) -> Part | None:
    """Readers licensed in one random region, over the whole horizon: rules that count over the
    period (weekends worked, working time) move work between weeks only in such a part."""
    licensed = licensed_readers(view.problem)
    if not licensed:
        return None
    region = view.rng.choice(sorted(licensed))
    return sized_part(view, sorted(licensed[region]), length=view.problem.num_days)


def region_pair_part(view: PartView) -> Part | None:
    """Readers of two regions that share licensed readers, drawn by how many they share."""
    pairs = linked_region_pairs(view.problem)
    if not pairs:
        return region_part(view)
    first, second = view.rng.choices(list(pairs), weights=list(pairs.values()))[0]
    licensed = licensed_readers(view.problem)
    return sized_part(view, sorted(licensed[first] | licensed[second]))


def shortfall_part(view: PartView) -> Part | None:
    """Readers of a region where demand goes unread, over a window around such a day."""
    short = shortfall_by_region_day(view.problem, view.roster)
    if not short:
        return region_part(view)
    (region, day), _ = view.rng.choices(list(short.items()), weights=list(short.values()))[0]
    readers = sorted(licensed_readers(view.problem).get(region, frozenset()))
    return sized_part(view, readers, around=day)


def half_weekend_part(view: PartView) -> Part | None:
    """Readers of one region who work one day of a weekend whose other day leaves the region's
    demand unread, over the whole horizon (a weekday shift may have to go to make room). The
    500-reader month, after 90 s of parts, had 228 such half weekends while a fifth of its weekend
    demand went unread; 38 could take the other day at once, the rest were held by rest, days in a
    row or weekly hours that moving other shifts frees."""
    found = half_weekend_shortfall(view.problem, view.roster)
    if not found:
        return region_part(view)
    pairs = sorted(found)
    _, region = view.rng.choices(pairs, weights=[found[pair] for pair in pairs])[0]
    readers = [reader for reader, its_region in pairs if its_region == region]
    return sized_part(view, readers, length=view.problem.num_days)


def week_part(view: PartView) -> Part | None:
    """Any readers over a window of about ``MIN_WINDOW_DAYS`` days."""
    ids = [reader.id for reader in view.problem.radiologists]
    days = min(view.problem.num_days, MIN_WINDOW_DAYS)
    return sized_part(view, ids, length=days)


def weekend_part(view: PartView) -> Part | None:
    """Every reader over the days of one weekend, drawn by the weighted units those days leave
    unread: who works which weekend shift, and reads which pool, settled for all readers at once
    (their other days fixed). None when no weekend day leaves demand unread."""
    problem = view.problem
    short: Counter[int] = Counter()
    for (_, day), units in shortfall_by_region_day(problem, view.roster).items():
        if problem.is_weekend(day):
            short[problem.weekend_index(day)] += units
    if not short:
        return None
    weekends = sorted(short)
    chosen = view.rng.choices(weekends, weights=[short[weekend] for weekend in weekends])[0]
    days = problem.weekends[chosen]
    return Part(frozenset(reader.id for reader in problem.radiologists), (days[0], days[-1]))


PART_KINDS: Mapping[str, PartChooser] = {
    "region": region_part,
    "region pair": region_pair_part,
    "shortfall": shortfall_part,
    "half weekends": half_weekend_part,
    "week": week_part,
    "weekend": weekend_part,
}
# kinds whose search is longer than ``STEP_SECONDS``
LONG_KINDS: Mapping[str, float] = {
    "weekend": WEEKEND_STEP_SECONDS,
    "all readers": ALL_READERS_STEP_SECONDS,
    "missed cover": ALL_READERS_STEP_SECONDS,
}


def sized_part(
    view: PartView,
    readers: Sequence[str],
    *,
    around: int | None = None,
    length: int | None = None,
) -> Part | None:
    """``readers`` cut to about ``view.size`` reader-days: the whole horizon if they fit, else a
    window of at least ``MIN_WINDOW_DAYS`` (around a day, or at random) and readers sampled."""
    if not readers:
        return None
    num_days = view.problem.num_days
    if length is None:
        length = round(view.size / len(readers))
    length = max(min(MIN_WINDOW_DAYS, num_days), min(num_days, length))
    most_readers = max(1, math.floor(view.size / length))
    chosen = list(readers)
    if len(chosen) > most_readers:
        chosen = view.rng.sample(chosen, most_readers)
    if length >= num_days:
        return Part(frozenset(chosen))
    if around is None:
        first = view.rng.randrange(num_days - length + 1)
    else:
        first = max(0, min(num_days - length, around - view.rng.randrange(length)))
    return Part(frozenset(chosen), (first, first + length - 1))


@dataclass
class _Kind:
    name: str
    choose: PartChooser
    score: float = math.inf  # gain per second lately; untried kinds go first
    size: float = START_SIZE
    seconds: float = STEP_SECONDS  # search budget of one of its parts


@dataclass
class _Current:
    roster: Roster
    report: ValidationReport

    @property
    def objective(self) -> int:
        return self.report.objective


@dataclass
class _Search:
    problem: Problem
    options: SolveOptions
    recorder: Recorder
    deadline: float
    rng: random.Random
    kinds: list[_Kind] = field(default_factory=list)
    bound: float = 0.0  # a valid lower bound on the whole objective
    overhead: float = 1.0  # seconds a step spends outside its search (build, merge, validate)
    steps: int = 0
    accepted: int = 0
    responses: ReadingResponses | None = None  # best responses, when the problem allows them
    swept_at: int = 0  # the step of the last sweep

    def remaining(self) -> float:
        return self.deadline - time.perf_counter()


def search_parts(
    problem: Problem,
    options: SolveOptions | None = None,
    on_progress: ProgressHandler | None = None,
    should_stop: StopCheck | None = None,
    *,
    start: Roster | None = None,
    kinds: Mapping[str, PartChooser] = PART_KINDS,
) -> SolveResult:
    """Improve a roster of ``problem`` part by part until ``options.max_time_in_seconds``.

    With ``options.sweeps``, the first roster is settled by best-response sweeps
    (solver.reading_response), rebuilds of a few readers (solver.ruin_recreate) join the part
    kinds, and a sweep comes every ``SWEEP_EVERY`` steps.

    ``start``, when given and breaking no hard rule, is the first roster (else the monolithic
    search finds one). Progress and stop as ``solver.solve``. Returns
    FEASIBLE with the best roster (the objective is solver.validate's), or what the first search
    returned when it found no roster.
    """
    options = options or SolveOptions()
    started = time.perf_counter()
    ensure_valid(problem)
    recorder = Recorder(started, on_progress, should_stop)
    search = _Search(
        problem,
        options,
        recorder,
        deadline=started + options.max_time_in_seconds,
        rng=random.Random(options.random_seed),
        kinds=[
            _Kind(name, choose, seconds=_step_seconds(name, options))
            for name, choose in kinds.items()
        ],
    )
    first = _first_roster(search, start)
    if isinstance(first, SolveResult):
        return first
    current = first
    recorder.found(current.objective, search.bound)
    if options.sweeps:
        current = _settle(search, current)
    while search.remaining() - search.overhead >= MIN_STEP_SECONDS and not recorder.poll_stop():
        current = _step(search, current)
    log.info("parts: %d steps, %d accepted", search.steps, search.accepted)
    return recorder.result(
        problem,
        SolveStatus.FEASIBLE,
        current.roster,
        current.objective,
        search.bound,
        current.report.breakdown,
    )


def _step_seconds(kind: str, options: SolveOptions) -> float:
    """The search budget of one part of ``kind``."""
    longer = LONG_KINDS.get(kind)
    if longer is None:
        return STEP_SECONDS
    return max(STEP_SECONDS, min(longer, LONG_STEP_SHARE * options.max_time_in_seconds))


def _first_roster(search: _Search, start: Roster | None) -> _Current | SolveResult:
    if start is not None:
        report = validate(search.problem, start)
        if report.ok:
            return _Current(start, report)
        log.info("the start roster breaks hard rules: %s", report.messages()[:3])
    result = _monolithic_first(search)
    if not result.status.has_roster:
        return result
    search.bound = max(0.0, result.best_bound or 0.0)
    return _Current(result.roster, validate(search.problem, result.roster))


def _monolithic_first(search: _Search) -> SolveResult:
    """The monolithic search, stopped once it has a roster and ``FIRST_SHARE`` of the time has
    passed: its first roster can take longer than that share on national problems (the warm start
    alone needs its full budget), and it improves fastest early on."""
    recorder = search.recorder
    share_ends = recorder.started + FIRST_SHARE * search.options.max_time_in_seconds
    has_roster = False

    def heard(step: Progress) -> None:
        nonlocal has_roster
        has_roster = True
        recorder.found(step.objective, step.best_bound)

    def enough() -> bool:
        return recorder.poll_stop() or (has_roster and time.perf_counter() >= share_ends)

    # a margin for its model build, which solve's limit excludes
    margin = min(STEP_SECONDS, FIRST_MARGIN * search.remaining())
    seconds = max(MIN_STEP_SECONDS, search.remaining() - margin)
    # the search settles the first roster by sweeps itself, its programs built once
    options = dataclasses.replace(
        search.options, max_time_in_seconds=seconds, lns=False, sweeps=False
    )
    return solve(search.problem, options, on_progress=heard, should_stop=enough)


def _settle(search: _Search, current: _Current) -> _Current:
    """Sweeps until one gains less than ``SETTLED`` of the objective; then rebuilds join the
    kinds. Building the readers' programs takes about 10 s at 1,000 readers."""
    search.responses = ReadingResponses.of(search.problem, deadline=search.deadline)
    if search.responses is None:
        return current
    settled = search.responses.settle(
        current.roster,
        current.objective,
        search.rng,
        search.deadline - search.overhead,
        search.recorder.poll_stop,
    )
    search.kinds.append(_Kind(REBUILD, lambda _: None))
    return _taken(search, current, settled, "settling sweeps")


def _rebuild(search: _Search, current: _Current) -> _Current:
    """Rebuilds of a few readers at a time, kept when the whole roster, validated, breaks no
    rule and is better."""
    assert search.responses is not None
    search.steps += 1
    seconds = min(REBUILD_SECONDS, search.remaining() - search.overhead)
    better = improve_by_rebuilds(
        search.responses,
        current.roster,
        current.objective,
        search.rng,
        time.perf_counter() + seconds,
    )
    return _taken(search, current, better, "rebuilds")


def _sweep(search: _Search, current: _Current) -> _Current:
    """Every reader given their best schedule against the others, accepted when the whole
    roster, validated, breaks no rule and is better."""
    assert search.responses is not None
    search.steps += 1
    search.swept_at = search.steps
    better = search.responses.improve(
        current.roster, current.objective, search.rng, search.deadline - search.overhead
    )
    return _taken(search, current, better, "sweep")


def _taken(search: _Search, current: _Current, better: Improved | None, what: str) -> _Current:
    """``better`` as the current roster (recorded), or ``current`` when there is none."""
    if better is None:
        return current
    log.debug("%s: %d moved: %d -> %d", what, better.moved, current.objective, better.objective)
    search.accepted += 1
    search.recorder.found(better.objective, search.bound)
    return _Current(better.roster, better.report)


def _step(search: _Search, current: _Current) -> _Current:
    """One part: restrict, solve, merge, validate; the better of the merged and current roster.
    A sweep instead every ``SWEEP_EVERY`` steps, and as the last step."""
    if search.responses is not None and search.steps > search.swept_at:
        last = search.remaining() - search.overhead < 2 * (STEP_SECONDS + search.overhead)
        if last or search.steps - search.swept_at >= SWEEP_EVERY:
            return _sweep(search, current)
    began = time.perf_counter()
    # a long part must leave time for the last sweep (two ordinary steps)
    left = search.remaining() - search.overhead - 2 * (STEP_SECONDS + search.overhead)
    kind = _pick([k for k in search.kinds if k.seconds <= max(left, STEP_SECONDS)], search.rng)
    if kind.name == REBUILD:
        better = _rebuild(search, current)
        gain = current.objective - better.objective
        _adapt(kind, SolveStatus.FEASIBLE, gain, time.perf_counter() - began)
        return better
    view = PartView(search.problem, current.roster, kind.size, search.rng)
    part = kind.choose(view)
    search.steps += 1
    if part is None:
        kind.score = 0.0
        return current
    seconds = min(kind.seconds, search.remaining() - search.overhead)
    if seconds < MIN_STEP_SECONDS:
        search.deadline = began  # no time left for a worthwhile step
        return current
    sub = restrict(search.problem, current.roster, part, windowed=True)
    outcome = search_from(
        sub,
        part_roster(current.roster, sub),
        seconds=seconds,
        workers=search.options.num_workers,
        seed=search.options.random_seed + search.steps,
        should_stop=search.recorder.should_stop,
        # searched where the start and the part's LP disagree: from one 500-reader roster, four
        # weekend steps gained 22,635 and 19,767 so against 12,051 and 12,335 (two seeds); 12
        # parts of each other kind gained more a second guided (region 186 against 157, week 50
        # against 4, half weekends 1,756 against 471)
        guided=True,
    )
    better = current
    report = None
    # the part's objective differs from the whole's by a constant, fairness apart: a part that
    # gained nothing is not worth validating the whole roster for (a second at 1,000 readers)
    if outcome.roster is not None and outcome.gain > 0:
        merged = merge(current.roster, sub, outcome.roster)
        report = validate(search.problem, merged)
        if report.ok and report.objective <= current.objective:
            better = _Current(merged, report)
            search.accepted += 1
            search.recorder.found(better.objective, search.bound)
    spent = time.perf_counter() - began
    log.debug(
        "part %s: %d readers, days %s, %s, search %.1f s of %.1f, step %.1f s: %d -> %s",
        kind.name,
        len(part.readers),
        part.days,
        outcome.status,
        outcome.seconds,
        seconds,
        spent,
        current.objective,
        report.objective if report is not None else "not merged (no gain for the part)",
    )
    search.overhead = max(0.5, spent - outcome.seconds)
    _adapt(kind, outcome.status, current.objective - better.objective, spent)
    return better


def _pick(kinds: list[_Kind], rng: random.Random) -> _Kind:
    untried = [kind for kind in kinds if kind.score == math.inf]
    if untried:
        return untried[0]
    best = max(kind.score for kind in kinds)
    floor = SCORE_FLOOR * best if best > 0 else 1.0
    weights = [max(kind.score, floor) for kind in kinds]
    return rng.choices(kinds, weights=weights)[0]


def _adapt(kind: _Kind, status: SolveStatus, gain: int, seconds: float) -> None:
    """Grow a kind's parts when their search finishes, shrink them when it neither finishes nor
    gains; remember its gain per second."""
    rate = gain / max(seconds, 1e-3)
    kind.score = (
        rate if kind.score == math.inf else SCORE_MEMORY * kind.score + (1 - SCORE_MEMORY) * rate
    )
    if status == SolveStatus.OPTIMAL:
        kind.size = min(MAX_SIZE, kind.size * GROW)
    elif gain <= 0:
        kind.size = max(MIN_SIZE, kind.size * SHRINK)
