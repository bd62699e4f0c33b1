"""The independent Curtois-Qu evaluator on Tiny.txt: a hand-computed objective, each rule broken.

Tiny.txt (7 days, Monday..Sunday; D 480 min, N 600 min, N forbids D next day):
A: D<=7, N<=1, 960..4800 min, runs of work 2..3, days off runs >= 2, one weekend, day 6 off.
B: D<=7, never N, 0..4800 min, runs of work 1..3, days off runs >= 1, no weekend.
"""

from pathlib import Path

import pytest

from scheduler.benchmarks.curtois import read_instance
from scheduler.benchmarks.evaluate import WorkedShift, evaluate

TINY = read_instance(Path(__file__).parents[1] / "fixtures" / "curtois" / "Tiny.txt")


def _roster(a: str, b: str = "") -> list[WorkedShift]:
    """One character per day and person: '.' off, else the shift worked."""
    return [
        WorkedShift(staff, day, shift)
        for staff, row in (("A", a), ("B", b))
        for day, shift in enumerate(row)
        if shift != "."
    ]


BASE_A = "DDD...."
BASE_B = ".D.D..."


def test_hand_built_roster_objective() -> None:
    evaluation = evaluate(TINY, _roster(BASE_A, BASE_B))

    assert evaluation.violations == ()
    # on: A's day-4 D request is not met (2); B's day-3 and A's day-0 requests are.
    # off: A works the D it asked not to on day 1 (3).
    # cover: day 0 D wants 0, has A (1 over); day 1 D wants 2, has A and B;
    # day 2 N wants 1, has none (100).
    assert evaluation.breakdown == {
        "on_requests": 2,
        "off_requests": 3,
        "under_cover": 100,
        "over_cover": 1,
    }
    assert evaluation.objective == 106


def test_on_request_broken_by_another_shift_that_day() -> None:
    # A works N instead of the requested D on day 0: the request counts as broken.
    evaluation = evaluate(TINY, _roster("NDD....", BASE_B))

    assert evaluation.violations != ()  # N then D breaks H2, but the objective is still computed
    assert evaluation.breakdown["on_requests"] == 2 + 2
    assert evaluation.breakdown["over_cover"] == 0


@pytest.mark.parametrize(
    ("roster", "rule"),
    [
        (_roster(BASE_A, BASE_B) + [WorkedShift("A", 2, "N")], "H1 one shift per day: A"),
        (_roster("NDD....", BASE_B), "H2 rotation: A works N on day 0, then D"),
        (_roster("DNN....", BASE_B), "H3 max shifts: A works 2 x N (max 1)"),
        (_roster("D......", BASE_B), "H4 total minutes: A works 480 min"),
        (_roster("DDDD...", BASE_B), "H5 max consecutive shifts: A works days 0..3"),
        (_roster("DD..D..", BASE_B), "H6 min consecutive shifts: A works days 4..4"),
        (_roster("DD.DD..", BASE_B), "H7 min consecutive days off: A is off days 2..2"),
        (_roster(BASE_A, ".D.D.D."), "H8 max weekends: B works 1 weekends (max 0)"),
        (_roster("DD....D", BASE_B), "H9 days off: A works on day 6"),
        (_roster(BASE_A, BASE_B) + [WorkedShift("Z", 0, "D")], "unknown entry: Z works D"),
        (_roster(BASE_A, BASE_B) + [WorkedShift("B", 7, "D")], "unknown entry: B works D on day 7"),
    ],
)
def test_each_broken_rule_is_reported_alone(roster: list[WorkedShift], rule: str) -> None:
    evaluation = evaluate(TINY, roster)

    assert evaluation.hard_violations == 1, evaluation.violations
    assert evaluation.violations[0].startswith(rule)


@pytest.mark.parametrize(
    ("a", "rules"),
    [
        ("D......", ["H4"]),  # a 1-day run touching day 0 is exempt; only 960 min breaks
        (".DD....", []),  # a 1-day rest touching day 0 is exempt
        ("DD...D.", ["H6"]),  # a 1-day run on day 5 is not; the 1-day rest on day 6 is exempt
        ("DD....D", ["H9"]),  # a 1-day run touching day 6 is exempt (day 6 is A's fixed day off)
    ],
)
def test_runs_touching_the_horizon_ends_are_exempt_from_minimums(a: str, rules: list[str]) -> None:
    evaluation = evaluate(TINY, _roster(a))

    assert [v[:2] for v in evaluation.violations] == rules
