"""Reading demand: units given to pools the reader may read, shortfall and excess weighted."""

import dataclasses

from factories import licensed, north, problem, shift

from solver.model import build_model
from solver.problem import ReadingDemand
from solver.roster import Allocation

NORTH_DAY = shift(0, "D", region="N")  # 8 units of 60 min


def test_shortfall_is_weighted_per_unit(solve_valid):
    demand = (ReadingDemand("n1-neuro", "D0", units=12, weight_under=10),)
    p = problem([NORTH_DAY], [licensed("r1")], reading_demand=demand, **north())
    result = solve_valid(p)
    assert result.objective == 40
    assert result.roster.allocations == (Allocation("r1", "D0", "n1-neuro", 8),)


def test_units_are_split_across_pools(solve_valid):
    demand = (
        ReadingDemand("n1-neuro", "D0", units=3, weight_under=10),
        ReadingDemand("n1-body", "D0", units=5, weight_under=10),
    )
    p = problem(
        [NORTH_DAY], [licensed("r1", skills=("neuro", "body"))], reading_demand=demand, **north()
    )
    result = solve_valid(p)
    assert result.objective == 0
    assert set(result.roster.allocations) == {
        Allocation("r1", "D0", "n1-neuro", 3),
        Allocation("r1", "D0", "n1-body", 5),
    }


def test_a_pool_outside_the_readers_skills_goes_unread(solve_valid):
    demand = (ReadingDemand("n1-body", "D0", units=8, weight_under=10),)
    p = problem([NORTH_DAY], [licensed("r1", skills=("neuro",))], reading_demand=demand, **north())
    result = solve_valid(p)
    assert result.objective == 80
    assert result.roster.allocations == ()


def test_supply_stops_at_demand_when_excess_costs(solve_valid):
    demand = (ReadingDemand("n1-neuro", "D0", units=4, weight_under=10, weight_over=1),)
    p = problem([NORTH_DAY], [licensed("r1")], reading_demand=demand, **north())
    result = solve_valid(p)
    assert result.objective == 0
    assert result.roster.allocations == (Allocation("r1", "D0", "n1-neuro", 4),)


def test_shift_units_override_the_length(solve_valid):
    short = shift(0, "D", region="N", units=2)
    demand = (ReadingDemand("n1-neuro", "D0", units=8, weight_under=10),)
    p = problem([short], [licensed("r1")], reading_demand=demand, **north())
    assert solve_valid(p).objective == 60


def test_interchangeable_readers_share_one_group_and_split_its_units(solve_valid):
    demand = (ReadingDemand("n1-neuro", "D0", units=12, weight_under=10),)
    p = problem([NORTH_DAY], [licensed("r1"), licensed("r2")], reading_demand=demand, **north())
    model = build_model(p)
    assert [(g.pools, len(g.members)) for g in model.reading.groups.values()] == [
        (("n1-neuro",), 2)
    ]
    result = solve_valid(p)
    assert result.objective == 0
    given = {a.radiologist: a.units for a in result.roster.allocations}
    assert sum(given.values()) == 12
    assert max(given.values()) <= 8


def test_reading_groups_only_hold_readable_pools():
    demand = tuple(
        ReadingDemand(pool, "D0", units=8) for pool in ("n1-neuro", "n1-body", "s1-neuro")
    )
    no_privilege = dataclasses.replace(licensed("r2", skills=("neuro", "body")), privileges=())
    readers = [licensed("r1", skills=("neuro",)), no_privilege, licensed("r3", "S")]
    p = problem([NORTH_DAY], readers, reading_demand=demand, **north())
    model = build_model(p)
    assert set(model.ctx.x) == {("r1", "D0"), ("r2", "D0")}  # r3 holds no licence for N
    # s1 is in another region; r2 lacks privileges at n1
    groups = {g.pools: [r for r, _ in g.members] for g in model.reading.groups.values()}
    assert groups == {("n1-neuro",): ["r1"]}
