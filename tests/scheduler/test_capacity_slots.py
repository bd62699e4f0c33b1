"""Shift slots in local time (DST-correct) and hourly needs mapped onto them, on known inputs."""

import datetime as dt

import pandas as pd
import pytest

from scheduler.forecast.slots import (
    ShiftSlot,
    SlotTemplate,
    build_slots,
    hours_to_slots,
    reading_demand,
    split_by_site,
    weekdays_from_digits,
)
from solver.problem import ReadingDemand

ZONES = {"R": "Europe/Oslo"}
UTC = dt.UTC


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def slot(template: str, start: str, end: str, region: str = "R") -> ShiftSlot:
    begin = utc(start)
    return ShiftSlot(template, region, begin.date(), begin, utc(end), "day")


def test_slots_follow_local_time_over_dst() -> None:
    night = SlotTemplate("NGT", "R", dt.time(22), 600)
    day = SlotTemplate("DAY", "R", dt.time(8), 480, weekdays_from_digits("01234"))
    slots = build_slots([night, day], start_date=dt.date(2024, 3, 29), days=4, time_zones=ZONES)
    by_id = {s.id: s for s in slots}
    # Saturday night 22:00 CET = 21:00 UTC; 600 minutes on the wall clock end at 08:00 CEST =
    # 06:00 UTC: the clocks went forward, so the night lasts 9 real hours.
    saturday = by_id["NGT@2024-03-30"]
    assert saturday.start == utc("2024-03-30T21:00") and saturday.end == utc("2024-03-31T06:00")
    friday = by_id["NGT@2024-03-29"]
    assert friday.end - friday.start == dt.timedelta(hours=10)
    # The day shift starts at 08:00 local: 07:00 UTC in winter, 06:00 UTC in summer time.
    assert by_id["DAY@2024-03-29"].start == utc("2024-03-29T07:00")
    assert by_id["DAY@2024-04-01"].start == utc("2024-04-01T06:00")
    # Weekdays 0-4 only: no day slot on Saturday 30 or Sunday 31 March.
    assert sorted(s.id for s in slots if s.template_id == "DAY") == [
        "DAY@2024-03-29",
        "DAY@2024-04-01",
    ]


def test_autumn_night_is_longer_and_a_template_zone_wins() -> None:
    night = SlotTemplate("NGT", "R", dt.time(22), 600)
    autumn = build_slots([night], start_date=dt.date(2024, 10, 26), days=1, time_zones=ZONES)[0]
    # 22:00 CEST (20:00 UTC) to 08:00 CET (07:00 UTC): the clocks went back, 11 real hours.
    assert (autumn.start, autumn.end) == (utc("2024-10-26T20:00"), utc("2024-10-27T07:00"))
    yakutsk = SlotTemplate("DAY", "R", dt.time(8), 480, time_zone="Asia/Yakutsk")
    day = build_slots([yakutsk], start_date=dt.date(2024, 1, 8), days=1, time_zones=ZONES)[0]
    assert day.start == utc("2024-01-07T23:00")  # 08:00 at UTC+9


def test_skipped_and_repeated_local_starts() -> None:
    early = SlotTemplate("E", "R", dt.time(2, 30), 60)
    spring = build_slots([early], start_date=dt.date(2024, 3, 31), days=1, time_zones=ZONES)[0]
    # 02:30 does not exist on 31 March; read with the winter offset: 01:30 UTC (03:30 CEST).
    assert spring.start == utc("2024-03-31T01:30")
    autumn = build_slots([early], start_date=dt.date(2024, 10, 27), days=1, time_zones=ZONES)[0]
    # 02:30 happens twice on 27 October; the first (CEST, UTC+2) is taken: 00:30 UTC.
    assert autumn.start == utc("2024-10-27T00:30")


def test_bad_templates_are_refused() -> None:
    with pytest.raises(ValueError, match="length_minutes"):
        SlotTemplate("X", "R", dt.time(8), 0)
    with pytest.raises(ValueError, match="weekdays"):
        weekdays_from_digits("0127")
    with pytest.raises(ValueError, match="no time zone for region 'Q'"):
        build_slots([SlotTemplate("X", "Q", dt.time(8), 60)], start_date=dt.date(2024, 1, 1),
                    days=1, time_zones=ZONES)  # fmt: skip


def capacity(
    hours: list[str], reader_hours: list[float], readers: list[int], erlang: list[int]
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region_id": "R",
            "subspecialty_id": "neuro",
            "ts": pd.to_datetime(hours, utc=True),
            "reader_hours": reader_hours,
            "readers": readers,
            "readers_erlang": erlang,
        }
    )


def test_hours_split_between_overlapping_slots() -> None:
    # S1 06:00-08:30, S2 08:00-10:00 UTC. Hour 08 is shared: 08:00-08:30 half each (0.25 h
    # apiece), 08:30-09:00 to S2 alone (0.5 h). Hour 10 lies outside both slots.
    need = capacity(
        ["2024-01-08T06:00", "2024-01-08T07:00", "2024-01-08T08:00", "2024-01-08T09:00",
         "2024-01-08T10:00"],
        reader_hours=[1.0, 1.0, 1.0, 1.0, 0.5],
        readers=[2, 2, 2, 2, 1],
        erlang=[0, 3, 1, 0, 0],
    )  # fmt: skip
    s1 = slot("S1", "2024-01-08T06:00", "2024-01-08T08:30")
    s2 = slot("S2", "2024-01-08T08:00", "2024-01-08T10:00")
    result = hours_to_slots(need, [s1, s2])
    rows = result.slots.set_index("template_id")
    # S1: 1 + 1 + 0.25 = 2.25 reader-hours; S2: 0.75 + 1 = 1.75.
    assert rows.loc["S1", "reader_hours"] == pytest.approx(2.25)
    assert rows.loc["S2", "reader_hours"] == pytest.approx(1.75)
    assert rows.loc["S1", "staffed_hours"] == pytest.approx(4.5)
    assert rows.loc["S2", "staffed_hours"] == pytest.approx(3.5)
    # The urgent floor: the largest among the hours each slot touches.
    assert rows.loc["S1", "min_readers"] == 3 and rows.loc["S2", "min_readers"] == 1
    # Units: running need 2.25 -> 2, then 4.0 -> 4: two units each, none lost.
    assert rows["units"].tolist() == [2, 2]
    uncovered = result.uncovered
    assert len(uncovered) == 1
    assert uncovered.iloc[0]["ts"] == pd.Timestamp("2024-01-08T10:00Z")
    assert uncovered.iloc[0]["reader_hours"] == pytest.approx(0.5)
    assert uncovered.iloc[0]["staffed_hours"] == pytest.approx(1.0)


def test_small_needs_are_diffused_not_rounded_away() -> None:
    # Five one-hour slots each needing 0.2 reader-hours: one unit in all, at the third slot
    # (running need 0.6 is the first to round to 1).
    hours = [f"2024-01-08T{h:02d}:00" for h in range(5)]
    need = capacity(hours, [0.2] * 5, [1] * 5, [0] * 5)
    slots = [
        slot(f"T{h}", f"2024-01-08T{h:02d}:00", f"2024-01-08T{h + 1:02d}:00") for h in range(5)
    ]
    result = hours_to_slots(need, slots)
    assert result.slots.sort_values("start")["units"].tolist() == [0, 0, 1, 0, 0]
    # Mapping the staffing level instead: one reader each hour, one unit per slot.
    staffed = hours_to_slots(need, slots, need="staffed_hours")
    assert staffed.slots["units"].tolist() == [1, 1, 1, 1, 1]
    # Half-hour reading units double the count.
    halves = hours_to_slots(need, slots, unit_minutes=30, need="staffed_hours")
    assert halves.slots["units"].tolist() == [2, 2, 2, 2, 2]


def test_sites_share_units_and_the_floor_goes_to_the_largest() -> None:
    table = pd.DataFrame(
        [
            {"region_id": "R", "subspecialty_id": "neuro", "slot_id": "S@2024-01-08",
             "reader_hours": 5.0, "staffed_hours": 8.0, "min_readers": 2, "units": 5},
        ]
    )  # fmt: skip
    shares = pd.DataFrame(
        {"small": [0.2], "big": [0.5], "mid": [0.3]},
        index=pd.MultiIndex.from_tuples([("R", "neuro")]),
    )
    split = split_by_site(table, shares).set_index("site_id")
    # Exact shares of 5 units: 2.5, 1.5, 1.0 -> 2, 1, 1 and the spare unit to the largest
    # remainder (big, first in share order on a tie with mid).
    assert split["units"].to_dict() == {"big": 3, "mid": 1, "small": 1}
    assert split["reader_hours"].to_dict() == pytest.approx({"big": 2.5, "mid": 1.5, "small": 1.0})
    assert split["min_readers"].to_dict() == {"big": 2, "mid": 0, "small": 0}
    with pytest.raises(ValueError, match="no site shares for region 'R', subspecialty 'body'"):
        split_by_site(table.assign(subspecialty_id="body"), shares)


def test_reading_demand_rows_for_the_solver() -> None:
    rows = pd.DataFrame(
        {"site_id": ["OUS", "OUS"], "subspecialty_id": ["neuro", "body"],
         "slot_id": ["DAY@2024-01-08", "DAY@2024-01-08"], "units": [3, 0]}
    )  # fmt: skip
    demand = reading_demand(
        rows, pool_id=lambda site, sub: f"{site}/{sub}", shift_id=lambda s: f"shift:{s}"
    )
    assert demand == (ReadingDemand(pool="OUS/neuro", shift_id="shift:DAY@2024-01-08", units=3),)
