"""What a scenario is solved and measured on: the period's solver problem plus its urgent study
streams and turnaround targets, all plain picklable data (a sweep ships it to Ray tasks).

Urgent streams feed the Erlang C turnaround estimate. They come from the stored forecast (STAT and
ED studies per UTC hour): each hour's arrivals are shared among the reading shifts covering it in
proportion to their overlap, and a shift's share among its pools of that region and subspecialty
in proportion to their demand. Without a forecast (demand entered by hand) a documented assumption
stands in: ``ASSUMED_URGENT_SHARE`` of the reading workload is urgent, at
``DEFAULT_URGENT_MINUTES`` a study. Urgent studies in hours no reading shift covers are left to
on-call and are not in the estimate.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from statistics import fmean

import sqlalchemy as sa
from sqlmodel import Session, col, select

from scheduler import models as m
from scheduler.problem_builder import BuildOptions, BuiltProblem, build_problem
from solver.problem import Problem, Shift

URGENT_PRIORITIES = ("stat", "ed")
DEFAULT_URGENT_MINUTES = 15.0
ASSUMED_URGENT_SHARE = 0.2
DEFAULT_TURNAROUND = {"stat": 60, "ed": 120}  # the Rules table's defaults
HOUR = dt.timedelta(hours=1)


@dataclass(frozen=True)
class UrgentStream:
    """Urgent studies of one priority arriving at ``pool`` while ``shift_id`` is worked."""

    pool: str
    shift_id: str
    priority: str
    arrivals_per_hour: float
    minutes_per_study: float


@dataclass(frozen=True)
class ScenarioInput:
    problem: Problem
    urgent: tuple[UrgentStream, ...] = ()
    # region code -> priority -> report due this many minutes after arrival
    turnaround: dict[str, dict[str, int]] = field(default_factory=dict)
    urgent_source: str = "none"  # "forecast", "assumed" or "none"

    def target(self, region: str, priority: str) -> int:
        return self.turnaround.get(region, {}).get(priority, DEFAULT_TURNAROUND[priority])


@dataclass(frozen=True)
class Baseline:
    built: BuiltProblem
    input: ScenarioInput


def load_baseline(
    *, session: Session, period_id: int, build_options: BuildOptions | None = None
) -> Baseline:
    """The period's problem as stored now, with its urgent streams and turnaround targets."""
    built = build_problem(session=session, period_id=period_id, options=build_options)
    forecast = _forecast_streams(session, built)
    streams, source = (
        (forecast, "forecast") if forecast else (_assumed_streams(built.problem), "assumed")
    )
    if not streams:
        source = "none"
    scenario_input = ScenarioInput(
        problem=built.problem,
        urgent=tuple(streams),
        turnaround=_turnaround_targets(session, built.problem),
        urgent_source=source,
    )
    return Baseline(built, scenario_input)


def _turnaround_targets(session: Session, problem: Problem) -> dict[str, dict[str, int]]:
    codes = {r.id: r.code for r in session.exec(select(m.Region))}
    rows = session.exec(select(m.Rules).where(col(m.Rules.site_id).is_(None))).all()
    default = next((r for r in rows if r.region_id is None), None)
    by_region = {codes[r.region_id]: r for r in rows if r.region_id in codes}
    targets: dict[str, dict[str, int]] = {}
    for region in problem.regions:
        rules = by_region.get(region.id, default)
        targets[region.id] = (
            {"stat": rules.turnaround_stat_minutes, "ed": rules.turnaround_ed_minutes}
            if rules is not None
            else dict(DEFAULT_TURNAROUND)
        )
    return targets


def _demand_by_group(problem: Problem) -> dict[tuple[str, str, str], dict[str, int]]:
    """(region, subspecialty, shift) -> pool -> demanded units."""
    region_of_site = {s.id: s.region for s in problem.sites}
    pools = {p.id: p for p in problem.pools}
    groups: dict[tuple[str, str, str], dict[str, int]] = defaultdict(dict)
    for row in problem.reading_demand:
        pool = pools[row.pool]
        key = (region_of_site[pool.site], pool.subspecialty, row.shift_id)
        groups[key][row.pool] = groups[key].get(row.pool, 0) + row.units
    return groups


def _hours_of(shift: Shift) -> list[tuple[dt.datetime, float]]:
    """The UTC hours the shift touches, with the minutes of each it covers."""
    hour = shift.start.replace(minute=0, second=0, microsecond=0)
    touched = []
    while hour < shift.end:
        overlap = min(hour + HOUR, shift.end) - max(hour, shift.start)
        touched.append((hour, overlap.total_seconds() / 60))
        hour += HOUR
    return touched


def _forecast_streams(session: Session, built: BuiltProblem) -> list[UrgentStream]:
    problem = built.problem
    regions = {r.id: r.code for r in session.exec(select(m.Region))}
    subspecialties = {
        s.id: s.code for s in session.exec(select(m.Subspecialty)) if s.id is not None
    }
    query = sa.select(
        col(m.DemandForecast.region_id),
        col(m.DemandForecast.subspecialty_id),
        col(m.DemandForecast.priority),
        col(m.DemandForecast.ts),
        col(m.DemandForecast.mean),
    ).where(
        col(m.DemandForecast.period_id) == built.period_id,
        col(m.DemandForecast.priority).in_(URGENT_PRIORITIES),
    )
    arrivals: dict[tuple[str, str, str], dict[dt.datetime, float]] = defaultdict(dict)
    for region_id, sub_id, priority, ts, mean in session.execute(query):
        key = (regions[region_id], subspecialties[sub_id], str(priority))
        arrivals[key][ts] = float(mean)
    if not arrivals:
        return []
    minutes = _minutes_per_study(session, subspecialties)
    shifts = {s.id: s for s in problem.shifts}
    groups = _demand_by_group(problem)
    # Minutes of each (region, subspecialty, hour) covered by reading shifts with demand there.
    covered: dict[tuple[str, str, dt.datetime], float] = defaultdict(float)
    for region, sub, shift_id in groups:
        for hour, overlap in _hours_of(shifts[shift_id]):
            covered[(region, sub, hour)] += overlap
    streams = []
    for (region, sub, shift_id), pools in groups.items():
        shift = shifts[shift_id]
        total_units = sum(pools.values())
        for priority in URGENT_PRIORITIES:
            series = arrivals.get((region, sub, priority), {})
            studies = sum(
                series.get(hour, 0.0) * overlap / max(60.0, covered[(region, sub, hour)])
                for hour, overlap in _hours_of(shift)
            )
            if studies <= 0:
                continue
            rate = studies / (shift.length_minutes / 60)
            for pool, units in sorted(pools.items()):
                share = units / total_units if total_units else 1 / len(pools)
                streams.append(
                    UrgentStream(
                        pool,
                        shift_id,
                        priority,
                        rate * share,
                        minutes.get(sub, DEFAULT_URGENT_MINUTES),
                    )
                )
    return streams


def _minutes_per_study(session: Session, subspecialties: dict[int, str]) -> dict[str, float]:
    """Mean reading minutes per study of each subspecialty over its modalities (unweighted: the
    modality mix of urgent work is not stored)."""
    by_sub: dict[str, list[float]] = defaultdict(list)
    for rate in session.exec(select(m.ProductivityRate)):
        by_sub[subspecialties[rate.subspecialty_id]].append(rate.minutes_per_study)
    return {sub: fmean(values) for sub, values in by_sub.items()}


def _assumed_streams(problem: Problem) -> list[UrgentStream]:
    shifts = {s.id: s for s in problem.shifts}
    streams = []
    for row in problem.reading_demand:
        shift = shifts[row.shift_id]
        if row.units <= 0 or shift.length_minutes <= 0:
            continue
        busy_readers = row.units * problem.unit_minutes / shift.length_minutes
        rate = ASSUMED_URGENT_SHARE * busy_readers * 60 / DEFAULT_URGENT_MINUTES
        for priority in URGENT_PRIORITIES:  # split evenly between STAT and ED
            streams.append(
                UrgentStream(
                    row.pool,
                    row.shift_id,
                    priority,
                    rate / len(URGENT_PRIORITIES),
                    DEFAULT_URGENT_MINUTES,
                )
            )
    return streams
