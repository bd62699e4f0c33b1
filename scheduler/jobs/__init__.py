"""Solve jobs: the ``SolveJob`` row is the truth; local processes or Ray run them.

``service`` is what the web app and the CLI call; ``executor`` picks where jobs run;
``runner`` is what a worker does with one job; ``recovery`` cleans up after dead workers.
"""

from scheduler.jobs.executor import Executor, running_executor, start_executor, stop_executor
from scheduler.jobs.service import (
    JobInputError,
    JobNotFound,
    get_job,
    list_jobs,
    request_cancel,
    submit_solve,
)
from scheduler.jobs.state import InvalidTransition

__all__ = [
    "Executor",
    "InvalidTransition",
    "JobInputError",
    "JobNotFound",
    "get_job",
    "list_jobs",
    "request_cancel",
    "running_executor",
    "start_executor",
    "stop_executor",
    "submit_solve",
]
