"""solver.part_solve: a part's search from its current roster, guided by its LP or not."""

from factories import avoid, cover, problem, reader, shifts

from solver.model import build_model
from solver.part_solve import _lp_agreement, search_from
from solver.roster import Assignment, Roster
from solver.validate import validate

# One reader a day over three days. The LP's optimum is whole and unique: r2 on day 0, r1 on
# days 1 and 2 (each avoids the other days, r2 day 2 less strongly).
PROBLEM = problem(
    shifts(3),
    [
        reader("r1", availability=(avoid(0, weight=5),)),
        reader("r2", availability=(avoid(1, weight=5), avoid(2, weight=1))),
    ],
    headcount_cover=cover("D0", "D1", "D2"),
)
# the start swaps days 0 and 1 (both avoided) and agrees with the LP on day 2
START = Roster(assignments=(Assignment("r1", "D0"), Assignment("r2", "D1"), Assignment("r1", "D2")))


def test_the_lp_agrees_with_the_start_only_where_both_work_or_both_rest():
    roster_model = build_model(PROBLEM)
    worked = START.worked()
    decisions = {var.index: int(key in worked) for key, var in roster_model.ctx.x.items()}
    agreed = _lp_agreement(roster_model, decisions, seconds=5.0)
    names = {var.index: key for key, var in roster_model.ctx.x.items()}
    assert {names[index]: value for index, value in agreed.items()} == {
        ("r1", "D2"): 1,
        ("r2", "D2"): 0,
    }


def test_a_guided_search_settles_what_the_lp_and_the_start_dispute():
    assert validate(PROBLEM, START).objective == 10
    outcome = search_from(PROBLEM, START, seconds=5.0, workers=2, seed=0, guided=True)
    assert outcome.roster is not None and outcome.gain == 10
    report = validate(PROBLEM, outcome.roster)
    assert report.messages() == [] and report.objective == 0
    assert outcome.roster.worked() == {("r2", "D0"), ("r1", "D1"), ("r1", "D2")}
