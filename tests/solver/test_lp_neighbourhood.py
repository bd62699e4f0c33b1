"""The LNS neighbourhood of the cells where a roster disputes the column phase's LP."""

import dataclasses
import random

import pytest
from factories import cover, problem, reader, shifts
from test_lns import WARD, _options, _valid

import solver.column_phase as column_phase
import solver.lns as lns
import solver.lp_neighbourhood as lp_neighbourhood
from solver.lns import LnsView
from solver.lp_neighbourhood import disputed_cells, lp_disputes
from solver.roster import Assignment, Roster

TWO_DAYS = problem(
    shifts(2, "D", "E"),
    [reader("r1"), reader("r2")],
    headcount_cover=cover("D0", "E0", "D1", "E1"),
)
# r1: the LP works D0 and mixes day 1; r2: the LP works E0 and leaves day 1
SHARES = {"r1": {"D0": 1.0, "D1": 0.5, "E1": 0.5}, "r2": {"E0": 1.0}}


def test_cells_where_the_roster_works_what_the_lp_works_are_not_disputed():
    worked = {("r1", "D0"), ("r1", "D1"), ("r2", "D0")}
    disputed = disputed_cells(TWO_DAYS, SHARES, worked)
    assert disputed == {
        ("r1", 1): pytest.approx(1.0),  # D1 worked at share 0.5, E1 idle at 0.5
        ("r2", 0): pytest.approx(2.0),  # D0 worked at 0, E0 idle at 1
    }


def test_a_roster_that_is_the_lps_mix_disputes_nothing():
    shares = {"r1": {"D0": 1.0, "E1": 1.0}, "r2": {"E0": 1.0}}
    worked = {("r1", "D0"), ("r1", "E1"), ("r2", "E0")}
    assert disputed_cells(TWO_DAYS, shares, worked) == {}


def test_the_neighbourhood_frees_only_disputed_cells_up_to_its_size():
    roster = Roster(assignments=(Assignment("r1", "D1"), Assignment("r2", "D0")))
    disputed = set(disputed_cells(TWO_DAYS, SHARES, roster.worked()))
    assert disputed == {("r1", 0), ("r1", 1), ("r2", 0)}
    neighbourhood = lp_disputes(SHARES)
    rng = random.Random(0)
    for size, wanted in ((0.25, 1), (0.5, 2), (1.0, 3)):  # of the 4 cells
        freed = neighbourhood(LnsView(TWO_DAYS, roster, size, rng))
        assert len(freed) == len(set(freed)) == wanted
        assert set(freed) <= disputed


def test_after_a_column_phase_every_other_step_frees_the_lps_disputes(monkeypatch):
    guided_calls: list[int] = []
    picks: list[str] = []
    real_lp_disputes, real_pick = lp_neighbourhood.lp_disputes, lns._pick

    def spied_lp_disputes(shares):
        neighbourhood = real_lp_disputes(shares)

        def spied(view):
            freed = neighbourhood(view)
            assert set(freed) <= set(disputed_cells(view.problem, shares, view.roster.worked()))
            guided_calls.append(len(freed))
            return freed

        return spied

    def spied_pick(kinds, rng):
        picked = real_pick(kinds, rng)
        picks.append(picked.name)
        return picked

    def unproven_phase(*args, **kwargs):
        # the LP's shares as they come, but no roster and no bound: the ward's column bound
        # would otherwise prove its first roster optimal, and no step would be taken
        return dataclasses.replace(real_phase(*args, **kwargs), chosen=None, bound=0.0)

    real_phase = column_phase.lp_guided_roster
    monkeypatch.setattr(column_phase, "lp_guided_roster", unproven_phase)
    monkeypatch.setattr(lns, "_monolithic", lambda _search, current, _share: current)
    monkeypatch.setattr(lp_neighbourhood, "lp_disputes", spied_lp_disputes)
    monkeypatch.setattr(lns, "_pick", spied_pick)
    result = lns.solve_lns(WARD, _options(6.0, column_generation=True))
    _valid(result)
    assert lns.GUIDED_KIND not in picks  # the guided kind takes its turns outside the bandit
    assert picks and guided_calls
    assert len(picks) - 1 <= len(guided_calls) <= len(picks)
