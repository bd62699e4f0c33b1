"""Solve one scenario's problem and measure it: a pure function of picklable data, so the same
code runs in the driver (sequential) and in a Ray task (sweeps). Storing is the driver's job."""

from __future__ import annotations

import os
import socket
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from scheduler.scenarios.inputs import ScenarioInput
from scheduler.scenarios.kpis import scenario_kpis
from scheduler.summaries import coverage_summary, fairness_summary
from solver.checks import ProblemError
from solver.options import SolveOptions
from solver.roster import SolveResult, SolveStatus
from solver.solve import StopCheck, solve
from solver.validate import validate

ERROR = "error"


@dataclass(frozen=True)
class ScenarioOutcome:
    status: str  # a SolveStatus value, or "error"
    objective: int | None = None
    best_bound: float | None = None
    gap: float | None = None
    wall_seconds: float = 0.0
    first_feasible_seconds: float | None = None
    kpis: dict[str, Any] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)
    explanation: tuple[str, ...] = ()
    worker: str = ""

    @property
    def has_roster(self) -> bool:
        return self.status in (SolveStatus.OPTIMAL.value, SolveStatus.FEASIBLE.value)


def solve_scenario(
    scenario: ScenarioInput, options: SolveOptions, should_stop: StopCheck | None = None
) -> ScenarioOutcome:
    """Solve, check the roster with the independent validator, and measure it."""
    worker = f"{socket.gethostname()}:{os.getpid()}"
    try:
        result = solve(scenario.problem, options, should_stop=should_stop)
    except ProblemError as exc:
        return ScenarioOutcome(ERROR, explanation=(str(exc),), worker=worker)
    if not result.status.has_roster:
        return _facts(result, worker)
    report = validate(scenario.problem, result.roster)
    if not report.ok:
        # A solver bug: reported with the scenario, never measured as if it were a roster.
        lines = tuple(report.messages()[:10])
        return ScenarioOutcome(
            ERROR, explanation=("roster breaks hard rules:", *lines), worker=worker
        )
    kpis = scenario_kpis(scenario, result.roster, result.kpis.loads)
    kind_of = {shift.id: shift.kind.value for shift in scenario.problem.shifts}
    kinds = Counter(kind_of[a.shift_id] for a in result.roster.assignments)
    summary = {
        "assignments": len(result.roster.assignments),
        "shifts_by_kind": dict(sorted(kinds.items())),
        "breakdown": dict(result.breakdown),
        "coverage": coverage_summary(scenario.problem, result),
        "fairness": fairness_summary(result),
        "urgent_source": scenario.urgent_source,
    }
    return _facts(result, worker, kpis=kpis.to_dict(), summary=summary)


def _facts(
    result: SolveResult,
    worker: str,
    *,
    kpis: dict[str, Any] | None = None,
    summary: dict[str, Any] | None = None,
) -> ScenarioOutcome:
    return ScenarioOutcome(
        status=result.status.value,
        objective=result.objective,
        best_bound=result.best_bound,
        gap=result.gap,
        wall_seconds=result.wall_seconds,
        first_feasible_seconds=result.first_feasible_seconds,
        kpis=kpis or {},
        summary=summary or {},
        explanation=result.explanation,
        worker=worker,
    )
