"""Import entry points: one file, a directory of files, or a workbook with one sheet per entity.

Each call is one transaction: every file is read and checked (in dependency order, so sites see the
regions of the same call), and the call either commits everything or, on any problem, rolls back and
raises ``DataImportError`` listing every problem found. Rows are matched by natural key:
re-importing a file updates the stored rows instead of duplicating them (``on_existing="reject"``
reports them as duplicates instead).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session

from scheduler.importers.entities import ENTITIES, SPECS
from scheduler.importers.issues import DataImportError, ImportIssue, Issues
from scheduler.importers.loader import Counts, OnExisting, load_entity
from scheduler.importers.reading import (
    Source,
    Table,
    is_excel,
    is_tabular,
    read_table,
    sheet_names,
    stem,
)
from scheduler.importers.refs import Refs
from scheduler.importers.volumes import load_volumes

STUDY_VOLUMES = "study_volumes"
ENTITY_NAMES: tuple[str, ...] = (*(spec.name for spec in ENTITIES), STUDY_VOLUMES)

# (entity, rows done, rows in all) as work proceeds, for progress bars.
ImportProgress = Callable[[str, int, int], None]


@dataclass
class ImportSummary:
    """What one import call stored, per entity in the order imported."""

    counts: dict[str, Counts] = field(default_factory=dict)
    # entity -> the file (or file[sheet]) it came from
    sources: dict[str, str] = field(default_factory=dict)


def import_file(
    session: Session,
    entity: str,
    path: Path,
    *,
    on_existing: OnExisting = "update",
    on_progress: ImportProgress | None = None,
) -> ImportSummary:
    """Import one CSV (``.csv``, ``.csv.gz``) or Excel file holding ``entity`` rows.

    From a workbook, the sheet named after the entity is read, else the first sheet.
    """
    path = Path(path)
    if entity not in ENTITY_NAMES:
        raise DataImportError(
            [
                ImportIssue(
                    path.name,
                    None,
                    None,
                    f"unknown entity {entity!r} (expected: {', '.join(ENTITY_NAMES)})",
                )
            ]
        )
    sheet = None
    if is_excel(path) and path.exists():
        names = sheet_names(path)
        sheet = entity if entity in names else (names[0] if names else None)
    return _run(session, [(entity, Source(path, sheet))], on_existing, on_progress)


def import_directory(
    session: Session,
    directory: Path,
    *,
    on_existing: OnExisting = "update",
    on_progress: ImportProgress | None = None,
) -> ImportSummary:
    """Import every ``<entity>.csv`` / ``.csv.gz`` / ``.xlsx`` file of ``directory`` in dependency
    order.
    """
    directory = Path(directory)
    label = directory.name or str(directory)
    if not directory.is_dir():
        raise DataImportError([ImportIssue(label, None, None, "not a directory")])
    problems: list[ImportIssue] = []
    found: dict[str, Source] = {}
    for path in sorted(p for p in directory.iterdir() if p.is_file() and is_tabular(p)):
        entity = stem(path)
        if entity not in ENTITY_NAMES:
            problems.append(
                ImportIssue(
                    path.name,
                    None,
                    None,
                    f"not an entity file name (expected one of: {', '.join(ENTITY_NAMES)})",
                )
            )
        elif entity in found:
            problems.append(
                ImportIssue(path.name, None, None, f"{found[entity].label} holds {entity} as well")
            )
        else:
            found[entity] = Source(
                path, entity if is_excel(path) and entity in sheet_names(path) else None
            )
    if not found and not problems:
        problems.append(
            ImportIssue(label, None, None, "no importable files (<entity>.csv, .csv.gz or .xlsx)")
        )
    if problems:
        raise DataImportError(problems)
    return _run(session, list(found.items()), on_existing, on_progress)


def import_workbook(
    session: Session,
    path: Path,
    *,
    on_existing: OnExisting = "update",
    on_progress: ImportProgress | None = None,
) -> ImportSummary:
    """Import a workbook whose sheets are named after entities (``regions``, ``sites``, ...)."""
    path = Path(path)
    if not path.exists():
        raise DataImportError([ImportIssue(path.name, None, None, "file not found")])
    sources, problems = [], []
    names = sheet_names(path)
    if not names:
        issues = Issues(path.name)
        read_table(Source(path), issues)  # says why the workbook cannot be opened
        raise DataImportError(issues.found or [ImportIssue(path.name, None, None, "no sheets")])
    for name in names:
        if name in ENTITY_NAMES:
            sources.append((name, Source(path, name)))
        else:
            problems.append(
                ImportIssue(f"{path.name}[{name}]", None, None, "sheet name is not an entity name")
            )
    if not sources and not problems:
        problems.append(ImportIssue(path.name, None, None, "no sheet is named after an entity"))
    if problems:
        raise DataImportError(problems)
    return _run(session, sources, on_existing, on_progress)


def _run(
    session: Session,
    sources: list[tuple[str, Source]],
    on_existing: OnExisting,
    on_progress: ImportProgress | None,
) -> ImportSummary:
    summary = ImportSummary()
    problems: list[ImportIssue] = []
    refs = Refs(session)
    try:
        for entity, source in sorted(sources, key=lambda item: ENTITY_NAMES.index(item[0])):
            issues = Issues(source.label)
            table = read_table(source, issues)
            if table is not None:
                try:
                    summary.counts[entity] = _load(
                        session, entity, table, issues, refs, on_existing, on_progress
                    )
                except sa.exc.IntegrityError as exc:
                    # Our checks should catch every clash first; if one slips through, say so, not
                    # crash.
                    issues.add(
                        None,
                        None,
                        f"the database refused the rows: {str(exc.orig).splitlines()[0]}",
                    )
                    raise DataImportError(problems + issues.found) from exc
                summary.sources[entity] = source.label
            refs.forget()
            problems += sorted(issues.found, key=lambda issue: issue.row or 0)
        if problems:
            raise DataImportError(problems)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return summary


def _load(
    session: Session,
    entity: str,
    table: Table,
    issues: Issues,
    refs: Refs,
    on_existing: OnExisting,
    on_progress: ImportProgress | None,
) -> Counts:
    if entity == STUDY_VOLUMES:
        progress = (lambda done, total: on_progress(entity, done, total)) if on_progress else None
        return load_volumes(session, table, issues, refs, on_existing, progress)
    counts = load_entity(session, SPECS[entity], table, issues, refs, on_existing)
    if on_progress:
        on_progress(entity, counts.total, counts.total)
    return counts
