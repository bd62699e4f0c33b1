"""choose_schedules: one known schedule per reader, the product's rules and objective kept."""

from factories import cover, problem, reader, rules, shifts

from solver.column_roster import choose_schedules
from solver.validate import validate


def _two_days(*readers):
    return problem(shifts(2), list(readers), headcount_cover=cover("D0", "D1", weight_over=1))


def _valid(p, chosen):
    report = validate(p, chosen.roster)
    assert report.messages() == []
    assert report.objective == chosen.objective
    return chosen


def test_picks_the_combination_that_covers_every_day():
    p = _two_days(reader("r1"), reader("r2"))
    options = {"r1": [frozenset({"D0"}), frozenset({"D1"})], "r2": [frozenset({"D0"})]}
    chosen = _valid(p, choose_schedules(p, options, 5, workers=1))
    assert chosen.objective == 0
    assert chosen.roster.shifts_of("r1") == ["D1"]
    assert chosen.proven_best_among_schedules


def test_readers_keep_to_their_schedules_and_others_stay_free():
    p = _two_days(reader("r1"), reader("r2"), reader("r3"))
    options = {"r1": [frozenset({"D0"})], "r2": [frozenset({"D0"})]}
    chosen = _valid(p, choose_schedules(p, options, 5, workers=1))
    assert chosen.roster.shifts_of("r1") == ["D0"]
    assert chosen.roster.shifts_of("r2") == ["D0"]
    assert chosen.roster.shifts_of("r3") == ["D1"]  # free, so it takes the uncovered day
    assert chosen.objective == 1  # the second reader on D0 is one over (weight_over 1)


def test_a_schedule_breaking_a_hard_rule_is_never_chosen():
    p = _two_days(reader("r1", rules=rules(max_consecutive_days=1)))
    too_long = frozenset({"D0", "D1"})
    assert choose_schedules(p, {"r1": [too_long]}, 5, workers=1) is None
    chosen = _valid(p, choose_schedules(p, {"r1": [too_long, frozenset({"D1"})]}, 5, workers=1))
    assert chosen.roster.shifts_of("r1") == ["D1"]
    assert chosen.objective == 100


def test_shifts_fixed_worked_or_idle_are_kept():
    p = _two_days(reader("r1"), reader("r2"))
    # left free, each reader would take one day; fixed, r1 works D0 and r2 may not work D1
    chosen = _valid(
        p, choose_schedules(p, {}, 5, workers=1, working=[("r1", "D0")], idle=[("r2", "D1")])
    )
    # r2 may not take D1, so r1 works both days; r2 on D0 would be one over
    assert chosen.roster.shifts_of("r1") == ["D0", "D1"]
    assert chosen.roster.shifts_of("r2") == []
    assert chosen.objective == 0


def test_a_fixed_shift_the_reader_may_not_work_leaves_no_roster():
    p = _two_days(reader("r1", rules=rules(max_consecutive_days=1)))
    assert choose_schedules(p, {}, 5, workers=1, working=[("r1", "D0"), ("r1", "D1")]) is None
    assert choose_schedules(p, {}, 5, workers=1, working=[("r1", "nowhere")]) is None
