"""Shared by every search loop (solver.solve, solver.lns): CP-SAT statuses in product terms, the
recorder of improving rosters, and the cancel watch."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from ortools.sat.python import cp_model

from solver.kpis import compute_kpis
from solver.problem import Problem
from solver.roster import Progress, Roster, SolveResult, SolveStatus

ProgressHandler = Callable[[Progress], None]
StopCheck = Callable[[], bool]

STATUSES: dict[cp_model.CpSolverStatus, SolveStatus] = {
    cp_model.OPTIMAL: SolveStatus.OPTIMAL,
    cp_model.FEASIBLE: SolveStatus.FEASIBLE,
    cp_model.INFEASIBLE: SolveStatus.INFEASIBLE,
    cp_model.MODEL_INVALID: SolveStatus.INVALID,
    cp_model.UNKNOWN: SolveStatus.UNKNOWN,
}
CANCEL_POLL_SECONDS = 0.2


class Recorder(cp_model.CpSolverSolutionCallback):
    """Hears each improving solution: records it, reports it, and honours a stop request."""

    def __init__(
        self, started: float, on_progress: ProgressHandler | None, should_stop: StopCheck | None
    ) -> None:
        super().__init__()
        self.started = started
        self.on_progress = on_progress
        self.should_stop = should_stop
        self.first_seconds: float | None = None
        self.progress: list[Progress] = []
        self.stopped = False

    def on_solution_callback(self) -> None:
        # every penalty weight is an integer, so is every objective; CP-SAT's float can be a hair
        # below it (13.999999999999998), and the final roster's exact 14 would then not be recorded
        self.found(round(self.objective_value), self.best_objective_bound)
        if self.should_stop is not None and self.should_stop():
            self.stopped = True
            self.stop_search()

    def found(self, objective: float, bound: float) -> None:
        """Record a roster if it improves on the last one recorded."""
        if self.progress and objective >= self.progress[-1].objective:
            return
        elapsed = time.perf_counter() - self.started
        if self.first_seconds is None:
            self.first_seconds = elapsed
        step = Progress(
            objective=float(objective),
            best_bound=max(float(bound), 0.0),
            elapsed_seconds=elapsed,
        )
        self.progress.append(step)
        if self.on_progress is not None:
            self.on_progress(step)

    def final(self, objective: int, bound: float) -> None:
        """The returned roster as the last step. CP-SAT reports objectives of its presolved model,
        where dual reductions may leave slack in penalty variables; the roster it returns is
        postsolved to exact values, so its true objective can be lower than the last report."""
        if not self.progress or self.progress[-1].objective != objective:
            self.found(objective, min(bound, objective))

    def result(
        self,
        problem: Problem,
        status: SolveStatus,
        roster: Roster,
        objective: int,
        bound: float,
        breakdown: dict[str, int],
    ) -> SolveResult:
        """The answer for a search that ends with ``roster``: recorded as the last step, timed from
        the start, with its KPIs and the whole progress history."""
        self.final(objective, bound)
        solved = time.perf_counter() - self.started
        return SolveResult(
            status,
            roster=roster,
            wall_seconds=solved,
            objective=objective,
            best_bound=_valid_bound(bound, objective),
            first_feasible_seconds=self.first_seconds or solved,
            breakdown=breakdown,
            kpis=compute_kpis(problem, roster),
            progress=tuple(self.progress),
        )

    def poll_stop(self) -> bool:
        """Ask ``should_stop`` between searches; remembers a yes."""
        if not self.stopped and self.should_stop is not None and self.should_stop():
            self.stopped = True
        return self.stopped


def _valid_bound(bound: float, objective: int) -> float:
    """CP-SAT's bound, at least 0 and at most the objective. Every penalty term is >= 0
    (solver.checks rejects negative weights), so 0 is always a valid bound; CP-SAT's early bounds
    can be negative because a wish is scored ``weight x (1 - matching shifts)`` before the
    one-shift-a-day rows reach its bound."""
    return min(max(bound, 0.0), float(objective))


@contextmanager
def cancel_watch(solver: cp_model.CpSolver, recorder: Recorder) -> Iterator[None]:
    """Poll ``should_stop`` while the search runs: a long stretch without a new solution must not
    delay a cancel."""
    should_stop = recorder.should_stop
    if should_stop is None:
        yield
        return
    done = threading.Event()

    def watch() -> None:
        while not done.wait(CANCEL_POLL_SECONDS):
            if should_stop():
                recorder.stopped = True
                solver.stop_search()
                return

    watcher = threading.Thread(target=watch, name="solve-cancel-watch", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()
        watcher.join()
