"""The Ray executor: one remote task per job, running the same runner on the same database.

With ``RAY_ADDRESS`` set, the tasks go to that cluster (its workers must reach the database URL:
use PostgreSQL there); otherwise a local Ray runtime is started. A thread resubmits queued jobs
it has not seen (submitted by the CLI or another server): the atomic claim makes a duplicate
submission harmless, the second task finds the job taken and returns.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from typing import Any

from sqlmodel import col, select

from scheduler.db import session_scope
from scheduler.jobs.recovery import queued_job_ids
from scheduler.jobs.runner import run_job
from scheduler.jobs.signals import run_interruptible
from scheduler.models import JobStatus, SolveJob

log = logging.getLogger(__name__)

LOCAL_RUNTIME_CPUS = 2
QUEUE_POLL_SECONDS = 5.0
FINISHED_KEPT = 1_000  # finished tasks remembered for wait()
SHUTDOWN_SECONDS = 30.0  # a loaded machine takes a while to stop a solve and store its roster


def run_job_task(job_id: int, database_url: str) -> str | None:
    """Body of the remote task: the job's final status, or None if another worker had it.

    ``ray.cancel`` interrupts the task's main thread, which a CP-SAT search would block: the job
    runs in a thread of its own, so the interrupt lands at once and stops the solve cleanly.
    """
    status = run_interruptible(
        lambda stop: run_job(job_id, database_url=database_url, stop_requested=stop)
    )
    return None if status is None else status.value


def init_ray(address: str | None) -> bool:
    """Connect to the cluster at ``address``, or start a local runtime when it is None; True when
    this call started it (the caller then shuts it down). Shared by solve jobs and sweeps."""
    import ray

    if ray.is_initialized():
        return False
    if address:
        ray.init(address=address)
    else:
        ray.init(num_cpus=LOCAL_RUNTIME_CPUS, include_dashboard=False)
    return True


class RayExecutor:
    def __init__(
        self,
        *,
        database_url: str,
        address: str | None = None,
        queue_poll_seconds: float = QUEUE_POLL_SECONDS,
    ) -> None:
        self.database_url = database_url
        self.address = address
        self.queue_poll_seconds = queue_poll_seconds
        self._owns_runtime = False
        self._task: Any = None
        self._pending: dict[int, Any] = {}  # job id -> ObjectRef
        # Finished tasks leave _pending at the next poll; wait() may still ask for them.
        self._finished: OrderedDict[int, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._poller: threading.Thread | None = None

    def start(self) -> None:
        import ray  # heavy, and only needed by this executor

        self._owns_runtime = init_ray(self.address)
        # max_retries=0: a retried task would find its job "running" and do nothing anyway.
        self._task = ray.remote(num_cpus=1, max_retries=0)(run_job_task)
        self._submit_queued()
        self._poller = threading.Thread(target=self._poll, name="ray-queue-poll", daemon=True)
        self._poller.start()

    def submit(self, job_id: int) -> None:
        if self._task is None:
            raise RuntimeError("RayExecutor.submit before start()")
        with self._lock:
            if job_id in self._pending:
                return
            self._pending[job_id] = self._task.remote(job_id, self.database_url)
        log.info("ray executor: job %s submitted", job_id)

    def wait(self, job_id: int, timeout: float | None = None) -> str | None:
        """Block until the task of ``job_id`` ends; what ``run_job_task`` returned."""
        import ray

        with self._lock:
            ref = self._pending.get(job_id) or self._finished.get(job_id)
        if ref is None:
            raise KeyError(f"job {job_id} was never submitted to this executor")
        result: str | None = ray.get(ref, timeout=timeout)
        return result

    def shutdown(self, timeout: float = SHUTDOWN_SECONDS) -> None:
        """Cancel unfinished tasks (a running solve stops early; its job ends "failed: worker shut
        down", keeping the best roster), then stop the runtime if this executor started it."""
        import ray

        self._stop.set()
        if self._poller is not None:
            self._poller.join()
        with self._lock:
            pending = dict(self._pending)
            self._pending.clear()
        refs = list(pending.values())
        if ray.is_initialized():
            _, unfinished = ray.wait(refs, num_returns=len(refs), timeout=0) if refs else ([], [])
            for ref in unfinished:
                ray.cancel(ref)
            if unfinished:
                ray.wait(unfinished, num_returns=len(unfinished), timeout=timeout)
                # A cancelled task's ref may resolve while its job is still winding down (storing
                # the best roster, writing "failed"): stopping the runtime now would kill that.
                cancelled = {job_id for job_id, ref in pending.items() if ref in unfinished}
                self._wait_until_not_running(cancelled, timeout)
            if self._owns_runtime:
                ray.shutdown()

    def _wait_until_not_running(self, job_ids: set[int], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while job_ids and time.monotonic() < deadline:
            with session_scope(self.database_url) as session:
                rows = session.exec(select(SolveJob).where(col(SolveJob.id).in_(job_ids))).all()
                job_ids = {r.id for r in rows if r.id is not None and r.status == JobStatus.RUNNING}
            if job_ids:
                time.sleep(0.2)

    def _submit_queued(self) -> None:
        with session_scope(self.database_url) as session:
            queued = queued_job_ids(session)
        for job_id in queued:
            self.submit(job_id)

    def _poll(self) -> None:
        while not self._stop.wait(self.queue_poll_seconds):
            try:
                self._forget_finished()
                self._submit_queued()
            except Exception:
                log.exception("ray executor: queue poll failed")

    def _forget_finished(self) -> None:
        import ray

        with self._lock:
            refs = {ref: job_id for job_id, ref in self._pending.items()}
        if not refs:
            return
        ready, _ = ray.wait(list(refs), num_returns=len(refs), timeout=0)
        with self._lock:
            for ref in ready:
                job_id = refs[ref]
                self._pending.pop(job_id, None)
                self._finished[job_id] = ref
            while len(self._finished) > FINISHED_KEPT:
                self._finished.popitem(last=False)
