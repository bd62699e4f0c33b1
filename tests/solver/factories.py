"""Tiny problems for the solver's tests, and a national-size one for scale checks.

Day 0 is Monday 2026-03-02 (days 5 and 6 are the first weekend); instants are UTC unless said.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

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

START = dt.date(2026, 3, 2)
KINDS = {"D": ShiftKind.DAY, "E": ShiftKind.EVENING, "N": ShiftKind.NIGHT, "C": ShiftKind.ON_CALL}
# template -> (UTC start hour, minutes): day 08-16, evening 16-24, night 22-08, on-call 16-08
HOURS = {"D": (8, 480), "E": (16, 480), "N": (22, 600), "C": (16, 960)}


def at(day: int, hour: int = 8, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(START + dt.timedelta(days=day), dt.time(hour, minute), dt.UTC)


def shift(day: int, template: str = "D", **overrides: Any) -> Shift:
    """Shift ``<template><day>``: hours and kind follow the template letter unless overridden."""
    hour, minutes = HOURS.get(template, (8, 480))
    return Shift(
        id=overrides.pop("id", f"{template}{day}"),
        day=day,
        template=template,
        kind=overrides.pop("kind", KINDS.get(template, ShiftKind.DAY)),
        start=overrides.pop("start", at(day, overrides.pop("hour", hour))),
        length_minutes=overrides.pop("minutes", minutes),
        **overrides,
    )


def shifts(days: int | range, *templates: str) -> tuple[Shift, ...]:
    day_range = range(days) if isinstance(days, int) else days
    return tuple(shift(d, t) for d in day_range for t in templates or ("D",))


def reader(rid: str = "r1", **overrides: Any) -> Radiologist:
    return Radiologist(id=rid, name=overrides.pop("name", f"Dr {rid.upper()}"), **overrides)


def rules(**limits: Any) -> Rules:
    return Rules(**limits)


def unavailable(day: int, **filters: Any) -> Availability:
    return Availability(day=day, kind=AvailabilityKind.UNAVAILABLE, **filters)


def prefer(day: int, weight: int = 1, **filters: Any) -> Availability:
    return Availability(day=day, kind=AvailabilityKind.PREFER, weight=weight, **filters)


def avoid(day: int, weight: int = 1, **filters: Any) -> Availability:
    return Availability(day=day, kind=AvailabilityKind.AVOID, weight=weight, **filters)


def cover(*shift_ids: str, required: int = 1, **weights: Any) -> tuple[HeadcountCover, ...]:
    """The same headcount wanted on each shift (weight_under 100 unless said)."""
    return tuple(HeadcountCover(s, required, **weights) for s in shift_ids)


def problem(
    shift_list: tuple[Shift, ...] | list[Shift],
    readers: tuple[Radiologist, ...] | list[Radiologist] = (),
    **overrides: Any,
) -> Problem:
    shift_list = tuple(shift_list)
    num_days = overrides.pop("num_days", max((s.day for s in shift_list), default=0) + 1)
    return Problem(
        start_date=overrides.pop("start_date", START),
        num_days=num_days,
        shifts=shift_list,
        radiologists=tuple(readers) or (reader(),),
        **overrides,
    )


# ----- one region with pools: the reading-demand world ------------------------------------------


def north() -> dict[str, Any]:
    """Region N (Oslo time) with site n1 and two pools; fields to splat into ``problem``."""
    return {
        "regions": (Region("N", "Europe/Oslo"), Region("S", "Europe/Oslo")),
        "sites": (Site("n1", "N", "Europe/Oslo"), Site("s1", "S", "Europe/Oslo")),
        "pools": (
            Pool("n1-neuro", "n1", "neuro"),
            Pool("n1-body", "n1", "body"),
            Pool("s1-neuro", "s1", "neuro"),
        ),
    }


def licensed(
    rid: str, *regions: str, skills: tuple[str, ...] = ("neuro",), **kw: Any
) -> Radiologist:
    """A reader licensed in ``regions`` (N by default), privileged at their sites."""
    regions = regions or ("N",)
    sites = {"N": "n1", "S": "s1"}
    return reader(
        rid,
        licences=tuple(Licence(region=r) for r in regions),
        privileges=tuple(Privilege(site=sites[r]) for r in regions),
        skills=frozenset(skills),
        **kw,
    )


# ----- a national problem: 1,000 readers x 12 regions x 28 days --------------------------------

SUBSPECIALTIES = ("neuro", "body", "msk")
NATIONAL_ZONE = "Europe/Oslo"
ABROAD_ZONE = "Australia/Sydney"  # readers abroad: the Oslo night is their day


def national_problem(
    num_readers: int = 1000, num_regions: int = 12, num_days: int = 28, seed: int = 7
) -> Problem:
    """A synthetic national roster: day, evening and night reading, hard on-call per region."""
    rng = random.Random(seed)
    regions = tuple(Region(f"R{i:02d}", NATIONAL_ZONE) for i in range(num_regions))
    sites = tuple(Site(f"{r.id}-s{j}", r.id, NATIONAL_ZONE) for r in regions for j in range(2))
    pools = tuple(Pool(f"{s.id}-{sub}", s.id, sub) for s in sites for sub in SUBSPECIALTIES)
    templates = (("D", 7, 480), ("E", 15, 480), ("N", 21, 600), ("C", 15, 1020))
    shift_list = tuple(
        Shift(
            id=f"{region.id}-{t}{d}",
            day=d,
            template=t,
            kind=KINDS[t],
            start=dt.datetime.combine(START + dt.timedelta(days=d), dt.time(hour), dt.UTC),
            length_minutes=minutes,
            region=region.id,
            remote=t != "C",
            units=0 if t == "C" else None,
        )
        for region in regions
        for d in range(num_days)
        for t, hour, minutes in templates
    )
    demand = tuple(
        ReadingDemand(pool.id, s.id, units=_units(rng, s.template), weight_under=10)
        for s in shift_list
        if s.template != "C"
        for pool in pools
        if pool.site.startswith(f"{s.region}-")
    )
    on_call = tuple(HeadcountCover(s.id, 1, hard=True) for s in shift_list if s.template == "C")
    readers = tuple(_national_reader(rng, i, regions, num_days) for i in range(num_readers))
    return Problem(
        name=f"national-{num_readers}x{num_regions}x{num_days}",
        start_date=START,
        num_days=num_days,
        shifts=shift_list,
        radiologists=readers,
        regions=regions,
        sites=sites,
        pools=pools,
        reading_demand=tuple(d for d in demand if d.units > 0),
        headcount_cover=on_call,
        weights=Weights(
            fairness_nights=5, fairness_weekends=5, fairness_on_call=5, follow_the_sun=1
        ),
    )


def _units(rng: random.Random, template: str) -> int:
    return {"D": rng.randint(8, 24), "E": rng.randint(0, 8), "N": rng.randint(0, 4)}[template]


def _national_reader(
    rng: random.Random, i: int, regions: tuple[Region, ...], num_days: int
) -> Radiologist:
    home = rng.choice(regions).id
    licensed_in = {home} | {r.id for r in rng.sample(regions, rng.choice([0, 0, 1, 2]))}
    fte = rng.choice([1.0, 1.0, 0.8, 0.5])
    leave_start = rng.randrange(num_days)
    leave = tuple(
        Availability(day=d, kind=AvailabilityKind.LEAVE)
        for d in range(leave_start, min(num_days, leave_start + rng.choice([0, 0, 3, 7])))
    )
    wishes = tuple(
        Availability(
            day=rng.randrange(num_days),
            kind=rng.choice([AvailabilityKind.PREFER, AvailabilityKind.AVOID]),
            weight=rng.randint(1, 5),
        )
        for _ in range(rng.randint(0, 3))
    )
    return Radiologist(
        id=f"rad{i:04d}",
        name=f"Dr {i:04d}",
        fte=fte,
        home_region=home,
        home_time_zone=ABROAD_ZONE if rng.random() < 0.05 else NATIONAL_ZONE,
        skills=frozenset(rng.sample(SUBSPECIALTIES, rng.choice([1, 2]))),
        licences=tuple(Licence(region=r) for r in sorted(licensed_in)),
        privileges=tuple(
            Privilege(site=f"{r}-s{j}") for r in sorted(licensed_in) for j in range(2)
        ),
        availability=leave + wishes,
        rules=Rules(
            max_total_minutes=int(fte * 160 * 60 * num_days / 28),
            max_consecutive_days=5,
            min_consecutive_days_off=2,
            max_consecutive_nights=3,
            max_weekends=2,
            min_rest_minutes=11 * 60,
        ),
    )


def rotation_problem(num_days: int = 28, num_readers: int = 8) -> Problem:
    """Day, evening and night cover with a benchmark's rules: minimum and maximum runs, days off
    between runs, weekends, minutes, nights, rest and forbidden successions (per four weeks: 2
    weekends, 10-16 shifts, 4 nights)."""
    four_weeks = num_days / 28
    limits = rules(
        min_consecutive_days=2,
        max_consecutive_days=4,
        min_consecutive_days_off=2,
        max_consecutive_nights=2,
        max_weekends=max(1, round(2 * four_weeks)),
        min_total_minutes=round(10 * 480 * four_weeks),
        max_total_minutes=round(16 * 480 * four_weeks),
        max_shifts_per_template={"N": max(1, round(4 * four_weeks))},
        min_rest_minutes=11 * 60,
    )
    rng = random.Random(11)
    readers = [
        reader(f"r{i}", rules=limits, availability=(prefer(rng.randrange(num_days), template="E"),))
        for i in range(num_readers)
    ]
    rota = shifts(num_days, "D", "E", "N")
    return problem(
        rota,
        readers,
        headcount_cover=tuple(
            HeadcountCover(s.id, 2 if s.template == "D" else 1, weight_under=100, weight_over=1)
            for s in rota
        ),
        forbidden_successions=frozenset({("N", "D"), ("N", "E"), ("E", "D")}),
    )
