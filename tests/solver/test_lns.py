"""Large-neighbourhood search: valid rosters scored as the validator scores them, never worse than
the start, within the time limit, cancellable, with pluggable neighbourhoods."""

import random
import time
from collections import Counter
from collections.abc import Collection

import pytest
from factories import avoid, cover, prefer, problem, reader, rules, shifts

from solver.lns import (
    DEFAULT_NEIGHBOURHOODS,
    MAX_PACE,
    MIN_PACE,
    Cell,
    LnsView,
    _adapt,
    _Kind,
    _pick,
    _stall_watch,
    cover_gap_readers,
    next_pace,
    solve_lns,
    whole_model,
    window_cells,
)
from solver.options import SolveOptions
from solver.per_reader import _first_after, per_reader_roster, readers_coupled_by_hard_rules
from solver.problem import HeadcountCover, Problem
from solver.roster import Assignment, Progress, Roster, SolveResult, SolveStatus
from solver.search_progress import Recorder
from solver.solve import solve
from solver.validate import validate

DAYS = 14


def _ward() -> Problem:
    """Six readers, two shifts a day for two weeks, soft cover and per-reader rules only."""
    shift_list = shifts(DAYS, "D", "E")
    readers = [
        reader(
            f"r{i}",
            availability=(prefer(i, weight=3, template="D"), avoid(i + 5, weight=2)),
            rules=rules(
                max_consecutive_days=4,
                min_consecutive_days=2,
                min_consecutive_days_off=2,
                max_total_minutes=8 * 480,
            ),
        )
        for i in range(6)
    ]
    return problem(
        shift_list,
        readers,
        headcount_cover=cover(*(s.id for s in shift_list), required=2, weight_over=1),
        forbidden_successions=frozenset({("E", "D")}),
    )


WARD = _ward()


def _valid(result: SolveResult, problem_: Problem = WARD) -> int:
    """The roster breaks no rule and the solver's objective is the validator's, term by term."""
    assert result.status.has_roster
    report = validate(problem_, result.roster)
    assert report.messages() == []
    assert result.objective == report.objective
    assert {k: v for k, v in result.breakdown.items() if v} == {
        k: v for k, v in report.breakdown.items() if v
    }
    assert result.progress[-1].objective == result.objective
    assert result.best_bound is not None and result.best_bound <= result.objective
    return report.objective


def _options(seconds: float = 3.0, **overrides: object) -> SolveOptions:
    settings: dict[str, object] = {"num_workers": 2, "lns_seconds_per_step": 0.3, **overrides}
    return SolveOptions(max_time_in_seconds=seconds, **settings)  # type: ignore[arg-type]


def test_lns_returns_a_valid_roster_scored_like_the_validator():
    heard: list[Progress] = []
    result = solve_lns(WARD, _options(), on_progress=heard.append)
    _valid(result)
    assert heard == list(result.progress)
    objectives = [p.objective for p in heard]
    assert objectives == sorted(objectives, reverse=True)


def test_solve_hands_over_to_lns_when_options_ask():
    result = solve(WARD, _options(lns=True))
    _valid(result)


def test_lns_is_never_worse_than_its_start():
    # everybody works the first two days only: valid (runs touching the start are exempt), poor
    start = Roster(
        assignments=tuple(
            Assignment(r.id, f"D{day}") for r in WARD.radiologists[:4] for day in (0, 1)
        )
    )
    start_objective = validate(WARD, start).objective
    assert validate(WARD, start).messages() == []
    result = solve_lns(WARD, _options(2.0), start=start)
    assert _valid(result) <= start_objective
    assert result.progress[0].objective == start_objective


@pytest.mark.alone  # wall time: no other test may share the cores (pytest -n)
def test_lns_honours_the_time_limit():
    started = time.perf_counter()
    result = solve_lns(WARD, _options(1.5))
    assert time.perf_counter() - started < 1.5 + 2.0  # model building and read-back on top
    _valid(result)


def test_a_stop_request_ends_lns_with_the_best_roster_so_far():
    heard: list[Progress] = []
    started = time.perf_counter()
    result = solve_lns(
        WARD, _options(60.0), on_progress=heard.append, should_stop=lambda: bool(heard)
    )
    assert time.perf_counter() - started < 10
    assert result.status == SolveStatus.FEASIBLE
    assert result.objective == heard[-1].objective
    _valid(result)


def test_a_plugged_in_neighbourhood_is_used_and_bounds_what_changes():
    asked: list[float] = []
    start = Roster()  # nobody works: every minimum-run rule holds trivially

    def first_reader_only(view: LnsView) -> Collection[Cell]:
        asked.append(view.size)
        assert view.problem is WARD
        return window_cells(view, ["r0"])

    result = solve_lns(
        WARD,
        _options(1.5),
        start=start,
        neighbourhoods={"first": first_reader_only},
        monolithic_share=0.0,
    )
    _valid(result)
    assert asked
    assert result.roster.assignments  # r0 took shifts: uncovered shifts cost 100 each
    assert {a.radiologist for a in result.roster.assignments} == {"r0"}
    assert result.objective < validate(WARD, start).objective


def test_default_neighbourhoods_free_known_cells_of_the_requested_size():
    roster = Roster()
    for name, neighbourhood in DEFAULT_NEIGHBOURHOODS.items():
        view = LnsView(WARD, roster, 0.25, random.Random(3))
        cells = set(neighbourhood(view))
        assert cells, name
        readers = {r.id for r in WARD.radiologists}
        assert all(r in readers and 0 <= d < DAYS for r, d in cells), name
        if neighbourhood is whole_model:
            assert len(cells) == len(readers) * DAYS
        else:
            assert len(cells) < len(readers) * DAYS, name


def test_gap_readers_are_those_able_to_take_a_short_shift_over_the_whole_horizon():
    shift_list = shifts(DAYS, "D", "E")
    able = reader("able")
    off_that_day = reader("off", fixed_days_off=frozenset({3}))
    unqualified = reader("no E", rules=rules(max_shifts_per_template={"E": 0}))
    ward = problem(
        shift_list,
        [able, off_that_day, unqualified, reader("other able")],
        headcount_cover=cover("E3", required=1),  # short in an empty roster
    )
    for seed in range(5):
        cells = set(cover_gap_readers(LnsView(ward, Roster(), 0.5, random.Random(seed))))
        assert {r for r, _ in cells} == {"able", "other able"}
        assert cells == {(r, d) for r in ("able", "other able") for d in range(DAYS)}
    # met cover: random readers instead
    staffed = Roster((Assignment("able", "E3"),))
    cells = set(cover_gap_readers(LnsView(ward, staffed, 0.5, random.Random(0))))
    assert len({r for r, _ in cells}) == 2


def test_the_whole_model_kind_alone_improves_and_bounds():
    start = Roster()
    result = solve_lns(
        WARD,
        _options(3.0),
        start=start,
        neighbourhoods={"whole": whole_model},
        monolithic_share=0.0,
    )
    assert _valid(result) < validate(WARD, start).objective
    # only a full search gives a bound: the parts' bounds hold for their part only
    assert result.best_bound is not None and result.best_bound > 0


def test_kinds_are_each_tried_then_drawn_by_gain_per_second():
    rng = random.Random(1)
    kinds = [_Kind(name, whole_model, size=0.05) for name in ("fast", "slow", "idle")]
    tried = []
    for _ in kinds:
        picked = _pick(kinds, rng)
        tried.append(picked.name)
        picked.tries += 1
        gain = {"fast": 100, "slow": 100, "idle": 0}[picked.name]
        _adapt(picked, SolveStatus.OPTIMAL, gain, 0.5 if picked.name == "fast" else 5.0)
    assert tried == ["fast", "slow", "idle"]
    assert kinds[0].score > kinds[1].score > kinds[2].score == 0
    assert kinds[0].size > 0.05  # solved to optimality: a larger part next time
    drawn = Counter(_pick(kinds, rng).name for _ in range(2_000))
    assert drawn["fast"] > drawn["slow"] > 0
    assert drawn["idle"] > 0  # never starved


def test_steps_get_shorter_while_they_gain_and_longer_when_they_do_not():
    assert next_pace(1.0, gained=True) < 1.0 < next_pace(1.0, gained=False)
    pace = 1.0
    for _ in range(100):
        pace = next_pace(pace, gained=True)
    assert pace == MIN_PACE
    for _ in range(100):
        pace = next_pace(pace, gained=False)
    assert pace == MAX_PACE
    # it settles where about 37 % of steps gain: half gaining shortens, a quarter lengthens
    half, quarter = 1.0, 1.0
    for step in range(20):
        half = next_pace(half, gained=step % 2 == 0)
        quarter = next_pace(quarter, gained=step % 4 == 0)
    assert half < 1.0 < quarter


def test_per_reader_roster_is_valid_and_prices_cover_at_the_margin():
    assert not readers_coupled_by_hard_rules(WARD)
    roster = per_reader_roster(WARD, 6.0, workers=1)
    assert roster is not None
    report = validate(WARD, roster)
    assert report.messages() == []
    assert report.objective < validate(WARD, Roster()).objective
    staffed = [sum(1 for a in roster.assignments if a.shift_id == s.id) for s in WARD.shifts]
    # a place already filled makes the next reader pay excess, an open one saves 100: no doubling
    assert max(staffed) <= 2


def test_a_reader_solved_alone_stops_at_a_roster_once_their_share_has_passed():
    heard, enough = _first_after(0.05, None)
    assert not enough()  # no roster yet
    time.sleep(0.06)
    assert not enough()  # the share has passed, still no roster: search on
    heard(Progress(objective=10, best_bound=0, elapsed_seconds=0.06))
    assert enough()
    heard, enough = _first_after(60.0, None)
    heard(Progress(objective=10, best_bound=0, elapsed_seconds=0.0))
    assert not enough()  # a roster within the share: the share is the reader's to improve it
    _, enough = _first_after(60.0, lambda: True)
    assert enough()  # a stop asked of the whole search


class _StopRecorder:
    """Stands in for a CpSolver: notes that the search was asked to stop."""

    def __init__(self) -> None:
        self.stopped = False

    def stop_search(self) -> None:
        self.stopped = True


def test_the_monolithic_search_stops_when_it_stalls_not_while_it_gains():
    for gaining in (True, False):
        recorder = Recorder(time.perf_counter(), None, None)
        recorder.found(1_000, 0)
        solver = _StopRecorder()
        with _stall_watch(solver, recorder, patience=0.3):  # type: ignore[arg-type]
            for step in range(1, 9):
                time.sleep(0.1)
                if gaining:  # 5 % a step: far above the stall threshold
                    recorder.found(1_000 * 0.95**step, 0)
        assert solver.stopped is not gaining


def test_hard_cover_couples_readers():
    coupled = problem(
        shifts(2), [reader("a"), reader("b")], headcount_cover=(HeadcountCover("D0", 1, hard=True),)
    )
    assert readers_coupled_by_hard_rules(coupled)
