"""Forecast, required-capacity and study-volume rows written by hand for the demand view tests,
on top of ``seed_department`` (regions N, Europe/Oslo, and S; period from Monday 2027-01-04)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, select

from scheduler import models as m
from scheduler.models.forecast import DemandForecast, RequiredCapacity

# Monday 2027-01-04 00:00 in Oslo (UTC+1 in winter).
FORECAST_START = dt.datetime(2027, 1, 3, 23, tzinfo=dt.UTC)
FORECAST_HOURS = 48
HISTORY_START = FORECAST_START - dt.timedelta(weeks=1)
GAP_HOUR = HISTORY_START + dt.timedelta(hours=30)  # Tuesday 06:00 Oslo: no row at all
NEURO_ONLY_HOUR = HISTORY_START + dt.timedelta(hours=31)  # rows, but none for general
HOUR = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Ids:
    period_id: int
    regions: dict[str, int]
    subspecialties: dict[str, int]


def ids(session: Session, period_id: int) -> Ids:
    return Ids(
        period_id,
        {r.code: r.id for r in session.exec(select(m.Region)) if r.id is not None},
        {s.code: s.id for s in session.exec(select(m.Subspecialty)) if s.id is not None},
    )


def stat_mean(hour: int) -> float:
    return 0.5 + (hour % 24) / 10


def seed_forecast(session: Session, period_id: int) -> Ids:
    """N/general: STAT and outpatient forecasts and required readers for 48 hours; S/general:
    STAT only. Outpatient hours have a zero-width interval, so their variance is their mean."""
    known = ids(session, period_id)
    north, south = known.regions["N"], known.regions["S"]
    general = known.subspecialties["general"]
    for hour in range(FORECAST_HOURS):
        ts = FORECAST_START + hour * HOUR
        mean = stat_mean(hour)
        session.add_all(
            [
                DemandForecast(
                    period_id=period_id, region_id=north, subspecialty_id=general,
                    priority=m.StudyPriority.STAT, ts=ts, mean=mean, lower=0.0,
                    upper=float(int(mean) + 2), method="glm-shrink",
                ),
                DemandForecast(
                    period_id=period_id, region_id=north, subspecialty_id=general,
                    priority=m.StudyPriority.OUTPATIENT, ts=ts, mean=4.0, lower=4.0, upper=4.0,
                    method="glm-shrink",
                ),
                DemandForecast(
                    period_id=period_id, region_id=south, subspecialty_id=general,
                    priority=m.StudyPriority.STAT, ts=ts, mean=9.0, lower=5.0, upper=14.0,
                    method="glm-shrink",
                ),
                RequiredCapacity(
                    period_id=period_id, region_id=north, subspecialty_id=general, ts=ts,
                    reader_hours=0.25 * hour, readers_erlang=1 + hour % 2,
                    readers=max(1 + hour % 2, -(-hour // 4)),
                ),
            ]
        )  # fmt: skip
    session.commit()
    return known


def seed_history(session: Session, period_id: int) -> Ids:
    """A week of N volumes before the forecast: 1 STAT and 3 outpatient general studies an
    hour and 2 neuro, except one hour with no row (a gap) and one with only neuro."""
    known = ids(session, period_id)
    modality = m.Modality(code="CT", name="Computed tomography")
    session.add(modality)
    session.flush()
    assert modality.id is not None
    north = known.regions["N"]
    general, neuro = known.subspecialties["general"], known.subspecialties["neuro"]
    ts = HISTORY_START
    while ts < FORECAST_START:
        if ts != GAP_HOUR:
            series = [(neuro, m.StudyPriority.ED, 2)]
            if ts != NEURO_ONLY_HOUR:
                series.append((general, m.StudyPriority.STAT, 1))
                series.append((general, m.StudyPriority.OUTPATIENT, 3))
            for sub, priority, count in series:
                session.add(
                    m.StudyVolume(
                        ts=ts, region_id=north, modality_id=modality.id, subspecialty_id=sub,
                        priority=priority, count=count,
                    )
                )  # fmt: skip
        ts += HOUR
    session.commit()
    return known
