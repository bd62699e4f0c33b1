"""Sanity checks of a Problem before any model is built: malformed input fails loudly, by name.

Each message names the collection, the row index and id, and the field, e.g. ``shifts[4] (id
'N-night-2'): start is a naive datetime; give it tzinfo=UTC``. Licences and privileges may name
regions and sites outside the problem (a reader's wider world), and the reference roster may name
shifts that no longer exist (a re-solve after edits); neither is an error.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from solver.problem import Problem, Radiologist, Rules


class ProblemError(ValueError):
    """The problem is malformed; ``problems`` lists every finding, one sentence each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = "\n  ".join(problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"malformed problem ({len(problems)} findings):\n  {shown}{more}")


def ensure_valid(problem: Problem) -> None:
    problems = check_problem(problem)
    if problems:
        raise ProblemError(problems)


def check_problem(problem: Problem) -> list[str]:
    """Every malformation found, in reading order; empty when the problem is well formed."""
    findings: list[str] = []
    findings += _check_header(problem)
    findings += _check_duplicates(problem)
    findings += _check_places(problem)
    findings += _check_shifts(problem)
    findings += _check_radiologists(problem)
    findings += _check_demand(problem)
    findings += _check_pins(problem)
    return findings


def _check_header(problem: Problem) -> list[str]:
    findings = []
    if problem.num_days < 1:
        findings.append(f"problem: num_days must be at least 1, got {problem.num_days}")
    if problem.unit_minutes < 1:
        findings.append(f"problem: unit_minutes must be at least 1, got {problem.unit_minutes}")
    for name, value in vars(problem.weights).items():
        if value < 0:
            findings.append(f"weights: {name} must be >= 0, got {value}")
    return findings


def _check_duplicates(problem: Problem) -> list[str]:
    collections: dict[str, Iterable[str]] = {
        "shifts": (s.id for s in problem.shifts),
        "radiologists": (r.id for r in problem.radiologists),
        "regions": (r.id for r in problem.regions),
        "sites": (s.id for s in problem.sites),
        "pools": (p.id for p in problem.pools),
    }
    findings = []
    for collection, ids in collections.items():
        for item_id, count in Counter(ids).items():
            if count > 1:
                findings.append(f"{collection}: id {item_id!r} appears {count} times")
    demand_keys = Counter((d.pool, d.shift_id) for d in problem.reading_demand)
    for (pool, shift_id), count in demand_keys.items():
        if count > 1:
            findings.append(
                f"reading_demand: pool {pool!r} on shift {shift_id!r} appears {count} times"
            )
    return findings


def _check_places(problem: Problem) -> list[str]:
    findings = []
    region_ids = {r.id for r in problem.regions}
    site_ids = {s.id for s in problem.sites}
    for i, region in enumerate(problem.regions):
        findings += _zone_findings(f"regions[{i}] (id {region.id!r})", region.time_zone)
    for i, site in enumerate(problem.sites):
        where = f"sites[{i}] (id {site.id!r})"
        if site.region not in region_ids:
            findings.append(f"{where}: region {site.region!r} is not in problem.regions")
        findings += _zone_findings(where, site.time_zone)
    for i, pool in enumerate(problem.pools):
        if pool.site not in site_ids:
            findings.append(
                f"pools[{i}] (id {pool.id!r}): site {pool.site!r} is not in problem.sites"
            )
    return findings


def _check_shifts(problem: Problem) -> list[str]:
    findings = []
    region_ids = {r.id for r in problem.regions}
    for i, shift in enumerate(problem.shifts):
        where = f"shifts[{i}] (id {shift.id!r})"
        if not 0 <= shift.day < problem.num_days:
            findings.append(f"{where}: day {shift.day} is outside 0..{problem.num_days - 1}")
        if _is_naive(shift.start):
            findings.append(f"{where}: start is a naive datetime; give it tzinfo=UTC")
        if shift.length_minutes <= 0:
            findings.append(f"{where}: length_minutes must be positive, got {shift.length_minutes}")
        if shift.work_minutes is not None and shift.work_minutes < 0:
            findings.append(f"{where}: work_minutes must be >= 0, got {shift.work_minutes}")
        if shift.units is not None and shift.units < 0:
            findings.append(f"{where}: units must be >= 0, got {shift.units}")
        if shift.region is not None and shift.region not in region_ids:
            findings.append(f"{where}: region {shift.region!r} is not in problem.regions")
    return findings


def _check_radiologists(problem: Problem) -> list[str]:
    findings = []
    for i, reader in enumerate(problem.radiologists):
        where = f"radiologists[{i}] (id {reader.id!r})"
        if reader.fte < 0:
            findings.append(f"{where}: fte must be >= 0, got {reader.fte}")
        findings += _zone_findings(where, reader.home_time_zone, field="home_time_zone")
        for day in sorted(reader.fixed_days_off):
            if not 0 <= day < problem.num_days:
                findings.append(
                    f"{where}: fixed_days_off has day {day}, outside 0..{problem.num_days - 1}"
                )
        for j, entry in enumerate(reader.availability):
            at = f"{where} availability[{j}]"
            if not 0 <= entry.day < problem.num_days:
                findings.append(f"{at}: day {entry.day} is outside 0..{problem.num_days - 1}")
            if entry.weight < 0:
                findings.append(f"{at}: weight must be >= 0, got {entry.weight}")
        findings += _rule_findings(where, reader.rules)
        findings += _history_findings(where, reader)
    return findings


def _rule_findings(where: str, rules: Rules) -> list[str]:
    findings = []
    for name, value in vars(rules).items():
        if isinstance(value, dict):
            for key, limit in value.items():
                if limit < 0:
                    findings.append(f"{where} rules.{name}[{key!s}]: must be >= 0, got {limit}")
        elif value is not None and value < 0:
            findings.append(f"{where} rules.{name}: must be >= 0, got {value}")
    return findings


def _history_findings(where: str, reader: Radiologist) -> list[str]:
    history = reader.history
    findings = []
    for name in ("consecutive_days_worked", "consecutive_nights_worked", "weekends_worked"):
        value = getattr(history, name)
        if value < 0:
            findings.append(f"{where} history.{name}: must be >= 0, got {value}")
    if history.last_shift_end is not None and _is_naive(history.last_shift_end):
        findings.append(f"{where} history.last_shift_end: naive datetime; give it tzinfo=UTC")
    return findings


def _check_demand(problem: Problem) -> list[str]:
    findings = []
    shift_ids = {s.id for s in problem.shifts}
    pool_ids = {p.id for p in problem.pools}
    for i, demand in enumerate(problem.reading_demand):
        where = f"reading_demand[{i}] (pool {demand.pool!r}, shift {demand.shift_id!r})"
        if demand.pool not in pool_ids:
            findings.append(f"{where}: pool {demand.pool!r} is not in problem.pools")
        if demand.shift_id not in shift_ids:
            findings.append(f"{where}: shift_id {demand.shift_id!r} is not in problem.shifts")
        for name in ("units", "weight_under", "weight_over", "min_readers"):
            if getattr(demand, name) < 0:
                findings.append(f"{where}: {name} must be >= 0, got {getattr(demand, name)}")
    for i, cover in enumerate(problem.headcount_cover):
        where = f"headcount_cover[{i}] (shift {cover.shift_id!r})"
        if cover.shift_id not in shift_ids:
            findings.append(f"{where}: shift_id {cover.shift_id!r} is not in problem.shifts")
        for name in ("required", "weight_under", "weight_over"):
            if getattr(cover, name) < 0:
                findings.append(f"{where}: {name} must be >= 0, got {getattr(cover, name)}")
    return findings


def _check_pins(problem: Problem) -> list[str]:
    findings = []
    reader_ids = {r.id for r in problem.radiologists}
    shift_day = {s.id: s.day for s in problem.shifts}
    for i, pin in enumerate(problem.pins):
        where = f"pins[{i}] (radiologist {pin.radiologist!r}, day {pin.day})"
        if pin.radiologist not in reader_ids:
            findings.append(f"{where}: radiologist {pin.radiologist!r} is not in the problem")
        if not 0 <= pin.day < problem.num_days:
            findings.append(f"{where}: day {pin.day} is outside 0..{problem.num_days - 1}")
        if pin.shift_id is None:
            continue
        if pin.shift_id not in shift_day:
            findings.append(f"{where}: shift_id {pin.shift_id!r} is not in problem.shifts")
        elif shift_day[pin.shift_id] != pin.day:
            findings.append(
                f"{where}: shift {pin.shift_id!r} is on day {shift_day[pin.shift_id]}, "
                f"not day {pin.day}"
            )
    return findings


def _is_naive(moment: dt.datetime) -> bool:
    return moment.tzinfo is None or moment.utcoffset() is None


def _zone_findings(where: str, zone: str, *, field: str = "time_zone") -> list[str]:
    return [] if _zone_exists(zone) else [f"{where}: {field} {zone!r} is not an IANA time zone"]


@cache
def _zone_exists(zone: str) -> bool:
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
