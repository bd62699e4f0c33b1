"""Published shifts as an iCalendar (RFC 5545) file, for calendar apps.

Times are written in UTC (``...Z``), which every client reads the same way; the local time of the
site or region served goes into the description, because that is the clock the hospital keeps.
"""

import datetime as dt
from collections.abc import Iterable

from icalendar import Calendar, Event

from scheduler.models import utc_now
from scheduler.services.my_schedule import ScheduledShift

PRODUCT_ID = "-//Teleroster//Published rosters//EN"


def roster_to_ical(
    shifts: Iterable[ScheduledShift],
    *,
    calendar_name: str,
    with_names: bool = False,
    stamp: dt.datetime | None = None,
) -> bytes:
    """One VEVENT per shift. ``with_names`` puts the radiologist in each summary (team exports);
    a personal feed leaves it out."""
    stamp = stamp or utc_now()
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", calendar_name)
    for shift in shifts:
        calendar.add_component(_event(shift, with_names=with_names, stamp=stamp))
    ical: bytes = calendar.to_ical()
    return ical


def shift_summary(shift: ScheduledShift, *, with_names: bool = False) -> str:
    where = f" · {shift.region_name}" if shift.region_name else ""
    who = f"{shift.radiologist_name}: " if with_names else ""
    return f"{who}{shift.template_name}{where}"


def local_description(shift: ScheduledShift) -> str:
    """Plain lines: the local times in the zone served, the region, on-call, the version."""
    start, end = shift.local_start, shift.local_end
    ends = end.strftime("%H:%M") if end.date() == start.date() else end.strftime("%a %d %b %H:%M")
    lines = [
        f"Local time ({shift.time_zone}): {start.strftime('%a %d %b %Y %H:%M')} – {ends}",
        f"Shift: {shift.template_name} ({shift.template_code}), roster date "
        f"{shift.date.isoformat()}",
    ]
    if shift.region_name:
        lines.append(f"Region: {shift.region_name} ({shift.region_code})")
    if shift.on_call:
        lines.append("On-call")
    lines.append(f"{shift.period_name}, roster version {shift.roster_version}")
    return "\n".join(lines)


def _event(shift: ScheduledShift, *, with_names: bool, stamp: dt.datetime) -> Event:
    event = Event()
    event.add("uid", shift.uid)
    event.add("dtstamp", stamp.astimezone(dt.UTC))
    event.add("dtstart", shift.start.astimezone(dt.UTC))
    event.add("dtend", shift.end.astimezone(dt.UTC))
    event.add("summary", shift_summary(shift, with_names=with_names))
    event.add("description", local_description(shift))
    if shift.region_name:
        event.add("location", shift.region_name)
    event.add("categories", [shift.kind.value])
    event.add("transp", "OPAQUE")
    return event
