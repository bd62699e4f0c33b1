"""Solve a planning period: build the problem, solve, validate, store a new roster version.

The CLI, the web and the job workers all call these functions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session

from scheduler import models as m
from scheduler.problem_builder import BuildOptions, BuiltProblem, build_problem
from scheduler.rosters import get_roster, load_roster, store_roster
from solver.options import SolveOptions
from solver.roster import Progress, SolveResult
from solver.solve import solve
from solver.validate import ValidationReport, validate


class InvalidRosterError(RuntimeError):
    """The solver returned a roster that breaks a hard rule: a bug, never stored."""

    def __init__(self, report: ValidationReport) -> None:
        lines = "; ".join(v.message for v in report.violations[:10])
        super().__init__(f"solver roster breaks {len(report.violations)} hard rule(s): {lines}")
        self.report = report


@dataclass(frozen=True)
class SolveOutcome:
    built: BuiltProblem
    result: SolveResult
    report: ValidationReport | None
    roster: m.Roster | None  # the stored version, when a roster was found


def solve_period(
    *,
    session: Session,
    period_id: int,
    options: SolveOptions | None = None,
    reference_roster_id: int | None = None,
    build_options: BuildOptions | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    solve_job_id: int | None = None,
) -> SolveOutcome:
    built = build_problem(
        session=session,
        period_id=period_id,
        reference_roster_id=reference_roster_id,
        options=build_options,
    )
    result = solve(built.problem, options, on_progress=on_progress, should_stop=should_stop)
    if not result.status.has_roster:
        return SolveOutcome(built, result, None, None)
    report = validate(built.problem, result.roster)
    if not report.ok:
        raise InvalidRosterError(report)
    note = f"solved: {result.status.value}, objective {result.objective}"
    if result.gap:
        note += f", gap {result.gap:.2%}"
    row = store_roster(
        session=session,
        built=built,
        roster=result.roster,
        objective=result.objective,
        note=note,
        solve_job_id=solve_job_id,
    )
    session.commit()
    return SolveOutcome(built, result, report, row)


def validate_stored_roster(
    *, session: Session, period_id: int, version: int | None = None
) -> tuple[m.Roster, ValidationReport]:
    """Re-check a stored roster against the stored data as it is now (licences, leave, rules...)."""
    row = get_roster(session=session, period_id=period_id, version=version)
    assert row.id is not None
    built = build_problem(session=session, period_id=period_id, reference_roster_id=row.id)
    roster = load_roster(session=session, built=built, roster_id=row.id)
    return row, validate(built.problem, roster)
