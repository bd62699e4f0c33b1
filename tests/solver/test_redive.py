"""Diving again from windows of a dive's roster: never worse, valid, scored as the validator scores
it, and a dive from kept choices works every shift it was told to."""

from __future__ import annotations

import random
import time
from pathlib import Path

from scheduler.benchmarks.curtois import read_instance
from scheduler.benchmarks.mapping import to_problem
from solver import redive as redive_module
from solver.column_bound import ColumnGeneration
from solver.problem import Problem
from solver.redive import redive
from solver.roster import Roster
from solver.shift_dive import shift_dive
from solver.validate import validate

CURTOIS = Path(__file__).parents[1] / "fixtures" / "curtois"


def _instance1() -> tuple[Problem, ColumnGeneration]:
    p = to_problem(read_instance(CURTOIS / "Instance1.txt"))
    generation = ColumnGeneration(p)
    generation.run(time.perf_counter() + 20)
    return p, generation


def _scorer(p: Problem):
    def objective(schedules: dict[str, frozenset[str]]) -> float:
        return validate(p, Roster.from_schedules(schedules)).objective

    return objective


def _first_columns(generation: ColumnGeneration) -> dict[str, frozenset[str]]:
    """Each reader's first schedule in the master: the greedy start's, a poor roster."""
    return {reader: columns[0].shifts for reader, columns in generation.pool.columns.items()}


def test_redive_improves_a_poor_roster_and_its_result_validates():
    p, generation = _instance1()
    score = _scorer(p)
    start = _first_columns(generation)
    start_score = score(start)
    assert validate(p, Roster.from_schedules(start)).ok
    result = redive(
        p, generation, start, start_score, time.perf_counter() + 8, score, rng=random.Random(0)
    )
    assert result.tries >= 1 and result.dived >= 1 and result.improved >= 1
    assert result.best_score < start_score
    report = validate(p, Roster.from_schedules(result.best))
    assert report.messages() == []
    assert report.objective == result.best_score
    assert result.best_score >= 607  # Instance1's proven optimum


def test_redives_stop_after_windows_in_a_row_without_a_better_roster(monkeypatch):
    p, generation = _instance1()
    monkeypatch.setattr(redive_module, "STALL_TRIES", 3)
    start = _first_columns(generation)
    began = time.perf_counter()
    # a roster claimed far better than any: no window can give a better one
    result = redive(p, generation, start, -1e9, began + 60, _scorer(p), rng=random.Random(2))
    assert result.tries == 3 and result.improved == 0
    assert time.perf_counter() - began < 30


def test_redives_stop_at_a_roster_as_good_as_enough():
    p, generation = _instance1()
    start = _first_columns(generation)
    score = _scorer(p)
    result = redive(
        p,
        generation,
        start,
        score(start),
        time.perf_counter() + 30,
        score,
        rng=random.Random(3),
        enough=score(start),
    )
    assert result.tries == 0 and result.best == start


def test_a_window_whose_lp_leaves_no_room_is_not_dived(monkeypatch):
    p, generation = _instance1()
    score = _scorer(p)
    start = _first_columns(generation)
    dived_from: list[object] = []
    monkeypatch.setattr(
        redive_module, "shift_dive", lambda *args, **kwargs: dived_from.append(args)
    )
    # a roster claimed far better than any: no window's LP can promise better
    result = redive(
        p, generation, start, -1e9, time.perf_counter() + 3, score, rng=random.Random(1)
    )
    assert result.tries >= 1
    assert result.dived == 0 and result.improved == 0 and not dived_from
    assert result.best == start


def test_a_dive_from_kept_choices_works_every_kept_shift():
    p, generation = _instance1()
    start = _first_columns(generation)
    days = {shift.id: shift.day for shift in p.shifts}
    forced = {reader: {s for s in shifts if days[s] < 7} for reader, shifts in start.items()}
    dived = shift_dive(generation, time.perf_counter() + 20, _scorer(p), start=(forced, {}))
    assert dived.complete and dived.best is not None
    for reader, shifts in forced.items():
        assert shifts <= dived.best[reader], reader
        assert shifts <= dived.choices[0][reader]


def test_the_column_phase_dives_again_from_a_roster_above_its_lp(monkeypatch):
    from solver import column_phase
    from solver import shift_dive as shift_dive_module

    # a careless first dive (any rise allowed, every unsure choice at once): a roster above the LP
    monkeypatch.setattr(shift_dive_module, "STEP_RISE", 10.0)
    monkeypatch.setattr(shift_dive_module, "CHOICE_SHARE", 1.0)
    calls: list[tuple[float, float]] = []
    original = redive_module.redive

    def recorded(problem, generation, start, start_score, *args, **kwargs):
        result = original(problem, generation, start, start_score, *args, **kwargs)
        calls.append((start_score, result.best_score))
        return result

    monkeypatch.setattr(redive_module, "redive", recorded)
    p = to_problem(read_instance(CURTOIS / "Instance1.txt"))
    phase = column_phase.lp_guided_roster(p, Roster(), 15)
    [(dived, redived)] = calls
    assert redived <= dived
    assert phase.chosen is not None and phase.chosen.objective == redived
    report = validate(p, phase.chosen.roster)
    assert report.messages() == [] and report.objective == redived


def test_a_rosters_schedules_are_the_inverse_of_from_schedules():
    schedules = {"a": frozenset({"D0", "N2"}), "b": frozenset({"E1"})}
    assert Roster.from_schedules(schedules).schedules() == schedules
    assert Roster().schedules() == {}
