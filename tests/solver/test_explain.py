"""Infeasibility in words: obvious conflicts named before search, others from CP-SAT's core."""

from factories import cover, problem, reader, rules, shift, shifts

from solver.explain import CONFLICT_LEAD, explain_infeasibility
from solver.options import SolveOptions
from solver.problem import HeadcountCover, Licence, Pin, Region
from solver.roster import SolveStatus

QUICK = SolveOptions(max_time_in_seconds=2, num_workers=1, explain_time_limit=2)


def hard(*shift_ids: str) -> tuple[HeadcountCover, ...]:
    return tuple(HeadcountCover(s, 1, hard=True) for s in shift_ids)


def test_hard_covers_against_a_minutes_cap_name_only_the_conflict(solve_valid):
    capped = reader("r1", rules=rules(max_total_minutes=480, max_weekends=3))
    p = problem(shifts(2), [capped], headcount_cover=hard("D0", "D1"))
    result = solve_valid(p)
    assert result.status == SolveStatus.INFEASIBLE
    assert result.explanation[0] == CONFLICT_LEAD
    # the weekend rule is guarded too, but plays no part, so it is not blamed
    assert set(result.explanation[1:]) == {
        "Cover D 2026-03-02 needs 1 reader",
        "Cover D 2026-03-03 needs 1 reader",
        "Dr R1 works at most 8 h in the period",
    }


def test_pin_against_max_weekends(solve_valid):
    p = problem(shifts(7), [reader(rules=rules(max_weekends=0))], pins=(Pin("r1", 5, "D5"),))
    result = solve_valid(p)
    assert result.status == SolveStatus.INFEASIBLE
    assert set(result.explanation[1:]) == {
        "Dr R1 is pinned to D 2026-03-07",
        "Dr R1 works at most 0 weekends",
    }


def test_rest_and_consecutive_days_in_one_conflict():
    p = problem(
        [shift(0, "E"), shift(1, "D")],
        [reader(rules=rules(min_rest_minutes=11 * 60))],
        pins=(Pin("r1", 0, "E0"), Pin("r1", 1, "D1")),
    )
    explanation = explain_infeasibility(p, QUICK)
    assert set(explanation[1:]) == {
        "Dr R1 is pinned to E 2026-03-02",
        "Dr R1 is pinned to D 2026-03-03",
        "Dr R1 needs 11 h rest between shifts",
    }


def test_pin_on_a_shift_the_reader_may_not_work(solve_valid):
    north_day = shift(0, "D", region="N")
    p = problem(
        [north_day],
        [reader(licences=(Licence(region="S"),))],
        regions=(Region("N"), Region("S")),
        pins=(Pin("r1", 0, "D0"),),
    )
    result = solve_valid(p)
    assert result.status == SolveStatus.INFEASIBLE
    assert result.explanation == (
        "Dr R1 is pinned to N D 2026-03-02, but they hold no licence for region N on 2026-03-02.",
    )


def test_covers_need_more_readers_than_the_week_allows():
    # 2 readers, each at most 3 days in a row and 5 shifts: 7 hard single covers need 7 shifts
    limited = rules(max_consecutive_days=3, max_shifts_per_template={"D": 3})
    p = problem(
        shifts(7),
        [reader("r1", rules=limited), reader("r2", rules=limited)],
        headcount_cover=hard(*(f"D{d}" for d in range(7))) + cover("D0", required=0),
    )
    explanation = explain_infeasibility(p, QUICK)
    assert explanation[0] == CONFLICT_LEAD
    assert "Dr R1 works at most 3 D shifts" in explanation
    assert "Dr R2 works at most 3 D shifts" in explanation
    assert sum(s.startswith("Cover D") for s in explanation) == 7
