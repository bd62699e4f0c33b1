"""Shift templates per region or site: list, create, edit, within the user's regions."""

from __future__ import annotations

from sqlmodel import Session, col, select

from scheduler import models as m
from scheduler.services.catalogue import (
    check_exists,
    check_site_in_region,
    check_unique,
    get_row,
)
from scheduler.services.errors import FieldError
from scheduler.services.scope import RegionScope


def list_shift_templates(*, session: Session, scope: RegionScope) -> list[m.ShiftTemplate]:
    """Templates of the scope's regions, and those applying everywhere (read-only to managers)."""
    query = select(m.ShiftTemplate).order_by(
        col(m.ShiftTemplate.region_id), col(m.ShiftTemplate.local_start), col(m.ShiftTemplate.code)
    )
    if scope.region_ids is not None:
        query = query.where(
            col(m.ShiftTemplate.region_id).is_(None)
            | col(m.ShiftTemplate.region_id).in_(scope.region_ids)
        )
    return list(session.exec(query))


def get_shift_template(
    *, session: Session, scope: RegionScope, template_id: int
) -> m.ShiftTemplate:
    template = get_row(session, m.ShiftTemplate, template_id)
    if template.region_id is not None and not scope.allows(template.region_id):
        scope.check(template.region_id, f"shift template {template.code}")
    return template


def create_shift_template(
    *, session: Session, scope: RegionScope, template_in: m.ShiftTemplateCreate
) -> m.ShiftTemplate:
    check_exists(session, m.Region, "region_id", template_in.region_id)
    check_site_in_region(session, template_in.site_id, template_in.region_id)
    check_exists(session, m.Subspecialty, "subspecialty_id", template_in.subspecialty_id)
    scope.check(template_in.region_id, "a shift template's region")
    _check_code(session, template_in.code, template_in.region_id, template_in.site_id, None)
    template = m.ShiftTemplate.model_validate(template_in)
    session.add(template)
    session.commit()
    session.refresh(template)
    return template


def update_shift_template(
    *,
    session: Session,
    scope: RegionScope,
    template_id: int,
    template_in: m.ShiftTemplateUpdate,
) -> m.ShiftTemplate:
    template = get_shift_template(session=session, scope=scope, template_id=template_id)
    scope.check(template.region_id, f"shift template {template.code}")
    changes = template_in.model_dump(exclude_unset=True)
    for required in ("name", "kind", "local_start", "length_minutes", "remote", "weekdays"):
        if required in changes and changes[required] is None:
            raise FieldError(required, "may not be empty")
    if "required_readers" in changes and changes["required_readers"] is None:
        raise FieldError("required_readers", "may not be empty")
    if "subspecialty_id" in changes:
        check_exists(session, m.Subspecialty, "subspecialty_id", changes["subspecialty_id"])
    template.sqlmodel_update(changes)
    session.add(template)
    session.commit()
    session.refresh(template)
    return template


def _check_code(
    session: Session, code: str, region_id: int | None, site_id: int | None, exclude: int | None
) -> None:
    check_unique(
        session,
        m.ShiftTemplate,
        field="code",
        value=code,
        exclude_id=exclude,
        region_id=region_id,
        site_id=site_id,
    )
