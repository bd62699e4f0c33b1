"""Hard availability: fixed days off and UNAVAILABLE/LEAVE entries, with their filters."""

import pytest
from factories import cover, problem, reader, shift, shifts, unavailable

from solver.model import build_model
from solver.problem import Availability, AvailabilityKind, ShiftKind


def test_leave_day_is_not_worked(solve_valid):
    leave = Availability(day=1, kind=AvailabilityKind.LEAVE)
    p = problem(shifts(3), [reader(availability=(leave,))], headcount_cover=cover("D0", "D1", "D2"))
    result = solve_valid(p)
    assert result.objective == 100
    assert result.roster.shifts_of("r1") == ["D0", "D2"]


def test_fixed_day_off_is_not_worked(solve_valid):
    p = problem(
        shifts(2), [reader(fixed_days_off=frozenset({0}))], headcount_cover=cover("D0", "D1")
    )
    assert solve_valid(p).roster.shifts_of("r1") == ["D1"]


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (unavailable(0, template="N"), 100),  # barred from the night only
        (unavailable(0, template="D"), 0),
        (unavailable(0, shift_kind=ShiftKind.NIGHT), 100),
        (unavailable(0, shift_kind=ShiftKind.DAY), 0),
        (unavailable(0), 100),  # no filter: the whole day
        (unavailable(1), 0),
    ],
)
def test_filters_narrow_an_entry_to_some_shifts(solve_valid, entry, expected):
    p = problem(
        [shift(0, "D"), shift(0, "N")],
        [reader(availability=(entry,))],
        num_days=2,
        headcount_cover=cover("N0"),
    )
    assert solve_valid(p).objective == expected


def test_barred_pairs_get_no_variable():
    entry = unavailable(0, template="N")
    p = problem([shift(0, "D"), shift(0, "N")], [reader(availability=(entry,))])
    assert set(build_model(p).ctx.x) == {("r1", "D0")}
    # explaining keeps them, so the rule that bars them can be named
    assert set(build_model(p, guarded=True).ctx.x) == {("r1", "D0"), ("r1", "N0")}
