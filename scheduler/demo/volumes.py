"""Hourly study volumes for the demo regions, and the reading minutes each study takes.

Counts are Poisson draws around an expected rate shaped by hour of day and day of week (per
priority), public holidays (read as Sundays), a winter peak, the Nordic summer slowdown for planned
work and a yearly growth trend. The country-wide total is scaled so the demo workload fills a
realistic share of the workforce's capacity. Only non-zero counts are written, plus one zero
"heartbeat" row in each hour in which a region had no study at all: every covered hour of a region
has at least one row, so an absent series row in an hour means zero studies and an hour with no row
for a region would be a feed outage (a gap), never a quiet night.
"""

from __future__ import annotations

import holidays
import numpy as np
import pandas as pd

from scheduler.demo.country import (
    CASE_MIX,
    MODALITY_SHARE,
    PERIOD_START,
    PRIORITY_MIX,
    REGIONS,
    RegionInfo,
    minutes_per_study,
)

# The fraction of the workforce's yearly reading capacity the demo demand uses.
TARGET_UTILISATION = 0.75
READING_SHARE_OF_PAID_HOURS = 0.85  # leave, meetings, teaching
HOURS_PER_WEEK_AT_FULL_TIME = 40.0
# Sparse regions send a smaller share of their population's studies to the network.
SPARSE_VOLUME_FACTOR = 0.6

HOUR_SHAPE: dict[str, tuple[float, ...]] = {
    # fmt: off
    "outpatient": (
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0.3,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        0.6,
        0.3,
        0.15,
        0.15,
        0.15,
        0.02,
        0.02,
        0.02,
    ),
    "inpatient": (0.15,) * 7 + (0.5,) + (1.0,) * 9 + (0.5,) * 4 + (0.25,) * 3,
    "ed": (0.35,) * 6 + (0.45, 0.6, 0.8) + (1.0,) * 12 + (0.7,) * 3,
    "stat": (0.5,) * 7 + (0.8,) * 3 + (1.0,) * 11 + (0.8,) * 3,
    # fmt: on
}
# Monday..Sunday; public holidays use the Sunday factor.
WEEKDAY_SHAPE: dict[str, tuple[float, ...]] = {
    "outpatient": (1.0, 1.0, 1.0, 1.0, 0.95, 0.08, 0.05),
    "inpatient": (1.0, 1.0, 1.0, 1.0, 1.0, 0.55, 0.5),
    "ed": (1.05, 1.0, 1.0, 1.0, 1.05, 1.1, 1.1),
    "stat": (1.0,) * 7,
}
WINTER_PEAK = 0.08
SUMMER_SLOWDOWN = {"outpatient": 0.6, "inpatient": 0.85}  # July
GROWTH_PER_YEAR = (0.02, 0.06)
HEARTBEAT_SERIES = {"modality": "XR", "subspecialty": "general", "priority": "ed"}


def history_hours(info: RegionInfo, months: int) -> pd.DatetimeIndex:
    """UTC hours of whole local days, from ``months`` before the period to the day before it."""
    first_day = pd.Timestamp(PERIOD_START) - pd.DateOffset(months=months)
    start = first_day.tz_localize(info.time_zone).tz_convert("UTC")
    end = pd.Timestamp(PERIOD_START).tz_localize(info.time_zone).tz_convert("UTC")
    return pd.date_range(start, end, freq="h", inclusive="left")


def productivity_rates() -> pd.DataFrame:
    rows = [
        {
            "modality": modality,
            "subspecialty": sub,
            "minutes_per_study": minutes_per_study(modality, sub),
        }
        for modality, mix in CASE_MIX.items()
        for sub in mix
    ]
    return pd.DataFrame(rows)


def yearly_studies(readers: pd.DataFrame) -> float:
    """Country-wide studies a year whose reading time uses TARGET_UTILISATION of capacity."""
    active_fte = float(readers.loc[readers["active"], "fte"].sum())
    capacity_minutes = (
        active_fte * HOURS_PER_WEEK_AT_FULL_TIME * 52 * 60 * READING_SHARE_OF_PAID_HOURS
    )
    minutes_per_average_study = sum(
        MODALITY_SHARE[m] * share * minutes_per_study(m, s)
        for m, mix in CASE_MIX.items()
        for s, share in mix.items()
    )
    return TARGET_UTILISATION * capacity_minutes / minutes_per_average_study


def study_volumes(rng: np.random.Generator, readers: pd.DataFrame, months: int) -> pd.DataFrame:
    weights = {r.code: r.population * (SPARSE_VOLUME_FACTOR if r.sparse else 1.0) for r in REGIONS}
    total_weight = sum(weights.values())
    per_year = yearly_studies(readers)
    frames = []
    for info in REGIONS:
        hours = history_hours(info, months)
        shapes = _priority_shapes(rng, info, hours)
        region_per_hour = per_year * weights[info.code] / total_weight / (365 * 24)
        region_frames = []
        for modality, case_mix in CASE_MIX.items():
            for sub, case_share in case_mix.items():
                for priority, priority_share in PRIORITY_MIX[modality].items():
                    mean = region_per_hour * MODALITY_SHARE[modality] * case_share * priority_share
                    counts = rng.poisson(mean * shapes[priority])
                    nonzero = counts > 0
                    region_frames.append(
                        pd.DataFrame(
                            {
                                "ts": hours[nonzero],
                                "region": info.code,
                                "modality": modality,
                                "subspecialty": sub,
                                "priority": priority,
                                "count": counts[nonzero],
                            }
                        )
                    )
        frames += [*region_frames, _heartbeats(info.code, hours, region_frames)]
    volumes = pd.concat(frames, ignore_index=True)
    volumes = volumes.sort_values(
        ["region", "ts", "modality", "subspecialty", "priority"], kind="stable"
    )
    volumes.insert(2, "site", None)
    return volumes.reset_index(drop=True)


def _heartbeats(
    region_code: str, hours: pd.DatetimeIndex, frames: list[pd.DataFrame]
) -> pd.DataFrame:
    """Zero rows for the region's hours without any row, so that silence is not read as a gap."""
    seen = pd.DatetimeIndex(pd.concat([f["ts"] for f in frames]))
    quiet = hours[~hours.isin(seen)]
    return pd.DataFrame({"ts": quiet, "region": region_code, **HEARTBEAT_SERIES, "count": 0})


def _priority_shapes(
    rng: np.random.Generator, info: RegionInfo, hours: pd.DatetimeIndex
) -> dict[str, np.ndarray]:
    """Relative rate per hour for each priority, with mean 1 over a plain year so totals stay on
    target.
    """
    local = hours.tz_convert(info.time_zone)
    local_dates = local.date
    public = holidays.country_holidays(info.country, years=sorted({d.year for d in local_dates}))
    weekday = np.where([d in public for d in local_dates], 6, local.day_of_week)
    day_of_year = local.day_of_year.to_numpy()
    winter = 1 + WINTER_PEAK * np.cos(2 * np.pi * (day_of_year - 15) / 365.25)
    years_before_period = (pd.Timestamp(PERIOD_START, tz="UTC") - hours).total_seconds() / (
        365.25 * 86_400
    )
    growth = 1 - float(rng.uniform(*GROWTH_PER_YEAR)) * years_before_period.to_numpy()
    july = local.month.to_numpy() == 7
    shapes = {}
    for priority in HOUR_SHAPE:
        hourly = np.asarray(HOUR_SHAPE[priority])
        daily = np.asarray(WEEKDAY_SHAPE[priority])
        plain_mean = hourly.mean() * daily.mean()
        shape = hourly[local.hour] * daily[weekday] * winter * growth / plain_mean
        shapes[priority] = np.where(july, shape * SUMMER_SLOWDOWN.get(priority, 1.0), shape)
    return shapes
