"""Pins force a shift, or the day off, whatever the cost."""

from factories import avoid, cover, problem, reader, shift, shifts

from solver.explain import CONFLICT_LEAD
from solver.problem import Availability, AvailabilityKind, Pin
from solver.roster import SolveStatus


def test_pinned_shift_is_worked_despite_a_wish(solve_valid):
    p = problem(shifts(3), [reader(availability=(avoid(1, weight=5),))], pins=(Pin("r1", 1, "D1"),))
    result = solve_valid(p)
    assert result.objective == 5
    assert result.roster.shifts_of("r1") == ["D1"]


def test_pinned_day_off_is_kept_despite_cover(solve_valid):
    p = problem(shifts(2), headcount_cover=cover("D0", "D1"), pins=(Pin("r1", 0, None),))
    result = solve_valid(p)
    assert result.objective == 100
    assert result.roster.shifts_of("r1") == ["D1"]


def test_pin_on_a_leave_day_is_infeasible_and_said_so(solve_valid):
    leave = Availability(day=1, kind=AvailabilityKind.LEAVE)
    p = problem(shifts(3), [reader(availability=(leave,))], pins=(Pin("r1", 1, "D1"),))
    result = solve_valid(p)
    assert result.status == SolveStatus.INFEASIBLE
    assert result.explanation == (
        "Dr R1 is pinned to D 2026-03-03, but they are on leave that day.",
    )


def test_two_pins_on_one_day_name_both_pins_and_the_daily_limit(solve_valid):
    p = problem([shift(0, "D"), shift(0, "E")], pins=(Pin("r1", 0, "D0"), Pin("r1", 0, "E0")))
    result = solve_valid(p)
    assert result.status == SolveStatus.INFEASIBLE
    assert result.explanation[0] == CONFLICT_LEAD
    assert set(result.explanation[1:]) == {
        "Dr R1 is pinned to D 2026-03-02",
        "Dr R1 is pinned to E 2026-03-02",
        "Dr R1 works at most one shift a day",
    }
