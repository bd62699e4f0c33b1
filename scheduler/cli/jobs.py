"""``teleroster worker`` runs solve jobs here; ``teleroster jobs ...`` submits, lists, shows and
cancels them."""

from __future__ import annotations

import json
import logging
import time
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from scheduler.cli import WORKERS_HELP, app
from scheduler.db import session_scope
from scheduler.jobs.local import LocalExecutor
from scheduler.jobs.recovery import recover_jobs
from scheduler.jobs.service import (
    JobNotFound,
    get_job,
    list_jobs,
    request_cancel,
    submit_solve,
)
from scheduler.jobs.signals import StopFlag, run_stoppable
from scheduler.jobs.state import InvalidTransition
from scheduler.jobs.worker import POLL_SECONDS, worker_loop
from scheduler.models.enums import JobStatus
from scheduler.models.jobs import SolveJob, SolveJobPublic
from scheduler.rosters import RosterNotFound, get_roster
from scheduler.settings import get_settings
from solver.options import SolveOptions, default_workers

console = Console()
jobs_app = typer.Typer(help="Solve jobs: submit, list, show, cancel.", no_args_is_help=True)
app.add_typer(jobs_app, name="jobs")

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@app.command("worker")
def worker_command(
    processes: Annotated[
        int | None,
        typer.Option("--processes", min=1, help="Worker processes (default: LOCAL_WORKERS)."),
    ] = None,
    poll: Annotated[float, typer.Option("--poll", min=0.1, help="Seconds between polls.")] = (
        POLL_SECONDS
    ),
    drain: Annotated[
        bool, typer.Option("--drain", help="Run what is queued, then exit (one process).")
    ] = False,
) -> None:
    """Run queued solve jobs until Ctrl-C or SIGTERM (a running solve stops early, recorded)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings = get_settings()
    with session_scope(settings.database_url) as session:
        for job in recover_jobs(session, grace_seconds=settings.job_grace_seconds):
            console.print(f"job {job.job_id}: failed, {job.reason}")
    count = processes or max(1, settings.local_workers)

    def announce() -> None:
        console.print("stopping: a running solve ends early and is recorded (again: quit now)")

    if drain or count == 1:
        ran = run_stoppable(
            lambda stop: worker_loop(
                database_url=settings.database_url, should_stop=stop, poll_seconds=poll, drain=drain
            ),
            on_first_signal=announce,
        )
        console.print(f"worker stopped after {ran} job(s)")
        return
    executor = LocalExecutor(database_url=settings.database_url, processes=count, poll_seconds=poll)
    executor.start()
    console.print(f"{count} worker processes running (pids {executor.pids}); Ctrl-C stops them")
    run_stoppable(_wait_for, on_first_signal=announce)
    executor.shutdown()


def _wait_for(stop: StopFlag) -> None:
    while not stop():
        time.sleep(POLL_SECONDS)


@jobs_app.command("submit")
def submit_command(
    period: Annotated[int, typer.Option("--period", help="Planning period id.")],
    time_limit: Annotated[float, typer.Option("--time-limit", help="Seconds.")] = 60.0,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help=WORKERS_HELP)
    ] = default_workers(),
    seed: Annotated[int, typer.Option("--seed")] = 0,
    reference: Annotated[
        int | None, typer.Option("--reference", help="Roster version to keep close to.")
    ] = None,
) -> None:
    """Queue a solve of a period; a running server or `teleroster worker` picks it up."""
    try:
        options = SolveOptions(
            max_time_in_seconds=time_limit,
            num_workers=workers,
            random_seed=seed,
        )
        with session_scope() as session:
            reference_id = None
            if reference is not None:
                reference_id = get_roster(session=session, period_id=period, version=reference).id
            job = submit_solve(
                session=session,
                period_id=period,
                options=options,
                reference_roster_id=reference_id,
            )
            console.print(f"job {job.id} queued (period {period}, {time_limit:g} s)")
    except (ValueError, RosterNotFound) as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc


@jobs_app.command("list")
def list_command(
    period: Annotated[int | None, typer.Option("--period", help="Only this period.")] = None,
    status: Annotated[JobStatus | None, typer.Option("--status", help="Only this status.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1)] = 20,
    as_json: JsonOption = False,
) -> None:
    """The latest jobs, newest first."""
    with session_scope() as session:
        jobs = [
            _public(job)
            for job in list_jobs(session=session, period_id=period, status=status, limit=limit)
        ]
    if as_json:
        print(json.dumps([job.model_dump(mode="json") for job in jobs]))
        return
    table = Table("id", "period", "status", "progress", "objective", "gap", "created", "worker")
    for job in jobs:
        table.add_row(
            str(job.id),
            str(job.period_id),
            job.status.value,
            f"{job.progress:.0%}",
            _number(job.objective),
            "" if job.gap is None else f"{job.gap:.2%}",
            f"{job.created_at:%Y-%m-%d %H:%M:%S}",
            job.worker or "",
        )
    console.print(table)


@jobs_app.command("show")
def show_command(job_id: Annotated[int, typer.Argument()], as_json: JsonOption = False) -> None:
    """Everything about one job."""
    job = _load(job_id)
    if as_json:
        print(job.model_dump_json())
        return
    for name, value in job.model_dump().items():
        if value is not None and name != "options_json":
            console.print(f"{name:>22}: {getattr(value, 'value', value)}")
    console.print(f"{'options':>22}: {job.options_json}")


@jobs_app.command("cancel")
def cancel_command(job_id: Annotated[int, typer.Argument()]) -> None:
    """Cancel a queued job now, or ask a running one to stop (it keeps its best roster)."""
    try:
        with session_scope() as session:
            job = _public(request_cancel(session=session, job_id=job_id))
    except JobNotFound as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    except InvalidTransition as exc:
        console.print(f"[red]error:[/red] job {job_id}: {exc}")
        raise typer.Exit(1) from exc
    if job.status == JobStatus.CANCELLED:
        console.print(f"job {job_id} cancelled")
    else:
        console.print(f"job {job_id}: cancel requested, the worker stops within a few seconds")


def _load(job_id: int) -> SolveJobPublic:
    try:
        with session_scope() as session:
            return _public(get_job(session=session, job_id=job_id))
    except JobNotFound as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc


def _public(job: SolveJob) -> SolveJobPublic:
    return SolveJobPublic.model_validate(job)


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:,.0f}"
