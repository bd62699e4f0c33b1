"""Which new licences (or privileges) to grant: given a budget of K grants, choose the
(radiologist, sparse region) pairs that maximise the demand covered in sparse regions over the
period, with the marginal value of each grant. An optimisation model (CP-SAT), not K rounds of
trying every grant.

The aggregate (a capacity/flow model, solved over the period as a whole):

* *Cells*: reading demand of the sparse regions per (pool, hour band, remote or on-site), in
  quarter-hours. Bands come from ``kpis.band_shares``.
* *Spare hours* of each reader over the period: their working-time limit (total minutes, else
  average weekly minutes, else their FTE of a 40 h week) less whole days of leave, less their
  share of the non-sparse demand they may read (each non-sparse pool's hours split among its
  eligible readers in proportion to their limits).
* *Eligibility* as ``solver.eligibility`` on the period (skill, licence and privilege held on some
  day of it; on-site cells only for readers based there). A grant (r, R) gives r a licence for R
  and privileges at every site of R ("licence"), or only the missing privileges when r holds the
  licence ("privilege").
* Flow f[r, c] >= 0 hours from reader to cell; sum_c f[r, c] <= spare(r); f[r, c] only if r is
  eligible now or granted g[r, R]; for each region R and band b, sum of f[r, c] over R's cells
  in b <= the hours of b in the period (a reader reads one thing at a time: a new hire cannot
  give a month 300 night hours); covered(c) = min(demand(c), sum_r f[r, c]); sum g <= K.
  Maximise sum covered (ties: fewer grants).

For fixed grants the covered hours are a maximum flow, which ``covered_value`` computes: the
exhaustive check and the marginal values use it, so they score exactly the model's objective.
The aggregate ignores shift boundaries, rest rules and band-by-band availability: it ranks
grants; a scenario with the chosen grants, solved in full, measures them.
"""

from __future__ import annotations

import datetime as dt
import itertools
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from math import comb
from typing import Any
from zoneinfo import ZoneInfo

from ortools.graph.python import max_flow
from ortools.sat.python import cp_model

from scheduler.scenarios.kpis import band_shares
from solver.problem import Problem, Radiologist

QUARTERS_PER_HOUR = 4
STANDARD_WEEK_MINUTES = 40 * 60
MAX_EXHAUSTIVE_SUBSETS = 200_000


class RecommendError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Grant:
    radiologist: str
    region: str
    kind: str  # "licence" (licence and privileges) or "privilege" (privileges only)


@dataclass(frozen=True, order=True)
class Cell:
    region: str
    pool: str
    subspecialty: str
    band: str
    remote: bool


@dataclass(frozen=True)
class Aggregate:
    capacity: dict[str, int]  # reader -> spare quarter-hours over the period
    demand: dict[Cell, int]  # quarter-hours of sparse demand
    eligible: dict[str, frozenset[Cell]]  # reader -> cells they may supply now
    unlocks: dict[Grant, frozenset[Cell]]  # grant -> cells it opens to its reader
    # (region, band) -> quarter-hours of that band in the period: one reader reads one thing at
    # a time, so no reader gives a region's band more than this.
    band_hours: dict[tuple[str, str], int] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)

    @property
    def candidates(self) -> tuple[Grant, ...]:
        return tuple(sorted(self.unlocks))

    @property
    def total_demand(self) -> int:
        return sum(self.demand.values())


@dataclass(frozen=True)
class ChosenGrant:
    grant: Grant
    name: str
    marginal_hours: float  # covered hours lost if only this grant were dropped


@dataclass(frozen=True)
class Recommendation:
    budget: int
    status: str  # "optimal" or "feasible" (time limit)
    grants: tuple[ChosenGrant, ...]
    demand_hours: float
    covered_before_hours: float  # with today's licences
    covered_after_hours: float
    by_region: dict[str, tuple[float, float, float]]  # region -> (demand, before, after) hours
    candidates: int
    wall_seconds: float

    def summary(self) -> dict[str, Any]:
        """The recommendation as JSON-ready data (API and CLI); ``by_region`` is left out."""
        return {
            "budget": self.budget,
            "status": self.status,
            "candidates": self.candidates,
            "demand_hours": self.demand_hours,
            "covered_before_hours": self.covered_before_hours,
            "covered_after_hours": self.covered_after_hours,
            "grants": [
                {
                    "radiologist": g.grant.radiologist,
                    "name": g.name,
                    "region": g.grant.region,
                    "kind": g.grant.kind,
                    "marginal_hours": g.marginal_hours,
                }
                for g in self.grants
            ],
        }


def build_aggregate(problem: Problem) -> Aggregate:
    sparse = {r.id for r in problem.regions if r.sparse}
    if not sparse:
        raise RecommendError("no region is marked sparse: nothing to recommend licences for")
    region_of_site = {s.id: s.region for s in problem.sites}
    zones = {r.id: r.time_zone for r in problem.regions}
    pools = {p.id: p for p in problem.pools}
    shifts = {s.id: s for s in problem.shifts}
    first, last = problem.start_date, problem.date_of(problem.num_days - 1)

    demand: dict[Cell, float] = defaultdict(float)
    other_demand: dict[str, float] = defaultdict(float)  # non-sparse pool -> minutes
    for row in problem.reading_demand:
        pool = pools[row.pool]
        region = region_of_site[pool.site]
        minutes = row.units * problem.unit_minutes
        if region not in sparse:
            other_demand[pool.id] += minutes
            continue
        shift = shifts[row.shift_id]
        for band, share in band_shares(shift.start, shift.length_minutes, zones[region]):
            cell = Cell(region, pool.id, pool.subspecialty, band, shift.remote)
            demand[cell] += minutes * share

    def overlaps(validity: object) -> bool:
        start = getattr(validity, "valid_from", None)
        end = getattr(validity, "valid_to", None)
        return (start is None or start <= last) and (end is None or end >= first)

    def licensed(reader: Radiologist, region: str) -> bool:
        return any(lic.region == region and overlaps(lic) for lic in reader.licences)

    def privileged(reader: Radiologist, site: str) -> bool:
        return any(p.site == site and overlaps(p) for p in reader.privileges)

    def reachable(reader: Radiologist, cell: Cell) -> bool:
        """Skill and on-site rule: what no grant can change."""
        return cell.subspecialty in reader.skills and (
            cell.remote or reader.home_region == cell.region
        )

    limits = {r.id: _limit_minutes(problem, r) for r in problem.radiologists}
    committed: dict[str, float] = defaultdict(float)
    for pool_id, wanted in other_demand.items():
        pool = pools[pool_id]
        region = region_of_site[pool.site]
        readers = [
            r
            for r in problem.radiologists
            if pool.subspecialty in r.skills and licensed(r, region) and privileged(r, pool.site)
        ]
        total = sum(limits[r.id] for r in readers)
        for reader in readers:
            if total > 0:
                committed[reader.id] += wanted * limits[reader.id] / total

    cells = sorted(demand)
    eligible: dict[str, frozenset[Cell]] = {}
    unlocks: dict[Grant, frozenset[Cell]] = {}
    capacity: dict[str, int] = {}
    for reader in problem.radiologists:
        spare = max(0.0, limits[reader.id] - committed[reader.id])
        capacity[reader.id] = int(spare * QUARTERS_PER_HOUR // 60)
        now = frozenset(
            c
            for c in cells
            if reachable(reader, c)
            and licensed(reader, c.region)
            and privileged(reader, pools[c.pool].site)
        )
        eligible[reader.id] = now
        if capacity[reader.id] == 0:
            continue
        for region in sorted(sparse):
            opened = frozenset(
                c for c in cells if c.region == region and reachable(reader, c) and c not in now
            )
            if opened:
                kind = "privilege" if licensed(reader, region) else "licence"
                unlocks[Grant(reader.id, region, kind)] = opened
    return Aggregate(
        capacity=capacity,
        demand={c: round(demand[c] * QUARTERS_PER_HOUR / 60) for c in cells},
        eligible=eligible,
        unlocks=unlocks,
        band_hours=_band_hours(problem, sorted(sparse)),
        names={r.id: r.name or r.id for r in problem.radiologists},
    )


def _band_hours(problem: Problem, regions: list[str]) -> dict[tuple[str, str], int]:
    """Quarter-hours of each hour band over the period's days, in each region's local time."""
    zones = {r.id: r.time_zone for r in problem.regions}
    minutes = problem.num_days * 24 * 60
    hours = {}
    for region in regions:
        zone = ZoneInfo(zones[region])
        start = dt.datetime.combine(problem.start_date, dt.time(), tzinfo=zone).astimezone(dt.UTC)
        for band, share in band_shares(start, minutes, zones[region]):
            hours[(region, band)] = round(share * minutes * QUARTERS_PER_HOUR / 60)
    return hours


def _limit_minutes(problem: Problem, reader: Radiologist) -> float:
    rules = reader.rules
    weeks = problem.num_days / 7
    if rules.max_total_minutes is not None:
        limit = float(rules.max_total_minutes)
    elif rules.max_average_weekly_minutes is not None:
        limit = rules.max_average_weekly_minutes * weeks
    else:
        limit = reader.fte * STANDARD_WEEK_MINUTES * weeks
    # Whole days of leave or unavailability; entries for some shifts only leave the day open.
    away = {
        a.day
        for a in reader.availability
        if a.kind.is_hard and a.template is None and a.shift_kind is None
    }
    return limit * (problem.num_days - len(away)) / problem.num_days


def covered_value(aggregate: Aggregate, grants: Iterable[Grant]) -> int:
    """Quarter-hours of sparse demand the readers can cover with ``grants`` added: a max flow
    source -> reader (spare) -> reader's (region, band) (band hours) -> cell -> sink (demand)."""
    reach: dict[str, set[Cell]] = {
        r: set(aggregate.eligible.get(r, ())) for r in sorted(aggregate.capacity)
    }
    for grant in grants:
        reach[grant.radiologist] |= aggregate.unlocks[grant]
    nodes: dict[object, int] = {}

    def node(key: object) -> int:
        return nodes.setdefault(key, len(nodes))

    source, sink = node("source"), node("sink")
    flow = max_flow.SimpleMaxFlow()
    for reader, cells in reach.items():
        spare = aggregate.capacity[reader]
        if spare == 0 or not cells:
            continue
        flow.add_arc_with_capacity(source, node(("reader", reader)), spare)
        for region, band in sorted({(c.region, c.band) for c in cells}):
            cap = aggregate.band_hours.get((region, band), spare)
            flow.add_arc_with_capacity(
                node(("reader", reader)), node(("band", reader, region, band)), min(spare, cap)
            )
        for cell in sorted(cells):
            flow.add_arc_with_capacity(
                node(("band", reader, cell.region, cell.band)), node(cell), spare
            )
    for cell, wanted in aggregate.demand.items():
        if wanted > 0 and cell in nodes:
            flow.add_arc_with_capacity(node(cell), sink, wanted)
    if len(nodes) == 2:
        return 0
    if flow.solve(source, sink) != flow.OPTIMAL:
        raise RecommendError("max flow failed on the aggregate (a bug)")
    value: int = flow.optimal_flow()
    return value


def exhaustive_best(aggregate: Aggregate, budget: int) -> tuple[int, tuple[Grant, ...]]:
    """The best subset of at most ``budget`` grants by trying every one (small cases only)."""
    candidates = aggregate.candidates
    subsets = sum(comb(len(candidates), k) for k in range(min(budget, len(candidates)) + 1))
    if subsets > MAX_EXHAUSTIVE_SUBSETS:
        raise RecommendError(f"{subsets} subsets: too many to try them all")
    best: tuple[Grant, ...] = ()
    best_value = covered_value(aggregate, best)
    for size in range(1, min(budget, len(candidates)) + 1):
        for subset in itertools.combinations(candidates, size):
            value = covered_value(aggregate, subset)
            if value > best_value:
                best_value, best = value, subset
    return best_value, best


def optimise_grants(
    aggregate: Aggregate, budget: int, *, time_limit: float = 10.0, num_workers: int = 2
) -> tuple[str, tuple[Grant, ...]]:
    """The CP-SAT model of the module docstring: (status, chosen grants)."""
    if budget < 0:
        raise RecommendError(f"budget must be >= 0, got {budget}")
    model = cp_model.CpModel()
    grants = {g: model.new_bool_var(f"grant {g.radiologist} {g.region}") for g in aggregate.unlocks}
    supply: dict[Cell, list[cp_model.IntVar]] = defaultdict(list)
    for reader, spare in aggregate.capacity.items():
        now = aggregate.eligible.get(reader, frozenset())
        openers: dict[Cell, list[cp_model.IntVar]] = defaultdict(list)
        for grant, var in grants.items():
            if grant.radiologist == reader:
                for cell in aggregate.unlocks[grant]:
                    openers[cell].append(var)
        given = []
        by_band: dict[tuple[str, str], list[cp_model.IntVar]] = defaultdict(list)
        for cell in sorted(now | set(openers)):
            upper = min(spare, aggregate.demand[cell])
            if upper == 0:
                continue
            f = model.new_int_var(0, upper, f"f {reader} {cell.pool} {cell.band}")
            if cell not in now:
                model.add(f <= upper * sum(openers[cell]))
            supply[cell].append(f)
            given.append(f)
            by_band[(cell.region, cell.band)].append(f)
        if given:
            model.add(sum(given) <= spare)
        for key, flows in by_band.items():
            if key in aggregate.band_hours:
                model.add(sum(flows) <= aggregate.band_hours[key])
    covered = []
    for cell, wanted in aggregate.demand.items():
        if wanted == 0 or not supply[cell]:
            continue
        y = model.new_int_var(0, wanted, f"covered {cell.pool} {cell.band}")
        model.add(y <= sum(supply[cell]))
        covered.append(y)
    model.add(sum(grants.values()) <= budget)
    # One quarter-hour outweighs every grant together: grants are spent only where they cover.
    weight = len(grants) + 1
    model.maximize(weight * sum(covered) - sum(grants.values()))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = num_workers
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise RecommendError(f"the grant model ended {solver.status_name(status)} (a bug)")
    chosen = tuple(sorted(g for g, var in grants.items() if solver.boolean_value(var)))
    return ("optimal" if status == cp_model.OPTIMAL else "feasible"), chosen


def recommend_licences(
    problem: Problem, budget: int, *, time_limit: float = 10.0, num_workers: int = 2
) -> Recommendation:
    started = time.perf_counter()
    aggregate = build_aggregate(problem)
    status, chosen = optimise_grants(
        aggregate, budget, time_limit=time_limit, num_workers=num_workers
    )
    after = covered_value(aggregate, chosen)
    quarters = float(QUARTERS_PER_HOUR)
    marginal = [
        ChosenGrant(
            grant,
            aggregate.names.get(grant.radiologist, grant.radiologist),
            (after - covered_value(aggregate, [g for g in chosen if g != grant])) / quarters,
        )
        for grant in chosen
    ]
    marginal.sort(key=lambda c: (-c.marginal_hours, c.grant))
    return Recommendation(
        budget=budget,
        status=status,
        grants=tuple(marginal),
        demand_hours=aggregate.total_demand / quarters,
        covered_before_hours=covered_value(aggregate, ()) / quarters,
        covered_after_hours=after / quarters,
        by_region=_by_region(aggregate, chosen),
        candidates=len(aggregate.unlocks),
        wall_seconds=time.perf_counter() - started,
    )


def _by_region(
    aggregate: Aggregate, chosen: tuple[Grant, ...]
) -> dict[str, tuple[float, float, float]]:
    """Per sparse region: demand, covered before and after, each region's flow taken alone (the
    regions share readers' spare hours, so these need not add up to the totals)."""
    out = {}
    for region in sorted({c.region for c in aggregate.demand}):
        only = Aggregate(
            capacity=aggregate.capacity,
            demand={c: d for c, d in aggregate.demand.items() if c.region == region},
            eligible={
                r: frozenset(c for c in cells if c.region == region)
                for r, cells in aggregate.eligible.items()
            },
            unlocks={g: cells for g, cells in aggregate.unlocks.items() if g.region == region},
            band_hours=aggregate.band_hours,
        )
        mine = [g for g in chosen if g.region == region]
        q = float(QUARTERS_PER_HOUR)
        out[region] = (
            only.total_demand / q,
            covered_value(only, ()) / q,
            covered_value(only, mine) / q,
        )
    return out
