"""One row per worked shift of a roster version, with its local and UTC times: what every export
format writes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from scheduler import models as m
from scheduler.problem_builder import shift_length_minutes, shift_start_utc
from scheduler.services.catalogue import get_row
from scheduler.services.radiologists import visible_radiologist_ids
from scheduler.services.scope import RegionScope

HEADERS = (
    "date",
    "radiologist_code",
    "radiologist",
    "shift",
    "shift_name",
    "kind",
    "region",
    "start_local",
    "end_local",
    "time_zone",
    "start_utc",
    "end_utc",
    "locked",
)


@dataclass(frozen=True)
class ExportRow:
    assignment_id: int
    date: dt.date
    radiologist_code: str
    radiologist: str
    shift: str
    shift_name: str
    kind: str
    region: str
    time_zone: str
    start_utc: dt.datetime
    end_utc: dt.datetime
    locked: bool

    @property
    def start_local(self) -> dt.datetime:
        return self.start_utc.astimezone(ZoneInfo(self.time_zone))

    @property
    def end_local(self) -> dt.datetime:
        return self.end_utc.astimezone(ZoneInfo(self.time_zone))

    def values(self) -> tuple[object, ...]:
        """In the order of HEADERS; times as ISO text so every format agrees."""
        return (
            self.date.isoformat(),
            self.radiologist_code,
            self.radiologist,
            self.shift,
            self.shift_name,
            self.kind,
            self.region,
            self.start_local.isoformat(timespec="minutes"),
            self.end_local.isoformat(timespec="minutes"),
            self.time_zone,
            self.start_utc.isoformat(timespec="minutes"),
            self.end_utc.isoformat(timespec="minutes"),
            "yes" if self.locked else "no",
        )


def roster_rows(
    *,
    session: Session,
    roster_id: int,
    scope: RegionScope,
    radiologist_id: int | None = None,
) -> list[ExportRow]:
    """Worked shifts by date and radiologist, for the readers the user may see."""
    get_row(session, m.Roster, roster_id)
    regions = {r.id: r for r in session.exec(select(m.Region))}
    sites = {s.id: s for s in session.exec(select(m.Site))}
    templates = {t.id: t for t in session.exec(select(m.ShiftTemplate))}
    readers = {r.id: r for r in session.exec(select(m.Radiologist))}
    visible = visible_radiologist_ids(session=session, scope=scope)
    query = select(m.Assignment).where(m.Assignment.roster_id == roster_id)
    if radiologist_id is not None:
        query = query.where(m.Assignment.radiologist_id == radiologist_id)
    rows = []
    for a in session.exec(query.order_by(col(m.Assignment.date), col(m.Assignment.id))):
        if visible is not None and a.radiologist_id not in visible:
            continue
        assert a.id is not None
        template = templates[a.shift_template_id]
        region = regions.get(a.region_id) if a.region_id is not None else None
        if template.site_id is not None:
            zone = sites[template.site_id].time_zone
        else:
            zone = region.time_zone if region is not None else "UTC"
        start = shift_start_utc(a.date, template.local_start, zone)
        minutes = shift_length_minutes(start, a.date, template, zone)
        reader = readers[a.radiologist_id]
        rows.append(
            ExportRow(
                assignment_id=a.id,
                date=a.date,
                radiologist_code=reader.code,
                radiologist=reader.name,
                shift=template.code,
                shift_name=template.name,
                kind=template.kind.value,
                region=region.code if region is not None else "",
                time_zone=zone,
                start_utc=start,
                end_utc=start + dt.timedelta(minutes=minutes),
                locked=a.locked,
            )
        )
    rows.sort(key=lambda r: (r.date, r.radiologist, r.start_utc))
    return rows
