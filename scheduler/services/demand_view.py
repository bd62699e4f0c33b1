"""Demand of one planning period for one region and subspecialty, as plain rows for a chart and
a table: observed study volumes (recent weeks before the forecast, and any actuals inside it), the
stored forecast with its prediction interval, and the readers required per hour.

Times are UTC instants; ``label`` is the region's local wall clock. Hourly rows of one stored
series carry the stored interval as it is. A row summing several stored values (all priorities,
or a day's hours) needs the interval of a sum, which the stored bounds do not give: it is
moment-matched, like the forecast's own intervals, to a negative binomial with the sum's mean and
variance. Each hour's variance is read back from its stored interval as ((upper - lower) / 2z)^2,
and never below its mean (the forecast's dispersion is never below Poisson); hours and series
are taken as independent given their means, as the forecast model assumes.

Observed volumes follow the history's convention (``scheduler.forecast.history``): an hour with
any row for the region is observed, its absent series rows zero; an hour with none is missing,
not zero.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from scipy import stats
from sqlmodel import Session, col, select

from scheduler import models as m
from scheduler.forecast.models import ForecastConfig
from scheduler.models.enums import StudyPriority
from scheduler.models.forecast import DemandForecast, RequiredCapacity
from scheduler.services.catalogue import get_row
from scheduler.services.errors import FieldError, NotFound, OutOfScope
from scheduler.services.scope import RegionScope

Resolution = Literal["hour", "day"]
MAX_HISTORY_WEEKS = 12
HOUR = dt.timedelta(hours=1)
INTERVAL_LEVEL = ForecastConfig().interval  # `teleroster forecast` always uses the default


@dataclass(frozen=True)
class Choice:
    code: str
    name: str


@dataclass(frozen=True)
class PeriodChoice:
    id: int
    name: str


@dataclass(frozen=True)
class DemandRow:
    """One hour (or one local day) of the view; None where there is nothing to show.

    ``readers``: the staffing level max(ceil(reader_hours), readers_erlang), per hour; a day row
    holds the day's peak of it and of ``readers_erlang``, and the day's sum of ``reader_hours``.
    ``hours``: the hours the row sums (a day row touching the window's ends has fewer than 24).
    """

    start: dt.datetime  # UTC
    day: dt.date  # region-local date
    label: str  # region-local time or date
    hours: int
    observed: float | None
    mean: float | None
    lower: float | None
    upper: float | None
    reader_hours: float | None
    readers_erlang: int | None
    readers: int | None


@dataclass(frozen=True)
class DemandView:
    period: PeriodChoice
    period_start: dt.date
    period_end: dt.date
    periods: tuple[PeriodChoice, ...]
    region: Choice
    time_zone: str
    sparse: bool
    subspecialty: Choice
    priority: StudyPriority | None  # None: every priority
    resolution: Resolution
    history_weeks: int
    regions: tuple[Choice, ...]  # the ones the user may see
    subspecialties: tuple[Choice, ...]
    priorities: tuple[StudyPriority, ...]
    interval_level: float
    period_has_forecast: bool  # any forecast stored for the period
    has_forecast: bool  # a forecast stored for this region and subspecialty
    methods: tuple[str, ...]
    rows: tuple[DemandRow, ...]

    @property
    def forecast_studies(self) -> float:
        return sum(r.mean for r in self.rows if r.mean is not None)

    @property
    def required_reader_hours(self) -> float:
        return sum(r.reader_hours for r in self.rows if r.reader_hours is not None)

    @property
    def peak_readers(self) -> int:
        return max((r.readers for r in self.rows if r.readers is not None), default=0)


@dataclass
class _Cell:
    """What one output row gathers before it is summed."""

    hours: set[dt.datetime]
    observed: list[float | None]
    forecast: list[tuple[float, float, float]]  # stored (mean, lower, upper)
    capacity: list[tuple[float, int, int]]  # stored (reader_hours, readers_erlang, readers)


def demand_view(
    *,
    session: Session,
    period_id: int,
    scope: RegionScope,
    region: str | None = None,
    subspecialty: str | None = None,
    priority: StudyPriority | None = None,
    resolution: Resolution = "hour",
    history_weeks: int = 2,
) -> DemandView:
    """The view of ``period_id``; ``region`` and ``subspecialty`` are codes (default: the first
    with a stored forecast). Unknown codes and bad values raise FieldError; a region outside
    ``scope`` OutOfScope; an unknown period NotFound."""
    period = get_row(session, m.PlanningPeriod, period_id)
    if not 0 <= history_weeks <= MAX_HISTORY_WEEKS:
        raise FieldError("history_weeks", f"give 0 to {MAX_HISTORY_WEEKS} weeks")
    if resolution not in ("hour", "day"):
        raise FieldError("resolution", "give hour or day")
    regions = sorted(session.exec(select(m.Region)).all(), key=lambda r: r.code)
    if not regions:
        raise NotFound("no region is stored, so there is no demand to show")
    visible = [r for r in regions if scope.allows(r.id)]
    if not visible:
        raise OutOfScope("you manage no region, so there is no demand to show")
    subspecialties = sorted(session.exec(select(m.Subspecialty)).all(), key=lambda s: s.code)
    forecast_keys = {
        (int(region_id), int(sub_id))
        for region_id, sub_id in session.execute(
            sa.select(col(DemandForecast.region_id), col(DemandForecast.subspecialty_id))
            .where(col(DemandForecast.period_id) == period_id)
            .distinct()
        )
    }
    chosen_region = _pick_region(region, regions, visible, scope, forecast_keys)
    chosen_sub = _pick_subspecialty(subspecialty, subspecialties, chosen_region, forecast_keys)
    assert chosen_region.id is not None and chosen_sub.id is not None and period.id is not None
    zone = ZoneInfo(chosen_region.time_zone)

    forecast = _forecast_rows(session, period_id, chosen_region.id, chosen_sub.id, priority)
    capacity = _capacity_rows(session, period_id, chosen_region.id, chosen_sub.id)
    stored_hours = sorted({ts for ts, *_ in forecast} | {ts for ts, *_ in capacity})
    period_start = _local_midnight(period.start_date, zone)
    first = stored_hours[0] if stored_hours else period_start
    last = stored_hours[-1] + HOUR if stored_hours else _local_midnight(period.end_date, zone)
    history_start = _local_midnight(
        first.astimezone(zone).date() - dt.timedelta(weeks=history_weeks), zone
    )
    observed = _observed(session, chosen_region.id, chosen_sub.id, priority, history_start, last)

    cells: dict[dt.datetime, _Cell] = {}

    def cell(ts: dt.datetime) -> _Cell:
        key = ts if resolution == "hour" else _local_midnight(ts.astimezone(zone).date(), zone)
        return cells.setdefault(key, _Cell(set(), [], [], []))

    for ts, value in observed.items():
        target = cell(ts)
        target.hours.add(ts)
        target.observed.append(value)
    for ts, mean, lower, upper, _method in forecast:
        target = cell(ts)
        target.hours.add(ts)
        target.forecast.append((mean, lower, upper))
    for ts, reader_hours, erlang, readers in capacity:
        target = cell(ts)
        target.hours.add(ts)
        target.capacity.append((reader_hours, erlang, readers))

    return DemandView(
        period=PeriodChoice(period.id, period.name),
        period_start=period.start_date,
        period_end=period.end_date,
        periods=tuple(
            PeriodChoice(p.id, p.name)
            for p in session.exec(
                select(m.PlanningPeriod).order_by(col(m.PlanningPeriod.start_date).desc())
            )
            if p.id is not None
        ),
        region=Choice(chosen_region.code, chosen_region.name),
        time_zone=chosen_region.time_zone,
        sparse=chosen_region.sparse,
        subspecialty=Choice(chosen_sub.code, chosen_sub.name),
        priority=priority,
        resolution=resolution,
        history_weeks=history_weeks,
        regions=tuple(Choice(r.code, r.name) for r in visible),
        subspecialties=tuple(Choice(s.code, s.name) for s in subspecialties),
        priorities=tuple(StudyPriority),
        interval_level=INTERVAL_LEVEL,
        period_has_forecast=bool(forecast_keys),
        has_forecast=bool(forecast),
        methods=tuple(sorted({method for *_, method in forecast})),
        rows=tuple(
            _row(start, cells[start], zone, resolution, INTERVAL_LEVEL) for start in sorted(cells)
        ),
    )


def _pick_region(
    code: str | None,
    regions: Sequence[m.Region],
    visible: Sequence[m.Region],
    scope: RegionScope,
    forecast_keys: set[tuple[int, int]],
) -> m.Region:
    if code is None:
        forecast_regions = {region_id for region_id, _ in forecast_keys}
        return next((r for r in visible if r.id in forecast_regions), visible[0])
    found = next((r for r in regions if r.code == code), None)
    if found is None:
        raise FieldError("region", f"no region has code {code!r}")
    scope.check(found.id, f"region {found.code}")
    return found


def _pick_subspecialty(
    code: str | None,
    subspecialties: Sequence[m.Subspecialty],
    region: m.Region,
    forecast_keys: set[tuple[int, int]],
) -> m.Subspecialty:
    if code is None:
        if not subspecialties:
            raise FieldError("subspecialty", "no subspecialty is stored")
        forecast_subs = {sub_id for region_id, sub_id in forecast_keys if region_id == region.id}
        return next((s for s in subspecialties if s.id in forecast_subs), subspecialties[0])
    found = next((s for s in subspecialties if s.code == code), None)
    if found is None:
        raise FieldError("subspecialty", f"no subspecialty has code {code!r}")
    return found


def _local_midnight(date: dt.date, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(date, dt.time(0), tzinfo=zone).astimezone(dt.UTC)


def _utc(ts: dt.datetime) -> dt.datetime:
    """Stored instants as aware UTC (SQLite hands some back naive)."""
    return ts.replace(tzinfo=dt.UTC) if ts.tzinfo is None else ts.astimezone(dt.UTC)


def _forecast_rows(
    session: Session, period_id: int, region_id: int, sub_id: int, priority: StudyPriority | None
) -> list[tuple[dt.datetime, float, float, float, str]]:
    query = sa.select(
        col(DemandForecast.ts),
        col(DemandForecast.mean),
        col(DemandForecast.lower),
        col(DemandForecast.upper),
        col(DemandForecast.method),
    ).where(
        col(DemandForecast.period_id) == period_id,
        col(DemandForecast.region_id) == region_id,
        col(DemandForecast.subspecialty_id) == sub_id,
    )
    if priority is not None:
        query = query.where(col(DemandForecast.priority) == priority)
    rows = session.execute(query)
    return [(_utc(ts), mean, lower, upper, method) for ts, mean, lower, upper, method in rows]


def _capacity_rows(
    session: Session, period_id: int, region_id: int, sub_id: int
) -> list[tuple[dt.datetime, float, int, int]]:
    query = sa.select(
        col(RequiredCapacity.ts),
        col(RequiredCapacity.reader_hours),
        col(RequiredCapacity.readers_erlang),
        col(RequiredCapacity.readers),
    ).where(
        col(RequiredCapacity.period_id) == period_id,
        col(RequiredCapacity.region_id) == region_id,
        col(RequiredCapacity.subspecialty_id) == sub_id,
    )
    rows = session.execute(query)
    return [(_utc(ts), hours, erlang, readers) for ts, hours, erlang, readers in rows]


def _observed(
    session: Session,
    region_id: int,
    sub_id: int,
    priority: StudyPriority | None,
    start: dt.datetime,
    end: dt.datetime,
) -> dict[dt.datetime, float | None]:
    """Studies per UTC hour in [start, end): None for an hour the region has no row at all (a
    gap, or before its history starts or after it ends), 0 where the region has rows but not this
    series."""
    query = sa.select(
        col(m.StudyVolume.ts),
        col(m.StudyVolume.subspecialty_id),
        col(m.StudyVolume.priority),
        col(m.StudyVolume.count),
    ).where(
        col(m.StudyVolume.region_id) == region_id,
        col(m.StudyVolume.ts) >= start,
        col(m.StudyVolume.ts) < end,
    )
    covered: set[dt.datetime] = set()
    counts: dict[dt.datetime, float] = defaultdict(float)
    for ts, row_sub, row_priority, count in session.execute(query):
        hour = _utc(ts)
        covered.add(hour)
        if row_sub == sub_id and (priority is None or row_priority == priority):
            counts[hour] += count
    if not covered:
        return {}
    return {
        hour: (counts[hour] if hour in covered else None)
        for hour in _hours(min(covered), max(covered) + HOUR)
    }


def _hours(start: dt.datetime, end: dt.datetime) -> Iterable[dt.datetime]:
    hour = start
    while hour < end:
        yield hour
        hour += HOUR


def _row(
    start: dt.datetime, cell: _Cell, zone: ZoneInfo, resolution: Resolution, level: float
) -> DemandRow:
    local = start.astimezone(zone)
    label = f"{local:%a %d %b %H:%M}" if resolution == "hour" else f"{local:%a %d %b}"
    observed = (
        None
        if not cell.observed or any(v is None for v in cell.observed)
        else sum(v for v in cell.observed if v is not None)
    )
    mean = lower = upper = None
    if len(cell.forecast) == 1:
        mean, lower, upper = cell.forecast[0]
    elif cell.forecast:
        mean, lower, upper = _sum_interval(cell.forecast, level)
    capacity = cell.capacity
    return DemandRow(
        start=start,
        day=local.date(),
        label=label,
        hours=len(cell.hours),
        observed=observed,
        mean=mean,
        lower=lower,
        upper=upper,
        reader_hours=sum(c[0] for c in capacity) if capacity else None,
        readers_erlang=max(c[1] for c in capacity) if capacity else None,
        readers=max(c[2] for c in capacity) if capacity else None,
    )


def _sum_interval(
    parts: Sequence[tuple[float, float, float]], level: float
) -> tuple[float, float, float]:
    """(mean, lower, upper) of a sum of stored forecasts: see the module's docstring."""
    z = float(stats.norm.ppf(0.5 + level / 2))
    mean = sum(p[0] for p in parts)
    variance = sum(max(((hi - lo) / (2 * z)) ** 2, part) for part, lo, hi in parts)
    if mean <= 0:
        return 0.0, 0.0, 0.0
    tail = (1.0 - level) / 2.0
    dispersion = variance / mean
    if dispersion <= 1.0 + 1e-9:
        lo, hi = stats.poisson.ppf([tail, 1 - tail], mean)
    else:  # negative binomial with this mean and variance: n = mean / (phi - 1), p = 1 / phi
        lo, hi = stats.nbinom.ppf([tail, 1 - tail], mean / (dispersion - 1), 1 / dispersion)
    return mean, float(lo), float(hi)
