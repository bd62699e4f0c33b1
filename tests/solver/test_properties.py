"""Random small problems, every rule in play: the solver's roster always passes the validator.

Each problem mixes licences with validity windows, on-site shifts, time zones across a DST change,
hard availability, wishes, pins, rest, run and count limits, covers and every objective term.
Whatever the draw, a returned roster breaks no rule, keeps every pin and scores exactly what the
validator scores (``solve_valid``); an infeasible draw is explained in words.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solver.eligibility import may_work_shift
from solver.explain import CONFLICT_LEAD
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
from solver.roster import SolveStatus

# (template, kind, UTC start hour, minutes)
TEMPLATES = (
    ("D", ShiftKind.DAY, 7, 480),
    ("E", ShiftKind.EVENING, 15, 480),
    ("N", ShiftKind.NIGHT, 21, 600),
    ("C", ShiftKind.ON_CALL, 16, 960),
)
STARTS = (dt.date(2026, 3, 2), dt.date(2026, 3, 25))  # the second spans Oslo's spring DST change
ZONES = ("Europe/Oslo", "Asia/Tokyo", "UTC")
REGIONS = (Region("N", "Europe/Oslo"), Region("T", "Asia/Tokyo"))
SITES = (Site("n1", "N", "Europe/Oslo"), Site("t1", "T", "Asia/Tokyo"))
POOLS = (
    Pool("n1-neuro", "n1", "neuro"),
    Pool("n1-body", "n1", "body"),
    Pool("t1-neuro", "t1", "neuro"),
)
SKILLS = ("neuro", "body")

maybe_small = st.one_of(st.none(), st.integers(0, 4))


@st.composite
def shift_list(draw: st.DrawFn, start: dt.date, num_days: int) -> list[Shift]:
    templates = draw(st.lists(st.sampled_from(TEMPLATES), min_size=1, max_size=3, unique=True))
    shifts = []
    for template, kind, hour, minutes in templates:
        region = draw(st.sampled_from([None, "N", "T"]))
        remote = draw(st.booleans())
        for day in range(num_days):
            shifts.append(
                Shift(
                    id=f"{template}{day}",
                    day=day,
                    template=template,
                    kind=kind,
                    start=dt.datetime.combine(
                        start + dt.timedelta(days=day), dt.time(hour), dt.UTC
                    ),
                    length_minutes=minutes,
                    region=region,
                    remote=remote,
                )
            )
    return shifts


@st.composite
def radiologist(draw: st.DrawFn, index: int, start: dt.date, num_days: int) -> Radiologist:
    def some_day() -> int:
        return draw(st.integers(0, num_days - 1))

    licences = tuple(
        Licence(
            region=region,
            valid_from=draw(st.sampled_from([None, start + dt.timedelta(days=2)])),
            valid_to=draw(st.sampled_from([None, start + dt.timedelta(days=num_days - 2)])),
        )
        for region in draw(st.lists(st.sampled_from(["N", "T"]), max_size=2, unique=True))
    )
    entries = tuple(
        Availability(
            day=some_day(),
            kind=draw(st.sampled_from(list(AvailabilityKind))),
            template=draw(st.sampled_from([None, "D", "N"])),
            shift_kind=draw(st.sampled_from([None, ShiftKind.NIGHT])),
            weight=draw(st.integers(0, 5)),
        )
        for _ in range(draw(st.integers(0, 3)))
    )
    rules = Rules(
        max_shifts_per_template=draw(
            st.dictionaries(st.sampled_from(["D", "N"]), st.integers(0, 4))
        ),
        max_shifts_per_kind=draw(st.dictionaries(st.just(ShiftKind.NIGHT), st.integers(0, 3))),
        min_total_minutes=draw(st.sampled_from([None, None, None, 480])),
        max_total_minutes=draw(st.sampled_from([None, 1440, 2400])),
        max_consecutive_days=draw(st.sampled_from([None, 1, 2, 3, 4])),
        min_consecutive_days=draw(st.sampled_from([None, None, 2, 3])),
        min_consecutive_days_off=draw(st.sampled_from([None, None, 2, 3])),
        max_consecutive_nights=draw(st.one_of(st.none(), st.integers(1, 3))),
        max_weekends=draw(maybe_small),
        min_rest_minutes=draw(st.sampled_from([None, 660, 1440])),
        max_average_weekly_minutes=draw(st.sampled_from([None, 2400])),
    )
    history = History(
        consecutive_days_worked=draw(st.integers(0, 3)),
        consecutive_nights_worked=draw(st.integers(0, 2)),
        last_shift_end=draw(
            st.sampled_from([None, dt.datetime.combine(start, dt.time(2), dt.UTC)])
        ),
        weekends_worked=draw(st.integers(0, 1)),
    )
    return Radiologist(
        id=f"r{index}",
        name=f"Dr {index}",
        fte=draw(st.sampled_from([0.0, 0.5, 0.8, 1.0])),
        home_region=draw(st.sampled_from([None, "N", "T"])),
        home_time_zone=draw(st.sampled_from(ZONES)),
        skills=frozenset(draw(st.lists(st.sampled_from(SKILLS), max_size=2))),
        licences=licences,
        privileges=tuple(
            Privilege(site=s) for s in draw(st.lists(st.sampled_from(["n1", "t1"]), unique=True))
        ),
        fixed_days_off=frozenset(draw(st.lists(st.integers(0, num_days - 1), max_size=2))),
        availability=entries,
        rules=rules,
        history=history,
    )


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    start = draw(st.sampled_from(STARTS))
    num_days = draw(st.integers(3, 9))
    shifts = draw(shift_list(start, num_days))
    readers = [draw(radiologist(i, start, num_days)) for i in range(draw(st.integers(1, 4)))]
    covered = draw(st.lists(st.sampled_from(shifts), max_size=6, unique_by=lambda s: s.id))
    covers = tuple(
        HeadcountCover(
            s.id,
            draw(st.integers(0, 2)),
            weight_under=draw(st.integers(0, 100)),
            weight_over=draw(st.integers(0, 3)),
            hard=draw(st.integers(0, 7)) == 0,
        )
        for s in covered
    )
    demand_keys = draw(
        st.lists(
            st.tuples(st.sampled_from(POOLS), st.sampled_from(shifts)),
            max_size=6,
            unique_by=lambda k: (k[0].id, k[1].id),
        )
    )
    demand = tuple(
        ReadingDemand(
            pool.id,
            s.id,
            draw(st.integers(0, 12)),
            draw(st.integers(0, 20)),
            draw(st.integers(0, 2)),
            min_readers=draw(st.integers(0, 2)),
        )
        for pool, s in demand_keys
    )
    reference = frozenset(
        (r.id, s.id)
        for r, s in draw(
            st.lists(st.tuples(st.sampled_from(readers), st.sampled_from(shifts)), max_size=4)
        )
    )
    weights = Weights(
        fairness_nights=draw(st.integers(0, 3)),
        fairness_weekends=draw(st.integers(0, 3)),
        fairness_on_call=draw(st.integers(0, 3)),
        change=draw(st.integers(0, 5)),
        follow_the_sun=draw(st.integers(0, 2)),
    )
    banned = draw(st.sets(st.tuples(st.sampled_from("DEN"), st.sampled_from("DEN")), max_size=2))
    problem = Problem(
        start_date=start,
        num_days=num_days,
        shifts=tuple(shifts),
        radiologists=tuple(readers),
        regions=REGIONS,
        sites=SITES,
        pools=POOLS,
        reading_demand=demand,
        headcount_cover=covers,
        forbidden_successions=frozenset(banned),
        reference=reference,
        weights=weights,
    )
    # mostly pins a reader may work, so most draws have a roster that must keep them
    workable = [(r, s) for r in readers for s in shifts if may_work_shift(problem, r, s)] or [
        (readers[0], shifts[0])
    ]
    chosen = draw(st.lists(st.integers(0, len(workable) - 1), max_size=2, unique=True))
    pins = tuple(
        Pin(r.id, s.day, draw(st.sampled_from([s.id, s.id, None])))
        for r, s in (workable[i] for i in chosen)
    )
    return dataclasses.replace(problem, pins=pins)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(problems())
def test_every_roster_passes_the_validator(solve_valid, problem):
    result = solve_valid(problem, seconds=2, workers=1)
    if result.status == SolveStatus.INFEASIBLE:
        explanation = result.explanation
        assert explanation
        # either an obvious conflict in one sentence each, or the rules of a core
        assert explanation[0] == CONFLICT_LEAD or explanation[0].endswith(".")
        if explanation[0] == CONFLICT_LEAD:
            assert len(explanation) >= 2
    else:
        assert result.status.has_roster
        # every penalty is >= 0, so a reported bound below 0 would be no bound at all
        assert result.best_bound is not None and 0 <= result.best_bound <= result.objective
        assert all(step.best_bound >= 0 for step in result.progress)
