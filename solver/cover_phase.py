"""Cover first: a search phase on the cover penalties (and change from a reference roster)
alone, before the whole objective.

Why: a fairness term is a spread, the largest minus the smallest FTE-scaled count over all
readers. Most single changes to a roster leave both extremes where they are, so the spread gives
CP-SAT's search no direction, and mixed into the objective it slows the search on the term that
matters most, unread studies. On the department benchmark (40 readers x 3 regions x 28 days, 2
workers, 60 s, two seeds), searching the whole objective left 61,600-67,800 of cover penalty
(totals 68,471-73,600); 20-30 s on cover alone and then the rest of the minute on the whole
objective, from that roster, left 43,650-49,600 (totals 52,573-58,859).

Wishes and follow-the-sun stay out of the phase too: in three paired runs with them in, the
final totals were 61,675, 81,126 and 61,032 against 52,573, 69,118 and 64,056 without. Change
from a reference roster stays in, so a re-solve after manual edits starts near the edited roster.

The objective stays the weighted sum: the phase only chooses where the search starts. Each roster
it finds is scored by the whole objective; the best so scored becomes the complete hint of the
main search, and it is the answer if that search finds nothing better. The cover-only optimum
is a valid lower bound of the whole objective too, because every other term is >= 0.

It runs when the objective has both cover and fairness penalties (``SolveOptions.cover_first``
overrides); without fairness (e.g. Curtois-Qu instances: cover and requests only) it measured no
gain.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ortools.sat.python import cp_model

from solver.model import TERMS, RosterModel
from solver.options import SolveOptions
from solver.search_progress import Recorder, cancel_watch

COVER_PHASE_SHARE = 0.4  # of the time left after the warm start
# change from the reference roster stays in: a re-solve after manual edits must not wander off
COVER_TERMS = ("cover", "change")


def wants_cover_phase(options: SolveOptions, roster_model: RosterModel) -> bool:
    if options.cover_first is not None:
        return options.cover_first
    return roster_model.has_term("cover") and roster_model.has_term("fairness")


@dataclass(frozen=True)
class PhaseRoster:
    """The phase's roster that is best by the whole objective: not always its last, which is best
    on cover alone."""

    solution: list[int]  # values by variable index
    breakdown: dict[str, int]
    bound: float  # of the cover alone: a bound of the whole objective too


def search_cover_first(
    roster_model: RosterModel, options: SolveOptions, seconds: float, recorder: Recorder
) -> tuple[cp_model.CpSolverStatus, PhaseRoster | None]:
    """Search the cover penalties alone for ``seconds``; return the roster best by the whole
    objective among those heard, hinted completely. The model's objective is the whole one again
    on return."""
    roster_model.minimize(COVER_TERMS)
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.max_time_in_seconds = seconds
    params.num_workers = options.num_workers
    params.random_seed = options.random_seed
    params.log_search_progress = options.log_search_progress
    heard = _WholeObjective(roster_model, recorder)
    try:
        with cancel_watch(solver, recorder):
            cp_status = solver.solve(roster_model.model, heard)
    finally:
        roster_model.minimize(TERMS)
    best = heard.best
    if best is not None:
        best = replace(best, bound=max(best.bound, solver.best_objective_bound))
        roster_model.hint_solution(best.solution)
    return cp_status, best


class _WholeObjective(cp_model.CpSolverSolutionCallback):
    """Scores each roster of the phase by the whole objective, reports it as progress and keeps
    the best; the phase's own objective is the cover alone."""

    def __init__(self, roster_model: RosterModel, recorder: Recorder) -> None:
        super().__init__()
        self.roster_model = roster_model
        self.recorder = recorder
        self.best: PhaseRoster | None = None

    def on_solution_callback(self) -> None:
        breakdown = self.roster_model.breakdown(self)
        whole = sum(breakdown.values())
        if self.best is not None and whole >= sum(self.best.breakdown.values()):
            return
        # the cover-only bound is a bound of the whole objective: every other term is >= 0
        bound = self.best_objective_bound
        self.best = PhaseRoster(list(self.response_proto.solution), breakdown, bound)
        self.recorder.found(whole, bound)
