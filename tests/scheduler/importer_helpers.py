"""Helpers for the importer tests: demo files, row counts, "rejected and nothing changed"."""

import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from scheduler.importers import DataImportError, ImportIssue

VOLUMES = "study_volumes.csv.gz"


def row_counts(session: Session) -> dict[str, int]:
    """Rows in every table, to prove a rejected import stored nothing."""
    return {
        table.name: session.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
        for table in SQLModel.metadata.sorted_tables
    }


def rejected(session: Session, attempt: Callable[[], object]) -> list[ImportIssue]:
    """Run an import that must fail; check the database is untouched; return the problems."""
    before = row_counts(session)
    with pytest.raises(DataImportError) as caught:
        attempt()
    session.rollback()
    assert row_counts(session) == before, "a rejected import must not store anything"
    assert caught.value.issues, "a rejection lists its problems"
    return caught.value.issues


def copy_without_volumes(source: Path, target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for path in source.iterdir():
        if path.name != VOLUMES and path.suffix == ".csv":
            shutil.copy(path, target / path.name)
    return target


def copy_with_few_volumes(source: Path, target: Path, rows: int = 2000) -> Path:
    """The demo files with only the first ``rows`` volume rows, enough for the volume path."""
    copy_without_volumes(source, target)
    pd.read_csv(source / VOLUMES, nrows=rows).to_csv(target / VOLUMES, index=False)
    return target


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
