"""The coverage register patients are shown: for each site and hour of a published roster, who
covers it, from which region and time zone, under which licence (number, validity) and privilege
(direct or by proxy).

A reader covers a site in an hour when the roster gives them reading time at that site on a
shift spanning the hour, or puts them on call for the site's region then. Only readers holding,
on the roster date, a licence for the site's region AND a privilege at the site appear; anyone
else the roster names is left out and reported in ``Register.excluded`` (the data changed since
publishing: a licence lapsed, a privilege was withdrawn), never listed as covering.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from scheduler import models as m
from scheduler.exports.formulas import escape_formula
from scheduler.problem_builder import shift_length_minutes, shift_start_utc
from scheduler.services.catalogue import get_row
from scheduler.services.errors import Conflict, FieldError

HOUR = dt.timedelta(hours=1)
Validity = TypeVar("Validity", m.Licence, m.Privilege)
READING, ON_CALL = "reading", "on-call"
HEADERS = (
    "site",
    "site_name",
    "hour_local",
    "hour_utc",
    "time_zone",
    "radiologist_code",
    "radiologist",
    "role",
    "subspecialty",
    "home_region",
    "home_time_zone",
    "licence_number",
    "licence_region",
    "licence_valid_from",
    "licence_valid_to",
    "privilege",
    "privilege_valid_from",
    "privilege_valid_to",
)


@dataclass(frozen=True)
class RegisterEntry:
    site: str
    site_name: str
    time_zone: str  # the site's
    hour_utc: dt.datetime
    radiologist_code: str
    radiologist: str
    role: str  # "reading" or "on-call"
    subspecialty: str
    home_region: str
    home_time_zone: str
    licence_number: str
    licence_region: str
    licence_valid_from: dt.date
    licence_valid_to: dt.date | None
    privilege: str  # "direct" or "by proxy"
    privilege_valid_from: dt.date
    privilege_valid_to: dt.date | None

    @property
    def hour_local(self) -> dt.datetime:
        return self.hour_utc.astimezone(ZoneInfo(self.time_zone))

    def values(self) -> tuple[object, ...]:
        return (
            self.site,
            self.site_name,
            self.hour_local.isoformat(),
            self.hour_utc.isoformat(),
            self.time_zone,
            self.radiologist_code,
            self.radiologist,
            self.role,
            self.subspecialty,
            self.home_region,
            self.home_time_zone,
            self.licence_number,
            self.licence_region,
            self.licence_valid_from.isoformat(),
            self.licence_valid_to.isoformat() if self.licence_valid_to else "",
            self.privilege,
            self.privilege_valid_from.isoformat(),
            self.privilege_valid_to.isoformat() if self.privilege_valid_to else "",
        )


@dataclass(frozen=True)
class Excluded:
    radiologist_code: str
    site: str
    date: dt.date
    missing: str  # "licence for NO-NL" / "privilege at TRO"


@dataclass(frozen=True)
class Register:
    roster: m.Roster
    period: m.PlanningPeriod
    sites: tuple[m.Site, ...]  # every site, for the page's filter
    entries: tuple[RegisterEntry, ...]
    excluded: tuple[Excluded, ...]


@dataclass
class _Catalogue:
    sites: dict[int, m.Site]
    regions: dict[int, m.Region]
    subspecialties: dict[int, m.Subspecialty]
    templates: dict[int, m.ShiftTemplate]
    readers: dict[int, m.Radiologist]

    @classmethod
    def load(cls, session: Session) -> _Catalogue:
        return cls(
            sites={r.id: r for r in session.exec(select(m.Site)) if r.id is not None},
            regions={r.id: r for r in session.exec(select(m.Region)) if r.id is not None},
            subspecialties={
                r.id: r for r in session.exec(select(m.Subspecialty)) if r.id is not None
            },
            templates={r.id: r for r in session.exec(select(m.ShiftTemplate)) if r.id is not None},
            readers={r.id: r for r in session.exec(select(m.Radiologist)) if r.id is not None},
        )


def coverage_register(
    *,
    session: Session,
    roster_id: int,
    site_id: int | None = None,
    date: dt.date | None = None,
) -> Register:
    """The register of a published roster version, optionally for one site and/or one local
    date at the site; entries sorted by site, hour, radiologist."""
    roster = get_row(session, m.Roster, roster_id)
    if roster.status != m.RosterStatus.PUBLISHED:
        raise Conflict(
            f"roster version {roster.version} is a draft: the coverage register lists published "
            "rosters only"
        )
    period = get_row(session, m.PlanningPeriod, roster.period_id)
    catalogue = _Catalogue.load(session)
    if site_id is not None and site_id not in catalogue.sites:
        raise FieldError("site_id", f"site {site_id} does not exist")
    entries: list[RegisterEntry] = []
    excluded: dict[tuple[str, str, dt.date], Excluded] = {}
    for assignment in roster.assignments:
        for site, role, subspecialty_id in _covered_sites(catalogue, assignment):
            if site_id is not None and site.id != site_id:
                continue
            reader = catalogue.readers[assignment.radiologist_id]
            region = catalogue.regions[site.region_id]
            licence = _valid(
                (lic for lic in reader.licences if lic.region_id == region.id), assignment.date
            )
            privilege = _valid(
                (p for p in reader.privileges if p.site_id == site.id), assignment.date
            )
            if licence is None or privilege is None:
                missing = (
                    f"licence for {region.code}" if licence is None else f"privilege at {site.code}"
                )
                key = (reader.code, site.code, assignment.date)
                excluded[key] = Excluded(reader.code, site.code, assignment.date, missing)
                continue
            for hour in _hours(catalogue, assignment):
                if date is not None and hour.astimezone(ZoneInfo(site.time_zone)).date() != date:
                    continue
                entries.append(
                    _entry(catalogue, site, hour, reader, role, subspecialty_id, licence, privilege)
                )
    entries.sort(key=lambda e: (e.site, e.hour_utc, e.radiologist_code, e.role, e.subspecialty))
    return Register(
        roster=roster,
        period=period,
        sites=tuple(sorted(catalogue.sites.values(), key=lambda s: s.code)),
        entries=tuple(_unique(entries)),
        excluded=tuple(
            sorted(excluded.values(), key=lambda e: (e.date, e.site, e.radiologist_code))
        ),
    )


def _covered_sites(
    catalogue: _Catalogue, assignment: m.Assignment
) -> list[tuple[m.Site, str, int | None]]:
    """(site, role, subspecialty) the assignment covers: where it gives reading time, or every
    site of its region when it is on call."""
    template = catalogue.templates[assignment.shift_template_id]
    if template.kind == m.ShiftKind.ON_CALL:
        region_id = assignment.region_id or template.region_id
        return [
            (site, ON_CALL, template.subspecialty_id)
            for site in catalogue.sites.values()
            if site.region_id == region_id
        ]
    return [
        (catalogue.sites[a.site_id], READING, a.subspecialty_id)
        for a in assignment.allocations
        if a.units > 0
    ]


def _valid(rows: Iterable[Validity], day: dt.date) -> Validity | None:
    for row in rows:
        if row.valid_from <= day and (row.valid_to is None or day <= row.valid_to):
            return row
    return None


def _hours(catalogue: _Catalogue, assignment: m.Assignment) -> list[dt.datetime]:
    """The UTC hours the shift overlaps, in the zone it is worked in (as the problem builder)."""
    template = catalogue.templates[assignment.shift_template_id]
    region_id = assignment.region_id or template.region_id
    if template.site_id is not None:
        tz = catalogue.sites[template.site_id].time_zone
    elif region_id is not None:
        tz = catalogue.regions[region_id].time_zone
    else:
        tz = "UTC"
    start = shift_start_utc(assignment.date, template.local_start, tz)
    end = start + dt.timedelta(minutes=shift_length_minutes(start, assignment.date, template, tz))
    hour = start.replace(minute=0, second=0, microsecond=0)
    hours = []
    while hour < end:
        hours.append(hour)
        hour += HOUR
    return hours


def _entry(
    catalogue: _Catalogue,
    site: m.Site,
    hour: dt.datetime,
    reader: m.Radiologist,
    role: str,
    subspecialty_id: int | None,
    licence: m.Licence,
    privilege: m.Privilege,
) -> RegisterEntry:
    home = catalogue.regions.get(reader.home_region_id) if reader.home_region_id else None
    return RegisterEntry(
        site=site.code,
        site_name=site.name,
        time_zone=site.time_zone,
        hour_utc=hour,
        radiologist_code=reader.code,
        radiologist=reader.name,
        role=role,
        subspecialty=(
            catalogue.subspecialties[subspecialty_id].code if subspecialty_id is not None else ""
        ),
        home_region=home.code if home else "",
        home_time_zone=reader.home_time_zone,
        licence_number=licence.number,
        licence_region=catalogue.regions[licence.region_id].code,
        licence_valid_from=licence.valid_from,
        licence_valid_to=licence.valid_to,
        privilege="by proxy" if privilege.via_proxy else "direct",
        privilege_valid_from=privilege.valid_from,
        privilege_valid_to=privilege.valid_to,
    )


def _unique(entries: list[RegisterEntry]) -> list[RegisterEntry]:
    """One row per (site, hour, reader, role, subspecialty): two shifts touching the same hour
    (one ends at :00, the next starts) would otherwise list a reader twice."""
    seen: set[tuple[str, dt.datetime, str, str, str]] = set()
    out = []
    for e in entries:
        key = (e.site, e.hour_utc, e.radiologist_code, e.role, e.subspecialty)
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out


def register_csv(register: Register) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for entry in register.entries:
        writer.writerow([escape_formula(v) for v in entry.values()])
    return out.getvalue()
