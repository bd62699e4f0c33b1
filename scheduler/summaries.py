"""Short coverage and fairness summaries of a solve, for the CLI and job results."""

from __future__ import annotations

from collections import defaultdict
from statistics import fmean
from typing import Any

from solver.problem import Problem
from solver.roster import SolveResult


def coverage_summary(problem: Problem, result: SolveResult) -> list[dict[str, Any]]:
    """Demand and covered reader-hours per region over the period."""
    region_of_site = {site.id: site.region for site in problem.sites}
    site_of_pool = {pool.id: pool.site for pool in problem.pools}
    demand: dict[str, int] = defaultdict(int)
    covered: dict[str, int] = defaultdict(int)
    for cell in result.kpis.coverage:
        region = region_of_site[site_of_pool[cell.pool]]
        demand[region] += cell.demand_units
        covered[region] += min(cell.demand_units, cell.supplied_units)
    hours = problem.unit_minutes / 60
    return [
        {
            "region": region,
            "demand_hours": demand[region] * hours,
            "covered_hours": covered[region] * hours,
            "covered_pct": 100.0 * covered[region] / demand[region] if demand[region] else 100.0,
        }
        for region in sorted(demand)
    ]


def fairness_summary(result: SolveResult) -> list[dict[str, Any]]:
    """Nights, weekends and on-call per FTE: the spread managers are asked about."""
    rows = []
    for measure in ("nights", "weekends", "on_calls"):
        values = [getattr(load, measure) / load.fte for load in result.kpis.loads if load.fte > 0]
        if values:
            rows.append(
                {"measure": measure, "min": min(values), "max": max(values), "mean": fmean(values)}
            )
    return rows
