"""How well a roster version covers demand: a region x subspecialty x day heatmap, the shortfalls
with their reasons, and the fairness of nights, weekends and on-call per FTE."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlmodel import Session, select

from scheduler import models as m
from scheduler.services.radiologists import visible_radiologist_ids
from scheduler.services.roster_versions import check_roster
from scheduler.services.scope import RegionScope
from scheduler.services.shortfalls import ShortfallExplainer
from solver.kpis import pool_day_coverage, reader_loads
from solver.problem import Problem
from solver.roster import Roster

MAX_SHORTFALLS = 300


@dataclass(frozen=True)
class HeatRow:
    region: str
    subspecialty: str
    demand_hours: tuple[float, ...]  # per day
    covered_hours: tuple[float, ...]

    def percent(self, day: int) -> float | None:
        """Share of the day's demand covered; None when nothing was asked."""
        demand = self.demand_hours[day]
        return None if demand == 0 else 100.0 * self.covered_hours[day] / demand

    @property
    def total_percent(self) -> float | None:
        demand = sum(self.demand_hours)
        return None if demand == 0 else 100.0 * sum(self.covered_hours) / demand


@dataclass(frozen=True)
class Shortfall:
    date: dt.date
    region: str
    pool: str  # "SITE/subspecialty", or the shift for on-call cover
    shift: str
    wanted: str  # "8 h", "1 reader"
    missing: str
    reason: str


@dataclass(frozen=True)
class FairnessRow:
    code: str
    name: str
    fte: float
    nights: int
    weekends: int
    on_calls: int

    def per_fte(self, count: int) -> float:
        return count / self.fte if self.fte > 0 else 0.0


@dataclass(frozen=True)
class CoverageReport:
    roster_id: int
    dates: tuple[dt.date, ...]
    heat: tuple[HeatRow, ...]
    shortfalls: tuple[Shortfall, ...]
    shortfall_count: int  # before the list was cut to MAX_SHORTFALLS
    fairness: tuple[FairnessRow, ...]
    covered_percent: float | None


def roster_coverage(*, session: Session, roster_id: int, scope: RegionScope) -> CoverageReport:
    checked = check_roster(session=session, roster_id=roster_id)
    problem, roster = checked.built.problem, checked.roster
    region_ids = {r.code: r.id for r in session.exec(select(m.Region))}
    in_scope = {code for code, rid in region_ids.items() if scope.allows(rid)}
    region_of_site = {site.id: site.region for site in problem.sites}
    pools = {pool.id: pool for pool in problem.pools}
    hours = problem.unit_minutes / 60
    dates = tuple(problem.date_of(d) for d in range(problem.num_days))

    demand: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0] * len(dates))
    covered: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0] * len(dates))
    for cell in pool_day_coverage(problem, roster):
        pool = pools[cell.pool]
        region = region_of_site[pool.site]
        if region not in in_scope or cell.demand_units == 0:
            continue
        key = (region, pool.subspecialty)
        demand[key][cell.day] += cell.demand_units * hours
        covered[key][cell.day] += min(cell.demand_units, cell.supplied_units) * hours
    heat = tuple(
        HeatRow(region, sub, tuple(demand[(region, sub)]), tuple(covered[(region, sub)]))
        for region, sub in sorted(demand)
    )
    total_demand = sum(sum(row.demand_hours) for row in heat)
    total_covered = sum(sum(row.covered_hours) for row in heat)

    shortfalls = _shortfalls(problem, roster, in_scope)
    visible = visible_radiologist_ids(session=session, scope=scope)
    codes = {
        code
        for code, db_id in checked.built.radiologist_ids.items()
        if visible is None or db_id in visible
    }
    fairness = _fairness(problem, roster, codes)
    return CoverageReport(
        roster_id=roster_id,
        dates=dates,
        heat=heat,
        shortfalls=tuple(shortfalls[:MAX_SHORTFALLS]),
        shortfall_count=len(shortfalls),
        fairness=fairness,
        covered_percent=100.0 * total_covered / total_demand if total_demand else None,
    )


def _shortfalls(problem: Problem, roster: Roster, in_scope: set[str]) -> list[Shortfall]:
    explainer = ShortfallExplainer(problem, roster)
    shifts = {s.id: s for s in problem.shifts}
    pools = {p.id: p for p in problem.pools}
    region_of_site = {site.id: site.region for site in problem.sites}
    hours = problem.unit_minutes / 60
    supply: Counter[tuple[str, str]] = Counter()
    for allocation in roster.allocations:
        supply[(allocation.pool, allocation.shift_id)] += allocation.units
    found = []
    for demand in problem.reading_demand:
        short = demand.units - supply[(demand.pool, demand.shift_id)]
        pool = pools[demand.pool]
        region = region_of_site[pool.site]
        if short <= 0 or region not in in_scope:
            continue
        shift = shifts[demand.shift_id]
        found.append(
            Shortfall(
                date=problem.date_of(shift.day),
                region=region,
                pool=pool.id,
                shift=shift.template,
                wanted=f"{demand.units * hours:g} h",
                missing=f"{short * hours:g} h",
                reason=explainer.reason(shift, pool, region),
            )
        )
    present = Counter(a.shift_id for a in roster.assignments)
    for cover in problem.headcount_cover:
        shift = shifts[cover.shift_id]
        missing = cover.required - present[cover.shift_id]
        if missing <= 0 or (shift.region is not None and shift.region not in in_scope):
            continue
        found.append(
            Shortfall(
                date=problem.date_of(shift.day),
                region=shift.region or "",
                pool=f"{shift.kind.value.replace('_', '-')} cover",
                shift=shift.template,
                wanted=_readers(cover.required),
                missing=_readers(missing),
                reason=explainer.cover_reason(shift),
            )
        )
    found.sort(key=lambda f: (f.date, f.region, f.shift, f.pool))
    return found


def _readers(count: int) -> str:
    return f"{count} reader" if count == 1 else f"{count} readers"


def _fairness(problem: Problem, roster: Roster, codes: set[str]) -> tuple[FairnessRow, ...]:
    """Per-reader counts of what fairness weighs, for the readers the user may see."""
    names = {r.id: r.name for r in problem.radiologists}
    rows = [
        FairnessRow(
            code=load.radiologist,
            name=names[load.radiologist],
            fte=load.fte,
            nights=load.nights,
            weekends=load.weekends,
            on_calls=load.on_calls,
        )
        for load in reader_loads(problem, roster)
        if load.radiologist in codes
    ]
    return tuple(sorted(rows, key=lambda r: r.name))
