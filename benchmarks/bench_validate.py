"""Time the independent validator on a month of a large teleradiology service.

    python benchmarks/bench_validate.py [--readers 1000] [--days 28] [--regions 12] [--seed 1]

A synthetic service: 12 regions x 4 templates (day, evening, night, on-call), about 50 shifts a
day; readers with licences, privileges, leave, wishes and every rule on; a roster giving each reader
an eligible shift on about 5 days of 7, two pool allocations each. Prints size, seconds, violations.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import random
import time

from solver.eligibility import may_work_shift
from solver.problem import (
    Availability,
    AvailabilityKind,
    HeadcountCover,
    Licence,
    Pool,
    Privilege,
    Problem,
    Radiologist,
    ReadingDemand,
    Region,
    Rules,
    Shift,
    ShiftKind,
    Site,
    Weights,
)
from solver.roster import Allocation, Assignment, Roster
from solver.validate import validate

ZONES = (
    "Europe/Oslo",
    "Europe/London",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "Asia/Tokyo",
    "Asia/Kolkata",
    "Australia/Sydney",
    "Europe/Berlin",
    "Pacific/Auckland",
    "America/Sao_Paulo",
)
TEMPLATES = (
    ("D", ShiftKind.DAY, 8, 480),
    ("E", ShiftKind.EVENING, 16, 480),
    ("N", ShiftKind.NIGHT, 0, 480),
    ("C", ShiftKind.ON_CALL, 18, 720),
)
SKILLS = ("neuro", "msk", "body")
START = dt.date(2026, 3, 2)
RULES = Rules(
    max_shifts_per_template={"N": 8},
    max_shifts_per_kind={ShiftKind.ON_CALL: 6},
    min_total_minutes=0,
    max_total_minutes=12_000,
    max_consecutive_days=6,
    min_consecutive_days=1,
    min_consecutive_days_off=1,
    max_consecutive_nights=4,
    max_weekends=3,
    min_rest_minutes=11 * 60,
    max_average_weekly_minutes=2_880,
)


def service(num_readers: int, num_days: int, num_regions: int, rng: random.Random) -> Problem:
    regions = [Region(f"R{i}", ZONES[i % len(ZONES)]) for i in range(num_regions)]
    sites = [Site(f"{r.id}-s{j}", r.id, r.time_zone) for r in regions for j in range(3)]
    pools = [Pool(f"{s.id}-{k}", s.id, k) for s in sites for k in SKILLS]
    shifts = [
        Shift(
            id=f"{r.id}-{t}-{d}",
            day=d,
            template=t,
            kind=kind,
            start=dt.datetime.combine(START + dt.timedelta(days=d), dt.time(hour), dt.UTC),
            length_minutes=minutes,
            region=r.id,
        )
        for d in range(num_days)
        for r in regions
        for t, kind, hour, minutes in TEMPLATES
    ]
    readers = [_reader(i, regions, sites, num_days, rng) for i in range(num_readers)]
    return Problem(
        start_date=START,
        num_days=num_days,
        shifts=tuple(shifts),
        radiologists=tuple(readers),
        regions=tuple(regions),
        sites=tuple(sites),
        pools=tuple(pools),
        reading_demand=tuple(
            ReadingDemand(p.id, s.id, 3, weight_over=1)
            for s in shifts
            if s.kind != ShiftKind.ON_CALL
            for p in pools
            if p.site == f"{s.region}-s0"
        ),
        headcount_cover=tuple(
            HeadcountCover(s.id, 1, hard=True) for s in shifts if s.kind == ShiftKind.ON_CALL
        ),
        weights=Weights(
            fairness_nights=5, fairness_weekends=5, fairness_on_call=5, change=10, follow_the_sun=1
        ),
    )


def _reader(
    i: int, regions: list[Region], sites: list[Site], num_days: int, rng: random.Random
) -> Radiologist:
    licensed = rng.sample([r.id for r in regions], 3)
    return Radiologist(
        id=f"r{i}",
        name=f"Reader {i}",
        fte=rng.choice([1.0, 1.0, 0.8, 0.5]),
        home_region=licensed[0],
        home_time_zone=rng.choice(ZONES),
        skills=frozenset(rng.sample(SKILLS, 2)),
        licences=tuple(Licence(region=r) for r in licensed),
        privileges=tuple(Privilege(site=s.id) for s in sites if s.region in licensed),
        availability=(
            Availability(rng.randrange(num_days), AvailabilityKind.LEAVE),
            Availability(rng.randrange(num_days), AvailabilityKind.PREFER, template="D"),
            Availability(
                rng.randrange(num_days), AvailabilityKind.AVOID, shift_kind=ShiftKind.NIGHT
            ),
        ),
        rules=RULES,
    )


def month_roster(problem: Problem, rng: random.Random) -> Roster:
    by_day_region: dict[tuple[int, str | None], list[Shift]] = {}
    for s in problem.shifts:
        by_day_region.setdefault((s.day, s.region), []).append(s)
    assignments, allocations = [], []
    for reader in problem.radiologists:
        licensed = [lic.region for lic in reader.licences]
        for day in range(problem.num_days):
            if rng.random() > 5 / 7:
                continue
            shift = rng.choice(by_day_region[(day, rng.choice(licensed))])
            if not may_work_shift(problem, reader, shift):
                continue
            assignments.append(Assignment(reader.id, shift.id))
            readable = [
                p
                for p in problem.pools
                if p.site.startswith(f"{shift.region}-") and p.subspecialty in reader.skills
            ]
            chosen = rng.sample(readable, 2)
            allocations += [Allocation(reader.id, shift.id, p.id, 4) for p in chosen]
    return Roster(tuple(assignments), tuple(allocations))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=1000)
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--regions", type=int, default=12)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    problem = service(args.readers, args.days, args.regions, rng)
    roster = month_roster(problem, rng)
    # a previous version to re-solve from: every third assignment
    problem = dataclasses.replace(
        problem, reference=frozenset((a.radiologist, a.shift_id) for a in roster.assignments[::3])
    )
    began = time.perf_counter()
    report = validate(problem, roster)
    seconds = time.perf_counter() - began
    print(
        f"validate: {len(problem.radiologists)} readers x {problem.num_days} days, "
        f"{len(problem.shifts)} shifts ({len(problem.shifts) // problem.num_days}/day), "
        f"{len(roster.assignments)} assignments, {len(roster.allocations)} allocations: "
        f"{seconds:.2f} s, {len(report.violations)} violations, objective {report.objective} "
        f"{report.breakdown}"
    )


if __name__ == "__main__":
    main()
