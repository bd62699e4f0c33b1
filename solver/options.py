"""How long and how hard to search: the typed knobs of one solve."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

# CP-SAT's portfolio needs a second worker for its own neighbourhood searches: on one core, one
# worker left the department benchmark at 127,750 in 60 s, two at 57,892. More workers than cores
# only slice them thinner (two cores: 2 workers 50,095, 8 workers 72,117), and each worker holds a
# copy of the model (national, 500 readers: 1.1 GB with 2 workers, 2.1 GB with 8).
MIN_WORKERS, MAX_WORKERS = 2, 16


def default_workers() -> int:
    """The cores this process may run on, at least ``MIN_WORKERS``, at most ``MAX_WORKERS``."""
    if hasattr(os, "sched_getaffinity"):
        cores = len(os.sched_getaffinity(0))
    else:  # macOS, Windows
        cores = os.cpu_count() or 1
    return max(MIN_WORKERS, min(MAX_WORKERS, cores))


@dataclass(frozen=True)
class SolveOptions:
    """CP-SAT parameters the product exposes; everything else keeps CP-SAT's defaults.

    ``num_workers``: CP-SAT's portfolio of strategies runs one per worker; by default one per core
    this process may use, at least two (``default_workers``).
    ``warm_start``: look for a first roster by plain search along the hints before the full
    portfolio starts (see solver.solve); off, CP-SAT starts from the hints alone.
    ``explain_time_limit``: budget of the second, single-worker solve that names the conflicting
    rules when the problem is infeasible.
    ``lns``: large-neighbourhood search (solver.lns) instead of one monolithic search; ``None``
    chooses it for large models (``solver.lns.LNS_AUTO_DECISIONS`` reader-shift variables or more)
    whose greedy starting roster breaks a hard rule.
    ``lns_seconds_per_step``: the time budget of one neighbourhood's search.
    ``cover_first``: search the cover penalties alone for part of the time before the whole
    objective (solver.cover_phase); ``None`` does so when the objective has fairness terms.
    ``column_generation``: in the large-neighbourhood search, run column generation from the first
    roster: its lower bound is reported when it beats CP-SAT's, and a search guided by its LP may
    give a better roster to improve (solver.column_phase).
    ``sweeps``: give each reader in turn their best schedule against the others' reading
    (solver.reading_response) once the search has a roster: the monolithic search's last roster
    is settled so, and a national search's sweeps take turns with its parts.
    """

    max_time_in_seconds: float = 30.0
    num_workers: int = field(default_factory=default_workers)
    random_seed: int = 0
    log_search_progress: bool = False
    relative_gap_limit: float | None = None
    explain_time_limit: float = 10.0
    warm_start: bool = True
    lns: bool | None = None
    lns_seconds_per_step: float = 1.0
    cover_first: bool | None = None
    column_generation: bool = False
    sweeps: bool = True

    def __post_init__(self) -> None:
        if self.max_time_in_seconds <= 0:
            raise ValueError(
                f"max_time_in_seconds must be positive, got {self.max_time_in_seconds}"
            )
        if self.num_workers < 1:
            raise ValueError(f"num_workers must be at least 1, got {self.num_workers}")
        if self.relative_gap_limit is not None and self.relative_gap_limit < 0:
            raise ValueError(f"relative_gap_limit must be >= 0, got {self.relative_gap_limit}")
        if self.lns_seconds_per_step <= 0:
            raise ValueError(
                f"lns_seconds_per_step must be positive, got {self.lns_seconds_per_step}"
            )
        if self.explain_time_limit <= 0:
            raise ValueError(f"explain_time_limit must be positive, got {self.explain_time_limit}")
