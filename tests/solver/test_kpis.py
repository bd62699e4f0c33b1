"""KPIs of a roster: coverage per (pool, day) and each reader's load."""

from factories import licensed, north, problem, shift

from solver.kpis import compute_kpis
from solver.problem import ReadingDemand
from solver.roster import Allocation, Assignment, PoolDayCoverage, ReaderLoad, Roster


def test_coverage_and_loads_of_a_hand_made_roster():
    shift_list = [shift(0, region="N"), shift(5, "N", region="N"), shift(6, "C", region="N")]
    demand = (
        ReadingDemand("n1-neuro", "D0", units=10),
        ReadingDemand("n1-neuro", "N5", units=4),
    )
    p = problem(
        shift_list,
        [licensed("r1"), licensed("r2", fte=0.5)],
        num_days=7,
        reading_demand=demand,
        **north(),
    )
    roster = Roster(
        assignments=(Assignment("r1", "D0"), Assignment("r1", "N5"), Assignment("r2", "C6")),
        allocations=(Allocation("r1", "D0", "n1-neuro", 8), Allocation("r1", "N5", "n1-neuro", 6)),
    )
    kpis = compute_kpis(p, roster)
    coverage = {(c.pool, c.day): c for c in kpis.coverage}
    assert len(coverage) == len(p.pools) * 7
    assert coverage["n1-neuro", 0] == PoolDayCoverage("n1-neuro", 0, 10, 8)
    assert coverage["n1-neuro", 0].shortfall_units == 2
    assert coverage["n1-neuro", 5].covered_fraction == 1.0
    assert coverage["n1-body", 3] == PoolDayCoverage("n1-body", 3, 0, 0)
    assert kpis.loads == (
        ReaderLoad("r1", 1.0, shifts=2, minutes=480 + 600, nights=1, weekends=1, on_calls=0),
        ReaderLoad("r2", 0.5, shifts=1, minutes=960, nights=0, weekends=1, on_calls=1),
    )
