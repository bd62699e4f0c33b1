"""The planning period page: status, who has not entered availability, demand, versions, jobs."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlmodel import Session, col, select

from scheduler import models as m
from scheduler.jobs.service import list_jobs
from scheduler.services.catalogue import get_row
from scheduler.services.radiologists import visible_radiologist_ids
from scheduler.services.scope import RegionScope


@dataclass(frozen=True)
class DemandCell:
    region: str
    subspecialty: str
    reader_hours: float


@dataclass(frozen=True)
class DemandSummary:
    regions: tuple[str, ...]
    subspecialties: tuple[str, ...]
    hours: dict[tuple[str, str], float]  # (region code, subspecialty code) -> reader-hours

    @property
    def total(self) -> float:
        return sum(self.hours.values())

    def region_total(self, region: str) -> float:
        return sum(h for (r, _), h in self.hours.items() if r == region)

    def subspecialty_total(self, subspecialty: str) -> float:
        return sum(h for (_, s), h in self.hours.items() if s == subspecialty)


@dataclass(frozen=True)
class AvailabilityStatus:
    submitted: tuple[m.Radiologist, ...]
    missing: tuple[m.Radiologist, ...]  # active readers with no entry for the period

    @property
    def complete_fraction(self) -> float:
        total = len(self.submitted) + len(self.missing)
        return len(self.submitted) / total if total else 1.0


@dataclass(frozen=True)
class PeriodSummary:
    period: m.PlanningPeriod
    availability: AvailabilityStatus
    demand: DemandSummary
    rosters: tuple[m.Roster, ...]  # newest first
    jobs: tuple[m.SolveJob, ...]  # newest first

    @property
    def latest_roster(self) -> m.Roster | None:
        return self.rosters[0] if self.rosters else None


def list_periods(*, session: Session) -> list[m.PlanningPeriod]:
    return list(
        session.exec(select(m.PlanningPeriod).order_by(col(m.PlanningPeriod.start_date).desc()))
    )


def get_period(*, session: Session, period_id: int) -> m.PlanningPeriod:
    return get_row(session, m.PlanningPeriod, period_id)


def list_rosters(*, session: Session, period_id: int) -> list[m.Roster]:
    return list(
        session.exec(
            select(m.Roster)
            .where(m.Roster.period_id == period_id)
            .order_by(col(m.Roster.version).desc())
        )
    )


def availability_status(
    *, session: Session, period_id: int, scope: RegionScope
) -> AvailabilityStatus:
    visible = visible_radiologist_ids(session=session, scope=scope)
    readers = [
        r
        for r in session.exec(
            select(m.Radiologist).where(col(m.Radiologist.active)).order_by(col(m.Radiologist.name))
        )
        if visible is None or r.id in visible
    ]
    # Saving an empty form counts (nothing to declare); imported entries count as well.
    entered = set(
        session.exec(
            select(m.AvailabilitySubmission.radiologist_id).where(
                m.AvailabilitySubmission.period_id == period_id
            )
        )
    ) | set(
        session.exec(
            select(m.AvailabilityEntry.radiologist_id)
            .where(m.AvailabilityEntry.period_id == period_id)
            .distinct()
        )
    )
    return AvailabilityStatus(
        submitted=tuple(r for r in readers if r.id in entered),
        missing=tuple(r for r in readers if r.id not in entered),
    )


def demand_summary(*, session: Session, period_id: int, scope: RegionScope) -> DemandSummary:
    """Reader-hours wanted, by region and subspecialty, from the shift_demand table."""
    regions = {r.id: r.code for r in session.exec(select(m.Region))}
    subspecialties = {s.id: s.code for s in session.exec(select(m.Subspecialty))}
    hours: dict[tuple[str, str], float] = defaultdict(float)
    rows = session.exec(
        select(
            m.ShiftDemand.region_id, m.ShiftDemand.subspecialty_id, m.ShiftDemand.reader_hours
        ).where(m.ShiftDemand.period_id == period_id)
    )
    for region_id, subspecialty_id, reader_hours in rows:
        if scope.allows(region_id):
            hours[(regions[region_id], subspecialties[subspecialty_id])] += reader_hours
    return DemandSummary(
        regions=tuple(sorted({r for r, _ in hours})),
        subspecialties=tuple(sorted({s for _, s in hours})),
        hours=dict(hours),
    )


def period_summary(*, session: Session, period_id: int, scope: RegionScope) -> PeriodSummary:
    period = get_period(session=session, period_id=period_id)
    return PeriodSummary(
        period=period,
        availability=availability_status(session=session, period_id=period_id, scope=scope),
        demand=demand_summary(session=session, period_id=period_id, scope=scope),
        rosters=tuple(list_rosters(session=session, period_id=period_id)),
        jobs=tuple(list_jobs(session=session, period_id=period_id, limit=10)),
    )
