"""``teleroster export-all`` / ``import-all``: the whole database to a JSON file and back."""

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from scheduler.backup import BackupError, import_all, read_backup, write_backup
from scheduler.cli import app
from scheduler.db import session_scope

console = Console()


@app.command("export-all")
def export_all_command(
    path: Annotated[Path, typer.Argument(help="Backup file to write (.json, or .json.gz).")],
) -> None:
    """Write every table of the configured database to one JSON file."""
    with session_scope() as session:
        counts = write_backup(session, path)
    console.print(f"Wrote {sum(counts.values()):,} rows of {len(counts)} tables to {path}.")


@app.command("import-all")
def import_all_command(
    path: Annotated[Path, typer.Argument(help="Backup file written by export-all.")],
    replace: Annotated[
        bool, typer.Option(help="Delete every row of the database first (else it must be empty).")
    ] = False,
) -> None:
    """Restore a backup into the configured database (migrated to the backup's revision)."""
    try:
        backup = read_backup(path)
        with session_scope() as session:
            summary = import_all(session, backup, replace=replace)
    except BackupError as exc:
        console.print(f"[red]Restore refused, nothing changed: {exc}[/red]")
        raise typer.Exit(1) from None
    table = Table("table", "rows")
    for name, rows in summary.rows.items():
        if rows:
            table.add_row(name, f"{rows:,}")
    console.print(table)
    console.print(f"Restored {summary.total:,} rows from {path}.")
