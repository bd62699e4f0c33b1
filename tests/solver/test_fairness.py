"""Fairness: the spread of FTE-scaled counts among the category's readers."""

from factories import avoid, cover, problem, reader, rules, shift, shifts

from solver.problem import ShiftKind, Weights

FOUR_NIGHTS = cover("N0", "N1", "N2", "N3")


def test_nights_are_shared_even_against_a_wish(solve_valid):
    wishes = tuple(avoid(d) for d in range(4))
    p = problem(
        shifts(4, "N"),
        [reader("r1", availability=wishes), reader("r2")],
        headcount_cover=FOUR_NIGHTS,
        weights=Weights(fairness_nights=10),
    )
    result = solve_valid(p)
    assert result.objective == 2  # two nights each: no spread, two wishes broken
    assert len(result.roster.shifts_of("r1")) == 2


def test_part_timers_count_more_per_night(solve_valid):
    p = problem(
        shifts(3, "N"),
        [reader("full"), reader("half", fte=0.5)],
        headcount_cover=cover("N0", "N1", "N2"),
        weights=Weights(fairness_nights=1),
    )
    result = solve_valid(p)
    assert result.objective == 0  # loads 2 x 100 and 1 x 200
    assert len(result.roster.shifts_of("full")) == 2


def test_readers_who_cannot_work_the_category_take_no_part(solve_valid):
    no_nights = rules(max_shifts_per_kind={ShiftKind.NIGHT: 0})
    p = problem(
        shifts(2, "N"),
        [reader("r1"), reader("r2"), reader("day-only", rules=no_nights), reader("gone", fte=0)],
        headcount_cover=cover("N0", "N1"),
        weights=Weights(fairness_nights=10),
    )
    # someone works a night, so a reader counted at zero load would cost a spread of 100 x 10
    assert solve_valid(p).objective == 0


def test_weekends_count_once_per_weekend(solve_valid):
    # r1 is held to Saturday and Sunday; r2 free: spread of one weekend, unless r2 works one too
    weekend = [shift(5), shift(6), shift(12)]
    p = problem(
        weekend,
        [reader("r1"), reader("r2")],
        num_days=14,
        headcount_cover=cover("D5", "D6"),
        weights=Weights(fairness_weekends=3),
    )
    result = solve_valid(p)
    assert result.objective == 0


def test_on_call_spread(solve_valid):
    calls = [shift(d, "C") for d in range(3)]
    p = problem(
        calls,
        [reader("r1"), reader("r2", rules=rules(max_shifts_per_kind={ShiftKind.ON_CALL: 1}))],
        headcount_cover=cover("C0", "C1", "C2", weight_under=1000),
        weights=Weights(fairness_on_call=7),
    )
    result = solve_valid(p)
    assert result.objective == 700  # loads 200 against 100
