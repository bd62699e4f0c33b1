"""Forecast a planning period from stored rows and store what it requires.

Reads the study volumes before the period, the regions, sites, shift templates, productivity rates
and turnaround rules; backtests the forecast against seasonal-naive; forecasts every region ×
subspecialty × priority over the hours the period's shift slots span; and writes ``DemandForecast``
(studies per hour), ``RequiredCapacity`` (readers per hour) and ``ShiftDemand`` (reader-hours and
urgent floors per slot and pool, which the problem builder reads). A rerun replaces what an earlier
run wrote; ``ShiftDemand`` rows entered by hand (another ``source``) are kept and win over the
forecast for their slot and pool.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session, SQLModel, col, select

from scheduler.forecast.backtest import BacktestResult, backtest
from scheduler.forecast.calendar import HOURS_PER_WEEK, calendar_for_region
from scheduler.forecast.capacity import (
    DEFAULT_TURNAROUND,
    CapacityPolicy,
    minutes_per_study,
    required_capacity,
)
from scheduler.forecast.history import (
    VolumeHistory,
    build_history,
    gap_report,
    site_shares,
    validate_volumes,
)
from scheduler.forecast.models import ForecastConfig, forecast_volumes
from scheduler.forecast.slots import (
    ShiftSlot,
    SlotTemplate,
    build_slots,
    hours_to_slots,
    split_by_site,
    weekdays_from_digits,
)
from scheduler.models import (
    PlanningPeriod,
    ProductivityRate,
    Region,
    Rules,
    ShiftDemand,
    ShiftKind,
    ShiftTemplate,
    Site,
    StudyVolume,
)
from scheduler.models.forecast import DemandForecast, RequiredCapacity

SOURCE = "forecast"
MIN_TRAIN_WEEKS = 4


class ForecastError(ValueError):
    """The period cannot be forecast; the message says what is missing."""


@dataclass(frozen=True)
class ForecastRun:
    period_id: int
    gaps: str
    backtest: BacktestResult | None  # None: too little history for the asked origins
    series: int
    hours: int
    forecast_rows: int
    capacity_rows: int
    shift_demand_rows: int
    studies: float
    reader_hours: float
    uncovered_reader_hours: float  # need in hours no slot of the period covers
    seconds: float
    notes: tuple[str, ...] = field(default_factory=tuple)


def run_forecast(
    *,
    session: Session,
    period_id: int,
    origins: int = 8,
    config: ForecastConfig = ForecastConfig(),
) -> ForecastRun:
    started = time.perf_counter()
    period = session.get(PlanningPeriod, period_id)
    if period is None:
        raise ForecastError(f"planning period {period_id} does not exist")
    regions = {str(r.id): r for r in session.exec(select(Region)).all()}
    slots = _slots(session, period, regions)
    if not slots:
        raise ForecastError(f"period {period_id}: no reading shift templates apply to its days")
    start = pd.Timestamp(min(s.start for s in slots))
    hours = int((pd.Timestamp(max(s.end for s in slots)) - start) / pd.Timedelta(hours=1))

    history = build_history(_volumes(session, start))
    counts = history.counts
    calendars = {
        region_id: calendar_for_region(
            region_id, regions[region_id].code, regions[region_id].time_zone
        )
        for region_id in {str(key[0]) for key in counts.columns}
    }
    notes: list[str] = []
    result = None
    needed = (MIN_TRAIN_WEEKS + origins) * HOURS_PER_WEEK
    if origins > 0 and len(counts) >= needed:
        result = backtest(
            counts, calendars, origins=origins, config=config, min_train_weeks=MIN_TRAIN_WEEKS
        )
        codes = {region_id: regions[region_id].code for region_id in calendars}
        result = replace(result, table=result.table.rename(index=codes))
    elif origins > 0:
        notes.append(f"backtest skipped: {len(counts)} hours of history, {needed} needed")
    forecast = forecast_volumes(counts, calendars, hours=hours, start=start, config=config)

    policy, regional = _policies(session)
    need = required_capacity(
        forecast.mean,
        minutes_per_study(history.modality_mix, _productivity(session)),
        policy,
        region_policies=regional,
    )
    mapped = hours_to_slots(need, slots)
    shares, without_sites = _site_shares(session, history, regions)
    notes += [
        f"region {regions[r].code} has no site: its demand is not stored" for r in without_sites
    ]
    placed = mapped.slots[~mapped.slots["region_id"].isin(without_sites)]
    per_site = split_by_site(placed, shares) if len(placed) else placed.assign(site_id=[])

    _clear(session, period_id)
    forecast_rows = _store_forecast(session, period_id, forecast.to_long())
    capacity_rows = _store_capacity(session, period_id, need)
    demand_rows = _store_shift_demand(session, period_id, per_site)
    session.flush()
    uncovered = float(mapped.uncovered["reader_hours"].sum()) if len(mapped.uncovered) else 0.0
    return ForecastRun(
        period_id=period_id,
        gaps=gap_report(history),
        backtest=result,
        series=counts.shape[1],
        hours=hours,
        forecast_rows=forecast_rows,
        capacity_rows=capacity_rows,
        shift_demand_rows=demand_rows,
        studies=float(forecast.mean.to_numpy().sum()),
        reader_hours=float(need["reader_hours"].sum()),
        uncovered_reader_hours=uncovered,
        seconds=time.perf_counter() - started,
        notes=tuple(notes),
    )


def _slots(session: Session, period: PlanningPeriod, regions: dict[str, Region]) -> list[ShiftSlot]:
    """Reading slots of the period: every template but on-call (headcount cover, not reading);
    a template without a region applies in each region, in the site's zone when it has a site."""
    sites = {s.id: s for s in session.exec(select(Site)).all()}
    templates = session.exec(
        select(ShiftTemplate).where(ShiftTemplate.kind != ShiftKind.ON_CALL)
    ).all()
    slot_templates = []
    for template in templates:
        region_ids = [str(template.region_id)] if template.region_id is not None else list(regions)
        zone = sites[template.site_id].time_zone if template.site_id is not None else None
        slot_templates += [
            SlotTemplate(
                id=str(template.id),
                region_id=region_id,
                local_start=template.local_start,
                length_minutes=template.length_minutes,
                weekdays=weekdays_from_digits(template.weekdays),
                kind=str(template.kind),
                time_zone=zone,
            )
            for region_id in region_ids
        ]
    return build_slots(
        slot_templates,
        start_date=period.start_date,
        days=period.num_days,
        time_zones={region_id: region.time_zone for region_id, region in regions.items()},
    )


def _volumes(session: Session, before: pd.Timestamp) -> pd.DataFrame:
    query = sa.select(
        col(StudyVolume.ts),
        col(StudyVolume.region_id),
        col(StudyVolume.site_id),
        col(StudyVolume.modality_id),
        col(StudyVolume.subspecialty_id),
        col(StudyVolume.priority),
        col(StudyVolume.count),
    ).where(col(StudyVolume.ts) < before.to_pydatetime())
    rows = session.execute(query).all()
    if not rows:
        raise ForecastError(f"no study volumes before {before:%Y-%m-%d %H:%M} UTC to forecast from")
    frame = pd.DataFrame(
        rows,
        columns=[
            "ts",
            "region_id",
            "site_id",
            "modality_id",
            "subspecialty_id",
            "priority",
            "count",
        ],
    )
    frame["site_id"] = frame["site_id"].map(lambda site: "" if site is None else str(int(site)))
    frame["priority"] = frame["priority"].map(str)
    for column in ("region_id", "modality_id", "subspecialty_id"):
        frame[column] = frame[column].map(str)
    return validate_volumes(frame, source="study_volume table")


def _productivity(session: Session) -> pd.DataFrame:
    rates = session.exec(select(ProductivityRate)).all()
    return pd.DataFrame(
        {
            "modality_id": [str(r.modality_id) for r in rates],
            "subspecialty_id": [str(r.subspecialty_id) for r in rates],
            "minutes_per_study": [r.minutes_per_study for r in rates],
        }
    )


def _policies(session: Session) -> tuple[CapacityPolicy, dict[str, CapacityPolicy]]:
    """Turnaround targets for STAT and ED: the default rules row, overridden per region."""

    def policy(rules: Rules) -> CapacityPolicy:
        return CapacityPolicy(
            {"stat": rules.turnaround_stat_minutes, "ed": rules.turnaround_ed_minutes}
        )

    rows = session.exec(select(Rules).where(col(Rules.site_id).is_(None))).all()
    default = next(
        (policy(r) for r in rows if r.region_id is None), CapacityPolicy(DEFAULT_TURNAROUND)
    )
    return default, {str(r.region_id): policy(r) for r in rows if r.region_id is not None}


def _site_shares(
    session: Session, history: VolumeHistory, regions: dict[str, Region]
) -> tuple[pd.DataFrame, list[str]]:
    """Each region × subspecialty's split over the region's sites: by the sites' study volumes
    where rows name sites, else equally (region-level volumes say nothing about sites)."""
    sites_of: dict[str, list[str]] = defaultdict(list)
    for site in session.exec(select(Site)).all():
        sites_of[str(site.region_id)].append(str(site.id))
    known = site_shares(history)
    rows = {}
    for key in known.index:
        region = str(key[0])
        own = [s for s in sites_of.get(region, []) if s in known.columns]
        weights = known.loc[key, own] if own else pd.Series(dtype="float64")
        if weights.sum() > 0:
            rows[key] = weights / weights.sum()
        elif sites_of.get(region):
            rows[key] = pd.Series(1.0 / len(sites_of[region]), index=sites_of[region])
    shares = pd.DataFrame.from_dict(rows, orient="index").fillna(0.0)
    if len(shares):
        shares.index = pd.MultiIndex.from_tuples(list(rows), names=["region_id", "subspecialty_id"])
    missing = sorted(
        r for r in {str(k[0]) for k in known.index} if not sites_of.get(r) and r in regions
    )
    return shares, missing


def _clear(session: Session, period_id: int) -> None:
    session.execute(sa.delete(DemandForecast).where(col(DemandForecast.period_id) == period_id))
    session.execute(sa.delete(RequiredCapacity).where(col(RequiredCapacity.period_id) == period_id))
    session.execute(
        sa.delete(ShiftDemand).where(
            col(ShiftDemand.period_id) == period_id, col(ShiftDemand.source) == SOURCE
        )
    )


def _store_forecast(session: Session, period_id: int, long: pd.DataFrame) -> int:
    records: list[dict[str, object]] = [
        {
            "period_id": period_id,
            "region_id": int(r["region_id"]),
            "subspecialty_id": int(r["subspecialty_id"]),
            "priority": str(r["priority"]),
            "ts": pd.Timestamp(r["ts"]).to_pydatetime(),
            "mean": float(r["mean"]),
            "lower": float(r["lower"]),
            "upper": float(r["upper"]),
            "method": str(r["method"]),
        }
        for r in long.to_dict("records")
    ]
    return _insert(session, DemandForecast, records)


def _store_capacity(session: Session, period_id: int, need: pd.DataFrame) -> int:
    records: list[dict[str, object]] = [
        {
            "period_id": period_id,
            "region_id": int(r["region_id"]),
            "subspecialty_id": int(r["subspecialty_id"]),
            "ts": pd.Timestamp(r["ts"]).to_pydatetime(),
            "reader_hours": float(r["reader_hours"]),
            "readers_erlang": int(r["readers_erlang"]),
            "readers": int(r["readers"]),
        }
        for r in need.to_dict("records")
    ]
    return _insert(session, RequiredCapacity, records)


def _store_shift_demand(session: Session, period_id: int, rows: pd.DataFrame) -> int:
    manual = {
        (d.shift_template_id, d.date, d.site_id, d.subspecialty_id)
        for d in session.exec(select(ShiftDemand).where(ShiftDemand.period_id == period_id)).all()
    }
    records: list[dict[str, object]] = []
    for r in rows.to_dict("records"):
        key = (int(r["template_id"]), r["date"], int(r["site_id"]), int(r["subspecialty_id"]))
        if key in manual or (r["reader_hours"] <= 0 and r["min_readers"] <= 0):
            continue
        records.append(
            {
                "period_id": period_id,
                "shift_template_id": key[0],
                "date": key[1],
                "region_id": int(r["region_id"]),
                "site_id": key[2],
                "subspecialty_id": key[3],
                "reader_hours": float(r["reader_hours"]),
                "min_readers": int(r["min_readers"]),
                "source": SOURCE,
            }
        )
    return _insert(session, ShiftDemand, records)


def _insert(session: Session, table: type[SQLModel], records: Sequence[dict[str, object]]) -> int:
    if records:
        session.execute(sa.insert(table), list(records))
    return len(records)
