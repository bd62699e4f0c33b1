"""A region's local calendar over UTC hours: hour of week, hour of day, holidays (DST-safe)."""

from __future__ import annotations

import functools
import zoneinfo
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import numpy as np
import pandas as pd

HOURS_PER_WEEK = 168
SUNDAY = 6
WORKING_HOURS = range(8, 18)  # local hours when elective (planned) imaging runs


@dataclass(frozen=True)
class RegionCalendar:
    """Where a region's clock and public holidays come from. ``country`` None: no holidays."""

    region_id: str
    time_zone: str = "UTC"
    country: str | None = None
    subdivision: str | None = None

    def __post_init__(self) -> None:
        ZoneInfo(self.time_zone)  # fail fast on an unknown zone name


@dataclass(frozen=True)
class LocalHours:
    """Calendar features of a run of UTC hours for one region (arrays aligned with ``index``)."""

    index: pd.DatetimeIndex
    hour_of_week: np.ndarray  # 0 = Monday 00:00 local .. 167 (holidays maybe as Sunday)
    hour_of_day: np.ndarray
    holiday: np.ndarray  # 1.0 on a local public holiday
    holiday_working: np.ndarray  # 1.0 on a holiday during local working hours


def local_hours(
    index: pd.DatetimeIndex, calendar: RegionCalendar, *, holiday_as_sunday: bool = False
) -> LocalHours:
    """Local calendar features; with ``holiday_as_sunday`` a public holiday takes Sunday's hours of
    week (hospitals run a Sunday service on public holidays)."""
    local = index.tz_convert(calendar.time_zone)
    hour = np.asarray(local.hour, dtype=np.int64)
    holiday = np.zeros(len(index))
    if calendar.country is not None and len(index):
        dates = _holiday_dates(
            calendar.country,
            calendar.subdivision,
            tuple(range(local.min().year, local.max().year + 1)),
        )
        local_days = local.tz_localize(None).normalize()
        holiday = np.asarray(local_days.isin(dates), dtype=np.float64)
    weekday = np.asarray(local.day_of_week, dtype=np.int64)
    if holiday_as_sunday:
        weekday = np.where(holiday > 0, SUNDAY, weekday)
    how = weekday * 24 + hour
    working = np.isin(hour, np.asarray(WORKING_HOURS)).astype(np.float64)
    return LocalHours(index, how, hour, holiday, holiday * working)


def calendar_for_region(region_id: str, code: str, time_zone: str) -> RegionCalendar:
    """Best guess of a region's holiday calendar: an ISO 3166-2 style code ("NO-03") gives country
    and subdivision; otherwise the country whose zone list (tzdata's zone.tab) holds
    ``time_zone``."""
    supported = holidays.list_supported_countries()
    prefix, _, rest = code.upper().partition("-")
    if prefix in supported:
        return RegionCalendar(
            region_id, time_zone, prefix, rest if rest in supported[prefix] else None
        )
    country = _country_of_zone(time_zone)
    return RegionCalendar(region_id, time_zone, country if country in supported else None)


@functools.lru_cache(maxsize=256)
def _holiday_dates(
    country: str, subdivision: str | None, years: tuple[int, ...]
) -> pd.DatetimeIndex:
    table = holidays.country_holidays(country, subdiv=subdivision, years=list(years))
    return pd.DatetimeIndex(sorted(pd.Timestamp(day) for day in table))


def _country_of_zone(time_zone: str) -> str | None:
    for line in _zone_tab_lines():
        fields = line.split("\t")
        if len(fields) >= 3 and fields[2] == time_zone:
            return fields[0]
    return None


@functools.lru_cache(maxsize=1)
def _zone_tab_lines() -> tuple[str, ...]:
    """zone.tab from the system zone database or the tzdata package; empty if neither has it."""
    candidates = [Path(root) / "zone.tab" for root in zoneinfo.TZPATH]
    try:
        candidates.append(Path(str(resources.files("tzdata"))) / "zoneinfo" / "zone.tab")
    except ModuleNotFoundError:
        pass
    for path in candidates:
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            return tuple(ln for ln in text.splitlines() if ln and not ln.startswith("#"))
    return ()
