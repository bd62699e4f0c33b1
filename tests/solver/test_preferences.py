"""PREFER and AVOID wishes: a weight when not honoured."""

from factories import avoid, cover, prefer, problem, reader, rules, shift, shifts

from solver.problem import ShiftKind


def test_the_cheaper_preference_gives_way(solve_valid):
    p = problem(
        shifts(3),
        [
            reader(
                availability=(prefer(1, weight=4), prefer(2, weight=3)),
                rules=rules(max_shifts_per_template={"D": 1}),
            )
        ],
    )
    result = solve_valid(p)
    assert result.objective == 3
    assert result.breakdown["preferences"] == 3
    assert result.roster.shifts_of("r1") == ["D1"]


def test_avoid_is_paid_when_cover_wins(solve_valid):
    p = problem(
        shifts(1), [reader(availability=(avoid(0, weight=2),))], headcount_cover=cover("D0")
    )
    assert solve_valid(p).breakdown == {
        "cover": 0,
        "preferences": 2,
        "fairness": 0,
        "change": 0,
        "follow_the_sun": 0,
    }


def test_prefer_with_a_template_needs_that_template(solve_valid):
    # prefers the night, but cover wants the day shift (one shift a day)
    p = problem(
        [shift(0, "D"), shift(0, "N")],
        [reader(availability=(prefer(0, weight=5, template="N"),))],
        headcount_cover=cover("D0"),
    )
    assert solve_valid(p).objective == 5


def test_prefer_a_kind_is_honoured_by_any_shift_of_it(solve_valid):
    p = problem(
        [shift(0, "D"), shift(0, "N")],
        [reader(availability=(prefer(0, weight=5, shift_kind=ShiftKind.NIGHT),))],
    )
    result = solve_valid(p)
    assert result.objective == 0
    assert result.roster.shifts_of("r1") == ["N0"]


def test_prefer_a_day_the_reader_cannot_work_is_always_paid(solve_valid):
    p = problem(
        shifts(2), [reader(availability=(prefer(1, weight=4),), fixed_days_off=frozenset({1}))]
    )
    assert solve_valid(p).objective == 4
