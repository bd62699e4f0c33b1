"""A part cut to a window of days: its margin, its span, what it carries in, and that its rosters
merge into valid whole rosters priced as the whole problem prices them."""

import random

import pytest
from conftest import solve_and_validate
from factories import START, at, national_problem, problem, reader, rotation_problem, rules, shifts

from solver.horizon_window import cut_horizon, margin_days, window_span
from solver.problem import History, Problem, ShiftKind
from solver.roster import Assignment, Roster
from solver.subproblem import Part, merge, part_roster, restrict
from solver.validate import validate


def test_the_margin_holds_a_day_off_past_the_longest_run_and_the_shortest_runs():
    assert margin_days([reader(rules=rules())]) == 2
    assert margin_days([reader(rules=rules(max_consecutive_days=5))]) == 6
    assert margin_days([reader(rules=rules(min_consecutive_days_off=3))]) == 3
    both = [
        reader("r1", rules=rules(max_consecutive_nights=3, min_consecutive_days=2)),
        reader("r2", rules=rules(min_consecutive_days=7)),
    ]
    assert margin_days(both) == 7


def test_a_window_takes_its_margin_and_never_splits_a_weekend():
    p = problem(shifts(28, "D"), [reader()])
    assert START.weekday() == 0  # days 5-6, 12-13, 19-20 are weekends
    assert window_span(p, (9, 10), 2) == (7, 12 + 1)  # day 12 is a Saturday: Sunday joins
    assert window_span(p, (9, 10), 3) == (5, 13)  # day 6 is a Sunday: Saturday joins
    assert window_span(p, (1, 2), 4) == (0, 6)
    assert window_span(p, (24, 26), 9) == (15, 27)


def test_what_a_reader_works_outside_the_window_is_carried_in_its_rules_and_history():
    limits = rules(
        min_total_minutes=20 * 60,
        max_total_minutes=70 * 60,
        max_average_weekly_minutes=30 * 60,  # 60 h over the two weeks: the tighter cap
        max_shifts_per_template={"D": 6},
        max_shifts_per_kind={ShiftKind.NIGHT: 2},
        max_consecutive_days=7,
        max_weekends=3,
    )
    p = problem(
        shifts(14, "D", "N"),
        [reader(rules=limits, history=History(consecutive_days_worked=2, weekends_worked=1))],
    )
    # days 0-3 worked (a night on day 3), the Saturday of day 5, then days 12-13 (a weekend)
    worked = ["D0", "D1", "D2", "N3", "D5", "D12", "N13"]
    roster = Roster(assignments=tuple(Assignment("r1", s) for s in worked))
    cut = cut_horizon(p, roster, 4, 11)
    assert (cut.num_days, cut.start_date.day) == (8, START.day + 4)
    assert {s.id: s.day for s in cut.shifts}["D5"] == 1
    carried = cut.radiologists[0]
    # 8-hour days and 10-hour nights outside: 3 days and a night before, a day and a night after
    outside_minutes = 4 * 480 + 2 * 600
    assert carried.rules.max_total_minutes == 60 * 60 - outside_minutes
    assert carried.rules.min_total_minutes is None  # already met outside
    assert carried.rules.max_average_weekly_minutes is None  # now in the total cap
    assert carried.rules.max_shifts_per_template == {"D": 6 - 4}
    assert carried.rules.max_shifts_per_kind == {ShiftKind.NIGHT: 0}
    # days 0-3 reach the horizon's start: the history's 2 days before them count too
    assert carried.history.consecutive_days_worked == 4 + 2
    assert carried.history.consecutive_nights_worked == 1  # the night of day 3
    assert carried.history.last_shift_end == at(4, 8)  # that night's end
    # the weekend of days 12-13 (outside), and the one before the horizon
    assert carried.history.weekends_worked == 2
    whole_run = cut_horizon(p, roster, 0, 11).radiologists[0]
    assert whole_run.history == History(consecutive_days_worked=2, weekends_worked=2)
    assert whole_run.rules.max_total_minutes == 60 * 60 - (480 + 600)


def _gains(p: Problem, before: Roster, after: Roster) -> dict[str, int]:
    old, new = validate(p, before).breakdown, validate(p, after).breakdown
    return {term: old[term] - new[term] for term in old if term != "fairness"}


def test_windowed_parts_of_a_rotation_merge_valid_and_gain_what_the_whole_gains():
    # every rule of the rotation crosses window edges; no fairness, so every term of a part's
    # gain is the whole's
    p = rotation_problem()
    assert margin_days(p.radiologists) == 5
    first = solve_and_validate(p, seconds=2.0)
    assert first.status.has_roster
    roster = first.roster
    rng = random.Random(3)
    ids = [r.id for r in p.radiologists]
    changed = 0
    for _ in range(8):
        start = rng.randrange(p.num_days - 3)
        part = Part(frozenset(rng.sample(ids, 4)), (start, start + rng.randrange(1, 4)))
        sub = restrict(p, roster, part, windowed=True)
        assert sub.num_days < p.num_days
        before = part_roster(roster, sub)
        assert validate(sub, before).ok
        assert merge(roster, sub, before) == roster
        # a part's search from the roster it has, with another seed each time
        after = solve_and_validate(sub, seconds=1.0, seed=rng.randrange(100)).roster
        merged = merge(roster, sub, after)
        assert validate(p, merged).messages() == []
        assert _gains(sub, before, after) == _gains(p, roster, merged)
        changed += merged != roster
    assert changed  # some part's roster differs from the one it had


@pytest.mark.parametrize("seed", [4, 7])
def test_a_windowed_part_of_a_national_roster_prices_a_change_as_the_whole_does(seed):
    p = national_problem(num_readers=30, num_regions=3, num_days=21, seed=seed)
    found = solve_and_validate(p, seconds=3.0)
    assert found.status.has_roster
    roster = found.roster
    part = Part(frozenset(r.id for r in p.radiologists[::2]), (9, 11))
    sub = restrict(p, roster, part, windowed=True)
    assert (sub.num_days, sub.start_date) == (3 + 2 * 6, p.date_of(3))
    before = part_roster(roster, sub)
    after = solve_and_validate(sub, seconds=2.0).roster
    merged = merge(roster, sub, after)
    assert validate(p, merged).ok
    assert _gains(sub, before, after) == _gains(p, roster, merged)
    day = {s.id: s.day for s in p.shifts}
    moved = {day[s] for _, s in roster.worked() ^ merged.worked()}
    assert moved <= set(range(9, 12))
