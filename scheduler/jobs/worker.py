"""The worker loop: claim the oldest queued job, run it, repeat; poll when the queue is empty.

Used by every local worker process and by ``teleroster worker``. Polling the table (rather than
waiting for a message) is what lets a job submitted by any process, or left queued by a stopped
server, be picked up.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from typing import Protocol

from scheduler.db import session_scope
from scheduler.jobs.recovery import recover_jobs
from scheduler.jobs.runner import run_next

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0
# Siblings die too (out of memory, kill -9): look for their jobs now and then, not only at start.
RECOVER_EVERY_SECONDS = 60.0


class WakeSignal(Protocol):
    """``threading.Event`` or ``multiprocessing.Event``: set when a job was just submitted."""

    def wait(self, timeout: float | None = None) -> bool: ...

    def clear(self) -> None: ...


def worker_loop(
    *,
    database_url: str,
    should_stop: Callable[[], bool],
    wake: WakeSignal | None = None,
    poll_seconds: float = POLL_SECONDS,
    drain: bool = False,
    recover_every: float = RECOVER_EVERY_SECONDS,
) -> int:
    """Run jobs until ``should_stop()`` (or, with ``drain``, the queue is empty); the count run.

    ``should_stop`` also stops a running solve early (see ``runner`` for how that job ends).
    """
    ran = 0
    last_recovery = -math.inf
    while not should_stop():
        if time.monotonic() - last_recovery >= recover_every:
            last_recovery = time.monotonic()
            _recover(database_url)
        try:
            done = run_next(database_url=database_url, stop_requested=should_stop)
        except Exception:  # the database may be restarting: keep the worker, try again later
            log.exception("worker: could not take a job")
            done = None
        if done is not None:
            ran += 1
            log.info("worker: job %s %s", done[0], done[1].value)
            continue
        if drain:
            break
        if wake is None:
            time.sleep(poll_seconds)
        elif wake.wait(poll_seconds):
            wake.clear()
    return ran


def _recover(database_url: str) -> None:
    try:
        with session_scope(database_url) as session:
            recover_jobs(session)
    except Exception:
        log.exception("worker: recovery failed")
