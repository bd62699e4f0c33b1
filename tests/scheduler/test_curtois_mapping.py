"""Curtois-Qu instance -> solver.Problem: each benchmark rule on the general family meant for it."""

import datetime as dt
from pathlib import Path

import pytest

from scheduler.benchmarks.curtois import read_instance
from scheduler.benchmarks.evaluate import WorkedShift, evaluate
from scheduler.benchmarks.mapping import shift_instance_id, to_problem, worked_shifts
from solver.eligibility import may_work_shift
from solver.problem import Availability, AvailabilityKind, HeadcountCover, ShiftKind
from solver.roster import Assignment, Roster
from solver.validate import validate

FIXTURES = Path(__file__).parents[1] / "fixtures" / "curtois"


def test_shifts_one_per_day_and_type_from_a_monday() -> None:
    problem = to_problem(read_instance(FIXTURES / "Tiny.txt"))

    assert problem.name == "Tiny"
    assert problem.start_date.weekday() == 0
    assert problem.num_days == 7
    assert len(problem.shifts) == 14
    assert len({s.id for s in problem.shifts}) == 14
    night_day_2 = next(s for s in problem.shifts if s.id == shift_instance_id(2, "N"))
    assert (night_day_2.day, night_day_2.template, night_day_2.length_minutes) == (2, "N", 600)
    assert night_day_2.kind == ShiftKind.DAY  # no night rule in the benchmark
    assert night_day_2.region is None
    assert night_day_2.start == dt.datetime(2024, 1, 3, 8, tzinfo=dt.UTC)
    # Day 0 Monday: days 5 and 6 are the one weekend.
    assert [d for d in range(7) if problem.is_weekend(d)] == [5, 6]
    assert {problem.weekend_index(5), problem.weekend_index(6)} == {0}
    assert problem.forbidden_successions == {("N", "D")}


def test_staff_rules_days_off_and_requests() -> None:
    problem = to_problem(read_instance(FIXTURES / "Tiny.txt"))
    a, b = problem.radiologists

    assert a.id == "A"
    assert a.fixed_days_off == {6}
    assert a.rules.max_shifts_per_template == {"D": 7, "N": 1}
    assert (a.rules.min_total_minutes, a.rules.max_total_minutes) == (960, 4800)
    assert (a.rules.min_consecutive_days, a.rules.max_consecutive_days) == (2, 3)
    assert a.rules.min_consecutive_days_off == 2
    assert a.rules.max_weekends == 1
    assert a.availability == (
        Availability(0, AvailabilityKind.PREFER, template="D", weight=2),
        Availability(4, AvailabilityKind.PREFER, template="D", weight=2),
        Availability(1, AvailabilityKind.AVOID, template="D", weight=3),
    )
    # MaxShifts = 0 is the qualification: B may never work N.
    night = next(s for s in problem.shifts if s.template == "N")
    assert not may_work_shift(problem, b, night)
    assert may_work_shift(problem, a, night)


def test_cover_is_soft_headcount_per_day_and_type() -> None:
    problem = to_problem(read_instance(FIXTURES / "Instance1.txt"))

    assert len(problem.headcount_cover) == 14
    assert problem.headcount_cover[1] == HeadcountCover(
        shift_id=shift_instance_id(1, "D"), required=7, weight_under=100, weight_over=1, hard=False
    )
    shift_ids = {s.id for s in problem.shifts}
    assert all(c.shift_id in shift_ids for c in problem.headcount_cover)
    assert problem.reading_demand == ()
    weights = problem.weights
    assert (weights.fairness_nights, weights.change, weights.follow_the_sun) == (0, 0, 0)


def test_roster_back_to_benchmark_terms() -> None:
    problem = to_problem(read_instance(FIXTURES / "Tiny.txt"))
    roster = Roster(
        assignments=(
            Assignment("B", shift_instance_id(3, "D")),
            Assignment("A", shift_instance_id(2, "N")),
        )
    )

    assert worked_shifts(problem, roster) == [WorkedShift("A", 2, "N"), WorkedShift("B", 3, "D")]


def test_start_date_must_be_a_monday() -> None:
    with pytest.raises(ValueError, match="Monday"):
        to_problem(read_instance(FIXTURES / "Tiny.txt"), start_date=dt.date(2024, 1, 2))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("DDD....", ".D.D..."),
        ("NDD....", ".D.D..."),  # H2
        ("DNN....", ".D.D..."),  # H3
        ("D......", ".D.D..."),  # H4
        ("DDDD...", ".D.D..."),  # H5
        ("DD..D..", ".D.D..."),  # H6
        ("DD.DD..", ".D.D..."),  # H7
        ("DDD....", ".D.D.D."),  # H8
        ("DD....D", ".D.D..."),  # H9
        (".DD....", ""),
    ],
)
def test_product_validator_agrees_with_the_benchmark_on_the_mapped_problem(a: str, b: str) -> None:
    """The mapping is faithful when the product's own validator scores and judges every roster
    exactly as the benchmark's rules do."""
    instance = read_instance(FIXTURES / "Tiny.txt")
    problem = to_problem(instance)
    worked = [
        WorkedShift(staff, day, shift)
        for staff, row in (("A", a), ("B", b))
        for day, shift in enumerate(row)
        if shift != "."
    ]
    roster = Roster(
        assignments=tuple(Assignment(w.staff, shift_instance_id(w.day, w.shift)) for w in worked)
    )

    report = validate(problem, roster)
    evaluation = evaluate(instance, worked)

    assert report.objective == evaluation.objective
    assert len(report.violations) == evaluation.hard_violations
