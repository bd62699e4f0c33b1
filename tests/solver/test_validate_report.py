"""The validator's report: its shape, its wording, what it leaves out, its independence."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest
from factories_validate import day_shifts, problem, reader, roster

from solver.problem import HeadcountCover, Pool, ReadingDemand, Site
from solver.roster import Allocation
from solver.validate import ValidationReport, Violation, validate

SOLVER = Path(__file__).parents[2] / "solver"


def test_report_is_frozen_and_ok_means_no_violations() -> None:
    report = validate(problem(day_shifts(1)), roster(("r1", "D0")))
    assert report.ok
    assert report.violations == ()
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.objective = 1  # type: ignore[misc]

    broken = validate(problem(day_shifts(1)), roster(("nobody", "D0")))
    assert not broken.ok
    assert broken.violations == (
        Violation(
            rule="unknown_radiologist",
            radiologist="nobody",
            day=None,
            shift_id="D0",
            message="the roster names radiologist 'nobody' on shift 'D0', "
            "who is not in the problem",
        ),
    )
    assert isinstance(broken, ValidationReport)


@pytest.mark.parametrize(
    ("name", "called"),
    [("Anna Lind", "Dr Anna Lind"), ("Dr Anna Lind", "Dr Anna Lind"), ("", "Dr r1")],
)
def test_messages_name_the_reader_once(name: str, called: str) -> None:
    p = problem(day_shifts(1), [reader(name=name, fixed_days_off=frozenset({0}))])
    (violation,) = validate(p, roster(("r1", "D0"))).violations
    assert violation.message == f"{called} works shift D0 on 2026-03-02, a fixed day off"


def test_rows_with_unknown_ids_count_towards_nothing() -> None:
    p = problem(
        day_shifts(1),
        [reader("a")],
        sites=(Site("s", "N"),),
        pools=(Pool("p", "s", "neuro"),),
        reading_demand=(ReadingDemand("p", "D0", 0, weight_over=10),),
        headcount_cover=(HeadcountCover("D0", 0, weight_over=1),),
    )
    r = roster(("ghost", "D0"), allocations=(Allocation("ghost", "D0", "p", 2),))
    report = validate(p, r)
    assert [v.rule for v in report.violations] == ["unknown_radiologist", "unknown_radiologist"]
    assert report.breakdown["cover"] == 0


def test_a_pool_whose_site_is_missing_is_unreadable_not_a_crash() -> None:
    p = problem(
        day_shifts(1), [reader(skills=frozenset({"neuro"}))], pools=(Pool("p", "gone", "neuro"),)
    )
    r = roster(("r1", "D0"), allocations=(Allocation("r1", "D0", "p", 1),))
    assert [v.rule for v in validate(p, r).violations] == ["pool_eligibility"]


def test_the_validator_does_not_import_cp_sat() -> None:
    files = [SOLVER / "validate.py", *sorted((SOLVER / "validation").glob("*.py"))]
    imported: set[str] = set()
    for path in files:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
    assert len(files) > 5
    assert not {m for m in imported if m.split(".")[0] == "ortools"}
    # and none of the CP-SAT model's modules either: the check must stay independent
    assert not {
        m for m in imported if m.startswith(("solver.model", "solver.solve", "solver.constraints"))
    }
