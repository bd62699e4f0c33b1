"""Solve one Curtois-Qu instance with the product's solver; referee the result independently."""

from __future__ import annotations

import csv
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from scheduler.benchmarks.curtois import CurtoisInstance
from scheduler.benchmarks.evaluate import evaluate
from scheduler.benchmarks.mapping import to_problem, worked_shifts
from solver.options import SolveOptions
from solver.solve import solve


@dataclass(frozen=True)
class CurtoisRun:
    """One instance's outcome; ``evaluated_objective`` and ``hard_violations`` come from the
    independent evaluator, not from the solver (None when the solver returned no roster)."""

    instance: str
    status: str
    objective: int | None
    evaluated_objective: int | None
    best_bound: float | None
    seconds: float
    first_feasible_seconds: float | None
    hard_violations: int | None

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def trustworthy(self) -> bool:
        """No roster, or a roster the referee finds valid and scores as the solver does."""
        if self.evaluated_objective is None:
            return True
        return self.hard_violations == 0 and self.evaluated_objective == self.objective


@dataclass(frozen=True)
class BestKnown:
    upper_bound: int
    lower_bound: int | None


def run_curtois(instance: CurtoisInstance, options: SolveOptions) -> CurtoisRun:
    problem = to_problem(instance)
    # Wall time around the whole solve call: model building counts, as it would for a user.
    started = time.perf_counter()
    result = solve(problem, options)
    seconds = time.perf_counter() - started
    evaluation = (
        evaluate(instance, worked_shifts(problem, result.roster))
        if result.status.has_roster
        else None
    )
    return CurtoisRun(
        instance=instance.name,
        status=result.status.value,
        objective=result.objective,
        evaluated_objective=evaluation.objective if evaluation else None,
        best_bound=result.best_bound,
        seconds=round(seconds, 2),
        first_feasible_seconds=(
            None
            if result.first_feasible_seconds is None
            else round(result.first_feasible_seconds, 2)
        ),
        hard_violations=evaluation.hard_violations if evaluation else None,
    )


def read_best_known(path: str | Path) -> dict[str, BestKnown]:
    """``best_known.tsv``: instance, best_known_ub, best_lb (empty when unpublished)."""
    path = Path(path)
    found: dict[str, BestKnown] = {}
    with path.open(newline="") as file:
        rows = csv.DictReader(file, delimiter="\t")
        missing = {"instance", "best_known_ub", "best_lb"} - set(rows.fieldnames or ())
        if missing:
            raise ValueError(f"{path}, line 1: missing column(s) {', '.join(sorted(missing))}")
        for number, row in enumerate(rows, start=2):
            try:
                upper = int(row["best_known_ub"])
                lower = int(row["best_lb"]) if row["best_lb"] else None
            except (TypeError, ValueError):  # TypeError: a short row leaves a column None
                raise ValueError(
                    f"{path}, line {number}: best_known_ub / best_lb must be integers, "
                    f"found {row['best_known_ub']!r} / {row['best_lb']!r}"
                ) from None
            found[row["instance"]] = BestKnown(upper, lower)
    return found
