"""The objective recomputed by the validator: each breakdown term against a hand-computed value."""

from __future__ import annotations

import datetime as dt

import pytest
from factories_validate import day_shifts, on_days, problem, reader, roster, shift

from solver.problem import (
    Availability,
    AvailabilityKind,
    HeadcountCover,
    Licence,
    Pool,
    Privilege,
    Problem,
    ReadingDemand,
    Rules,
    Shift,
    ShiftKind,
    Site,
    Weights,
)
from solver.roster import Allocation
from solver.validate import BREAKDOWN_KEYS, validate


def test_an_empty_objective_has_every_key_at_zero() -> None:
    report = validate(problem(day_shifts(1)), roster())
    assert tuple(report.breakdown) == BREAKDOWN_KEYS
    assert set(report.breakdown.values()) == {0}
    assert report.objective == 0


# --- cover --------------------------------------------------------------------------------------


def _pool_problem(demand: tuple[ReadingDemand, ...]) -> Problem:
    neuro = reader(
        "a",
        skills=frozenset({"neuro"}),
        licences=(Licence(region="N"),),
        privileges=(Privilege(site="tromso"),),
    )
    return problem(
        day_shifts(2),
        [neuro],
        sites=(Site("tromso", "N"),),
        pools=(Pool("p", "tromso", "neuro"), Pool("q", "tromso", "neuro")),
        reading_demand=demand,
    )


def test_reading_demand_costs_shortfall_and_excess_per_unit() -> None:
    demand = (
        ReadingDemand("p", "D0", 4),  # 3 given: 1 short x 100
        ReadingDemand("p", "D1", 4, weight_under=10, weight_over=3),  # 6 given: 2 over x 3
        ReadingDemand("q", "D0", 2, weight_under=7),  # nothing given: 2 short x 7
    )
    allocations = (
        Allocation("a", "D0", "p", 3),
        Allocation("a", "D1", "p", 2),
        Allocation("a", "D1", "p", 4),
    )
    report = validate(_pool_problem(demand), roster(*on_days("a", 0, 1), allocations=allocations))
    assert report.ok, report.messages()
    assert report.breakdown["cover"] == 100 + 6 + 14
    assert report.objective == 120


def test_exact_supply_costs_nothing() -> None:
    demand = (ReadingDemand("p", "D0", 3, weight_over=5),)
    allocations = (Allocation("a", "D0", "p", 3),)
    report = validate(_pool_problem(demand), roster(("a", "D0"), allocations=allocations))
    assert report.breakdown["cover"] == 0


def test_curtois_headcount_cover_under_100_over_1() -> None:
    readers = [reader(r, r) for r in "abcd"]
    covers = (
        HeadcountCover("D0", 2, weight_under=100, weight_over=1),
        HeadcountCover("D1", 1, weight_under=100, weight_over=1),
        HeadcountCover("D2", 2, weight_under=100, weight_over=1),
    )
    p = problem(day_shifts(3), readers, headcount_cover=covers)
    r = roster(("a", "D0"), *((x, "D1") for x in "bcd"), ("a", "D2"), ("b", "D2"))
    report = validate(p, r)
    assert report.breakdown["cover"] == 100 * 1 + 1 * 2 + 0
    assert report.objective == 102


def test_hard_headcount_costs_only_its_excess() -> None:
    readers = [reader(r, r) for r in "abc"]
    covers = (
        HeadcountCover("D0", 2, weight_under=100, weight_over=1, hard=True),
        HeadcountCover("D1", 1, weight_under=100, weight_over=4, hard=True),
    )
    p = problem(day_shifts(2), readers, headcount_cover=covers)
    report = validate(p, roster(("a", "D0"), *((x, "D1") for x in "abc")))
    assert [v.rule for v in report.violations] == ["headcount_cover"]  # D0 short: a rule, no cost
    assert report.breakdown["cover"] == 2 * 4


# --- preferences --------------------------------------------------------------------------------

_DAY0 = [shift(0, "D"), shift(0, "N", hour=20, minutes=600)]


@pytest.mark.parametrize(
    ("entry", "worked", "cost"),
    [
        # whole-day wishes
        (Availability(0, AvailabilityKind.PREFER, weight=5), "D0", 0),
        (Availability(0, AvailabilityKind.PREFER, weight=5), None, 5),
        (Availability(0, AvailabilityKind.AVOID, weight=5), "N0", 5),
        (Availability(0, AvailabilityKind.AVOID, weight=5), None, 0),
        # Curtois on-request: PREFER with a template
        (Availability(0, AvailabilityKind.PREFER, template="N", weight=3), "N0", 0),
        (Availability(0, AvailabilityKind.PREFER, template="N", weight=3), "D0", 3),
        (Availability(0, AvailabilityKind.PREFER, template="N", weight=3), None, 3),
        # Curtois off-request: AVOID with a template
        (Availability(0, AvailabilityKind.AVOID, template="D", weight=2), "D0", 2),
        (Availability(0, AvailabilityKind.AVOID, template="D", weight=2), "N0", 0),
        # narrowed by shift kind
        (Availability(0, AvailabilityKind.AVOID, shift_kind=ShiftKind.NIGHT, weight=7), "N0", 7),
        (Availability(0, AvailabilityKind.AVOID, shift_kind=ShiftKind.NIGHT, weight=7), "D0", 0),
        (Availability(0, AvailabilityKind.PREFER, shift_kind=ShiftKind.DAY, weight=7), "D0", 0),
        (Availability(0, AvailabilityKind.PREFER, shift_kind=ShiftKind.DAY, weight=7), "N0", 7),
        # both filters must match
        (
            Availability(
                0, AvailabilityKind.PREFER, template="N", shift_kind=ShiftKind.DAY, weight=9
            ),
            "N0",
            9,
        ),
    ],
)
def test_one_wish(entry: Availability, worked: str | None, cost: int) -> None:
    p = problem(_DAY0, [reader(availability=(entry,))])
    report = validate(p, roster(("r1", worked)) if worked else roster())
    assert report.ok
    assert report.breakdown["preferences"] == cost
    assert report.objective == cost


def test_wishes_add_up_over_days_and_readers() -> None:
    shifts = [*day_shifts(3), shift(2, "N", hour=20)]
    a = reader(
        "a",
        availability=(
            Availability(0, AvailabilityKind.PREFER, template="N", weight=2),  # no N0: unmet
            Availability(1, AvailabilityKind.AVOID, weight=4),  # works D1: unmet
            Availability(2, AvailabilityKind.AVOID, template="N", weight=8),  # works D2: met
        ),
    )
    b = reader(
        "b", availability=(Availability(2, AvailabilityKind.PREFER, template="N", weight=16),)
    )
    report = validate(problem(shifts, [a, b]), roster(*on_days("a", 1, 2), ("b", "N2")))
    assert report.breakdown["preferences"] == 2 + 4


# --- fairness -----------------------------------------------------------------------------------


def _nights(num_days: int = 7) -> list[Shift]:
    return [shift(d, "N", hour=21, minutes=600) for d in range(num_days)]


def test_night_fairness_scales_loads_by_fte() -> None:
    readers = [
        reader("a", fte=1.0),  # 3 nights x 100 = 300
        reader("b", fte=0.5),  # 1 night x 200 = 200
        reader("c", fte=0.6),  # 1 night x round(166.7) = 167
        reader("d", fte=0.0),  # no FTE: outside the category
        reader("e", rules=Rules(max_shifts_per_kind={ShiftKind.NIGHT: 0})),  # may not work nights
    ]
    p = problem(_nights(), readers, weights=Weights(fairness_nights=3))
    r = roster(*on_days("a", 0, 2, 4, template="N"), ("b", "N1"), ("c", "N3"))
    report = validate(p, r)
    assert report.ok
    assert report.breakdown["fairness"] == 3 * (300 - 167)


def test_night_category_follows_the_readers_home_zone() -> None:
    # 14:00-22:00 UTC is a night in Tokyo only; with no other night shift, the UTC reader is
    # outside the category and one reader alone has no spread
    tokyo = reader("tokyo", home_time_zone="Asia/Tokyo")
    utc = reader("utc")
    evening_only = problem(
        [shift(0, "E", hour=14)], [tokyo, utc], weights=Weights(fairness_nights=1)
    )
    assert validate(evening_only, roster(("tokyo", "E0"))).breakdown["fairness"] == 0

    with_a_night = problem(
        [shift(0, "E", hour=14), shift(1, "N", hour=21)],
        [tokyo, utc],
        weights=Weights(fairness_nights=1),
    )
    assert validate(with_a_night, roster(("tokyo", "E0"))).breakdown["fairness"] == 100


def test_weekend_fairness_counts_distinct_weekends() -> None:
    readers = [
        reader("a"),  # days 5, 6, 12: two weekends -> 200
        reader("b", fte=0.5),  # day 13: one weekend x 200 -> 200
        reader("c"),  # day 6: one weekend -> 100
        reader("e", rules=Rules(max_shifts_per_template={"D": 0})),  # may work no weekend shift
    ]
    p = problem(day_shifts(14), readers, num_days=14, weights=Weights(fairness_weekends=2))
    r = roster(*on_days("a", 5, 6, 12), *on_days("b", 13), *on_days("c", 1, 6))
    assert validate(p, r).breakdown["fairness"] == 2 * (200 - 100)


def test_on_call_fairness() -> None:
    calls = [shift(d, "C", hour=17, minutes=900) for d in range(3)]
    readers = [reader("a"), reader("b", fte=0.8), reader("c", skills=frozenset({"x"}))]
    p = problem(calls, readers, weights=Weights(fairness_on_call=5))
    r = roster(*on_days("a", 0, 2, template="C"), ("b", "C1"))
    # a: 2 x 100, b: 1 x 125, c: 0
    assert validate(p, r).breakdown["fairness"] == 5 * (200 - 0)


def test_fairness_terms_add_up_and_ignore_zero_weights() -> None:
    shifts = [*_nights(7), shift(0, "C", hour=8)]
    readers = [reader("a"), reader("b")]
    r = roster(*on_days("a", 0, 5, template="N"), ("b", "C0"))
    # nights: a 200, b 0; weekends: a 100, b 0; on-call: a 0, b 100
    both = problem(shifts, readers, weights=Weights(fairness_nights=1, fairness_weekends=10))
    assert validate(both, r).breakdown["fairness"] == 200 + 10 * 100
    every = problem(
        shifts,
        readers,
        weights=Weights(fairness_nights=1, fairness_weekends=10, fairness_on_call=100),
    )
    assert validate(every, r).breakdown["fairness"] == 200 + 1000 + 100 * 100
    assert validate(problem(shifts, readers), r).breakdown["fairness"] == 0


# --- change -------------------------------------------------------------------------------------


def test_change_costs_each_reference_assignment_not_kept() -> None:
    reference = frozenset({("a", "D0"), ("a", "D1"), ("b", "D2")})
    p = problem(
        day_shifts(3), [reader("a"), reader("b")], reference=reference, weights=Weights(change=5)
    )
    report = validate(p, roster(("a", "D0"), ("b", "D1"), ("b", "D0")))  # new ones cost nothing
    assert report.breakdown["change"] == 5 * 2
    assert validate(p, roster(*reference)).breakdown["change"] == 0


# --- follow the sun -----------------------------------------------------------------------------


def test_follow_the_sun_counts_hours_in_the_readers_local_night() -> None:
    # 14:00-22:00 UTC is 23:00-07:00 in Tokyo: 7 h of local night (23-06); none in UTC
    tokyo = reader("tokyo", home_time_zone="Asia/Tokyo")
    p = problem([shift(0, "E", hour=14)], [tokyo, reader("utc")], weights=Weights(follow_the_sun=2))
    assert validate(p, roster(("tokyo", "E0"))).breakdown["follow_the_sun"] == 2 * 7
    assert validate(p, roster(("utc", "E0"))).breakdown["follow_the_sun"] == 0


def test_follow_the_sun_rounds_down_per_shift() -> None:
    # 22:00-23:30 UTC twice: 90 night minutes each, 1 whole hour each, 2 in all (not 180 // 60 = 3)
    shifts = [shift(d, "L", hour=22, minutes=90) for d in range(2)]
    p = problem(shifts, [reader()], weights=Weights(follow_the_sun=1))
    assert validate(p, roster(*on_days("r1", 0, 1, template="L"))).breakdown["follow_the_sun"] == 2


OSLO_WEEK = dt.date(2026, 3, 23)  # Monday; Oslo springs forward on Sunday 29 March at 01:00 UTC


def test_dst_night_is_measured_in_real_utc_hours() -> None:
    # a local 22:00-08:00 night: 21:00 UTC + 10 h in winter, 21:00 UTC + 9 h on the DST night
    normal = shift(0, "N", hour=21, minutes=600, start=OSLO_WEEK)
    dst = shift(5, "N", hour=21, minutes=540, start=OSLO_WEEK)
    oslo = reader(home_time_zone="Europe/Oslo", rules=Rules(max_total_minutes=540))
    p = problem([normal, dst], [oslo], start_date=OSLO_WEEK, weights=Weights(follow_the_sun=1))
    # winter night: 22:00-06:00 local is 8 h; DST night: 21:00-04:00 UTC is only 7 real hours
    assert validate(p, roster(("r1", "N0"))).breakdown["follow_the_sun"] == 8
    on_dst = validate(p, roster(("r1", "N5")))
    assert on_dst.breakdown["follow_the_sun"] == 7
    assert on_dst.ok  # 540 real minutes, within the maximum of 540

    tighter = problem(
        [dst],
        [reader(home_time_zone="Europe/Oslo", rules=Rules(max_total_minutes=539))],
        start_date=OSLO_WEEK,
    )
    assert [v.rule for v in validate(tighter, roster(("r1", "N5"))).violations] == [
        "max_total_minutes"
    ]


def test_objective_is_the_sum_of_its_terms() -> None:
    shifts = [shift(0, "E", hour=14), shift(1, "D")]
    tokyo = reader(
        "tokyo",
        home_time_zone="Asia/Tokyo",
        availability=(Availability(1, AvailabilityKind.PREFER, weight=11),),
    )
    p = problem(
        shifts,
        [tokyo],
        headcount_cover=(HeadcountCover("D1", 1),),
        reference=frozenset({("tokyo", "D1")}),
        weights=Weights(change=1000, follow_the_sun=10000),
    )
    report = validate(p, roster(("tokyo", "E0")))
    assert report.breakdown == {
        "cover": 100,
        "preferences": 11,
        "fairness": 0,
        "change": 1000,
        "follow_the_sun": 70000,
    }
    assert report.objective == 71111
