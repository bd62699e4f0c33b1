"""Diving in the column-generation LP: fixed schedules meet their readers' rules, the LP stays
where the dive allows, and fixing can be undone."""

from __future__ import annotations

import time
from pathlib import Path

from factories import cover, problem, reader, rules, shifts
from test_column_bound import assert_columns_meet_own_rules

from scheduler.benchmarks.curtois import read_instance
from scheduler.benchmarks.mapping import to_problem
from solver.column_bound import ColumnGeneration
from solver.column_dive import LP_RISE_ALLOWED, dive
from solver.column_master import RestrictedMaster, build_coupling
from solver.column_roster import choose_schedules
from solver.model import build_model
from solver.roster import Roster
from solver.validate import validate

CURTOIS = Path(__file__).parents[1] / "fixtures" / "curtois"


def test_a_dive_on_an_integral_lp_fixes_everyone_at_the_optimum():
    # each reader may work one day of three; three days to cover: the only optimum gives each a day
    p = problem(
        shifts(3),
        [reader(f"r{i}", rules=rules(max_total_minutes=480)) for i in range(3)],
        headcount_cover=cover("D0", "D1", "D2"),
    )
    generation = ColumnGeneration(p, workers=1)
    generated = generation.run(time.perf_counter() + 5.0)
    assert generated.converged and generated.lp_value == 0
    dived = dive(generation, time.perf_counter() + 5.0)
    assert set(dived.fixed) == {"r0", "r1", "r2"}
    assert dived.lp_value == 0
    assert sorted(len(s) for s in dived.fixed.values()) == [1, 1, 1]
    assert set().union(*dived.fixed.values()) == {"D0", "D1", "D2"}
    assert validate(p, Roster.from_schedules(dived.fixed)).objective == 0


def test_dive_keeps_the_lp_within_its_allowance_and_its_schedules_valid():
    p = to_problem(read_instance(CURTOIS / "Instance1.txt"))
    generation = ColumnGeneration(p, workers=2)
    before = generation.run(time.perf_counter() + 10.0).lp_value
    dived = dive(generation, time.perf_counter() + 10.0)
    assert dived.fixed, "Instance 1's LP settles some nurses at once"
    assert dived.lp_value <= before + max(1.0, LP_RISE_ALLOWED * before) + 1e-6
    fixed_columns = {
        r.id: [dived.fixed[r.id]] if r.id in dived.fixed else [] for r in p.radiologists
    }
    assert_columns_meet_own_rules(p, fixed_columns)
    assert set(dived.heaviest) == {r.id for r in p.radiologists}
    # the readers fixed leave a roster to complete: the search finds one, valid, no better than 607
    chosen = choose_schedules(
        p,
        {r: [s] for r, s in dived.fixed.items()},
        10.0,
        workers=2,
        hint=Roster.from_schedules(dived.heaviest),
    )
    assert chosen is not None
    report = validate(p, chosen.roster)
    assert report.messages() == []
    assert report.objective == chosen.objective >= 607


def test_fixing_a_reader_in_the_master_and_undoing_it():
    p = problem(shifts(1), [reader("r0"), reader("r1")], headcount_cover=cover("D0"))
    coupling = build_coupling(build_model(p), hard_slack_cost=1e6)
    master = RestrictedMaster(coupling, ["r0", "r1"])
    for r in ("r0", "r1"):
        for worked in (frozenset(), frozenset({"D0"})):
            master.add_column(r, 0.0, coupling.column_coefficients(r, worked, 0))
    assert master.solve()[0] == 0  # someone works D0
    master.fix("r0", 0)
    master.fix("r1", 0)
    unread = master.solve()[0]
    assert unread > 0  # both kept off: D0 is short
    assert master.weights() == {"r0": [1.0, 0.0], "r1": [1.0, 0.0]}
    master.unfix("r1")
    assert master.solve()[0] == 0
    assert master.weights()["r1"] == [0.0, 1.0]
