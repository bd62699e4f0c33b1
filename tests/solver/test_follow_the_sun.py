"""Follow the sun: hours worked in the reader's own local night cost a weight."""

from factories import cover, problem, reader, shift

from solver.problem import Weights

NIGHT = shift(0, "N")  # 22:00-08:00 UTC: 23:00-09:00 in Oslo (7 night hours), daytime in Sydney


def test_the_night_goes_to_the_reader_in_daylight(solve_valid):
    p = problem(
        [NIGHT],
        [
            reader("oslo", home_time_zone="Europe/Oslo"),
            reader("sydney", home_time_zone="Australia/Sydney"),
        ],
        headcount_cover=cover("N0"),
        weights=Weights(follow_the_sun=1),
    )
    result = solve_valid(p)
    assert result.objective == 0
    assert result.roster.shifts_of("sydney") == ["N0"]


def test_local_night_hours_are_charged(solve_valid):
    p = problem(
        [NIGHT],
        [reader("oslo", home_time_zone="Europe/Oslo")],
        headcount_cover=cover("N0"),
        weights=Weights(follow_the_sun=2),
    )
    assert solve_valid(p).breakdown["follow_the_sun"] == 14
