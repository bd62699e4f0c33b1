"""Tests that run while no other test runs, under pytest-xdist.

Each worker holds the run's lock while it runs a test: shared for an ordinary test, exclusive for
one marked ``alone`` (it measures wall time) and for a fixture whose time-limited solve must get
the cores to itself. Whoever waits for the lock holds the turnstile meanwhile, so the other worker
cannot start test after test and starve it. Without xdist there is nothing to share: no lock.
"""

import fcntl
import os
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class RunLock:
    turnstile: int  # file descriptors
    lock: int

    @classmethod
    def open(cls, run_folder: Path) -> "RunLock":
        """The lock of the run whose workers' basetemps are in ``run_folder``."""
        flags = os.O_RDWR | os.O_CREAT
        return cls(
            os.open(run_folder / "alone.turnstile", flags),
            os.open(run_folder / "alone.lock", flags),
        )

    def close(self) -> None:
        os.close(self.lock)
        os.close(self.turnstile)

    @contextmanager
    def held(self, *, exclusive: bool) -> Iterator[None]:
        fcntl.flock(self.turnstile, fcntl.LOCK_EX)
        try:
            fcntl.flock(self.lock, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        finally:
            fcntl.flock(self.turnstile, fcntl.LOCK_UN)
        try:
            yield
        finally:
            fcntl.flock(self.lock, fcntl.LOCK_UN)


@contextmanager
def holding(lock: RunLock | None, *, exclusive: bool) -> Iterator[None]:
    """Run the block holding ``lock`` shared, or exclusively (at once without xdist: no lock)."""
    if lock is None:
        yield
        return
    with lock.held(exclusive=exclusive):
        yield


def alone(lock: RunLock | None) -> AbstractContextManager[None]:
    """Run the block while no other worker runs a test (at once without xdist)."""
    return holding(lock, exclusive=True)
