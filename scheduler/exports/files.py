"""A roster version as a downloadable file in the asked format: content, media type, file name."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import Session

from scheduler import models as m
from scheduler.exports.csv_export import roster_csv
from scheduler.exports.ical_export import roster_ical
from scheduler.exports.rows import roster_rows
from scheduler.exports.xlsx_export import roster_xlsx
from scheduler.services.catalogue import get_row
from scheduler.services.scope import RegionScope


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    ICS = "ics"


MEDIA_TYPES = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportFormat.ICS: "text/calendar; charset=utf-8",
}


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    media_type: str
    filename: str


def export_roster(
    *, session: Session, roster_id: int, scope: RegionScope, fmt: ExportFormat
) -> ExportFile:
    roster = get_row(session, m.Roster, roster_id)
    period = get_row(session, m.PlanningPeriod, roster.period_id)
    rows = roster_rows(session=session, roster_id=roster_id, scope=scope)
    title = f"{period.name} v{roster.version}"
    if fmt == ExportFormat.CSV:
        content = roster_csv(rows).encode("utf-8")
    elif fmt == ExportFormat.XLSX:
        content = roster_xlsx(rows, title=title)
    else:
        content = roster_ical(rows, name=title, uid_prefix=f"roster-{roster_id}")
    stem = f"roster-{period.start_date.isoformat()}-v{roster.version}"
    return ExportFile(content, MEDIA_TYPES[fmt], f"{stem}.{fmt.value}")
