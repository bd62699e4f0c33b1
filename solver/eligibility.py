"""Who may work which shift and read which pool: the teleradiology rule, in one place.

A reader may read pool p = (site, subspecialty) during shift s when, on s's roster date, a licence
for the site's region is valid, a privilege at the site is valid, the reader has the subspecialty
skill, and s is remote or the reader's home region is s's region.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

from solver.problem import Pool, Problem, Radiologist, Shift, ShiftKind

NIGHT_START_HOUR = 22
NIGHT_END_HOUR = 6
# A shift with 3 h or more in the reader's local night counts as a night for them.
NIGHT_MINUTES_THRESHOLD = 180


def has_licence(reader: Radiologist, region: str, day: dt.date) -> bool:
    return any(lic.region == region and lic.covers(day) for lic in reader.licences)


def has_privilege(reader: Radiologist, site: str, day: dt.date) -> bool:
    return any(priv.site == site and priv.covers(day) for priv in reader.privileges)


def shift_regions(reader: Radiologist) -> list[str | None]:
    """Regions whose shifts the reader may ever work: None (shifts serving every region) and the
    regions of their licences, as a shift of a region needs a licence there."""
    return [None, *sorted({licence.region for licence in reader.licences})]


def may_work_shift(problem: Problem, reader: Radiologist, shift: Shift) -> bool:
    """Shift-level eligibility: qualification (template max 0), licence, on-site rule, skills."""
    if reader.rules.max_shifts_per_template.get(shift.template, 1) == 0:
        return False
    if reader.rules.max_shifts_per_kind.get(shift.kind, 1) == 0:
        return False
    if shift.required_skills and not (shift.required_skills & reader.skills):
        return False
    if shift.region is not None:
        if not shift.remote and reader.home_region != shift.region:
            return False
        if not has_licence(reader, shift.region, problem.date_of(shift.day)):
            return False
    return True


def may_read_pool(problem: Problem, reader: Radiologist, shift: Shift, pool: Pool) -> bool:
    day = problem.date_of(shift.day)
    region = site_region(problem, pool.site)
    if shift.region is not None and region != shift.region:
        return False
    if not shift.remote and reader.home_region != region:
        return False
    return (
        pool.subspecialty in reader.skills
        and has_licence(reader, region, day)
        and has_privilege(reader, pool.site, day)
    )


def site_region(problem: Problem, site_id: str) -> str:
    for site in problem.sites:
        if site.id == site_id:
            return site.region
    raise KeyError(f"unknown site {site_id!r}")


def local_night_minutes(shift: Shift, time_zone: str) -> int:
    """Minutes of the shift that fall in 22:00-06:00 local time of ``time_zone`` (DST-correct)."""
    return _night_minutes(shift.start, shift.length_minutes, time_zone)


@lru_cache(maxsize=65536)
def _night_minutes(start: dt.datetime, length_minutes: int, time_zone: str) -> int:
    # Cached: national problems ask for the same (start, length, zone) for many readers.
    zone = ZoneInfo(time_zone)
    minutes = 0
    step = dt.timedelta(minutes=15)
    t = start
    end = start + dt.timedelta(minutes=length_minutes)
    while t < end:
        hour = t.astimezone(zone).hour
        if hour >= NIGHT_START_HOUR or hour < NIGHT_END_HOUR:
            minutes += min(15, int((end - t).total_seconds() // 60))
        t += step
    return minutes


def is_night_for(reader: Radiologist, shift: Shift) -> bool:
    """A night shift, or 3 h or more in the reader's local night, counts toward night limits."""
    if shift.kind == ShiftKind.NIGHT:
        return True
    if shift.kind == ShiftKind.ON_CALL:
        return False
    return local_night_minutes(shift, reader.home_time_zone) >= NIGHT_MINUTES_THRESHOLD
