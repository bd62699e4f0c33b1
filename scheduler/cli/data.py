"""``teleroster demo-data``, ``teleroster import`` and ``teleroster demo``: make, import and load
data files. ``demo`` shows the chain of ``scheduler.services.demo`` as it runs.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from scheduler import migrations
from scheduler.cli import WORKERS_HELP, app
from scheduler.db import normalise_url, session_scope
from scheduler.demo import DEFAULT_SEED, generate_demo
from scheduler.demo.generate import DEFAULT_MONTHS
from scheduler.demo.load import demo_directory
from scheduler.importers import (
    ENTITY_NAMES,
    DataImportError,
    ImportProgress,
    ImportSummary,
    OnExisting,
    import_directory,
    import_file,
    import_workbook,
)
from scheduler.importers.reading import is_excel, stem
from scheduler.problem_builder import BuildError
from scheduler.services.demo import (
    DemoError,
    DemoEvent,
    Forecasted,
    Forecasting,
    Importing,
    Loaded,
    Solving,
    run_demo,
)
from scheduler.services.solving import SolveOutcome
from scheduler.settings import get_settings
from solver.options import SolveOptions, default_workers
from solver.roster import Progress as SolveProgress

console = Console()
SHOWN_PROBLEMS = 200  # beyond this the table only says how many more there are


@app.command("demo-data")
def demo_data(
    seed: Annotated[
        int, typer.Option(help="Random seed; the same seed writes the same files.")
    ] = DEFAULT_SEED,
    out: Annotated[Path, typer.Option(help="Folder to write the CSV files into.")] = Path(
        "data/demo"
    ),
    months: Annotated[
        int, typer.Option(min=1, help="Months of hourly study volumes.")
    ] = DEFAULT_MONTHS,
) -> None:
    """Generate the synthetic demo country as CSV files."""
    with console.status(
        f"Generating the demo country (seed {seed}, {months} months of volumes)..."
    ):
        written = generate_demo(out=out, seed=seed, months=months)
    table = Table("file", "size")
    for name, path in written.items():
        table.add_row(name, _size(path.stat().st_size))
    console.print(table)
    console.print(f"Wrote {len(written)} files to {out}.")


def _size(size: int) -> str:
    return f"{size:,} B" if size < 1024 else f"{size / 1024:,.0f} KiB"


@app.command("import")
def import_command(
    path: Annotated[
        Path, typer.Argument(help="A CSV/Excel file, a workbook of entity sheets, or a folder.")
    ],
    entity: Annotated[
        str | None,
        typer.Option(
            help=f"What the file holds (default: its name). One of: {', '.join(ENTITY_NAMES)}."
        ),
    ] = None,
    reject_existing: Annotated[
        bool,
        typer.Option(
            help="Report rows already in the database as duplicates instead of updating them."
        ),
    ] = False,
) -> None:
    """Import data files into the database: all of them, or nothing and a list of every problem."""
    on_existing: OnExisting = "reject" if reject_existing else "update"
    if entity is not None and path.is_dir():
        raise typer.BadParameter("--entity names what one file holds; a folder's files are named")
    try:
        with session_scope() as session, _progress() as on_progress:
            if path.is_dir():
                summary = import_directory(
                    session, path, on_existing=on_existing, on_progress=on_progress
                )
            elif (
                entity is None
                and is_excel(path)
                and stem(path) not in ENTITY_NAMES
                and path.exists()
            ):
                summary = import_workbook(
                    session, path, on_existing=on_existing, on_progress=on_progress
                )
            else:
                summary = import_file(
                    session,
                    entity or stem(path),
                    path,
                    on_existing=on_existing,
                    on_progress=on_progress,
                )
    except DataImportError as exc:
        _print_problems(exc)
        raise typer.Exit(1) from None
    _print_summary(summary)


@app.command("demo")
def demo(
    reset: Annotated[
        bool, typer.Option(help="Delete imported data (and rosters built on it) first.")
    ] = False,
    directory: Annotated[Path | None, typer.Option(help="Demo files (default: data/demo).")] = None,
    forecast: Annotated[
        bool, typer.Option(help="Forecast the demo period's demand from its volume history.")
    ] = False,
    solve_seconds: Annotated[
        float, typer.Option(help="Then solve the demo period for this long (0: do not solve).")
    ] = 0.0,
    workers: Annotated[int, typer.Option(min=1, help=WORKERS_HELP)] = default_workers(),
) -> None:
    """Migrate the configured database and load the demo dataset into it (safe to run again)."""
    url = normalise_url(get_settings().database_url)
    with console.status("Migrating the database..."):
        migrations.upgrade(url)
    solve_options = (
        SolveOptions(
            max_time_in_seconds=solve_seconds,
            num_workers=workers,
            random_seed=0,
        )
        if solve_seconds > 0
        else None
    )
    # Imported late like the forecast view below: importing a command module registers its
    # commands, and --help lists them in the order registered.
    from scheduler.cli import solve as solve_cli

    try:
        # The view ends its bars (last) before any error or summary is printed.
        with _DemoView() as view, session_scope() as session:
            ran = run_demo(
                session=session,
                directory=directory or demo_directory(),
                reset=reset,
                forecast=forecast,
                solve_options=solve_options,
                on_event=view,
            )
            view.solved(ran.solve)
            solved = None if ran.solve is None else solve_cli.outcome_summary(ran.solve)
    except DataImportError as exc:
        _print_problems(exc)
        raise typer.Exit(1) from None
    except (DemoError, BuildError) as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1 if isinstance(exc, DemoError) else 2) from None
    if solved is not None:
        solve_cli.print_outcome_summary(solved)
        if solved["version"] is None:  # no roster found in the time limit
            raise typer.Exit(1)


class _DemoView:
    """The demo chain on the console as it goes: bars while importing, a spinner while
    forecasting, a bar while solving, and each step's tables when it ends."""

    def __init__(self) -> None:
        self._step = ExitStack()  # the running step's bars or spinner
        self._import_bars: ImportProgress | None = None
        self._solve_bar: Progress | None = None
        self._solve_task = TaskID(0)
        self._solve_seconds = 0.0
        self._started = 0.0

    def __enter__(self) -> _DemoView:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        """End the running step's bars or spinner."""
        self._step.close()
        self._import_bars = self._solve_bar = None

    def solved(self, outcome: SolveOutcome | None) -> None:
        """Fill the solve bar and say how the solve ended."""
        if outcome is not None and self._solve_bar is not None:
            status = f"{outcome.result.status.value} in {time.monotonic() - self._started:.1f}s"
            self._solve_bar.update(self._solve_task, completed=self._solve_seconds, status=status)

    def __call__(self, event: DemoEvent) -> None:
        match event:
            case Importing(entity=entity, done=done, total=total):
                if self._import_bars is None:
                    self._import_bars = self._step.enter_context(_progress())
                self._import_bars(entity, done, total)
            case Loaded(load=load, logins=logins):
                self.close()
                _print_summary(load.summary, load.stored)
                console.print(f"Demo planning period id: {load.period_id}")
                console.print("Demo logins (see README, 'Demo logins'):")
                for login in logins:
                    console.print(f"  {login.role.value:<12} {login.email:<32} {login.password}")
            case Forecasting():
                self._step.enter_context(
                    console.status(
                        "Forecasting demand (backtest, forecast, capacity, shift slots)..."
                    )
                )
            case Forecasted(run=run):
                from scheduler.cli.forecast import print_forecast

                self.close()
                print_forecast(run)
            case Solving(options=options):
                self._started = time.monotonic()
                self._solve_seconds = options.max_time_in_seconds
                self._solve_bar = self._step.enter_context(
                    Progress(
                        TextColumn("[bold]solving[/bold]"),
                        BarColumn(),
                        TextColumn("{task.fields[status]}"),
                        TimeElapsedColumn(),
                        console=console,
                        transient=False,
                    )
                )
                self._solve_task = self._solve_bar.add_task(
                    "solve", total=self._solve_seconds, status="building model"
                )
            case SolveProgress() if self._solve_bar is not None:
                status = f"objective {event.objective:,.0f}  bound {event.best_bound:,.0f}"
                self._solve_bar.update(
                    self._solve_task, completed=event.elapsed_seconds, status=status
                )


@contextmanager
def _progress() -> Iterator[ImportProgress]:
    with Progress(
        TextColumn("{task.description:<20}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as bars:
        tasks: dict[str, TaskID] = {}

        def on_progress(entity: str, done: int, total: int) -> None:
            if entity not in tasks:
                tasks[entity] = bars.add_task(entity, total=max(total, 1))
            bars.update(tasks[entity], completed=done if total else 1, total=max(total, 1))

        yield on_progress


def _print_summary(summary: ImportSummary, stored: dict[str, int] | None = None) -> None:
    """Rows created/updated/unchanged per entity; with ``stored``, the rows now in the database
    instead of the file names (a directory import's files are named after their entities)."""
    last = "in database" if stored is not None else "file"
    table = Table("entity", "created", "updated", "unchanged", last)
    for entity, counts in summary.counts.items():
        table.add_row(
            entity,
            f"{counts.created:,}",
            f"{counts.updated:,}",
            f"{counts.unchanged:,}",
            f"{stored.get(entity, 0):,}" if stored is not None else summary.sources.get(entity, ""),
        )
    console.print(table)


def _print_problems(error: DataImportError) -> None:
    table = Table("file", "row", "column", "problem", title="Import rejected: nothing was stored")
    for issue in error.issues[:SHOWN_PROBLEMS]:
        table.add_row(
            issue.file,
            "" if issue.row is None else str(issue.row),
            issue.column or "",
            issue.reason,
        )
    console.print(table)
    hidden = len(error.issues) - SHOWN_PROBLEMS
    console.print(
        f"{len(error.issues)} problem(s)" + (f"; {hidden} more not shown." if hidden > 0 else ".")
    )
