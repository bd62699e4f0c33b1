"""Scenario KPIs on a hand-made roster: hour bands, unmet hours, on-call gaps, the Erlang C
turnaround, cost and fairness, each worked out by hand."""

import datetime as dt
import math

import pytest

from scheduler.scenarios.inputs import ScenarioInput, UrgentStream
from scheduler.scenarios.kpis import MAX_WAIT_MINUTES, ScenarioKpis, band_shares, scenario_kpis
from solver.problem import (
    HeadcountCover,
    Licence,
    Pool,
    Problem,
    Radiologist,
    ReadingDemand,
    Region,
    Shift,
    ShiftKind,
    Site,
)
from solver.roster import Allocation, Assignment, ReaderLoad, Roster

MONDAY = dt.date(2026, 3, 2)


def at(day: int, hour: int) -> dt.datetime:
    return dt.datetime.combine(MONDAY + dt.timedelta(days=day), dt.time(hour), dt.UTC)


def _problem() -> Problem:
    shifts = (
        Shift("D0", 0, "D", ShiftKind.DAY, at(0, 8), 480, region="R"),
        Shift("E0", 0, "E", ShiftKind.EVENING, at(0, 16), 240, region="R"),  # 16-20: 1 h day
        Shift("W5", 5, "D", ShiftKind.WEEKEND, at(5, 8), 480, region="R"),  # Saturday
        Shift("C0", 0, "C", ShiftKind.ON_CALL, at(0, 20), 720, region="R", units=0),
    )
    readers = tuple(
        Radiologist(id, fte=fte, licences=(Licence(region="R", valid_from=MONDAY),))
        for id, fte in (("r1", 1.0), ("r2", 0.5), ("r3", 1.0))
    )
    return Problem(
        start_date=MONDAY,
        num_days=7,
        shifts=shifts,
        radiologists=readers,
        regions=(Region("R", "UTC", sparse=True),),
        sites=(Site("A", "R", "UTC"),),
        pools=(Pool("A/gen", "A", "gen"),),
        reading_demand=(
            ReadingDemand("A/gen", "D0", 8),
            ReadingDemand("A/gen", "E0", 4),
            ReadingDemand("A/gen", "W5", 8),
        ),
        headcount_cover=(HeadcountCover("C0", 2, hard=False),),
    )


def _roster() -> Roster:
    return Roster(
        assignments=(Assignment("r1", "D0"), Assignment("r2", "E0"), Assignment("r3", "C0")),
        allocations=(Allocation("r1", "D0", "A/gen", 6), Allocation("r2", "E0", "A/gen", 4)),
    )


def _scenario(*streams: UrgentStream) -> ScenarioInput:
    return ScenarioInput(_problem(), streams, {"R": {"stat": 60, "ed": 120}}, "assumed")


def test_bands_unmet_hours_and_on_call_gaps() -> None:
    region = scenario_kpis(_scenario(), _roster()).region("R")
    assert region is not None and region.sparse
    assert region.demand_hours == pytest.approx({"day": 9, "evening": 3, "night": 0, "weekend": 8})
    assert region.covered_hours == pytest.approx({"day": 7, "evening": 3, "night": 0, "weekend": 0})
    assert region.covered_pct("weekend") == 0 and region.covered_pct("night") is None
    assert region.covered_pct() == pytest.approx(100 * 10 / 20)
    assert region.unmet_hours == pytest.approx(10)
    assert region.on_call_gaps == 1
    assert region.licensed_readers == 3


def test_erlang_turnaround_with_one_reader_and_with_none() -> None:
    # M/M/1 at 2 studies/h of 15 min: a = 0.5, C = 0.5, E[wait] = 0.5 / (4 - 2) h = 15 min.
    served = UrgentStream("A/gen", "D0", "stat", 2.0, 15.0)
    region = scenario_kpis(_scenario(served), _roster()).region("R")
    assert region is not None
    assert region.urgent_studies == pytest.approx(16)
    assert region.urgent_turnaround_minutes == pytest.approx(15 + 15)
    on_time = 1 - 0.5 * math.exp(-(4 - 2) * 45 / 60)  # P(wait <= 60 - 15 min)
    assert region.urgent_on_time_pct == pytest.approx(100 * on_time)

    # Nobody reads on Saturday: those studies wait for the next shift, none on time.
    unserved = UrgentStream("A/gen", "W5", "stat", 2.0, 15.0)
    both = scenario_kpis(_scenario(served, unserved), _roster()).region("R")
    assert both is not None
    assert both.urgent_turnaround_minutes == pytest.approx((30 + 15 + MAX_WAIT_MINUTES) / 2)
    assert both.urgent_on_time_pct == pytest.approx(100 * on_time / 2)


def test_cost_fairness_and_round_trip_through_json() -> None:
    loads = (
        ReaderLoad("r1", 1.0, 1, 480, nights=2, weekends=1, on_calls=0),
        ReaderLoad("r2", 0.5, 1, 240, nights=1, weekends=0, on_calls=0),
        ReaderLoad("r3", 1.0, 1, 720, nights=0, weekends=0, on_calls=1),
    )
    kpis = scenario_kpis(_scenario(), _roster(), loads)
    assert (kpis.readers, kpis.fte, kpis.licences, kpis.privileges) == (3, 2.5, 3, 0)
    assert kpis.fairness_spread == {"nights": 2.0, "weekends": 1.0, "on_calls": 1.0}
    again = ScenarioKpis.from_dict(kpis.to_dict())
    assert again == kpis
    assert kpis.to_dict()["regions"][0]["covered_pct"]["all"] == pytest.approx(50)


def test_bands_follow_the_regions_clock_across_dst() -> None:
    # Oslo, the night the clocks go forward (29 March 2026): 22:00-08:00 local is 9 real hours.
    start = dt.datetime(2026, 3, 28, 21, tzinfo=dt.UTC)  # 22:00 CET Saturday
    shares = dict(band_shares(start, 9 * 60, "Europe/Oslo"))
    assert shares == {"weekend": 1.0}  # Saturday night into Sunday morning
    weekday = dt.datetime(2026, 3, 30, 14, tzinfo=dt.UTC)  # Monday 16:00 CEST, 4 h
    assert dict(band_shares(weekday, 240, "Europe/Oslo")) == pytest.approx(
        {"day": 0.25, "evening": 0.75}
    )
