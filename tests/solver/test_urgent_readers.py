"""Urgent-reader floors: eligible readers present on the shift, counted per pool."""

from factories import licensed, north, problem, shift

from solver.problem import ReadingDemand
from solver.roster import Allocation, Assignment, Roster
from solver.validate import validate

NORTH_DAY = shift(0, "D", region="N")  # 8 units of 60 min


def _floor(pool: str, readers: int, units: int = 1, weight: int = 10) -> ReadingDemand:
    return ReadingDemand(pool, "D0", units=units, weight_under=weight, min_readers=readers)


def test_a_floor_brings_readers_the_units_alone_would_not(solve_valid):
    # One unit of work: one reader suffices for the units, but two must be present.
    demand = (_floor("n1-neuro", readers=2, units=1, weight=10),)
    readers = [licensed("r1"), licensed("r2"), licensed("r3")]
    p = problem([NORTH_DAY], readers, reading_demand=demand, **north())
    result = solve_valid(p)
    assert result.objective == 0
    assert len(result.roster.assignments) >= 2


def test_each_missing_reader_costs_its_shift_of_units(solve_valid):
    # Only r1 may read neuro; r2 reads body only. One reader short of a floor of two: 10 x 8.
    demand = (_floor("n1-neuro", readers=2, units=1, weight=10),)
    readers = [licensed("r1"), licensed("r2", skills=("body",))]
    p = problem([NORTH_DAY], readers, reading_demand=demand, **north())
    result = solve_valid(p)
    assert result.objective == 80


def test_one_reader_holds_the_floors_of_several_pools():
    demand = (_floor("n1-neuro", readers=1), _floor("n1-body", readers=1))
    readers = [licensed("r1", skills=("neuro", "body")), licensed("r2")]
    p = problem([NORTH_DAY], readers, reading_demand=demand, **north())
    # r1 alone is eligible for both pools: both floors hold with one reader present.
    r1_reads_both = (Allocation("r1", "D0", "n1-body", 1), Allocation("r1", "D0", "n1-neuro", 1))
    both = validate(p, Roster(assignments=(Assignment("r1", "D0"),), allocations=r1_reads_both))
    assert both.ok
    assert both.breakdown["cover"] == 0
    # r2 reads neuro only: the body floor misses one reader (10 x 8) and its unit goes unread (10).
    r2_reads_neuro = (Allocation("r2", "D0", "n1-neuro", 1),)
    neuro_only = validate(
        p, Roster(assignments=(Assignment("r2", "D0"),), allocations=r2_reads_neuro)
    )
    assert neuro_only.ok
    assert neuro_only.breakdown["cover"] == 10 * 8 + 10 * 1


def test_a_floor_with_nobody_eligible_is_a_constant_cost(solve_valid):
    demand = (_floor("s1-neuro", readers=1, units=0, weight=5),)
    shifts = [shift(0, "D", region="S")]
    p = problem(shifts, [licensed("r1")], reading_demand=demand, **north())
    result = solve_valid(p)
    assert result.objective == 5 * 8
