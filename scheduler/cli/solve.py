"""``teleroster solve`` and ``validate``: roster a period, or re-check a stored roster."""

from __future__ import annotations

import json
import time
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from scheduler.cli import WORKERS_HELP, app
from scheduler.db import session_scope
from scheduler.problem_builder import BuildError
from scheduler.rosters import RosterNotFound, get_roster
from scheduler.services.solving import SolveOutcome, solve_period, validate_stored_roster
from scheduler.summaries import coverage_summary, fairness_summary
from solver.options import SolveOptions, default_workers
from solver.roster import Progress as SolveProgress

console = Console()


@app.command("solve")
def solve_command(
    period: Annotated[int, typer.Option("--period", help="Planning period id.")],
    time_limit: Annotated[float, typer.Option("--time-limit", help="Seconds.")] = 60.0,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help=WORKERS_HELP)
    ] = default_workers(),
    seed: Annotated[int, typer.Option("--seed")] = 0,
    reference: Annotated[
        int | None,
        typer.Option("--reference", help="Roster version to keep close to (locks are kept)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Build the period's problem from the database, solve it, store the roster as a new version."""
    options = SolveOptions(
        max_time_in_seconds=time_limit,
        num_workers=workers,
        random_seed=seed,
    )
    try:
        with session_scope() as session:
            reference_id = None
            if reference is not None:
                reference_id = get_roster(session=session, period_id=period, version=reference).id
            outcome = _solve_with_progress(session, period, options, reference_id, quiet=as_json)
            summary = outcome_summary(outcome)
    except (BuildError, RosterNotFound) as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    if as_json:
        print(json.dumps(summary, default=str))
    else:
        print_outcome_summary(summary)
    if outcome.roster is None:
        raise typer.Exit(1)


def _solve_with_progress(
    session: Any, period: int, options: SolveOptions, reference_id: int | None, *, quiet: bool
) -> SolveOutcome:
    started = time.monotonic()
    with Progress(
        TextColumn("[bold]solving[/bold]"),
        BarColumn(),
        TextColumn("{task.fields[status]}"),
        TimeElapsedColumn(),
        console=console,
        disable=quiet,
        transient=False,
    ) as bar:
        task = bar.add_task("solve", total=options.max_time_in_seconds, status="building model")

        def on_progress(event: SolveProgress) -> None:
            status = f"objective {event.objective:,.0f}  bound {event.best_bound:,.0f}"
            bar.update(task, completed=event.elapsed_seconds, status=status)

        outcome = solve_period(
            session=session,
            period_id=period,
            options=options,
            reference_roster_id=reference_id,
            on_progress=on_progress,
        )
        bar.update(
            task,
            completed=options.max_time_in_seconds,
            status=f"{outcome.result.status.value} in {time.monotonic() - started:.1f}s",
        )
    return outcome


def outcome_summary(outcome: SolveOutcome) -> dict[str, Any]:
    result = outcome.result
    return {
        "period": outcome.built.period_id,
        "status": result.status.value,
        "version": outcome.roster.version if outcome.roster else None,
        "objective": result.objective,
        "best_bound": result.best_bound,
        "gap": result.gap,
        "seconds": round(result.wall_seconds, 3),
        "first_feasible_seconds": result.first_feasible_seconds,
        "breakdown": result.breakdown,
        "assignments": len(result.roster.assignments),
        "coverage": coverage_summary(outcome.built.problem, result),
        "fairness": fairness_summary(result),
        "explanation": list(result.explanation),
    }


def print_outcome_summary(summary: dict[str, Any]) -> None:
    console.print(
        f"Period {summary['period']}: [bold]{summary['status']}[/bold], "
        f"objective {summary['objective']}, bound {summary['best_bound']}, "
        f"{summary['seconds']} s; stored as version {summary['version']}"
    )
    for line in summary["explanation"]:
        console.print(f"  [red]•[/red] {line}")
    if summary["coverage"]:
        table = Table("region", "demand h", "covered h", "covered %", title="Coverage")
        for row in summary["coverage"]:
            table.add_row(
                row["region"],
                f"{row['demand_hours']:.0f}",
                f"{row['covered_hours']:.0f}",
                f"{row['covered_pct']:.1f}",
            )
        console.print(table)
    if summary["fairness"]:
        table = Table("measure", "min / FTE", "max / FTE", "mean / FTE", title="Fairness")
        for row in summary["fairness"]:
            table.add_row(row["measure"], *(f"{row[k]:.2f}" for k in ("min", "max", "mean")))
        console.print(table)


@app.command("validate")
def validate_command(
    period: Annotated[int, typer.Option("--period", help="Planning period id.")],
    version: Annotated[int | None, typer.Option("--version", help="Default: latest.")] = None,
) -> None:
    """Re-check a stored roster against the stored data; exits 1 when a hard rule is broken."""
    try:
        with session_scope() as session:
            row, report = validate_stored_roster(session=session, period_id=period, version=version)
            version_shown = row.version
    except (BuildError, RosterNotFound) as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    if report.ok:
        console.print(
            f"Roster version {version_shown} of period {period}: no hard-rule violation "
            f"(objective {report.objective})."
        )
        return
    console.print(
        f"Roster version {version_shown} of period {period}: "
        f"[red]{len(report.violations)} hard-rule violation(s)[/red]"
    )
    for violation in report.violations:
        console.print(f"  • [{violation.rule}] {violation.message}")
    raise typer.Exit(1)
