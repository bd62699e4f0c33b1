"""A roster version as an iCalendar file: one event per worked shift, times in UTC."""

from __future__ import annotations

from collections.abc import Iterable

from icalendar import Calendar, Event

from scheduler.exports.rows import ExportRow
from scheduler.models.columns import utc_now


def roster_ical(rows: Iterable[ExportRow], *, name: str, uid_prefix: str) -> bytes:
    """``uid_prefix`` keeps event ids stable across downloads of the same version."""
    calendar = Calendar()
    calendar.add("prodid", "-//Teleroster//Roster export//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    stamp = utc_now()
    for row in rows:
        event = Event()
        event.add("uid", f"{uid_prefix}-{row.assignment_id}@teleroster")
        event.add("dtstamp", stamp)
        event.add("dtstart", row.start_utc)
        event.add("dtend", row.end_utc)
        where = f" · {row.region}" if row.region else ""
        event.add("summary", f"{row.shift_name}{where} — {row.radiologist}")
        event.add(
            "description",
            f"{row.radiologist} ({row.radiologist_code}): {row.shift} {row.kind}{where}, "
            f"{row.start_local:%H:%M}–{row.end_local:%H:%M} {row.time_zone}"
            + (" (locked)" if row.locked else ""),
        )
        calendar.add_component(event)
    ical: bytes = calendar.to_ical()
    return ical
