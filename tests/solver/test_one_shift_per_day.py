"""H1: at most one shift per roster day, even when the day's shifts do not overlap."""

from factories import cover, problem, shift


def test_a_reader_covers_only_one_of_two_shifts_on_a_day(solve_valid):
    day_and_evening = [shift(0, "D"), shift(0, "E")]  # 08-16 and 16-24: no overlap
    result = solve_valid(problem(day_and_evening, headcount_cover=cover("D0", "E0")))
    assert result.objective == 100
    assert len(result.roster.assignments) == 1


def test_shifts_on_different_days_are_both_worked(solve_valid):
    result = solve_valid(problem([shift(0, "D"), shift(1, "E")], headcount_cover=cover("D0", "E1")))
    assert result.objective == 0
    assert len(result.roster.assignments) == 2
