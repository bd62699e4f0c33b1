"""A radiologist's published shifts, and the secret tokens of their calendar feeds.

"Published" means the latest published roster version of each planning period: an approved swap
publishes a new version, and the old one stops counting.
"""

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from scheduler.models import (
    Assignment,
    CalendarToken,
    PlanningPeriod,
    Radiologist,
    Region,
    Roster,
    RosterStatus,
    ShiftKind,
    ShiftTemplate,
    Site,
    utc_now,
)
from scheduler.problem_builder import shift_length_minutes, shift_start_utc

TOKEN_BYTES = 32

_Row = TypeVar("_Row")


@dataclass(frozen=True)
class ScheduledShift:
    """One published assignment with its times: UTC for computing, the zone for showing."""

    assignment_id: int
    roster_id: int
    roster_version: int
    period_id: int
    period_name: str
    radiologist_id: int
    radiologist_name: str
    date: dt.date  # the roster date
    template_id: int
    template_code: str
    template_name: str
    kind: ShiftKind
    region_id: int | None
    region_code: str | None
    region_name: str | None
    time_zone: str  # of the site, else region, the shift serves
    start: dt.datetime  # UTC
    end: dt.datetime  # UTC

    @property
    def on_call(self) -> bool:
        return self.kind == ShiftKind.ON_CALL

    @property
    def local_start(self) -> dt.datetime:
        return self.start.astimezone(ZoneInfo(self.time_zone))

    @property
    def local_end(self) -> dt.datetime:
        return self.end.astimezone(ZoneInfo(self.time_zone))

    @property
    def uid(self) -> str:
        """Stable across roster versions: the same person on the same shift keeps its UID."""
        region = self.region_code or "all"
        return (
            f"p{self.period_id}-{self.date.isoformat()}-{self.template_code}-{region}"
            f"-r{self.radiologist_id}@teleroster"
        )


def latest_published_rosters(*, session: Session) -> list[Roster]:
    """The newest published version of every period that has one."""
    newest = (
        select(Roster.period_id, func.max(Roster.version).label("version"))
        .where(Roster.status == RosterStatus.PUBLISHED)
        .group_by(col(Roster.period_id))
        .subquery()
    )
    query = select(Roster).join(
        newest,
        (col(Roster.period_id) == newest.c.period_id) & (col(Roster.version) == newest.c.version),
    )
    return list(session.exec(query).all())


def latest_published_roster(*, session: Session, period_id: int) -> Roster | None:
    return session.exec(
        select(Roster)
        .where(Roster.period_id == period_id, Roster.status == RosterStatus.PUBLISHED)
        .order_by(col(Roster.version).desc())
    ).first()


def published_shifts(
    *,
    session: Session,
    radiologist_id: int | None = None,
    roster_ids: list[int] | None = None,
    since: dt.date | None = None,
) -> list[ScheduledShift]:
    """Shifts of the latest published versions (or of ``roster_ids``), one radiologist's or all,
    in start order."""
    rosters = (
        latest_published_rosters(session=session)
        if roster_ids is None
        else [r for rid in roster_ids if (r := session.get(Roster, rid)) is not None]
    )
    if not rosters:
        return []
    by_id = {r.id: r for r in rosters}
    query = select(Assignment).where(col(Assignment.roster_id).in_(list(by_id)))
    if radiologist_id is not None:
        query = query.where(Assignment.radiologist_id == radiologist_id)
    if since is not None:
        query = query.where(col(Assignment.date) >= since)
    cache = _Lookups(session)
    shifts = [cache.scheduled(cell, by_id[cell.roster_id]) for cell in session.exec(query).all()]
    return sorted(shifts, key=lambda s: (s.start, s.radiologist_name))


class _Lookups:
    """Rows read once per call, however many assignments refer to them."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.templates: dict[int, ShiftTemplate] = {}
        self.regions: dict[int, Region] = {}
        self.sites: dict[int, Site] = {}
        self.periods: dict[int, PlanningPeriod] = {}
        self.people: dict[int, Radiologist] = {}

    def _get(self, cache: dict[int, _Row], model: type[_Row], key: int) -> _Row:
        if key not in cache:
            row = self.session.get(model, key)
            assert row is not None, f"{model.__name__} {key} is referenced but missing"
            cache[key] = row
        return cache[key]

    def scheduled(self, cell: Assignment, roster: Roster) -> ScheduledShift:
        assert cell.id is not None and roster.id is not None
        template = self._get(self.templates, ShiftTemplate, cell.shift_template_id)
        region_id = cell.region_id if cell.region_id is not None else template.region_id
        region = self._get(self.regions, Region, region_id) if region_id is not None else None
        person = self._get(self.people, Radiologist, cell.radiologist_id)
        period = self._get(self.periods, PlanningPeriod, roster.period_id)
        if template.site_id is not None:
            zone = self._get(self.sites, Site, template.site_id).time_zone
        elif region is not None:
            zone = region.time_zone
        else:
            zone = person.home_time_zone
        start = shift_start_utc(cell.date, template.local_start, zone)
        end = start + dt.timedelta(minutes=shift_length_minutes(start, cell.date, template, zone))
        return ScheduledShift(
            assignment_id=cell.id,
            roster_id=roster.id,
            roster_version=roster.version,
            period_id=period.id or 0,
            period_name=period.name,
            radiologist_id=cell.radiologist_id,
            radiologist_name=person.name,
            date=cell.date,
            template_id=cell.shift_template_id,
            template_code=template.code,
            template_name=template.name,
            kind=template.kind,
            region_id=region_id,
            region_code=region.code if region else None,
            region_name=region.name if region else None,
            time_zone=zone,
            start=start,
            end=end,
        )


# --- Calendar feed tokens: only a hash is stored, so a database leak does not leak feeds ---


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_calendar_token(*, session: Session, radiologist_id: int) -> str:
    """A new feed token for the radiologist (flushed); every older one is revoked."""
    revoke_calendar_tokens(session=session, radiologist_id=radiologist_id)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    session.add(CalendarToken(radiologist_id=radiologist_id, token_hash=_hash(token)))
    session.flush()
    return token


def revoke_calendar_tokens(*, session: Session, radiologist_id: int) -> None:
    session.execute(
        update(CalendarToken)
        .where(
            col(CalendarToken.radiologist_id) == radiologist_id,
            col(CalendarToken.revoked_at).is_(None),
        )
        .values(revoked_at=utc_now())
    )


def active_calendar_token(*, session: Session, radiologist_id: int) -> CalendarToken | None:
    return session.exec(
        select(CalendarToken).where(
            CalendarToken.radiologist_id == radiologist_id,
            col(CalendarToken.revoked_at).is_(None),
        )
    ).first()


def radiologist_for_token(*, session: Session, token: str) -> Radiologist | None:
    """The feed's owner, or None for an unknown or revoked token."""
    row = session.exec(
        select(CalendarToken).where(
            CalendarToken.token_hash == _hash(token), col(CalendarToken.revoked_at).is_(None)
        )
    ).first()
    if row is None:
        return None
    reader = session.get(Radiologist, row.radiologist_id)
    return reader if reader is not None and reader.active else None
