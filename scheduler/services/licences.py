"""Licences per region: list with expiry warnings, create, edit, remove.

A manager records licences for their own regions. Warnings, most urgent first: expired, expires
before the end of the planning period in view, expires within 30 days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import Session, col, select

from scheduler import models as m
from scheduler.models.checks import check_date_order
from scheduler.services.catalogue import check_exists, get_row
from scheduler.services.errors import FieldError
from scheduler.services.radiologists import get_radiologist
from scheduler.services.scope import RegionScope

SOON_DAYS = 30


class ExpiryWarning(StrEnum):
    EXPIRED = "expired"
    IN_PERIOD = "expires within the period"
    SOON = "expires within 30 days"


def expiry_warning(
    valid_to: dt.date | None, *, today: dt.date, period_end: dt.date | None = None
) -> ExpiryWarning | None:
    if valid_to is None:
        return None
    if valid_to < today:
        return ExpiryWarning.EXPIRED
    if period_end is not None and valid_to < period_end:
        return ExpiryWarning.IN_PERIOD  # lapses before the period is over: some shifts are lost
    if valid_to <= today + dt.timedelta(days=SOON_DAYS):
        return ExpiryWarning.SOON
    return None


@dataclass(frozen=True)
class LicenceRow:
    licence: m.Licence
    radiologist: m.Radiologist
    region: m.Region
    warning: ExpiryWarning | None


def list_licences(
    *,
    session: Session,
    scope: RegionScope,
    today: dt.date,
    period_end: dt.date | None = None,
    radiologist_id: int | None = None,
) -> list[LicenceRow]:
    """Licences of visible readers for the scope's regions, the most urgent warnings first."""
    query = select(m.Licence, m.Radiologist, m.Region).where(
        col(m.Licence.radiologist_id) == m.Radiologist.id,
        col(m.Licence.region_id) == m.Region.id,
    )
    if scope.region_ids is not None:
        query = query.where(col(m.Licence.region_id).in_(scope.region_ids))
    if radiologist_id is not None:
        query = query.where(col(m.Licence.radiologist_id) == radiologist_id)
    rows = [
        LicenceRow(
            lic, reader, region, expiry_warning(lic.valid_to, today=today, period_end=period_end)
        )
        for lic, reader, region in session.exec(query)
    ]
    urgency = list(ExpiryWarning)
    rows.sort(
        key=lambda r: (
            urgency.index(r.warning) if r.warning else len(urgency),
            r.radiologist.name,
            r.region.code,
        )
    )
    return rows


def next_period_end(*, session: Session, today: dt.date) -> dt.date | None:
    """End of the earliest planning period that has not ended: the one licences must last."""
    periods = session.exec(select(m.PlanningPeriod).order_by(col(m.PlanningPeriod.start_date)))
    return next((p.end_date for p in periods if p.end_date >= today), None)


def create_licence(
    *, session: Session, scope: RegionScope, licence_in: m.LicenceCreate
) -> m.Licence:
    get_radiologist(session=session, scope=scope, radiologist_id=licence_in.radiologist_id)
    check_exists(session, m.Region, "region_id", licence_in.region_id)
    scope.check(licence_in.region_id, "a licence's region")
    licence = m.Licence.model_validate(licence_in)
    session.add(licence)
    session.commit()
    session.refresh(licence)
    return licence


def editable_licence(*, session: Session, scope: RegionScope, licence_id: int) -> m.Licence:
    licence = get_row(session, m.Licence, licence_id)
    get_radiologist(session=session, scope=scope, radiologist_id=licence.radiologist_id)
    scope.check(licence.region_id, f"licence {licence_id}")
    return licence


def update_licence(
    *, session: Session, scope: RegionScope, licence_id: int, licence_in: m.LicenceUpdate
) -> m.Licence:
    licence = editable_licence(session=session, scope=scope, licence_id=licence_id)
    changes = licence_in.model_dump(exclude_unset=True)
    for required in ("number", "valid_from"):  # optional in the update, never null when given
        if required in changes and changes[required] is None:
            raise FieldError(required, "may not be empty")
    valid_from = changes.get("valid_from", licence.valid_from)
    valid_to = changes.get("valid_to", licence.valid_to)
    try:
        check_date_order(valid_from, valid_to)
    except ValueError as exc:
        raise FieldError("valid_to", str(exc)) from exc
    licence.sqlmodel_update(changes)
    session.add(licence)
    session.commit()
    session.refresh(licence)
    return licence


def remove_licence(*, session: Session, scope: RegionScope, licence_id: int) -> None:
    licence = editable_licence(session=session, scope=scope, licence_id=licence_id)
    session.delete(licence)
    session.commit()
