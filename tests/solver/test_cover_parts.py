"""Parts for headcount-cover problems with long horizons, and the LNS handing such a problem's
first roster to the parts search."""

import random

import pytest
from factories import rotation_problem

import solver.lns as lns
from solver.cover_parts import (
    COVER_PART_KINDS,
    all_readers_part,
    few_readers_part,
    missed_cover_part,
)
from solver.options import SolveOptions
from solver.part_search import PartView
from solver.problem import Problem
from solver.roster import Assignment, Roster, SolveStatus
from solver.validate import validate

PROBLEM = rotation_problem(num_days=56, num_readers=8)
EVERYONE = frozenset(r.id for r in PROBLEM.radiologists)


def _view(roster: Roster, size: float = 400, seed: int = 0, p: Problem = PROBLEM) -> PartView:
    return PartView(p, roster, size, random.Random(seed))


def test_an_all_readers_part_frees_everyone_over_a_week_or_what_its_size_holds():
    for seed in range(5):
        part = all_readers_part(_view(Roster(), size=8 * 10, seed=seed))
        assert part is not None and part.readers == EVERYONE and part.days is not None
        assert part.days[1] - part.days[0] + 1 == 10  # 80 reader-days of 8 readers
        assert 0 <= part.days[0] and part.days[1] < PROBLEM.num_days
    part = all_readers_part(_view(Roster(), size=8 * 3))
    assert part is not None and part.days is not None
    assert part.days[1] - part.days[0] + 1 == 7  # never under a week
    part = all_readers_part(_view(Roster(), size=8 * 100))
    assert part is not None and part.days == (0, PROBLEM.num_days - 1)  # the horizon at most


def test_a_missed_cover_part_holds_the_one_day_whose_cover_is_missed():
    # every shift staffed as required except day 30's evening
    staffed = []
    for cover in PROBLEM.headcount_cover:
        if cover.shift_id != "E30":
            staffed += [Assignment(f"r{i}", cover.shift_id) for i in range(cover.required)]
    roster = Roster(assignments=tuple(staffed))
    for seed in range(5):
        part = missed_cover_part(_view(roster, seed=seed))
        assert part is not None and part.days is not None and part.readers == EVERYONE
        assert part.days[0] <= 30 <= part.days[1]


def test_a_few_readers_part_takes_three_readers_or_more_over_the_whole_horizon():
    part = few_readers_part(_view(Roster(), size=PROBLEM.num_days))
    assert part is not None and part.days is None and len(part.readers) == 3
    part = few_readers_part(_view(Roster(), size=5 * PROBLEM.num_days))
    assert part is not None and len(part.readers) == 5


def test_the_cover_kinds_are_the_four_documented():
    assert set(COVER_PART_KINDS) == {"all readers", "missed cover", "few readers", "week"}


@pytest.mark.alone  # a time-limited search: no other test may share the cores (pytest -n)
def test_a_long_model_without_a_greedy_start_is_improved_part_by_part(monkeypatch):
    # the threshold lowered so that a small problem takes the path of Curtois-Qu 23
    monkeypatch.setattr(lns, "PARTS_DECISIONS", 100)
    searched: list[str] = []
    original = lns._by_parts

    def spy(search, current):
        searched.append(f"{current.objective}")
        return original(search, current)

    monkeypatch.setattr(lns, "_by_parts", spy)
    options = SolveOptions(max_time_in_seconds=12.0, num_workers=2, lns=True)
    result = lns.solve_lns(PROBLEM, options)
    assert searched, "the parts search was not used"
    assert result.status == SolveStatus.FEASIBLE
    report = validate(PROBLEM, result.roster)
    assert report.messages() == []
    assert result.objective == report.objective
    assert result.objective < int(searched[0])  # the parts improved the first roster
    objectives = [step.objective for step in result.progress]
    assert objectives == sorted(objectives, reverse=True)
    assert objectives[-1] == result.objective
    assert result.wall_seconds <= 12.0 + 2.0
