"""The local executor: a few worker processes (spawn) polling the job table.

``submit`` only wakes an idle worker early; the queue itself is the table, so a restart resumes
whatever is still queued and jobs submitted by other processes are picked up as well.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
from multiprocessing.process import BaseProcess
from typing import Any

from scheduler.db import dispose_engine
from scheduler.jobs.signals import StopFlag, run_stoppable
from scheduler.jobs.worker import POLL_SECONDS, worker_loop

log = logging.getLogger(__name__)

SHUTDOWN_SECONDS = 30.0  # a stopped solve still stores its best roster; then workers are killed


class LocalExecutor:
    """``processes`` workers; with 0, jobs wait in the queue for a ``teleroster worker``."""

    def __init__(
        self, *, database_url: str, processes: int = 1, poll_seconds: float = POLL_SECONDS
    ) -> None:
        if processes < 0:
            raise ValueError(f"processes must be 0 or more, got {processes}")
        self.database_url = database_url
        self.poll_seconds = poll_seconds
        self._context = multiprocessing.get_context("spawn")  # no forked engines or solver threads
        self._stop = self._context.Event()
        self._wake = self._context.Event()
        self._count = processes
        self._processes: list[BaseProcess] = []

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self._processes if p.pid is not None]

    def start(self) -> None:
        for number in range(self._count):
            process = self._context.Process(
                target=worker_process,
                args=(self.database_url, self._stop, self._wake, self.poll_seconds),
                name=f"teleroster-worker-{number + 1}",
                daemon=True,  # never outlive the server
            )
            process.start()
            self._processes.append(process)
        log.info("local executor: %d worker process(es) %s", self._count, self.pids)

    def submit(self, job_id: int) -> None:  # noqa: ARG002 -- the row is the queue
        self._wake.set()

    def shutdown(self, timeout: float = SHUTDOWN_SECONDS) -> None:
        """Stop the workers: running solves stop early and record how they ended."""
        self._stop.set()
        self._wake.set()
        for process in self._processes:
            process.join(timeout)
        for process in self._processes:
            if process.is_alive():
                log.warning("local executor: killing %s (pid %s)", process.name, process.pid)
                process.kill()  # its job stays "running" until recovery fails it
                process.join()
        self._processes.clear()


def worker_process(database_url: str, stop: Any, wake: Any, poll_seconds: float) -> None:
    """Entry point of one worker process: SIGTERM stops it gracefully, SIGINT is ignored (Ctrl-C
    reaches the whole process group; the parent decides)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(processName)s %(message)s")
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def loop(terminated: StopFlag) -> int:
        return worker_loop(
            database_url=database_url,
            should_stop=lambda: stop.is_set() or terminated(),
            wake=wake,
            poll_seconds=poll_seconds,
        )

    try:
        run_stoppable(loop, signals=(signal.SIGTERM,))
    finally:
        dispose_engine()
