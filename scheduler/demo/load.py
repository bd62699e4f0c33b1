"""Load the committed demo dataset (data/demo) into a database, optionally wiping earlier data
first.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, func, select

from scheduler.importers import ImportProgress, ImportSummary, import_directory
from scheduler.importers.entities import ENTITIES
from scheduler.models import PlanningPeriod, StudyVolume
from scheduler.settings import project_root

DEMO_PERIOD_NAME = "January 2027 (weeks 1-4)"


def demo_directory() -> Path:
    return project_root() / "data" / "demo"


@dataclass(frozen=True)
class DemoLoad:
    summary: ImportSummary
    period_id: int | None
    stored: dict[str, int]  # rows now in the database, per entity


def load_demo(
    *,
    session: Session,
    directory: Path | None = None,
    reset: bool = False,
    on_progress: ImportProgress | None = None,
) -> DemoLoad:
    """Import the demo files (idempotent: a second load changes nothing). ``reset`` first deletes
    every imported row and what depends on it (rosters, jobs, ...), in the same transaction as the
    load.
    """
    if reset:
        clear_imported_data(session)
    summary = import_directory(session, directory or demo_directory(), on_progress=on_progress)
    period = session.exec(
        select(PlanningPeriod).where(PlanningPeriod.name == DEMO_PERIOD_NAME)
    ).first()
    return DemoLoad(
        summary=summary, period_id=period.id if period else None, stored=stored_counts(session)
    )


def stored_counts(session: Session) -> dict[str, int]:
    tables = {spec.name: spec.table for spec in ENTITIES} | {"study_volumes": StudyVolume}
    return {
        name: session.exec(select(func.count()).select_from(table)).one()
        for name, table in tables.items()
    }


def clear_imported_data(session: Session) -> None:
    """Delete the rows of every importable table and of tables that need them; rows that only point
    at them optionally (a nullable reference) keep living with the reference cleared.
    """
    imported = {spec.table.__tablename__ for spec in ENTITIES} | {StudyVolume.__tablename__}
    ordered = SQLModel.metadata.sorted_tables
    doomed: set[str] = set()
    for table in ordered:  # parents come first, so one pass finds every dependant
        needs = any(
            not fk.parent.nullable and fk.column.table.name in doomed for fk in table.foreign_keys
        )
        if table.name in imported or needs:
            doomed.add(table.name)
    for table in ordered:
        for fk in table.foreign_keys:
            if fk.parent.nullable and fk.column.table.name in doomed:
                session.execute(
                    sa.update(table).where(fk.parent.is_not(None)).values({fk.parent.name: None})
                )
    for table in reversed(ordered):
        if table.name in doomed:
            session.execute(sa.delete(table))
    session.flush()
