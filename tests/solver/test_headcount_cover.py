"""Headcount cover: soft under/over, and hard minima with their explanations."""

from factories import avoid, cover, problem, reader, shift, shifts

from solver.problem import HeadcountCover, Licence, Pin, Region, ShiftKind
from solver.roster import SolveStatus


def test_soft_shortfall_per_missing_reader(solve_valid):
    p = problem(shifts(1), [reader("r1")], headcount_cover=cover("D0", required=2))
    assert solve_valid(p).objective == 100


def test_soft_excess_per_extra_reader(solve_valid):
    p = problem(
        shifts(1),
        [reader("r1"), reader("r2")],
        headcount_cover=(HeadcountCover("D0", 1, weight_over=7),),
        pins=(Pin("r1", 0, "D0"), Pin("r2", 0, "D0")),
    )
    assert solve_valid(p).objective == 7


def test_hard_cover_is_met_whatever_the_wishes(solve_valid):
    p = problem(
        shifts(1),
        [reader("r1", availability=(avoid(0, weight=3),))],
        headcount_cover=(HeadcountCover("D0", 1, hard=True),),
    )
    result = solve_valid(p)
    assert result.objective == 3
    assert result.roster.shifts_of("r1") == ["D0"]


def test_hard_cover_with_too_few_readers_is_explained(solve_valid):
    p = problem(shifts(1), [reader("r1")], headcount_cover=(HeadcountCover("D0", 2, hard=True),))
    result = solve_valid(p)
    assert result.status == SolveStatus.INFEASIBLE
    assert result.explanation == (
        "Cover D 2026-03-02 needs 2 readers: only 1 eligible reader is available.",
    )


def test_on_call_cover_nobody_licensed_for(solve_valid):
    on_call = shift(0, "night", kind=ShiftKind.ON_CALL, region="Nordland", remote=False)
    p = problem(
        [on_call],
        [reader("r1", home_region="Nordland", licences=(Licence(region="Troms"),))],
        regions=(Region("Nordland"), Region("Troms")),
        headcount_cover=(HeadcountCover("night0", 1, hard=True),),
    )
    result = solve_valid(p)
    assert result.status == SolveStatus.INFEASIBLE
    assert result.explanation == (
        "On-call cover Nordland night 2026-03-02 needs 1 reader: nobody licensed for region "
        "Nordland is available.",
    )


def test_required_zero_costs_nothing(solve_valid):
    p = problem([shift(0)], headcount_cover=cover("D0", required=0))
    assert solve_valid(p).objective == 0
