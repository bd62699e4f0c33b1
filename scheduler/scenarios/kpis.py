"""What a scenario's roster achieves, per region: demand covered by hour band, unmet reader-hours,
on-call gaps, an Erlang C turnaround estimate for urgent studies, cost and fairness.

Hour bands are in the region's local time: weekend (Saturday and Sunday), else day 08-17,
evening 17-22, night 22-08. A demand row's units are spread evenly over its shift's minutes, so a
shift crossing a band boundary counts in both.

Turnaround: each pool's urgent streams during a shift form one M/M/c queue whose c is the number of
readers the roster gives to that pool on that shift (urgent studies go first, so every reader on
the pool takes them: the same people, not a separate team, as in the capacity sizing). Turnaround
= reading time + expected wait C(c, a) / (c mu - lambda); the share on time is P(wait <= target -
reading time). Where c <= a (nobody, or too few) the queue does not clear within the shift: the
wait counts as ``MAX_WAIT_MINUTES`` (until the next shift or on-call) and nothing is on time.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from scheduler.forecast.erlang import erlang_c, prob_wait_exceeds
from scheduler.scenarios.inputs import ScenarioInput, UrgentStream
from solver.problem import Problem, Radiologist, ShiftKind
from solver.roster import ReaderLoad, Roster

BANDS = ("day", "evening", "night", "weekend")
DAY_START_HOUR, EVENING_START_HOUR, NIGHT_START_HOUR = 8, 17, 22
MAX_WAIT_MINUTES = 12 * 60
STEP_MINUTES = 15
FAIRNESS_MEASURES = ("nights", "weekends", "on_calls")


@dataclass(frozen=True)
class RegionKpis:
    region: str
    sparse: bool
    demand_hours: dict[str, float]  # hour band -> reader-hours wanted
    covered_hours: dict[str, float]
    unmet_hours: float
    on_call_gaps: int  # reader-slots of on-call cover missing
    urgent_studies: float
    urgent_turnaround_minutes: float | None
    urgent_on_time_pct: float | None
    licensed_readers: int  # readers holding a licence for the region during the period

    def covered_pct(self, band: str | None = None) -> float | None:
        bands = BANDS if band is None else (band,)
        demand = sum(self.demand_hours.get(b, 0.0) for b in bands)
        covered = sum(self.covered_hours.get(b, 0.0) for b in bands)
        return None if demand == 0 else 100.0 * covered / demand


@dataclass(frozen=True)
class ScenarioKpis:
    regions: tuple[RegionKpis, ...] = ()
    readers: int = 0
    fte: float = 0.0
    licences: int = 0
    privileges: int = 0
    # measure -> max - min per FTE over the readers (0: perfectly even)
    fairness_spread: dict[str, float] = field(default_factory=dict)

    def region(self, code: str) -> RegionKpis | None:
        return next((r for r in self.regions if r.region == code), None)

    @property
    def covered_pct(self) -> float | None:
        demand = sum(sum(r.demand_hours.values()) for r in self.regions)
        covered = sum(sum(r.covered_hours.values()) for r in self.regions)
        return None if demand == 0 else 100.0 * covered / demand

    @property
    def unmet_hours(self) -> float:
        return sum(r.unmet_hours for r in self.regions)

    @property
    def on_call_gaps(self) -> int:
        return sum(r.on_call_gaps for r in self.regions)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for stored, region in zip(data["regions"], self.regions, strict=True):
            stored["covered_pct"] = {band: region.covered_pct(band) for band in BANDS}
            stored["covered_pct"]["all"] = region.covered_pct()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScenarioKpis:
        names = set(RegionKpis.__dataclass_fields__)
        regions = tuple(
            RegionKpis(**{k: v for k, v in row.items() if k in names})
            for row in data.get("regions", [])
        )
        return cls(
            regions=regions,
            readers=int(data.get("readers", 0)),
            fte=float(data.get("fte", 0.0)),
            licences=int(data.get("licences", 0)),
            privileges=int(data.get("privileges", 0)),
            fairness_spread=dict(data.get("fairness_spread", {})),
        )


def scenario_kpis(
    scenario: ScenarioInput, roster: Roster, loads: tuple[ReaderLoad, ...] = ()
) -> ScenarioKpis:
    problem = scenario.problem
    region_of_site = {s.id: s.region for s in problem.sites}
    pool_region = {p.id: region_of_site[p.site] for p in problem.pools}
    zones = {r.id: r.time_zone for r in problem.regions}
    shifts = {s.id: s for s in problem.shifts}
    unit_hours = problem.unit_minutes / 60

    supply: Counter[tuple[str, str]] = Counter()
    readers_on: dict[tuple[str, str], set[str]] = defaultdict(set)
    for allocation in roster.allocations:
        if allocation.units > 0:
            supply[(allocation.pool, allocation.shift_id)] += allocation.units
            readers_on[(allocation.pool, allocation.shift_id)].add(allocation.radiologist)

    demand: dict[str, dict[str, float]] = defaultdict(lambda: dict.fromkeys(BANDS, 0.0))
    covered: dict[str, dict[str, float]] = defaultdict(lambda: dict.fromkeys(BANDS, 0.0))
    unmet: dict[str, float] = defaultdict(float)
    for row in problem.reading_demand:
        region = pool_region[row.pool]
        shift = shifts[row.shift_id]
        given = min(row.units, supply[(row.pool, row.shift_id)])
        for band, share in band_shares(shift.start, shift.length_minutes, zones[region]):
            demand[region][band] += row.units * unit_hours * share
            covered[region][band] += given * unit_hours * share
        unmet[region] += (row.units - given) * unit_hours

    present = Counter(a.shift_id for a in roster.assignments)
    gaps: dict[str, int] = defaultdict(int)
    for cover in problem.headcount_cover:
        shift = shifts[cover.shift_id]
        if shift.kind == ShiftKind.ON_CALL and shift.region is not None:
            gaps[shift.region] += max(0, cover.required - present[cover.shift_id])

    urgent = _urgent_by_region(scenario, pool_region, readers_on)
    regions = tuple(
        RegionKpis(
            region=region.id,
            sparse=region.sparse,
            demand_hours=dict(demand[region.id])
            if region.id in demand
            else dict.fromkeys(BANDS, 0.0),
            covered_hours=dict(covered[region.id])
            if region.id in covered
            else dict.fromkeys(BANDS, 0.0),
            unmet_hours=unmet.get(region.id, 0.0),
            on_call_gaps=gaps.get(region.id, 0),
            urgent_studies=urgent[region.id].studies,
            urgent_turnaround_minutes=urgent[region.id].turnaround(),
            urgent_on_time_pct=urgent[region.id].on_time_pct(),
            licensed_readers=_licensed(problem, region.id),
        )
        for region in sorted(problem.regions, key=lambda r: r.id)
    )
    return ScenarioKpis(
        regions=regions,
        readers=len(problem.radiologists),
        fte=round(sum(r.fte for r in problem.radiologists), 3),
        licences=sum(_held(problem, r, "licences") for r in problem.radiologists),
        privileges=sum(_held(problem, r, "privileges") for r in problem.radiologists),
        fairness_spread=_fairness_spread(loads),
    )


@lru_cache(maxsize=8192)
def band_shares(
    start: dt.datetime, length_minutes: int, time_zone: str
) -> tuple[tuple[str, float], ...]:
    """Share of the shift's minutes in each hour band of ``time_zone`` (DST-correct)."""
    if length_minutes <= 0:
        return ()
    zone = ZoneInfo(time_zone)
    minutes: dict[str, float] = defaultdict(float)
    step = dt.timedelta(minutes=STEP_MINUTES)
    end = start + dt.timedelta(minutes=length_minutes)
    t = start
    while t < end:
        piece = min(STEP_MINUTES, (end - t).total_seconds() / 60)
        minutes[_band(t.astimezone(zone))] += piece
        t += step
    return tuple((band, minutes[band] / length_minutes) for band in BANDS if minutes[band])


def _band(local: dt.datetime) -> str:
    if local.weekday() >= 5:
        return "weekend"
    if DAY_START_HOUR <= local.hour < EVENING_START_HOUR:
        return "day"
    if EVENING_START_HOUR <= local.hour < NIGHT_START_HOUR:
        return "evening"
    return "night"


@dataclass
class _UrgentTally:
    studies: float = 0.0
    turnaround_weighted: float = 0.0
    on_time_weighted: float = 0.0

    def turnaround(self) -> float | None:
        return None if self.studies == 0 else self.turnaround_weighted / self.studies

    def on_time_pct(self) -> float | None:
        return None if self.studies == 0 else 100.0 * self.on_time_weighted / self.studies


def _urgent_by_region(
    scenario: ScenarioInput,
    pool_region: dict[str, str],
    readers_on: dict[tuple[str, str], set[str]],
) -> dict[str, _UrgentTally]:
    shifts = {s.id: s for s in scenario.problem.shifts}
    queues: dict[tuple[str, str], list[UrgentStream]] = defaultdict(list)
    for stream in scenario.urgent:
        if stream.arrivals_per_hour > 0:
            queues[(stream.pool, stream.shift_id)].append(stream)
    tallies: dict[str, _UrgentTally] = defaultdict(_UrgentTally)
    for (pool, shift_id), streams in queues.items():
        region = pool_region[pool]
        arrivals = sum(s.arrivals_per_hour for s in streams)
        minutes = sum(s.arrivals_per_hour * s.minutes_per_study for s in streams) / arrivals
        readers = len(readers_on.get((pool, shift_id), ()))
        wait = _expected_wait_minutes(readers, arrivals, minutes)
        hours = shifts[shift_id].length_minutes / 60
        tally = tallies[region]
        for stream in streams:
            studies = stream.arrivals_per_hour * hours
            allowed = scenario.target(region, stream.priority) - minutes
            late = 1.0 if allowed < 0 else prob_wait_exceeds(readers, arrivals, minutes, allowed)
            tally.studies += studies
            tally.turnaround_weighted += studies * (minutes + wait)
            tally.on_time_weighted += studies * (1.0 - late)
    return tallies


def _expected_wait_minutes(readers: int, arrivals_per_hour: float, minutes: float) -> float:
    service_rate = 60.0 / minutes
    load = arrivals_per_hour / service_rate
    if readers <= load:
        return float(MAX_WAIT_MINUTES)
    wait_hours = erlang_c(readers, load) / (readers * service_rate - arrivals_per_hour)
    return min(float(MAX_WAIT_MINUTES), 60.0 * wait_hours)


def _licensed(problem: Problem, region: str) -> int:
    return sum(
        1
        for reader in problem.radiologists
        if any(lic.region == region and _overlaps(problem, lic) for lic in reader.licences)
    )


def _held(problem: Problem, reader: Radiologist, what: str) -> int:
    held: tuple[Any, ...] = getattr(reader, what)
    return sum(1 for item in held if _overlaps(problem, item))


def _overlaps(problem: Problem, validity: Any) -> bool:
    first, last = problem.start_date, problem.date_of(problem.num_days - 1)
    starts_ok = validity.valid_from is None or validity.valid_from <= last
    return bool(starts_ok and (validity.valid_to is None or validity.valid_to >= first))


def _fairness_spread(loads: tuple[ReaderLoad, ...]) -> dict[str, float]:
    spread = {}
    for measure in FAIRNESS_MEASURES:
        values = [getattr(load, measure) / load.fte for load in loads if load.fte > 0]
        spread[measure] = round(max(values) - min(values), 3) if values else 0.0
    return spread
