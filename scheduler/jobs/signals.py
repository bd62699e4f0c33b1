"""Stop a worker gracefully on SIGINT / SIGTERM.

Python runs signal handlers in the main thread only, between bytecodes; a CP-SAT search blocks the
thread that started it. So the work runs in another thread, the main thread stays free to hear
the signal, and the handler only sets a flag (locks are unsafe in a handler) that the solver's
cancel watcher reads. A second signal quits at once; recovery then fails the abandoned job.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterable
from types import FrameType
from typing import TypeVar

T = TypeVar("T")

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
JOIN_SLICE_SECONDS = 0.5


class StopFlag:
    """A stop request: ``flag()`` reads it."""

    def __init__(self) -> None:
        self.value = False

    def __call__(self) -> bool:
        return self.value


def run_stoppable(
    body: Callable[[StopFlag], T],
    *,
    signals: Iterable[signal.Signals] = STOP_SIGNALS,
    on_first_signal: Callable[[], None] | None = None,
) -> T:
    """Run ``body(flag)`` in a thread; the first of ``signals`` sets the flag, the second raises
    KeyboardInterrupt here."""
    flag = StopFlag()

    def handle(_signum: int, _frame: FrameType | None) -> None:
        if flag.value:
            raise KeyboardInterrupt
        flag.value = True
        if on_first_signal is not None:
            on_first_signal()

    previous = {sig: signal.signal(sig, handle) for sig in signals}
    outcome: list[T] = []
    failure: list[BaseException] = []

    def target() -> None:
        try:
            outcome.append(body(flag))
        except BaseException as exc:  # handed to the main thread below
            failure.append(exc)

    # daemon: a second signal must be able to end the process while the search still runs.
    thread = threading.Thread(target=target, name="teleroster-worker-loop", daemon=True)
    thread.start()
    try:
        while thread.is_alive():
            thread.join(JOIN_SLICE_SECONDS)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if failure:
        raise failure[0]
    return outcome[0]


def run_interruptible(body: Callable[[StopFlag], T], *, grace_seconds: float = 30.0) -> T:
    """Run ``body(flag)`` in a thread; a KeyboardInterrupt raised here (e.g. by ``ray.cancel``)
    sets the flag and waits up to ``grace_seconds`` for the body to wind down, then re-raises."""
    flag = StopFlag()
    outcome: list[T] = []
    failure: list[BaseException] = []

    def target() -> None:
        try:
            outcome.append(body(flag))
        except BaseException as exc:
            failure.append(exc)

    thread = threading.Thread(target=target, name="teleroster-job", daemon=True)
    thread.start()
    try:
        while thread.is_alive():
            thread.join(JOIN_SLICE_SECONDS)
    except KeyboardInterrupt:
        flag.value = True
        thread.join(grace_seconds)
        raise
    if failure:
        raise failure[0]
    return outcome[0]
