"""Who may see or change what: the scope rules every route applies after checking the role."""

from sqlmodel import Session, col, select

from scheduler.models import Licence, Radiologist, Role, User


def region_ids(user: User) -> set[int]:
    """The regions a manager is scoped to (read through the user's own session)."""
    return {link.region_id for link in user.region_links}


def manager_can(user: User, region_id: int | None) -> bool:
    """May this user manage the region? Admins always; managers for their regions only."""
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.MANAGER and region_id is not None and region_id in region_ids(user)


def managed_radiologist_ids(*, session: Session, user: User) -> set[int] | None:
    """Radiologists a manager is responsible for (home region or a licence in one of their
    regions); None means every radiologist (admins)."""
    if user.role == Role.ADMIN:
        return None
    if user.role != Role.MANAGER:
        return set()
    regions = region_ids(user)
    if not regions:
        return set()
    home = session.exec(
        select(Radiologist.id).where(col(Radiologist.home_region_id).in_(regions))
    ).all()
    licensed = session.exec(
        select(Licence.radiologist_id).where(col(Licence.region_id).in_(regions))
    ).all()
    return {rid for rid in home if rid is not None} | set(licensed)


def manager_can_radiologist(*, session: Session, user: User, radiologist_id: int) -> bool:
    scope = managed_radiologist_ids(session=session, user=user)
    return scope is None or radiologist_id in scope


def is_self(user: User, radiologist_id: int) -> bool:
    """A radiologist acting on their own rows."""
    return user.role == Role.RADIOLOGIST and user.radiologist_id == radiologist_id
