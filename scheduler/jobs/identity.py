"""Who runs a job: ``host:pid``, and whether that process is still alive."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class WorkerId:
    host: str
    pid: int

    def __str__(self) -> str:
        return f"{self.host}:{self.pid}"

    @property
    def is_local(self) -> bool:
        return self.host == socket.gethostname()


def this_worker() -> WorkerId:
    return WorkerId(socket.gethostname(), os.getpid())


def parse_worker(text: str | None) -> WorkerId | None:
    """``host:pid`` back to a WorkerId; None for anything else (e.g. a hand-edited row)."""
    host, _, pid = (text or "").rpartition(":")
    if not host or not pid.isdigit():
        return None
    return WorkerId(host, int(pid))


def pid_alive(pid: int) -> bool:
    """True when a process ``pid`` exists on this host and is not a zombie (killed, unreaped)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return not _is_zombie(pid)


def _is_zombie(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat")
    try:
        # "pid (comm) state ...": comm may hold spaces or parentheses, so split after the last ')'.
        return stat.read_text().rpartition(")")[2].split()[0] == "Z"
    except (OSError, IndexError):
        return False  # no /proc (macOS): trust os.kill
