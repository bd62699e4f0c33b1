"""The roster grid: radiologists x days, each cell the shifts worked, for the page and the API.

Read in a fixed number of queries (no problem build), so a 100 x 28 grid renders quickly.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, select

from scheduler import models as m
from scheduler.services.catalogue import get_row
from scheduler.services.radiologists import visible_radiologist_ids
from scheduler.services.scope import RegionScope


@dataclass(frozen=True)
class CellShift:
    assignment_id: int
    template_id: int
    template_code: str
    kind: m.ShiftKind
    region_id: int | None
    region_code: str | None
    locked: bool

    @property
    def on_call(self) -> bool:
        return self.kind == m.ShiftKind.ON_CALL


@dataclass(frozen=True)
class GridRow:
    radiologist: m.Radiologist
    home_region: str | None
    cells: tuple[tuple[CellShift, ...], ...]  # one per day, empty when off

    @property
    def shift_count(self) -> int:
        return sum(len(cell) for cell in self.cells)


@dataclass(frozen=True)
class RosterGrid:
    roster: m.Roster
    period: m.PlanningPeriod
    dates: tuple[dt.date, ...]
    rows: tuple[GridRow, ...]


@dataclass(frozen=True)
class ShiftOption:
    """One shift a cell can be set to: a template worked in a region on that date."""

    template_id: int
    region_id: int | None
    label: str
    kind: m.ShiftKind

    @property
    def value(self) -> str:
        return f"{self.template_id}:{'' if self.region_id is None else self.region_id}"


def get_roster_row(*, session: Session, roster_id: int) -> m.Roster:
    return get_row(session, m.Roster, roster_id)


def period_dates(period: m.PlanningPeriod) -> tuple[dt.date, ...]:
    return tuple(period.start_date + dt.timedelta(days=d) for d in range(period.num_days))


def roster_grid(
    *,
    session: Session,
    roster_id: int,
    scope: RegionScope,
    region_id: int | None = None,
    subspecialty_id: int | None = None,
) -> RosterGrid:
    """Rows for the readers the user may see, narrowed by region and subspecialty if given."""
    roster = get_roster_row(session=session, roster_id=roster_id)
    period = get_row(session, m.PlanningPeriod, roster.period_id)
    dates = period_dates(period)
    day_of = {date: day for day, date in enumerate(dates)}
    regions = {r.id: r.code for r in session.exec(select(m.Region))}
    templates = {t.id: t for t in session.exec(select(m.ShiftTemplate))}

    cells: dict[int, list[list[CellShift]]] = defaultdict(lambda: [[] for _ in dates])
    worked_regions: dict[int, set[int | None]] = defaultdict(set)
    # Plain columns, not ORM objects: a month of a hundred readers is thousands of rows.
    assignments = session.connection().execute(
        sa.select(
            col(m.Assignment.id),
            col(m.Assignment.radiologist_id),
            col(m.Assignment.date),
            col(m.Assignment.shift_template_id),
            col(m.Assignment.region_id),
            col(m.Assignment.locked),
        )
        .where(col(m.Assignment.roster_id) == roster_id)
        .order_by(col(m.Assignment.date), col(m.Assignment.id))
    )
    for assignment_id, reader_id, date, template_id, served, locked in assignments:
        assert assignment_id is not None
        template = templates[template_id]
        day = day_of.get(date)
        if day is None:
            continue  # outside the period (the period was shortened): not shown
        worked_regions[reader_id].add(served)
        cells[reader_id][day].append(
            CellShift(
                assignment_id=assignment_id,
                template_id=template_id,
                template_code=template.code,
                kind=template.kind,
                region_id=served,
                region_code=regions.get(served) if served is not None else None,
                locked=locked,
            )
        )

    readers = _row_readers(session, scope, set(cells), region_id, subspecialty_id, worked_regions)
    rows = tuple(
        GridRow(
            radiologist=reader,
            home_region=regions.get(reader.home_region_id) if reader.home_region_id else None,
            cells=tuple(tuple(cell) for cell in cells[reader.id])
            if reader.id in cells
            else tuple(() for _ in dates),
        )
        for reader in readers
        if reader.id is not None
    )
    return RosterGrid(roster=roster, period=period, dates=dates, rows=rows)


def _row_readers(
    session: Session,
    scope: RegionScope,
    with_shifts: set[int],
    region_id: int | None,
    subspecialty_id: int | None,
    worked_regions: dict[int, set[int | None]],
) -> list[m.Radiologist]:
    """Active readers and anyone with shifts, visible to the user, matching the filters."""
    readers = [
        r
        for r in session.exec(select(m.Radiologist).order_by(col(m.Radiologist.name)))
        if r.active or r.id in with_shifts
    ]
    visible = visible_radiologist_ids(session=session, scope=scope)
    if visible is not None:
        readers = [r for r in readers if r.id in visible]
    if region_id is not None:
        licensed = set(
            session.exec(select(m.Licence.radiologist_id).where(m.Licence.region_id == region_id))
        )
        readers = [
            r
            for r in readers
            if r.home_region_id == region_id
            or r.id in licensed
            or region_id in worked_regions.get(r.id or 0, set())
        ]
    if subspecialty_id is not None:
        skilled = set(
            session.exec(
                select(m.Skill.radiologist_id).where(m.Skill.subspecialty_id == subspecialty_id)
            )
        )
        readers = [r for r in readers if r.id in skilled]
    return readers


def shift_options(*, session: Session, date: dt.date, scope: RegionScope) -> list[ShiftOption]:
    """Every shift worked on ``date`` in a region the user manages, by region and start time."""
    regions = {r.id: r for r in session.exec(select(m.Region).order_by(col(m.Region.code)))}
    options = []
    for template in session.exec(
        select(m.ShiftTemplate).order_by(col(m.ShiftTemplate.local_start))
    ):
        assert template.id is not None
        if not template.applies_on(date):
            continue
        served = [template.region_id] if template.region_id is not None else list(regions)
        for region_id in served:
            if region_id is None or not scope.allows(region_id):
                continue
            hours = template.length_minutes / 60
            options.append(
                ShiftOption(
                    template_id=template.id,
                    region_id=region_id,
                    label=f"{regions[region_id].code} · {template.name} "
                    f"({template.local_start:%H:%M}, {hours:g} h)",
                    kind=template.kind,
                )
            )
    options.sort(key=lambda o: o.label)
    return options
