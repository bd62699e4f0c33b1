"""Licence recommendations: the CP-SAT choice equals exhaustive search over every subset of at
most K grants (scored by the same aggregate), on random small cases; marginal values are what
dropping each grant loses."""

import datetime as dt
import random

import pytest
from sqlmodel import Session

from scheduler.scenarios.inputs import load_baseline
from scheduler.scenarios.recommend import (
    Grant,
    RecommendError,
    build_aggregate,
    covered_value,
    exhaustive_best,
    optimise_grants,
    recommend_licences,
)
from solver.problem import (
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
)
from tests.scheduler.department import seed_department

MONDAY = dt.date(2026, 3, 2)


def _at(day: int, hour: int) -> dt.datetime:
    return dt.datetime.combine(MONDAY + dt.timedelta(days=day), dt.time(hour), dt.UTC)


def random_problem(seed: int) -> Problem:
    """Two sparse regions and a busy one; readers with random skills, licences and hours."""
    rng = random.Random(seed)
    regions = (Region("N1", "UTC", True), Region("N2", "UTC", True), Region("C", "UTC", False))
    sites = (Site("A", "N1", "UTC"), Site("B", "N2", "UTC"), Site("M", "C", "UTC"))
    subs = ("neuro", "general")
    pools = tuple(Pool(f"{s.id}/{sub}", s.id, sub) for s in sites for sub in subs)
    shifts = []
    for day in range(7):
        for region in ("N1", "N2", "C"):
            shifts.append(
                Shift(f"{region}D{day}", day, "D", ShiftKind.DAY, _at(day, 8), 480, region)
            )
            shifts.append(
                Shift(f"{region}N{day}", day, "N", ShiftKind.NIGHT, _at(day, 22), 600, region)
            )
    demand = []
    for pool in pools:
        region = next(s.region for s in sites if s.id == pool.site)
        scale = 2 if region == "C" else 1
        for day in range(7):
            for kind in ("D", "N"):
                units = rng.randint(0, 3) * scale
                if units:
                    demand.append(ReadingDemand(pool.id, f"{region}{kind}{day}", units))
    readers = []
    for i in range(rng.randint(5, 7)):
        skills = frozenset(rng.sample(subs, rng.randint(1, 2)))
        licensed = [r.id for r in regions if rng.random() < (0.8 if r.id == "C" else 0.3)]
        readers.append(
            Radiologist(
                id=f"r{i}",
                skills=skills,
                home_region=rng.choice(["N1", "N2", "C"]),
                licences=tuple(Licence(region=r, valid_from=MONDAY) for r in licensed),
                privileges=tuple(
                    Privilege(site=s.id, valid_from=MONDAY) for s in sites if s.region in licensed
                ),
                rules=Rules(max_average_weekly_minutes=rng.choice([12, 20, 30]) * 60),
            )
        )
    return Problem(
        start_date=MONDAY,
        num_days=7,
        shifts=tuple(shifts),
        radiologists=tuple(readers),
        regions=regions,
        sites=sites,
        pools=pools,
        reading_demand=tuple(demand),
    )


@pytest.mark.parametrize("seed", range(8))
def test_cp_sat_choice_equals_exhaustive_search(seed: int) -> None:
    aggregate = build_aggregate(random_problem(seed))
    assert 2 <= len(aggregate.candidates) <= 14, "the case should offer a real choice"
    for budget in (1, 2, 3):
        best, _ = exhaustive_best(aggregate, budget)
        status, chosen = optimise_grants(aggregate, budget, time_limit=10, num_workers=2)
        assert status == "optimal"
        assert len(chosen) <= budget
        assert covered_value(aggregate, chosen) == best, f"seed {seed}, budget {budget}"
        # Ties go to fewer grants: every chosen grant adds something.
        for grant in chosen:
            assert covered_value(aggregate, [g for g in chosen if g != grant]) < best


def test_some_case_is_one_where_grants_matter() -> None:
    gains = []
    for seed in range(8):
        aggregate = build_aggregate(random_problem(seed))
        gains.append(exhaustive_best(aggregate, 2)[0] - covered_value(aggregate, ()))
    assert max(gains) > 0 and sum(1 for g in gains if g > 0) >= 4


def _tiny(with_licence: bool) -> Problem:
    """One sparse site wanting 8 neuro hours a day for 5 days; two readers outside it."""
    shifts = tuple(Shift(f"D{d}", d, "D", ShiftKind.DAY, _at(d, 8), 480, "N") for d in range(5))
    licences = (Licence(region="N", valid_from=MONDAY),) if with_licence else ()
    return Problem(
        start_date=MONDAY,
        num_days=7,
        shifts=shifts,
        radiologists=(
            Radiologist(
                "keen",
                name="Dr Keen",
                skills=frozenset({"neuro"}),
                licences=licences,
                rules=Rules(max_average_weekly_minutes=30 * 60),
            ),
            Radiologist(
                "busy",
                skills=frozenset({"general"}),
                rules=Rules(max_average_weekly_minutes=40 * 60),
            ),
        ),  # fmt: skip
        regions=(Region("N", "UTC", sparse=True),),
        sites=(Site("TRO", "N", "UTC"),),
        pools=(Pool("TRO/neuro", "TRO", "neuro"),),
        reading_demand=tuple(ReadingDemand("TRO/neuro", f"D{d}", 8) for d in range(5)),
    )


def test_marginal_value_and_grant_kind() -> None:
    advice = recommend_licences(_tiny(with_licence=False), budget=2)
    # Only the neuro reader can help; 30 h of spare time against 40 h of demand.
    assert [(g.grant, g.name, g.marginal_hours) for g in advice.grants] == [
        (Grant("keen", "N", "licence"), "Dr Keen", 30.0)
    ]
    assert (advice.covered_before_hours, advice.covered_after_hours) == (0.0, 30.0)
    assert advice.by_region == {"N": (40.0, 0.0, 30.0)}
    # Licensed but without a privilege at the site: the grant is the privilege.
    privilege = recommend_licences(_tiny(with_licence=True), budget=1)
    assert [g.grant.kind for g in privilege.grants] == ["privilege"]


def test_zero_budget_and_no_sparse_region(session: Session) -> None:
    period_id = seed_department(session)
    problem = load_baseline(session=session, period_id=period_id).input.problem
    advice = recommend_licences(problem, budget=0)
    assert advice.grants == () and advice.covered_after_hours == advice.covered_before_hours
    with_one = recommend_licences(problem, budget=1)
    assert with_one.covered_after_hours >= advice.covered_after_hours
    plain = Problem(
        start_date=MONDAY, num_days=1, shifts=(), radiologists=(), regions=(Region("C"),)
    )
    with pytest.raises(RecommendError, match="no region is marked sparse"):
        build_aggregate(plain)
