"""Radiologists and their skills: list, create, edit, within the user's regions.

A manager sees the readers based in their regions or licensed for them, and edits those based
there; readers with no home region are the admin's.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from scheduler import models as m
from scheduler.services.catalogue import check_exists, check_unique, get_row
from scheduler.services.errors import FieldError, NotFound
from scheduler.services.scope import RegionScope


def visible_radiologist_ids(*, session: Session, scope: RegionScope) -> set[int] | None:
    """Ids of readers based in or licensed for the scope's regions; None when unrestricted."""
    if scope.region_ids is None:
        return None
    regions = list(scope.region_ids)
    based = session.exec(
        select(m.Radiologist.id).where(col(m.Radiologist.home_region_id).in_(regions))
    ).all()
    licensed = session.exec(
        select(m.Licence.radiologist_id).where(col(m.Licence.region_id).in_(regions))
    ).all()
    return {rid for rid in based if rid is not None} | set(licensed)


def list_radiologists(*, session: Session, scope: RegionScope) -> list[m.Radiologist]:
    query = select(m.Radiologist).order_by(col(m.Radiologist.name))
    visible = visible_radiologist_ids(session=session, scope=scope)
    if visible is not None:
        query = query.where(col(m.Radiologist.id).in_(visible))
    return list(session.exec(query))


def get_radiologist(*, session: Session, scope: RegionScope, radiologist_id: int) -> m.Radiologist:
    reader = get_row(session, m.Radiologist, radiologist_id)
    visible = visible_radiologist_ids(session=session, scope=scope)
    if visible is not None and radiologist_id not in visible:
        # Not "forbidden": outside the scope the reader is simply not there.
        raise NotFound(f"radiologist {radiologist_id} not found")
    return reader


def editable_radiologist(
    *, session: Session, scope: RegionScope, radiologist_id: int
) -> m.Radiologist:
    reader = get_radiologist(session=session, scope=scope, radiologist_id=radiologist_id)
    scope.check(reader.home_region_id, f"radiologist {reader.code}")
    return reader


def create_radiologist(
    *, session: Session, scope: RegionScope, radiologist_in: m.RadiologistCreate
) -> m.Radiologist:
    _check_fields(session, radiologist_in.code, radiologist_in.email, None)
    check_exists(session, m.Region, "home_region_id", radiologist_in.home_region_id)
    scope.check(radiologist_in.home_region_id, "a radiologist's home region")
    reader = m.Radiologist.model_validate(radiologist_in)
    session.add(reader)
    session.commit()
    session.refresh(reader)
    return reader


def update_radiologist(
    *,
    session: Session,
    scope: RegionScope,
    radiologist_id: int,
    radiologist_in: m.RadiologistUpdate,
) -> m.Radiologist:
    reader = editable_radiologist(session=session, scope=scope, radiologist_id=radiologist_id)
    changes = radiologist_in.model_dump(exclude_unset=True)
    for required in ("code", "name", "email", "fte", "home_time_zone", "active"):
        if required in changes and changes[required] is None:
            raise FieldError(required, "may not be empty")
    _check_fields(session, changes.get("code"), changes.get("email"), radiologist_id)
    if "home_region_id" in changes:
        check_exists(session, m.Region, "home_region_id", changes["home_region_id"])
        scope.check(changes["home_region_id"], "the new home region")
    reader.sqlmodel_update(changes)
    session.add(reader)
    session.commit()
    session.refresh(reader)
    return reader


def _check_fields(
    session: Session, code: str | None, email: str | None, exclude_id: int | None
) -> None:
    if code is not None:
        check_unique(session, m.Radiologist, field="code", value=code, exclude_id=exclude_id)
    if email is not None:
        check_unique(session, m.Radiologist, field="email", value=email, exclude_id=exclude_id)


def add_skill(*, session: Session, scope: RegionScope, skill_in: m.SkillCreate) -> m.Skill:
    editable_radiologist(session=session, scope=scope, radiologist_id=skill_in.radiologist_id)
    check_exists(session, m.Subspecialty, "subspecialty_id", skill_in.subspecialty_id)
    check_unique(
        session,
        m.Skill,
        field="subspecialty_id",
        value=skill_in.subspecialty_id,
        radiologist_id=skill_in.radiologist_id,
    )
    skill = m.Skill.model_validate(skill_in)
    session.add(skill)
    session.commit()
    session.refresh(skill)
    return skill


def update_skill(
    *, session: Session, scope: RegionScope, skill_id: int, skill_in: m.SkillUpdate
) -> m.Skill:
    skill = get_row(session, m.Skill, skill_id)
    editable_radiologist(session=session, scope=scope, radiologist_id=skill.radiologist_id)
    if skill_in.level is not None:
        skill.level = skill_in.level
    session.add(skill)
    session.commit()
    session.refresh(skill)
    return skill


def remove_skill(*, session: Session, scope: RegionScope, skill_id: int) -> None:
    skill = get_row(session, m.Skill, skill_id)
    editable_radiologist(session=session, scope=scope, radiologist_id=skill.radiologist_id)
    session.delete(skill)
    session.commit()


def skills_of(*, session: Session, radiologist_id: int) -> list[m.Skill]:
    return list(
        session.exec(
            select(m.Skill)
            .where(m.Skill.radiologist_id == radiologist_id)
            .order_by(col(m.Skill.level).desc(), col(m.Skill.id))
        )
    )
