"""The ``teleroster`` command line; each command group registers itself from its own module."""

from __future__ import annotations

import typer

WORKERS_HELP = "CP-SAT workers (default: one per core this process may use, at least 2)."

app = typer.Typer(
    name="teleroster",
    help="Teleradiology workforce scheduling and capacity optimizer.",
    no_args_is_help=True,
    add_completion=False,
)


def _register() -> None:
    # Imported for their side effect of adding commands to ``app``; one module per command group.
    import importlib

    for module in (
        "db",
        "data",
        "serve",
        "solve",
        "bench",
        "forecast",
        "jobs",
        "users",
        "scenarios",
        "backup",
    ):
        try:
            importlib.import_module(f"scheduler.cli.{module}")
        except ModuleNotFoundError as exc:
            if exc.name != f"scheduler.cli.{module}":
                raise


def main() -> None:
    _register()
    app()
