"""Forecast volumes → reader-hours and readers per hour, on inputs worked out by hand."""

import math

import numpy as np
import pandas as pd
import pytest

from scheduler.forecast.capacity import (
    CapacityPolicy,
    ProductivityError,
    minutes_per_study,
    required_capacity,
)
from scheduler.forecast.erlang import readers_needed

PRODUCTIVITY = pd.DataFrame(
    {
        "modality_id": ["CT", "XR", "MR", "US"],
        "subspecialty_id": ["neuro", "neuro", "neuro", ""],  # US: any subspecialty
        "minutes_per_study": [12.0, 2.5, 18.0, 6.0],
    }
)


def mix(rows: dict[tuple[str, str, str], dict[str, float]]) -> pd.DataFrame:
    table = pd.DataFrame.from_dict(rows, orient="index").fillna(0.0)
    table.index = pd.MultiIndex.from_tuples(
        list(rows), names=["region_id", "subspecialty_id", "priority"]
    )
    return table


def volumes(rows: dict[tuple[str, str, str], list[float]]) -> pd.DataFrame:
    hours = len(next(iter(rows.values())))
    index = pd.date_range("2027-01-04", periods=hours, freq="h", tz="UTC")
    frame = pd.DataFrame(rows, index=index)
    frame.columns = pd.MultiIndex.from_tuples(
        list(rows), names=["region_id", "subspecialty_id", "priority"]
    )
    return frame


def test_minutes_per_study_follow_the_modality_mix() -> None:
    shares = mix(
        {
            ("A", "neuro", "ed"): {"CT": 0.5, "XR": 0.5},  # 0.5 * 12 + 0.5 * 2.5 = 7.25
            ("A", "body", "outpatient"): {"US": 1.0},  # the any-subspecialty US row: 6
        }
    )
    minutes = minutes_per_study(shares, PRODUCTIVITY)
    assert minutes[("A", "neuro", "ed")] == pytest.approx(7.25)
    assert minutes[("A", "body", "outpatient")] == pytest.approx(6.0)


def test_missing_or_bad_rates_are_named() -> None:
    with pytest.raises(ProductivityError, match="modality 'CT', subspecialty 'body'"):
        minutes_per_study(mix({("A", "body", "ed"): {"CT": 1.0}}), PRODUCTIVITY)
    bad = PRODUCTIVITY.assign(minutes_per_study=[12.0, 0.0, 18.0, 6.0])
    with pytest.raises(ProductivityError, match="row 1, field 'minutes_per_study'"):
        minutes_per_study(mix({("A", "neuro", "ed"): {"CT": 1.0}}), bad)


def test_workload_and_erlang_floor_by_hand() -> None:
    # Hour 0: 30 outpatient studies x 10 min = 5 reader-hours, 6 ED x 20 min = 2: 7 in all.
    # Hour 1: only the 6 ED studies: 2 reader-hours.
    # ED is sized by Erlang C: lambda 6/h, mu 3/h, a = 2; turnaround 60 min - 20 min reading =
    # 40 min wait allowed. c = 3: C = 4/9, P(wait > 40 min) = 4/9 * exp(-(9 - 6) * 40/60)
    # = 0.444 * 0.135 = 0.060 <= 0.10, so 3 readers.
    forecast = volumes(
        {("A", "neuro", "outpatient"): [30.0, 0.0], ("A", "neuro", "ed"): [6.0, 6.0]}
    )
    minutes = pd.Series([10.0, 20.0], index=forecast.columns)
    need = required_capacity(forecast, minutes, CapacityPolicy({"ed": 60}))
    assert need["reader_hours"].tolist() == pytest.approx([7.0, 2.0])
    assert need["urgent_per_hour"].tolist() == pytest.approx([6.0, 6.0])
    assert need["readers_erlang"].tolist() == [3, 3]
    assert need["readers"].tolist() == [7, 3]  # max(ceil(7), 3), max(ceil(2), 3)


def test_tiers_size_stat_against_its_own_target() -> None:
    # STAT due in 45 min is read first, so its tier holds only STAT; ED (120 min) waits behind
    # STAT, so its tier holds both. Readers = the larger tier's sizing.
    forecast = volumes({("A", "neuro", "stat"): [3.0], ("A", "neuro", "ed"): [9.0]})
    minutes = pd.Series([15.0, 10.0], index=forecast.columns)
    policy = CapacityPolicy({"stat": 45, "ed": 120}, max_late_fraction=0.05)
    need = required_capacity(forecast, minutes, policy)
    stat_only = readers_needed(3.0, 15.0, wait_minutes=45 - 15, max_late_fraction=0.05)
    # ED tier: 12 studies/h, mean reading (3 * 15 + 9 * 10) / 12 = 11.25 min.
    both = readers_needed(12.0, 11.25, wait_minutes=120 - 11.25, max_late_fraction=0.05)
    assert need["readers_erlang"].iloc[0] == max(stat_only, both)
    assert need["urgent_per_hour"].iloc[0] == pytest.approx(12.0)


def test_thin_urgent_streams_get_no_floor_and_regions_use_their_rules() -> None:
    forecast = volumes({("A", "neuro", "ed"): [0.05, 0.5], ("B", "neuro", "ed"): [0.5, 0.5]})
    minutes = pd.Series([20.0, 20.0], index=forecast.columns)
    strict = CapacityPolicy({"ed": 60}, min_urgent_per_hour=1.0)
    need = required_capacity(
        forecast, minutes, CapacityPolicy({"ed": 60}), region_policies={"B": strict}
    )
    a = need[need["region_id"] == "A"]
    b = need[need["region_id"] == "B"]
    assert a["readers_erlang"].tolist() == [0, 1]  # 0.05/h is under the default 0.1/h threshold
    assert b["readers_erlang"].tolist() == [0, 0]  # B's own rule: floors from 1/h only
    # Workload still needs a reader: ceil(0.5 * 20 / 60) = 1.
    assert b["readers"].tolist() == [1, 1]


def test_one_row_per_pool_and_hour() -> None:
    forecast = volumes(
        {
            ("A", "neuro", "ed"): [1.0, 2.0, 3.0],
            ("A", "neuro", "outpatient"): [4.0, 0.0, 0.0],
            ("A", "body", "ed"): [0.0, 0.0, 6.0],
            ("B", "neuro", "ed"): [0.0, 0.0, 0.0],
        }
    )
    minutes = pd.Series(6.0, index=forecast.columns)
    need = required_capacity(forecast, minutes)
    assert len(need) == 3 * 3  # (A, body), (A, neuro), (B, neuro) x 3 hours
    a_neuro = need[(need["region_id"] == "A") & (need["subspecialty_id"] == "neuro")]
    assert a_neuro["reader_hours"].tolist() == pytest.approx([0.5, 0.2, 0.3])
    quiet = need[need["region_id"] == "B"]
    assert quiet["readers"].tolist() == [0, 0, 0]
    assert math.isclose(need["reader_hours"].sum(), forecast.to_numpy().sum() * 6 / 60)


def test_bad_forecast_is_refused() -> None:
    forecast = volumes({("A", "neuro", "ed"): [np.nan]})
    with pytest.raises(ValueError, match="finite"):
        required_capacity(forecast, pd.Series([10.0], index=forecast.columns))
    with pytest.raises(ProductivityError, match="no minutes per study"):
        required_capacity(volumes({("A", "neuro", "ed"): [1.0]}), pd.Series(dtype=float))
