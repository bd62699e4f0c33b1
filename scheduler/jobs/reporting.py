"""A running job's link to its row: progress out, cancel requests in, both throttled.

The solver calls these from its own threads (the solution callback and the cancel watcher), so
every database touch is a short session of its own, and a failed write is logged, not raised: a
busy database must not abort a solve that is going well.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from sqlmodel import col, select

from scheduler.db import session_scope
from scheduler.jobs.state import update_running
from scheduler.models.enums import JobStatus
from scheduler.models.jobs import SolveJob
from solver.roster import Progress

log = logging.getLogger(__name__)

WRITE_INTERVAL_SECONDS = 1.0
CANCEL_CHECK_SECONDS = 1.0
UNFINISHED_CAP = 0.99  # the bar reaches 1.0 only when the job has finished


def relative_gap(objective: float, bound: float) -> float:
    """Same definition as ``SolveResult.gap``."""
    return abs(objective - bound) / max(1.0, abs(objective))


class Throttle:
    """``due()`` is True at most once per ``interval`` seconds (the first call always is)."""

    def __init__(self, interval: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = interval
        self.clock = clock
        self._last: float | None = None

    def due(self) -> bool:
        now = self.clock()
        if self._last is not None and now - self._last < self.interval:
            return False
        self._last = now
        return True


class JobReporter:
    """``on_progress`` and ``should_stop`` for ``solve_period``, bound to one job row.

    At most one write a second: the latest improvement and the share of the time limit used
    (which keeps moving between improvements, a sign of life). At most one read of the cancel
    flag a second, driven by the solver polling ``should_stop``.
    """

    def __init__(
        self,
        *,
        job_id: int,
        database_url: str,
        time_limit: float,
        stop_requested: Callable[[], bool] = lambda: False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.job_id = job_id
        self.database_url = database_url
        self.time_limit = time_limit
        # Outside reasons to stop (worker shutting down), checked on every call: no database hit.
        self.stop_requested = stop_requested
        self.clock = clock
        self.cancelled = False  # a user asked to cancel
        self.orphaned = False  # the row is gone or no longer running (recovered, deleted)
        self._lock = threading.Lock()
        self._write = Throttle(WRITE_INTERVAL_SECONDS, clock)
        self._check = Throttle(CANCEL_CHECK_SECONDS, clock)
        self._latest: Progress | None = None  # the improvement not written yet
        self._progress = 0.0
        self._solve_started: float | None = None

    def on_progress(self, event: Progress) -> None:
        with self._lock:
            self._latest = event
            values = self._values_if_due()
        if values is not None:
            self._sync(values, read_flag=False)

    def should_stop(self) -> bool:
        with self._lock:
            # solve() asks once just before searching: the clock of the progress bar starts there.
            if self._solve_started is None:
                self._solve_started = self.clock()
            if self._stopping():
                return True
            if not self._check.due():
                return False
            values = self._values_if_due()
        self._sync(values, read_flag=True)
        return self._stopping()

    def _stopping(self) -> bool:
        return self.cancelled or self.orphaned or self.stop_requested()

    def _values_if_due(self) -> dict[str, Any] | None:
        """What to write now, or None inside the write interval. Called holding the lock."""
        if not self._write.due():
            return None
        started = self.clock() if self._solve_started is None else self._solve_started
        fraction = min(UNFINISHED_CAP, max(0.0, (self.clock() - started) / self.time_limit))
        self._progress = max(self._progress, fraction)
        values: dict[str, Any] = {"progress": self._progress}
        if self._latest is not None:
            latest, self._latest = self._latest, None
            values |= {
                "objective": latest.objective,
                "best_bound": latest.best_bound,
                "gap": relative_gap(latest.objective, latest.best_bound),
            }
        return values

    def _sync(self, values: dict[str, Any] | None, *, read_flag: bool) -> None:
        """One short session: write ``values``, read the cancel flag, or both."""
        try:
            with session_scope(self.database_url) as session:
                written = values is None or update_running(
                    session, job_id=self.job_id, values=values
                )
                row = None
                if read_flag:
                    row = session.exec(
                        select(SolveJob.status, SolveJob.cancel_requested).where(
                            col(SolveJob.id) == self.job_id
                        )
                    ).one_or_none()
        except Exception:  # best effort by design (module docstring); retried a second later
            log.warning("job %s: progress or cancel flag not synced", self.job_id, exc_info=True)
            return
        if not written:
            self.orphaned = True
        if read_flag:
            if row is None or row[0] != JobStatus.RUNNING:
                self.orphaned = True
            else:
                self.cancelled = bool(row[1])
