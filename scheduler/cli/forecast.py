"""``teleroster forecast``: backtest, forecast a period's study volumes and store the demand."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console

from scheduler.cli import app
from scheduler.db import session_scope
from scheduler.forecast.backtest import format_table
from scheduler.forecast.history import VolumeDataError
from scheduler.forecast.service import ForecastError, ForecastRun, run_forecast

console = Console(stderr=True)


@app.command("forecast")
def forecast_command(
    period: Annotated[int, typer.Option("--period", help="Planning period id.")],
    origins: Annotated[
        int, typer.Option("--origins", help="Backtest weeks (rolling origins); 0 skips it.")
    ] = 8,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Backtest, forecast the period's study volumes, store the reading demand it requires."""
    try:
        with session_scope() as session:
            run = run_forecast(session=session, period_id=period, origins=origins)
    except (ForecastError, VolumeDataError) as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    if as_json:
        print(json.dumps(_summary(run)))
    else:
        print_forecast(run)


def _summary(run: ForecastRun) -> dict[str, object]:
    table = None
    if run.backtest is not None:
        table = {
            str(region): {k: float(v) for k, v in row.items()}
            for region, row in run.backtest.table.iterrows()
        }
    return {
        "period_id": run.period_id,
        "series": run.series,
        "hours": run.hours,
        "studies": round(run.studies, 1),
        "reader_hours": round(run.reader_hours, 1),
        "uncovered_reader_hours": round(run.uncovered_reader_hours, 1),
        "rows": {
            "demand_forecast": run.forecast_rows,
            "required_capacity": run.capacity_rows,
            "shift_demand": run.shift_demand_rows,
        },
        "backtest": table,
        "beats_naive": None if run.backtest is None else run.backtest.beats_naive,
        "notes": list(run.notes),
        "seconds": round(run.seconds, 2),
    }


def print_forecast(run: ForecastRun) -> None:
    print(run.gaps)
    if run.backtest is not None:
        print(format_table(run.backtest))
    for note in run.notes:
        print(f"note: {note}")
    print(
        f"period {run.period_id}: {run.series} series x {run.hours} hours, "
        f"{run.studies:,.0f} studies, {run.reader_hours:,.1f} reader-hours "
        f"({run.uncovered_reader_hours:,.1f} in hours no slot of the period covers)"
    )
    print(
        f"stored {run.forecast_rows:,} forecast rows, {run.capacity_rows:,} capacity rows, "
        f"{run.shift_demand_rows:,} shift demand rows in {run.seconds:.1f} s"
    )
