"""Every hard rule: a tiny roster that breaks it gives exactly the expected violation(s); one that
respects it gives none."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from factories_validate import at, day_shifts, on_days, problem, reader, roster, shift

from solver.problem import (
    Availability,
    AvailabilityKind,
    HeadcountCover,
    History,
    Licence,
    Pin,
    Pool,
    Privilege,
    Problem,
    Region,
    Rules,
    ShiftKind,
    Site,
)
from solver.roster import Allocation
from solver.validate import ValidationReport, validate

Found = tuple[str, str | None, int | None, str | None]


def found(report: ValidationReport) -> list[Found]:
    return [(v.rule, v.radiologist, v.day, v.shift_id) for v in report.violations]


# --- ids the problem does not know -----------------------------------------------------------


def test_unknown_ids_in_the_roster_are_violations() -> None:
    p = problem(day_shifts(2), [reader()], pools=(), sites=())
    r = roster(
        ("ghost", "D0"),
        ("r1", "X9"),
        ("r1", "D1"),
        allocations=(Allocation("r1", "D1", "nowhere", 1),),
    )
    report = validate(p, r)
    assert found(report) == [
        ("unknown_radiologist", "ghost", None, "D0"),
        ("unknown_shift", "r1", None, "X9"),
        ("unknown_pool", "r1", None, "D1"),
    ]
    assert "'ghost'" in report.violations[0].message


def test_known_ids_give_no_id_violations() -> None:
    p = problem(day_shifts(2), [reader()])
    assert validate(p, roster(("r1", "D0"), ("r1", "D1"))).ok


def test_duplicate_assignment_is_reported_once_and_counted_once() -> None:
    p = problem(
        day_shifts(1), [reader()], headcount_cover=(HeadcountCover("D0", 1, weight_over=5),)
    )
    report = validate(p, roster(("r1", "D0"), ("r1", "D0")))
    assert found(report) == [("duplicate_assignment", "r1", 0, "D0")]
    assert report.breakdown["cover"] == 0  # one reader on D0, not two


# --- one shift per day -----------------------------------------------------------------------


def test_two_shifts_on_one_day_break_one_shift_per_day() -> None:
    p = problem([shift(0, "D"), shift(0, "E", hour=16, minutes=360)])
    report = validate(p, roster(("r1", "D0"), ("r1", "E0")))
    assert found(report) == [("one_shift_per_day", "r1", 0, None)]
    assert report.violations[0].message == (
        "Dr Anna Lind works 2 shifts on 2026-03-02 (D0, E0), more than one"
    )


def test_one_shift_on_each_day_is_fine() -> None:
    p = problem([shift(0, "D"), shift(1, "E", hour=16, minutes=360)])
    assert validate(p, roster(("r1", "D0"), ("r1", "E1"))).ok


# --- eligibility -----------------------------------------------------------------------------


def _regional_problem(licences: tuple[Licence, ...], **reader_fields: object) -> Problem:
    return problem(
        [shift(0, region="N"), shift(1, region="N")],
        [reader(licences=licences, **reader_fields)],
        regions=(Region("N", "Europe/Oslo"),),
        sites=(Site("tromso", "N"), Site("bergen", "W")),
        pools=(Pool("tromso-neuro", "tromso", "neuro"), Pool("bergen-neuro", "bergen", "neuro")),
    )


def test_shift_without_licence_breaks_eligibility() -> None:
    p = _regional_problem((Licence(region="N", valid_to=dt.date(2026, 3, 2)),))
    report = validate(p, roster(("r1", "D0"), ("r1", "D1")))  # the licence ends on day 0
    assert found(report) == [("shift_eligibility", "r1", 1, "D1")]


def test_licensed_shifts_are_eligible() -> None:
    p = _regional_problem((Licence(region="N"),))
    assert validate(p, roster(("r1", "D0"), ("r1", "D1"))).ok


def test_template_maximum_zero_is_reported_as_eligibility_only() -> None:
    p = problem(day_shifts(1), [reader(rules=Rules(max_shifts_per_template={"D": 0}))])
    assert found(validate(p, roster(("r1", "D0")))) == [("shift_eligibility", "r1", 0, "D0")]


def test_allocations_need_assignment_eligible_pool_and_enough_units() -> None:
    p = _regional_problem(
        (Licence(region="N"),), skills=frozenset({"neuro"}), privileges=(Privilege(site="tromso"),)
    )
    allocations = (
        Allocation("r1", "D0", "tromso-neuro", 6),
        Allocation("r1", "D0", "bergen-neuro", 3),  # bergen is not in the shift's region
        Allocation("r1", "D1", "tromso-neuro", 2),  # D1 is not assigned
        Allocation("r1", "D1", "tromso-neuro", -1),
    )
    report = validate(p, roster(("r1", "D0"), allocations=allocations))
    assert found(report) == [
        ("pool_eligibility", "r1", 0, "D0"),
        ("allocation_without_assignment", "r1", 1, "D1"),
        ("allocation_units", "r1", 1, "D1"),
        ("allocation_without_assignment", "r1", 1, "D1"),
        ("allocation_units", "r1", 0, "D0"),  # 9 units given, the 8-hour shift has 8
    ]
    assert report.violations[-1].message.endswith(
        "gives 9 units on shift D0 on 2026-03-02, more than the shift's 8"
    )


def test_allocation_without_privilege_or_skill_is_ineligible() -> None:
    p = _regional_problem((Licence(region="N"),), skills=frozenset({"msk"}))
    r = roster(("r1", "D0"), allocations=(Allocation("r1", "D0", "tromso-neuro", 1),))
    assert found(validate(p, r)) == [("pool_eligibility", "r1", 0, "D0")]


def test_eligible_allocations_within_units_are_fine() -> None:
    p = _regional_problem(
        (Licence(region="N"),), skills=frozenset({"neuro"}), privileges=(Privilege(site="tromso"),)
    )
    allocations = (
        Allocation("r1", "D0", "tromso-neuro", 5),
        Allocation("r1", "D0", "tromso-neuro", 3),
    )
    assert validate(p, roster(("r1", "D0"), allocations=allocations)).ok


# --- availability ----------------------------------------------------------------------------


def test_work_on_a_fixed_day_off_is_a_violation() -> None:
    p = problem(day_shifts(3), [reader(fixed_days_off=frozenset({1}))])
    assert found(validate(p, roster(*on_days("r1", 0, 1, 2)))) == [("fixed_day_off", "r1", 1, "D1")]
    assert validate(p, roster(*on_days("r1", 0, 2))).ok


def test_leave_for_the_whole_day_forbids_every_shift() -> None:
    p = problem(day_shifts(3), [reader(availability=(Availability(2, AvailabilityKind.LEAVE),))])
    report = validate(p, roster(*on_days("r1", 1, 2)))
    assert found(report) == [("unavailable", "r1", 2, "D2")]
    assert report.violations[0].message == (
        "Dr Anna Lind works shift D2 on 2026-03-04 while on leave"
    )
    assert validate(p, roster(*on_days("r1", 0, 1))).ok


@pytest.mark.parametrize(
    ("entry", "breaking", "respecting"),
    [
        (Availability(0, AvailabilityKind.UNAVAILABLE, template="N"), "N0", "D0"),
        (Availability(0, AvailabilityKind.UNAVAILABLE, shift_kind=ShiftKind.DAY), "D0", "N0"),
        (
            Availability(0, AvailabilityKind.LEAVE, template="N", shift_kind=ShiftKind.NIGHT),
            "N0",
            "D0",
        ),
    ],
)
def test_filtered_unavailability_forbids_only_matching_shifts(
    entry: Availability, breaking: str, respecting: str
) -> None:
    p = problem([shift(0, "D"), shift(0, "N", hour=20)], [reader(availability=(entry,))])
    assert found(validate(p, roster(("r1", breaking)))) == [("unavailable", "r1", 0, breaking)]
    assert validate(p, roster(("r1", respecting))).ok


def test_soft_wishes_are_never_violations() -> None:
    wishes = (Availability(0, AvailabilityKind.AVOID), Availability(1, AvailabilityKind.PREFER))
    p = problem(day_shifts(2), [reader(availability=wishes)])
    assert validate(p, roster(("r1", "D0"))).ok


# --- pins ------------------------------------------------------------------------------------


def test_pins_force_a_shift_or_a_day_off() -> None:
    pins = (Pin("r1", 0, "D0"), Pin("r1", 1, None), Pin("nobody", 2, "D2"))
    p = problem(day_shifts(3), [reader()], pins=pins)
    report = validate(p, roster(("r1", "D1")))
    assert found(report) == [
        ("pin", "r1", 0, "D0"),
        ("pin", "r1", 1, "D1"),
        ("pin", "nobody", 2, "D2"),
    ]
    assert report.violations[1].message == (
        "Dr Anna Lind is pinned off on 2026-03-03 but works shift D1"
    )


def test_honoured_pins_are_fine() -> None:
    p = problem(day_shifts(3), [reader()], pins=(Pin("r1", 0, "D0"), Pin("r1", 1, None)))
    assert validate(p, roster(("r1", "D0"), ("r1", "D2"))).ok


# --- forbidden successions -------------------------------------------------------------------


def test_forbidden_succession_is_checked_in_its_order() -> None:
    shifts = [shift(0, "N", hour=20, minutes=600), shift(1, "D", hour=12), shift(2, "N", hour=20)]
    p = problem(shifts, [reader()], forbidden_successions=frozenset({("N", "D")}))
    assert found(validate(p, roster(("r1", "N0"), ("r1", "D1")))) == [
        ("forbidden_succession", "r1", 1, "D1")
    ]
    assert validate(p, roster(("r1", "D1"), ("r1", "N2"))).ok  # D then N is allowed


# --- overlap and rest ------------------------------------------------------------------------


def test_shifts_on_different_days_may_still_overlap_in_utc() -> None:
    night = shift(0, "N", hour=22, minutes=600)  # until 08:00 on day 1
    p = problem([night, shift(1, "D", hour=7), shift(1, "L", hour=8)], [reader()])
    assert found(validate(p, roster(("r1", "N0"), ("r1", "D1")))) == [("overlap", "r1", 1, "D1")]
    assert validate(p, roster(("r1", "N0"), ("r1", "L1"))).ok  # back to back, no rest rule


def test_min_rest_counts_minutes_between_shifts() -> None:
    shifts = [shift(0, "E", hour=14), shift(1, "D", hour=8), shift(1, "L", hour=9)]
    p = problem(shifts, [reader(rules=Rules(min_rest_minutes=11 * 60))])
    report = validate(p, roster(("r1", "E0"), ("r1", "D1")))  # 22:00 -> 08:00 is 10 h
    assert found(report) == [("min_rest", "r1", 1, "D1")]
    assert "rests only 600 minutes" in report.violations[0].message
    assert validate(p, roster(("r1", "E0"), ("r1", "L1"))).ok  # exactly 11 h


def test_min_rest_reaches_back_to_the_last_shift_before_the_period() -> None:
    history = History(last_shift_end=at(0, 0))
    p = problem(day_shifts(2), [reader(rules=Rules(min_rest_minutes=600), history=history)])
    assert found(validate(p, roster(("r1", "D0")))) == [("min_rest", "r1", 0, "D0")]
    assert validate(p, roster(("r1", "D1"))).ok


def test_min_rest_checks_every_later_shift_not_only_the_next() -> None:
    # three short shifts on one UTC morning (08:00, 10:00, 11:00) but three roster days: every
    # pair is closer than 3 h, so B2 is too close to both C0 and A1
    shifts = [
        shift(0, "C", hour=8, minutes=60),
        shift(1, "A", hour=10, minutes=30, start=dt.date(2026, 3, 1)),
        shift(2, "B", hour=11, minutes=30, start=dt.date(2026, 2, 28)),
    ]
    p = problem(shifts, [reader(rules=Rules(min_rest_minutes=180))])
    assert found(validate(p, roster(("r1", "C0"), ("r1", "A1"), ("r1", "B2")))) == [
        ("min_rest", "r1", 1, "A1"),
        ("min_rest", "r1", 2, "B2"),
        ("min_rest", "r1", 2, "B2"),
    ]


# --- counts and totals -----------------------------------------------------------------------


def test_max_shifts_per_template_and_kind() -> None:
    shifts = [*day_shifts(3), shift(3, "N", hour=20), shift(5, "N", hour=20)]
    rules = Rules(max_shifts_per_template={"D": 2}, max_shifts_per_kind={ShiftKind.NIGHT: 1})
    p = problem(shifts, [reader(rules=rules)])
    report = validate(p, roster(*on_days("r1", 0, 1, 2), ("r1", "N3"), ("r1", "N5")))
    assert found(report) == [
        ("max_shifts_per_template", "r1", None, None),
        ("max_shifts_per_kind", "r1", None, None),
    ]
    assert report.violations[1].message == (
        "Dr Anna Lind works 2 night shifts, more than the maximum of 1"
    )
    assert validate(p, roster(*on_days("r1", 0, 1), ("r1", "N3"))).ok


def test_total_minutes_between_min_and_max() -> None:
    rules = Rules(min_total_minutes=960, max_total_minutes=1440)
    p = problem(day_shifts(7), [reader(rules=rules)])
    assert found(validate(p, roster(*on_days("r1", 0)))) == [
        ("min_total_minutes", "r1", None, None)
    ]
    assert found(validate(p, roster(*on_days("r1", 0, 2, 4, 6)))) == [
        ("max_total_minutes", "r1", None, None)
    ]
    assert validate(p, roster(*on_days("r1", 0, 2))).ok
    assert validate(p, roster(*on_days("r1", 0, 2, 4))).ok


def test_total_minutes_count_work_minutes_of_on_call() -> None:
    # Three 480-min shifts break a 1200-min maximum, unless one is on-call counting 120 minutes.
    shifts = tuple(
        dataclasses.replace(s, work_minutes=120) if s.day == 4 else s for s in day_shifts(7)
    )
    p = problem(shifts, [reader(rules=Rules(max_total_minutes=1200))])
    assert validate(p, roster(*on_days("r1", 0, 2, 4))).ok
    assert found(validate(p, roster(*on_days("r1", 0, 2, 6)))) == [
        ("max_total_minutes", "r1", None, None)
    ]


def test_min_total_minutes_applies_to_a_reader_with_no_shifts() -> None:
    p = problem(day_shifts(1), [reader(rules=Rules(min_total_minutes=1))])
    assert found(validate(p, roster())) == [("min_total_minutes", "r1", None, None)]


def test_max_average_weekly_minutes_scales_with_the_horizon() -> None:
    # 14 days at 1000 min/week average allow 2000 min: four 480-min shifts (1920) fit, five do not
    p = problem(day_shifts(14), [reader(rules=Rules(max_average_weekly_minutes=1000))], num_days=14)
    assert found(validate(p, roster(*on_days("r1", 0, 2, 4, 8, 10)))) == [
        ("max_average_weekly_minutes", "r1", None, None)
    ]
    assert validate(p, roster(*on_days("r1", 0, 2, 4, 8))).ok


# --- consecutive days ------------------------------------------------------------------------


def test_max_consecutive_days() -> None:
    p = problem(day_shifts(7), [reader(rules=Rules(max_consecutive_days=3))])
    report = validate(p, roster(*on_days("r1", 1, 2, 3, 4, 6)))
    assert found(report) == [("max_consecutive_days", "r1", 1, None)]
    assert report.violations[0].message == (
        "Dr Anna Lind works 4 consecutive days from 2026-03-03, more than the maximum of 3"
    )
    assert validate(p, roster(*on_days("r1", 0, 1, 2, 4, 5, 6))).ok


def test_max_consecutive_days_counts_history_before_day_zero() -> None:
    rules = Rules(max_consecutive_days=3)
    p = problem(day_shifts(7), [reader(rules=rules, history=History(consecutive_days_worked=2))])
    report = validate(p, roster(*on_days("r1", 0, 1, 3, 4, 5)))
    assert found(report) == [("max_consecutive_days", "r1", 0, None)]
    assert report.violations[0].message == (
        "Dr Anna Lind works 4 consecutive days from 2026-02-28 (2 of them before this period), "
        "more than the maximum of 3"
    )
    assert validate(p, roster(*on_days("r1", 0, 2, 3, 4))).ok


def test_a_long_history_run_ended_by_a_day_off_is_not_this_periods_violation() -> None:
    rules = Rules(max_consecutive_days=3)
    p = problem(day_shifts(7), [reader(rules=rules, history=History(consecutive_days_worked=6))])
    assert validate(p, roster(*on_days("r1", 1, 2))).ok


def test_min_consecutive_days_spares_runs_touching_the_horizon_ends() -> None:
    p = problem(day_shifts(7), [reader(rules=Rules(min_consecutive_days=2))])
    report = validate(p, roster(*on_days("r1", 0, 2, 4, 6)))
    assert found(report) == [
        ("min_consecutive_days", "r1", 2, None),
        ("min_consecutive_days", "r1", 4, None),
    ]
    assert validate(p, roster(*on_days("r1", 0, 2, 3, 6))).ok


def test_min_consecutive_days_off() -> None:
    p = problem(day_shifts(7), [reader(rules=Rules(min_consecutive_days_off=2))])
    report = validate(p, roster(*on_days("r1", 1, 3, 4, 6)))
    assert found(report) == [
        ("min_consecutive_days_off", "r1", 2, None),
        ("min_consecutive_days_off", "r1", 5, None),
    ]
    assert report.violations[0].message == (
        "Dr Anna Lind has only 1 day off from 2026-03-04, fewer than the minimum of 2"
    )
    assert validate(p, roster(*on_days("r1", 1, 4, 5))).ok  # day 0 off touches the start


def test_max_consecutive_nights_with_history() -> None:
    nights = [shift(d, "N", hour=21, minutes=600) for d in range(7)]
    rules = Rules(max_consecutive_nights=4)
    p = problem(nights, [reader(rules=rules, history=History(consecutive_nights_worked=1))])
    report = validate(p, roster(*on_days("r1", 0, 1, 2, 3, 5, 6, template="N")))
    assert found(report) == [("max_consecutive_nights", "r1", 0, None)]
    assert validate(p, roster(*on_days("r1", 0, 1, 2, 4, 5, 6, template="N"))).ok


def test_max_consecutive_nights_message() -> None:
    nights = [shift(d, "N", hour=21, minutes=600) for d in range(7)]
    p = problem(nights, [reader(rules=Rules(max_consecutive_nights=4))])
    report = validate(p, roster(*on_days("r1", 0, 1, 2, 3, 4, template="N")))
    assert [v.message for v in report.violations] == [
        "Dr Anna Lind works 5 consecutive nights from 2026-03-02, more than the maximum of 4"
    ]


def test_a_shift_in_the_readers_local_night_counts_as_a_night() -> None:
    # 14:00-22:00 UTC evening shifts are 23:00-07:00 in Tokyo: nights for a Tokyo reader only
    evenings = [shift(d, "E", hour=14) for d in range(3)]
    rules = Rules(max_consecutive_nights=2)
    tokyo = reader("tokyo", "Ken Sato", home_time_zone="Asia/Tokyo", rules=rules)
    london = reader("london", "Amy Hill", home_time_zone="Europe/London", rules=rules)
    p = problem(evenings, [tokyo, london])
    r = roster(*on_days("tokyo", 0, 1, 2, template="E"), *on_days("london", 0, 1, 2, template="E"))
    assert found(validate(p, r)) == [("max_consecutive_nights", "tokyo", 0, None)]


# --- weekends --------------------------------------------------------------------------------


def test_max_weekends_counts_distinct_weekends_and_history() -> None:
    p = problem(day_shifts(14), [reader(rules=Rules(max_weekends=1))], num_days=14)
    # days 5 and 6 are one weekend; day 12 starts the second
    report = validate(p, roster(*on_days("r1", 5, 6, 12)))
    assert found(report) == [("max_weekends", "r1", None, None)]
    assert validate(p, roster(*on_days("r1", 5, 6, 7))).ok

    tired = dataclasses.replace(
        p, radiologists=(reader(rules=Rules(max_weekends=1), history=History(weekends_worked=1)),)
    )
    report = validate(tired, roster(*on_days("r1", 6)))
    assert report.violations[0].message == (
        "Dr Anna Lind works 1 weekend (plus 1 before this period), more than the maximum of 1"
    )


# --- hard headcount --------------------------------------------------------------------------


def test_hard_headcount_cover_is_a_minimum() -> None:
    readers = [reader("a", "A"), reader("b", "B")]
    covers = (HeadcountCover("C0", 2, hard=True), HeadcountCover("D0", 2))
    p = problem([shift(0, "C", hour=16), shift(0, "D")], readers, headcount_cover=covers)
    report = validate(p, roster(("a", "C0"), ("b", "D0")))
    assert found(report) == [("headcount_cover", None, 0, "C0")]  # soft D0 is only a cost
    assert report.violations[0].message == (
        "shift C0 on 2026-03-02 has 1 reader, fewer than the required 2"
    )
    assert validate(p, roster(("a", "C0"), ("b", "C0"))).ok


# --- all together ----------------------------------------------------------------------------


def test_every_violation_is_reported_not_just_the_first() -> None:
    rules = Rules(max_consecutive_days=2, max_total_minutes=960)
    readers = [reader("a", "A", rules=rules), reader("b", "B", fixed_days_off=frozenset({0}))]
    p = problem(day_shifts(3), readers)
    report = validate(p, roster(*on_days("a", 0, 1, 2), *on_days("b", 0), ("c", "D1")))
    assert sorted(found(report), key=str) == sorted(
        [
            ("unknown_radiologist", "c", None, "D1"),
            ("max_total_minutes", "a", None, None),
            ("max_consecutive_days", "a", 0, None),
            ("fixed_day_off", "b", 0, "D0"),
        ],
        key=str,
    )
    assert not report.ok


def test_a_respecting_roster_under_every_rule_is_ok() -> None:
    rules = Rules(
        max_shifts_per_template={"D": 5},
        max_shifts_per_kind={ShiftKind.DAY: 5},
        min_total_minutes=480,
        max_total_minutes=2400,
        max_consecutive_days=3,
        min_consecutive_days=2,
        min_consecutive_days_off=2,
        max_consecutive_nights=1,
        max_weekends=1,
        min_rest_minutes=11 * 60,
        max_average_weekly_minutes=2400,
    )
    p = problem(day_shifts(7), [reader(rules=rules)], pins=(Pin("r1", 0, "D0"),))
    report = validate(p, roster(*on_days("r1", 0, 1, 2, 5, 6)))
    assert report.ok, report.messages()
