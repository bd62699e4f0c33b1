"""The independent validator: every hard rule checked and the objective recomputed, without CP-SAT.

Every roster anyone produces (the CP-SAT model, a planner's edits, an import) goes through
``validate``. It is written from the agreed semantics alone, so a bug in the model shows up here as
a violation or a different objective instead of being repeated.
"""

from __future__ import annotations

from dataclasses import dataclass

from solver.problem import Problem
from solver.roster import Roster
from solver.validation.assignments import allocation_rules, shift_eligibility
from solver.validation.cover import cover_cost, hard_headcount
from solver.validation.days import days_off, forbidden_successions, one_shift_per_day, pins
from solver.validation.fairness import fairness_cost
from solver.validation.index import RosterIndex, read_roster
from solver.validation.limits import shift_counts, total_minutes, weekends
from solver.validation.objective import change_cost, follow_the_sun_cost, preference_cost
from solver.validation.sequences import consecutive_days, consecutive_nights
from solver.validation.timing import overlap_and_rest
from solver.validation.urgent_readers import urgent_readers_cost
from solver.validation.violation import Violation

__all__ = ["BREAKDOWN_KEYS", "ValidationReport", "Violation", "validate"]

BREAKDOWN_KEYS = ("cover", "preferences", "fairness", "change", "follow_the_sun")

_READER_RULES = (
    one_shift_per_day,
    days_off,
    forbidden_successions,
    overlap_and_rest,
    shift_counts,
    total_minutes,
    consecutive_days,
    consecutive_nights,
    weekends,
)


@dataclass(frozen=True)
class ValidationReport:
    violations: tuple[Violation, ...]
    objective: int
    breakdown: dict[str, int]  # keyed by BREAKDOWN_KEYS; sums to objective

    @property
    def ok(self) -> bool:
        return not self.violations

    def messages(self) -> list[str]:
        return [v.message for v in self.violations]


def validate(problem: Problem, roster: Roster) -> ValidationReport:
    """Every violated hard rule (not just the first) and the objective the roster scores."""
    index, violations = read_roster(problem, roster)
    violations += shift_eligibility(index)
    violations += allocation_rules(index)
    violations += pins(index)
    for reader in problem.radiologists:
        for rule in _READER_RULES:
            violations += rule(index, reader)
    violations += hard_headcount(index)

    breakdown = objective_breakdown(index)
    return ValidationReport(
        violations=tuple(violations),
        objective=sum(breakdown.values()),
        breakdown=breakdown,
    )


def objective_breakdown(index: RosterIndex) -> dict[str, int]:
    return {
        "cover": cover_cost(index) + urgent_readers_cost(index),
        "preferences": preference_cost(index),
        "fairness": fairness_cost(index),
        "change": change_cost(index),
        "follow_the_sun": follow_the_sun_cost(index),
    }
