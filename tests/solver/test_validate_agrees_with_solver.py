"""The CP-SAT model and the independent validator implement the same semantics.

On small random problems with every rule and objective term switched on, the solver's roster breaks
no rule and the validator scores it exactly as the solver does, term by term; and rosters pinned
near it are feasible for the solver exactly when the validator finds no violation in them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

import pytest

from solver.options import SolveOptions
from solver.problem import (
    Availability,
    AvailabilityKind,
    HeadcountCover,
    History,
    Licence,
    Pin,
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
from solver.roster import Assignment, Roster, SolveStatus
from solver.solve import solve
from solver.validate import validate

ZONES = ("UTC", "Europe/Oslo", "Asia/Tokyo", "America/New_York")
# (template, kind, UTC hour, minutes)
TEMPLATES = (
    ("D", ShiftKind.DAY, 8, 480),
    ("E", ShiftKind.EVENING, 14, 480),
    ("N", ShiftKind.NIGHT, 21, 600),
    ("C", ShiftKind.ON_CALL, 17, 720),
)
OSLO_DST_WEEK = dt.date(2026, 3, 23)  # Oslo springs forward on day 6


def random_problem(seed: int) -> Problem:
    rng = random.Random(seed)
    start = rng.choice([dt.date(2026, 3, 2), OSLO_DST_WEEK])
    num_days = rng.choice([7, 10])
    regions = (Region("N", "Europe/Oslo"), Region("T", "Asia/Tokyo"))
    sites = (Site("n1", "N"), Site("t1", "T"))
    pools = (
        Pool("n1-neuro", "n1", "neuro"),
        Pool("n1-body", "n1", "body"),
        Pool("t1-neuro", "t1", "neuro"),
    )
    template_region = {t[0]: rng.choice(["N", "T", None]) for t in TEMPLATES}
    shifts = [
        Shift(
            id=f"{t}{d}",
            day=d,
            template=t,
            kind=kind,
            start=dt.datetime.combine(start + dt.timedelta(days=d), dt.time(hour), dt.UTC),
            length_minutes=minutes,
            region=template_region[t],
            remote=rng.random() < 0.8,
        )
        for d in range(num_days)
        for t, kind, hour, minutes in TEMPLATES
        if t != "C" or rng.random() < 0.5
    ]
    readers = [_random_reader(rng, i, start, num_days) for i in range(rng.choice([3, 4, 5]))]
    reader_ids = [r.id for r in readers]
    return Problem(
        start_date=start,
        num_days=num_days,
        shifts=tuple(shifts),
        radiologists=tuple(readers),
        regions=regions,
        sites=sites,
        pools=pools,
        reading_demand=tuple(
            ReadingDemand(
                pool.id,
                s.id,
                rng.randint(0, 8),
                weight_under=rng.randint(1, 20),
                weight_over=rng.randint(0, 2),
                min_readers=rng.choice((0, 0, 1, 2)),
            )
            for s in shifts
            if s.kind != ShiftKind.ON_CALL
            for pool in pools
            if rng.random() < 0.3
        ),
        headcount_cover=tuple(
            HeadcountCover(s.id, rng.randint(0, 2), weight_under=100, weight_over=1)
            for s in shifts
            if rng.random() < 0.6
        ),
        forbidden_successions=frozenset({("N", "D"), ("N", "E")} if rng.random() < 0.7 else ()),
        pins=(Pin(rng.choice(reader_ids), rng.randrange(num_days), None),),
        reference=frozenset(
            (rng.choice(reader_ids), s.id) for s in rng.sample(shifts, k=min(6, len(shifts)))
        ),
        weights=Weights(
            fairness_nights=rng.randint(0, 3),
            fairness_weekends=rng.randint(0, 3),
            fairness_on_call=rng.randint(0, 3),
            change=rng.randint(0, 20),
            follow_the_sun=rng.randint(0, 5),
        ),
    )


def _random_reader(rng: random.Random, i: int, start: dt.date, num_days: int) -> Radiologist:
    licences = [Licence(region=r) for r in ("N", "T") if rng.random() < 0.7]
    if licences and rng.random() < 0.3:  # a licence that lapses mid-horizon
        licences[0] = Licence(region=licences[0].region, valid_to=start + dt.timedelta(days=3))
    wishes = []
    for _ in range(rng.randint(0, 4)):
        wishes.append(
            Availability(
                rng.randrange(num_days),
                rng.choice(list(AvailabilityKind)),
                template=rng.choice([None, "D", "N"]),
                shift_kind=rng.choice([None, None, ShiftKind.EVENING, ShiftKind.NIGHT]),
                weight=rng.randint(1, 10),
            )
        )
    rules = Rules(
        max_shifts_per_template=rng.choice([{}, {"N": 2}, {"D": 4, "C": 0}]),
        max_shifts_per_kind=rng.choice([{}, {ShiftKind.ON_CALL: 1}]),
        min_total_minutes=rng.choice([None, 0]),  # so that working nothing is always feasible
        max_total_minutes=rng.choice([None, 3000, 2400]),
        max_consecutive_days=rng.choice([None, 3, 4]),
        min_consecutive_days=rng.choice([None, 2]),
        min_consecutive_days_off=rng.choice([None, 2]),
        max_consecutive_nights=rng.choice([None, 1, 2]),
        max_weekends=rng.choice([None, 1, 2]),
        min_rest_minutes=rng.choice([None, 11 * 60]),
        max_average_weekly_minutes=rng.choice([None, 2400]),
    )
    history = History(
        consecutive_days_worked=rng.randint(0, 3),
        consecutive_nights_worked=rng.randint(0, 1),
        last_shift_end=dt.datetime.combine(start, dt.time(rng.randint(0, 6)), dt.UTC),
        weekends_worked=rng.randint(0, 1 if rules.max_weekends else 3),
    )
    return Radiologist(
        id=f"r{i}",
        name=f"Reader {i}",
        fte=rng.choice([1.0, 1.0, 0.8, 0.6, 0.5]),
        home_region=rng.choice(["N", "T", None]),
        home_time_zone=rng.choice(ZONES),
        skills=frozenset(k for k in ("neuro", "body") if rng.random() < 0.7),
        licences=tuple(licences),
        privileges=tuple(Privilege(site=s) for s in ("n1", "t1") if rng.random() < 0.7),
        fixed_days_off=frozenset(d for d in range(num_days) if rng.random() < 0.1),
        availability=tuple(wishes),
        rules=rules,
        history=history,
    )


def pinned_variant(problem: Problem, roster: Roster, rng: random.Random) -> Problem:
    """Every cell pinned to ``roster`` with one or two random cells changed (another shift or off):
    near a valid roster, so some variants stay feasible and the rest break only a rule or two."""
    cells: dict[tuple[str, int], str | None] = {
        (r.id, d): None for r in problem.radiologists for d in range(problem.num_days)
    }
    shifts = {s.id: s for s in problem.shifts}
    for a in roster.assignments:
        cells[(a.radiologist, shifts[a.shift_id].day)] = a.shift_id
    for _ in range(rng.randint(1, 2)):
        reader, day = rng.choice(list(cells))
        options = [s.id for s in problem.shifts if s.day == day]
        cells[(reader, day)] = rng.choice([*options, None])
    pins = tuple(Pin(r, d, s) for (r, d), s in cells.items())
    return dataclasses.replace(problem, pins=pins)


OPTIONS = SolveOptions(max_time_in_seconds=5, num_workers=2, explain_time_limit=1)


def check_agreement(seed: int, variants: int = 4) -> None:
    """The solver's own roster breaks no rule and scores the same, term by term; then each pinned
    variant is feasible for the solver exactly when the validator finds no violation in it."""
    base = random_problem(seed)
    free = solve(base, OPTIONS)
    assert free.status.has_roster, free.explanation
    report = validate(base, free.roster)
    assert report.messages() == []
    assert report.breakdown == free.breakdown
    assert report.objective == free.objective

    rng = random.Random(seed)
    for variant in range(variants):
        problem = pinned_variant(base, free.roster, rng)
        pinned = [Assignment(p.radiologist, p.shift_id) for p in problem.pins if p.shift_id]
        verdict = validate(problem, Roster(assignments=tuple(pinned)))
        result = solve(problem, OPTIONS)
        assert result.status in (SolveStatus.OPTIMAL, SolveStatus.INFEASIBLE), (variant, result)
        assert result.status.has_roster == verdict.ok, (variant, verdict.messages())
        if result.status.has_roster:
            assert set(result.roster.assignments) == set(pinned)
            report = validate(problem, result.roster)
            assert report.ok, report.messages()
            assert report.breakdown == result.breakdown


@pytest.mark.parametrize("seed", range(5))
def test_validator_agrees_with_solver(seed: int) -> None:
    check_agreement(seed)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(5, 65))
def test_validator_agrees_with_solver_on_many_more_problems(seed: int) -> None:
    check_agreement(seed)
