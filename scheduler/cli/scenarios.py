"""``teleroster scenario create|list|copy|run|compare``, ``teleroster sweep`` and ``teleroster
recommend-licences``: the regional planner's what-ifs from the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from scheduler import models as m
from scheduler.cli import app
from scheduler.db import session_scope
from scheduler.problem_builder import BuildError
from scheduler.scenarios.changes import ChangeError, apply_changes, describe
from scheduler.scenarios.compare import compare_scenarios, comparison_csv, comparison_xlsx
from scheduler.scenarios.grid import GridError, load_grid
from scheduler.scenarios.inputs import load_baseline
from scheduler.scenarios.recommend import RecommendError, recommend_licences
from scheduler.scenarios.run import ScenarioOutcome
from scheduler.scenarios.service import (
    check_changes,
    copy_scenario,
    create_scenario,
    get_result,
    get_scenario,
    list_scenarios,
    run_scenario,
    scenario_changes,
)
from scheduler.scenarios.sweep import (
    cancel_sweep,
    create_sweep,
    list_sweeps,
    run_sweep,
    sweep_progress,
)
from scheduler.services.errors import Conflict, FieldError, NotFound
from solver.options import SolveOptions

console = Console(stderr=True)
scenario_app = typer.Typer(
    help="What-if scenarios: create, list, copy, run, compare.", no_args_is_help=True
)
app.add_typer(scenario_app, name="scenario")

PlannerErrors = (FieldError, NotFound, Conflict, BuildError, GridError, RecommendError, ChangeError)


def _fail(exc: Exception) -> typer.Exit:
    # Unwrapped, and the message escaped: it may quote brackets from the user's input.
    console.print(f"[red]error:[/red] {escape(str(exc))}", soft_wrap=True, highlight=False)
    return typer.Exit(2)


def _read_changes(path: Path | None, inline: list[str] | None) -> list[Any]:
    """Changes from a YAML/JSON file (a list) and/or repeated ``--change '{...}'``."""
    changes: list[Any] = []
    if path is not None:
        try:
            text = path.read_text(encoding="utf-8")
            loaded = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
        except (OSError, ValueError, yaml.YAMLError) as exc:
            raise FieldError("changes", f"{path}: cannot read the changes ({exc})") from exc
        if not isinstance(loaded, list):
            raise FieldError("changes", f"{path}: must hold a list of changes")
        changes += loaded
    for number, text in enumerate(inline or [], start=1):
        try:
            changes.append(json.loads(text))
        except ValueError as exc:
            raise FieldError("change", f"--change number {number} is not JSON ({exc})") from exc
    return changes


@scenario_app.command("create")
def create_command(
    period: Annotated[int, typer.Option("--period", help="Baseline planning period id.")],
    name: Annotated[str, typer.Option("--name", help="A unique name.")],
    changes_file: Annotated[
        Path | None, typer.Option("--changes", help="YAML or JSON file with a list of changes.")
    ] = None,
    change: Annotated[
        list[str] | None, typer.Option("--change", help="One change as JSON (repeatable).")
    ] = None,
    description: Annotated[str, typer.Option("--description")] = "",
) -> None:
    """Store a scenario; its changes are checked against the period's problem first."""
    try:
        with session_scope() as session:
            row = create_scenario(
                session=session,
                scenario_in=m.ScenarioCreate(
                    name=name,
                    period_id=period,
                    description=description,
                    changes=_read_changes(changes_file, change),
                ),
            )
            for line in (describe(c) for c in scenario_changes(row)):
                console.print(f"  • {line}")
            print(row.id)
    except PlannerErrors as exc:
        raise _fail(exc) from exc


@scenario_app.command("list")
def list_command(
    period: Annotated[int | None, typer.Option("--period")] = None,
) -> None:
    with session_scope() as session:
        table = Table("id", "name", "period", "changes", "result", title="Scenarios")
        for row in list_scenarios(session=session, period_id=period):
            assert row.id is not None
            result = get_result(session=session, scenario_id=row.id)
            table.add_row(
                str(row.id),
                row.name,
                str(row.period_id),
                str(len(json.loads(row.changes_json))),
                result.status if result else "-",
            )
        Console().print(table)


@scenario_app.command("copy")
def copy_command(
    scenario: Annotated[int, typer.Argument(help="Scenario id to copy.")],
    name: Annotated[str, typer.Option("--name", help="Name of the copy.")],
) -> None:
    try:
        with session_scope() as session:
            print(copy_scenario(session=session, scenario_id=scenario, name=name).id)
    except PlannerErrors as exc:
        raise _fail(exc) from exc


@scenario_app.command("run")
def run_command(
    scenario: Annotated[int, typer.Argument(help="Scenario id.")],
    time_limit: Annotated[float, typer.Option("--time-limit", help="Seconds.")] = 30.0,
    workers: Annotated[int, typer.Option("--workers", help="CP-SAT workers.")] = 2,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Solve the scenario (and the period's baseline, if it has no result yet); store both."""
    options = SolveOptions(max_time_in_seconds=time_limit, num_workers=workers)
    try:
        with session_scope() as session:
            result = run_scenario(session=session, scenario_id=scenario, options=options)
            summary = {
                "scenario": scenario,
                "status": result.status,
                "objective": result.objective,
                "seconds": round(result.wall_seconds, 2),
                "kpis": json.loads(result.kpis_json),
                "explanation": result.explanation.splitlines(),
            }
    except PlannerErrors as exc:
        raise _fail(exc) from exc
    if as_json:
        print(json.dumps(summary))
        return
    console.print(
        f"Scenario {scenario}: [bold]{summary['status']}[/bold], objective "
        f"{summary['objective']}, {summary['seconds']} s"
    )
    for line in summary["explanation"]:
        console.print(f"  [red]•[/red] {line}")
    _print_regions(summary["kpis"])


def _print_regions(kpis: dict[str, Any]) -> None:
    table = Table(
        "region", "sparse", "covered %", "night %", "weekend %", "unmet h", "on-call gaps",
        "urgent TAT min", "on time %", title="KPIs by region",
    )  # fmt: skip
    for row in kpis.get("regions", []):
        pct = row["covered_pct"]
        table.add_row(
            row["region"],
            "yes" if row["sparse"] else "",
            _fmt(pct.get("all")),
            _fmt(pct.get("night")),
            _fmt(pct.get("weekend")),
            _fmt(row["unmet_hours"]),
            str(row["on_call_gaps"]),
            _fmt(row["urgent_turnaround_minutes"]),
            _fmt(row["urgent_on_time_pct"]),
        )
    Console().print(table)


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


@scenario_app.command("compare")
def compare_command(
    scenarios: Annotated[list[int], typer.Argument(help="Scenario ids (one period).")],
    csv_file: Annotated[Path | None, typer.Option("--csv", help="Write the table as CSV.")] = None,
    xlsx_file: Annotated[Path | None, typer.Option("--xlsx", help="Write it as Excel.")] = None,
) -> None:
    """The scenarios beside the period's baseline: demand covered per region, and the deltas."""
    try:
        with session_scope() as session:
            comparison = compare_scenarios(session=session, scenario_ids=scenarios)
            if csv_file is not None:
                csv_file.write_text(comparison_csv(comparison), encoding="utf-8")
            if xlsx_file is not None:
                xlsx_file.write_bytes(comparison_xlsx(comparison))
            table = Table("region", *(c.scenario.name for c in comparison.columns))
            for region in comparison.regions:
                cells = []
                for column in comparison.columns:
                    value, delta = (
                        comparison.covered(column, region),
                        comparison.delta(column, region),
                    )
                    text = _fmt(value)
                    if delta is not None:
                        text += f" ({delta:+.1f})"
                    cells.append(text)
                label = f"{region} (sparse)" if region in comparison.sparse else region
                table.add_row(label, *cells)
            table.add_row("status", *(c.status for c in comparison.columns))
    except PlannerErrors as exc:
        raise _fail(exc) from exc
    Console().print(table)


@app.command("sweep")
def sweep_command(
    grid: Annotated[Path | None, typer.Option("--grid", help="YAML or JSON grid file.")] = None,
    period: Annotated[int | None, typer.Option("--period", help="Default: the grid's.")] = None,
    name: Annotated[str | None, typer.Option("--name", help="Default: the grid's.")] = None,
    time_limit: Annotated[
        float | None, typer.Option("--time-limit", help="Seconds per scenario (default 30).")
    ] = None,
    workers: Annotated[
        int | None, typer.Option("--workers", help="CP-SAT workers per scenario (default 1).")
    ] = None,
    resume: Annotated[
        int | None, typer.Option("--resume", help="Run the unfinished scenarios of this sweep.")
    ] = None,
    cancel: Annotated[int | None, typer.Option("--cancel", help="Stop a running sweep.")] = None,
    sequential: Annotated[
        bool, typer.Option("--sequential", help="Solve here, one by one, without Ray.")
    ] = False,
    list_all: Annotated[bool, typer.Option("--list", help="List the sweeps.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", help="No per-scenario lines.")] = False,
) -> None:
    """Create a sweep from a grid and run every combination on Ray (a local runtime unless
    RAY_ADDRESS is set); --resume runs what a cancelled or failed sweep left."""
    try:
        if list_all:
            _list_sweeps()
            return
        if cancel is not None:
            with session_scope() as session:
                cancel_sweep(session=session, sweep_id=cancel)
            console.print(f"Sweep {cancel}: cancel requested.")
            return
        sweep_id = (
            resume
            if resume is not None
            else _create_from_grid(grid, period, name, time_limit, workers)
        )
        with session_scope() as session:
            progress = sweep_progress(session=session, sweep_id=sweep_id)
        console.print(
            f"Sweep {sweep_id}: {progress.total} scenarios, {progress.done} done, "
            f"{progress.remaining} to solve {'here' if sequential else 'on Ray'}"
        )

        def on_result(scenario: str, outcome: ScenarioOutcome) -> None:
            if not quiet:
                console.print(f"  {outcome.status:>9}  {outcome.wall_seconds:6.1f} s  {scenario}")

        run = run_sweep(sweep_id=sweep_id, use_ray=not sequential, on_result=on_result)
    except PlannerErrors as exc:
        raise _fail(exc) from exc
    state = "cancelled" if run.cancelled else "finished"
    console.print(
        f"Sweep {sweep_id} {state}: {run.solved} solved, {run.skipped} already done, "
        f"{run.wall_seconds:.1f} s"
    )
    facts = {"sweep": sweep_id, "solved": run.solved, "skipped": run.skipped}
    print(json.dumps({**facts, "cancelled": run.cancelled, "seconds": round(run.wall_seconds, 2)}))


def _create_from_grid(
    path: Path | None,
    period: int | None,
    name: str | None,
    time_limit: float | None,
    workers: int | None,
) -> int:
    if path is None:
        raise FieldError("grid", "give --grid FILE to start a sweep, or --resume ID")
    grid = load_grid(path)
    period = period or grid.period
    name = name or grid.name or path.stem
    if period is None:
        raise FieldError("period", f"{path}: no period in the grid: give --period")
    with session_scope() as session:
        sweep = create_sweep(
            session=session,
            grid=grid,
            name=name,
            period_id=period,
            time_limit_seconds=time_limit or grid.time_limit or 30.0,
            num_workers=workers or grid.workers or 1,
        )
        assert sweep.id is not None
        return sweep.id


def _list_sweeps() -> None:
    with session_scope() as session:
        table = Table("id", "name", "period", "status", "done", "total", title="Sweeps")
        for sweep in list_sweeps(session=session):
            assert sweep.id is not None
            progress = sweep_progress(session=session, sweep_id=sweep.id)
            table.add_row(
                str(sweep.id), sweep.name, str(sweep.period_id), sweep.status.value,
                str(progress.done), str(progress.total),
            )  # fmt: skip
        Console().print(table)


@app.command("recommend-licences")
def recommend_command(
    period: Annotated[int, typer.Option("--period", help="Planning period id.")],
    budget: Annotated[int, typer.Option("--budget", help="New licences to grant (K).")] = 3,
    scenario: Annotated[
        int | None, typer.Option("--scenario", help="Start from this scenario's changes.")
    ] = None,
    time_limit: Annotated[float, typer.Option("--time-limit", help="Seconds.")] = 10.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Which (radiologist, sparse region) licences add most covered demand, and each one's
    marginal value: the aggregate flow model of scheduler.scenarios.recommend, on CP-SAT."""
    try:
        with session_scope() as session:
            base = load_baseline(session=session, period_id=period).input
            if scenario is not None:
                row = get_scenario(session=session, scenario_id=scenario)
                if row.period_id != period:
                    raise FieldError(
                        "scenario", f"scenario {scenario} is of period {row.period_id}"
                    )
                base = apply_changes(base, check_changes(json.loads(row.changes_json)))
        advice = recommend_licences(base.problem, budget, time_limit=time_limit)
    except PlannerErrors as exc:
        raise _fail(exc) from exc
    out = {
        **advice.summary(),
        "by_region": {
            region: {"demand_hours": d, "covered_before_hours": b, "covered_after_hours": a}
            for region, (d, b, a) in advice.by_region.items()
        },
    }
    if as_json:
        print(json.dumps(out))
        return
    console.print(
        f"Sparse demand {advice.demand_hours:.1f} h: coverable {advice.covered_before_hours:.1f} h "
        f"now, {advice.covered_after_hours:.1f} h with {len(advice.grants)} grant(s) "
        f"({advice.status}, {advice.candidates} candidates)"
    )
    table = Table("radiologist", "region", "grant", "marginal h", title="Recommended grants")
    for g in advice.grants:
        table.add_row(
            f"{g.grant.radiologist} {g.name}",
            g.grant.region,
            g.grant.kind,
            f"{g.marginal_hours:.1f}",
        )
    Console().print(table)
