"""One interface for where jobs run, the factory that picks it from settings, and the process-wide
executor the web app starts in its lifespan (``start_executor`` / ``stop_executor``)."""

from __future__ import annotations

import logging
import threading
from typing import Protocol

from scheduler.db import session_scope
from scheduler.jobs.local import LocalExecutor
from scheduler.jobs.ray_executor import RayExecutor
from scheduler.jobs.recovery import recover_jobs
from scheduler.settings import Settings, get_settings

log = logging.getLogger(__name__)


class Executor(Protocol):
    def start(self) -> None: ...

    def submit(self, job_id: int) -> None:
        """Run queued job ``job_id`` soon; its row is committed already."""

    def shutdown(self) -> None: ...


def make_executor(settings: Settings | None = None) -> Executor:
    settings = settings or get_settings()
    if settings.executor == "ray":
        return RayExecutor(database_url=settings.database_url, address=settings.ray_address)
    return LocalExecutor(database_url=settings.database_url, processes=settings.local_workers)


_running: Executor | None = None
_running_lock = threading.Lock()


def start_executor(settings: Settings | None = None) -> Executor:
    """Recover dead workers' jobs, then start the configured executor (idempotent)."""
    global _running
    settings = settings or get_settings()
    with _running_lock:
        if _running is None:
            with session_scope(settings.database_url) as session:
                recovered = recover_jobs(session, grace_seconds=settings.job_grace_seconds)
            if recovered:
                log.warning("recovered %d job(s) left running by dead workers", len(recovered))
            executor = make_executor(settings)
            executor.start()
            _running = executor
        return _running


def stop_executor() -> None:
    global _running
    with _running_lock:
        executor, _running = _running, None
    if executor is not None:
        executor.shutdown()


def running_executor() -> Executor | None:
    return _running
