"""``teleroster bench``: public benchmarks solved by the product's own model.

``bench curtois`` prints one JSON line per instance on stdout as soon as it is solved (pipe it
into a file), then a summary table on stderr. It exits 1 if the independent evaluator disagrees
with the solver on any roster, so a model bug cannot hide behind a good-looking number.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from scheduler.benchmarks.curtois import CurtoisFormatError, CurtoisInstance, read_instance
from scheduler.benchmarks.run import BestKnown, CurtoisRun, read_best_known, run_curtois
from scheduler.cli import WORKERS_HELP, app
from solver.options import SolveOptions, default_workers

TABLE_WIDTH = 160

bench_app = typer.Typer(help="Run public benchmarks through the product's solver.")
app.add_typer(bench_app, name="bench")


@bench_app.command("curtois")
def curtois(
    paths: Annotated[
        list[Path],
        typer.Argument(
            exists=True,
            dir_okay=False,
            readable=True,
            metavar="PATH",
            help="Curtois-Qu instance files.",
        ),
    ],
    time_limit: Annotated[
        float, typer.Option("--time-limit", min=0.1, help="Seconds per instance.")
    ],
    workers: Annotated[
        int, typer.Option("--workers", min=1, help=WORKERS_HELP)
    ] = default_workers(),
    seed: Annotated[int, typer.Option("--seed", help="CP-SAT random seed.")] = 0,
    lns: Annotated[
        bool | None,
        typer.Option(
            "--lns/--no-lns",
            help="Large-neighbourhood search on or off (default: chosen by model size).",
        ),
    ] = None,
    column_generation: Annotated[
        bool,
        typer.Option(
            "--column-generation",
            help="With --lns: column generation's lower bound, and a roster guided by its LP.",
        ),
    ] = False,
    best_known: Annotated[
        Path | None,
        typer.Option(
            "--best-known",
            exists=True,
            dir_okay=False,
            readable=True,
            help="best_known.tsv: adds best-known values and objective/best-known to the table.",
        ),
    ] = None,
) -> None:
    """Solve Curtois-Qu instances one after another and referee each roster independently."""
    # a log file is no terminal: without a width, rich crushes the table into 80 columns
    errors = Console(stderr=True, width=None if sys.stderr.isatty() else TABLE_WIDTH)
    try:
        # Read everything first: a damaged file should fail before hours of solving, not after.
        instances = [read_instance(path) for path in paths]
        known = read_best_known(best_known) if best_known else None
    except (CurtoisFormatError, ValueError) as exc:
        errors.print(f"[red]error:[/red] {exc}", markup=True, highlight=False)
        raise typer.Exit(2) from None

    options = SolveOptions(
        max_time_in_seconds=time_limit,
        num_workers=workers,
        random_seed=seed,
        lns=lns,
        column_generation=column_generation,
    )
    runs = [_run_and_print(instance, options) for instance in instances]
    errors.print(_table(runs, known))
    distrusted = [run.instance for run in runs if not run.trustworthy]
    if distrusted:
        errors.print(
            f"[red]The independent evaluator disagrees with the solver on: "
            f"{', '.join(distrusted)}[/red]"
        )
        raise typer.Exit(1)


def _run_and_print(instance: CurtoisInstance, options: SolveOptions) -> CurtoisRun:
    run = run_curtois(instance, options)
    print(json.dumps(run.as_json()), flush=True)
    return run


def _table(runs: list[CurtoisRun], known: dict[str, BestKnown] | None) -> Table:
    table = Table(title="Curtois-Qu benchmark")
    columns = ["instance", "status", "objective", "evaluated", "bound", "seconds", "first feasible"]
    columns += ["violations"]
    if known is not None:
        columns += ["best known", "best LB", "obj / best known"]
    for column in columns:
        table.add_column(column, justify="left" if column in ("instance", "status") else "right")
    for run in runs:
        row = [
            run.instance,
            run.status,
            _text(run.objective),
            _text(run.evaluated_objective),
            _text(run.best_bound),
            f"{run.seconds:.1f}",
            _text(run.first_feasible_seconds),
            _text(run.hard_violations),
        ]
        if known is not None:
            best = known.get(run.instance)
            row += [
                _text(best.upper_bound if best else None),
                _text(best.lower_bound if best else None),
                _ratio(run.objective, best.upper_bound if best else None),
            ]
        table.add_row(*row)
    return table


def _text(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _ratio(objective: int | None, best: int | None) -> str:
    if objective is None or not best:
        return "-"
    return f"{objective / best:.3f}"
