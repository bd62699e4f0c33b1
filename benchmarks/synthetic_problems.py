"""Seeded synthetic teleradiology problems for solver benchmarks (department to national scale).

Pure ``solver.Problem`` objects, no database: regions across time zones (a third sparse), sites,
readers with skills, licences (home region plus some multi-region readers) and privileges, day /
weekend / evening / night reading shifts and hard on-call cover per region, reading demand sized to
about ``load`` of the workforce's capacity, leave blocks and soft wishes.
"""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

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

ZONES = (
    "Europe/Oslo",
    "Europe/Stockholm",
    "Europe/Helsinki",
    "Europe/London",
    "Asia/Yekaterinburg",
    "Asia/Novosibirsk",
    "Asia/Krasnoyarsk",
    "Asia/Yakutsk",
    "Europe/Moscow",
    "Atlantic/Reykjavik",
    "Europe/Berlin",
    "Asia/Vladivostok",
)
SUBSPECIALTIES = ("general", "neuro", "msk", "body", "chest", "breast", "paeds", "nuclear")
# (template, kind, local start hour, minutes, weekdays)
TEMPLATES = (
    ("DAY", ShiftKind.DAY, 8, 480, (0, 1, 2, 3, 4)),
    ("WKD", ShiftKind.WEEKEND, 8, 480, (5, 6)),
    ("EVE", ShiftKind.EVENING, 16, 480, (0, 1, 2, 3, 4, 5, 6)),
    ("NGT", ShiftKind.NIGHT, 22, 600, (0, 1, 2, 3, 4, 5, 6)),
    ("OC", ShiftKind.ON_CALL, 16, 960, (0, 1, 2, 3, 4, 5, 6)),
)
DEMAND_SHARE = {"DAY": 0.55, "WKD": 0.2, "EVE": 0.25, "NGT": 0.12}
# On-call from home counts a quarter toward working time, as the product's default
# (scheduler.problem_builder, ``on_call_work_fraction``).
ON_CALL_WORK_FRACTION = 0.25


def synthetic_problem(
    *,
    readers: int,
    regions: int,
    days: int = 28,
    seed: int = 0,
    load: float = 0.85,
    start: dt.date = dt.date(2027, 1, 4),
) -> Problem:
    rng = random.Random(seed)
    region_list = [
        Region(f"R{i:02d}", ZONES[i % len(ZONES)], sparse=(i % 3 == 2)) for i in range(regions)
    ]
    sites = []
    for region in region_list:
        for j in range(1 if region.sparse else 2):
            sites.append(Site(f"{region.id}-S{j}", region.id, region.time_zone))
    sites_of = {r.id: [s for s in sites if s.region == r.id] for r in region_list}
    pools = [Pool(f"{s.id}/{sub}", s.id, sub) for s in sites for sub in SUBSPECIALTIES[:5]]
    shifts: list[Shift] = []
    for region in region_list:
        zone = ZoneInfo(region.time_zone)
        for day in range(days):
            date = start + dt.timedelta(days=day)
            for code, kind, hour, minutes, weekdays in TEMPLATES:
                if date.weekday() not in weekdays:
                    continue
                local = dt.datetime.combine(date, dt.time(hour), tzinfo=zone)
                shifts.append(
                    Shift(
                        id=f"{region.id}:{code}:{date.isoformat()}",
                        day=day,
                        template=code,
                        kind=kind,
                        start=local.astimezone(dt.UTC),
                        length_minutes=minutes,
                        region=region.id,
                        remote=True,
                        units=0 if kind == ShiftKind.ON_CALL else None,
                        work_minutes=(
                            round(minutes * ON_CALL_WORK_FRACTION)
                            if kind == ShiftKind.ON_CALL
                            else None
                        ),
                    )
                )
    people = [_reader(rng, i, region_list, sites_of, days) for i in range(readers)]
    demand = _demand(rng, people, region_list, sites_of, shifts, days, load)
    covers = [HeadcountCover(s.id, 1, hard=True) for s in shifts if s.kind == ShiftKind.ON_CALL]
    return Problem(
        start_date=start,
        num_days=days,
        shifts=tuple(shifts),
        radiologists=tuple(people),
        regions=tuple(region_list),
        sites=tuple(sites),
        pools=tuple(pools),
        reading_demand=tuple(demand),
        headcount_cover=tuple(covers),
        weights=Weights(
            fairness_nights=5, fairness_weekends=5, fairness_on_call=5, follow_the_sun=1
        ),
        name=f"synthetic {readers} readers x {regions} regions x {days} days (seed {seed})",
    )


def _reader(
    rng: random.Random,
    index: int,
    region_list: list[Region],
    sites_of: dict[str, list[Site]],
    days: int,
) -> Radiologist:
    home = region_list[index % len(region_list)]
    licensed = [home.id]
    if rng.random() < 0.3:
        licensed.append(rng.choice(region_list).id)
    skills = {"general", *rng.sample(SUBSPECIALTIES[1:5], rng.randint(1, 3))}
    fte = rng.choice((1.0, 1.0, 1.0, 0.8, 0.6, 0.5))
    availability: list[Availability] = []
    if rng.random() < 0.25:
        first = rng.randrange(0, max(1, days - 5))
        for day in range(first, min(days, first + rng.randint(3, 7))):
            availability.append(Availability(day, AvailabilityKind.LEAVE))
    for _ in range(rng.randint(0, 3)):
        day = rng.randrange(days)
        if all(a.day != day for a in availability):
            kind = rng.choice((AvailabilityKind.PREFER, AvailabilityKind.AVOID))
            shift_kind = rng.choice((None, ShiftKind.NIGHT, ShiftKind.DAY))
            availability.append(Availability(day, kind, shift_kind=shift_kind, weight=2))
    return Radiologist(
        id=f"r{index:04d}",
        name=f"Reader {index}",
        fte=fte,
        home_region=home.id,
        home_time_zone=home.time_zone,
        skills=frozenset(skills),
        licences=tuple(Licence(region=r) for r in dict.fromkeys(licensed)),
        privileges=tuple(
            Privilege(site=s.id) for r in dict.fromkeys(licensed) for s in sites_of[r]
        ),
        availability=tuple(availability),
        rules=Rules(
            min_rest_minutes=11 * 60,
            max_consecutive_days=6,
            max_consecutive_nights=4,
            max_weekends=max(1, days // 14),
            max_average_weekly_minutes=round(48 * 60 * fte),
        ),
    )


def _demand(
    rng: random.Random,
    people: list[Radiologist],
    region_list: list[Region],
    sites_of: dict[str, list[Site]],
    shifts: list[Shift],
    days: int,
    load: float,
) -> list[ReadingDemand]:
    """Spread ``load`` x the reading hours over pools, by template share and region size."""
    capacity_hours = sum(p.rules.max_average_weekly_minutes or 0 for p in people) / 60 * days / 7
    # on-call (one reader per region and night) takes its counted hours: a large share of a small
    # department's time, a small one nationally
    capacity_hours -= sum(s.counted_minutes for s in shifts if s.kind == ShiftKind.ON_CALL) / 60
    capacity_hours *= 0.8  # leave, rest and weekend rules take their share
    weights = {r.id: (0.5 if r.sparse else 1.0) * rng.uniform(0.7, 1.3) for r in region_list}
    total_weight = sum(weights.values())
    per_template: dict[str, int] = {}
    for shift in shifts:
        if shift.template in DEMAND_SHARE:
            per_template[shift.template] = per_template.get(shift.template, 0) + 1
    demand: list[ReadingDemand] = []
    for shift in shifts:
        share = DEMAND_SHARE.get(shift.template)
        if share is None or shift.region is None:
            continue
        region_hours = (load * capacity_hours * share * weights[shift.region] / total_weight) / (
            per_template[shift.template] / len(region_list)
        )
        site_list = sites_of[shift.region]
        for site in site_list:
            for sub, sub_share in (
                ("general", 0.6),
                ("neuro", 0.15),
                ("body", 0.15),
                ("chest", 0.1),
            ):
                units = round(region_hours / len(site_list) * sub_share)
                if units > 0:
                    weight = (
                        150 if any(r.id == shift.region and r.sparse for r in region_list) else 100
                    )
                    demand.append(ReadingDemand(f"{site.id}/{sub}", shift.id, units, weight))
    return demand
