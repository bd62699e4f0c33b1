"""Helpers shared by the catalogue services: look-ups that raise NotFound, and field checks.

Each check raises ``FieldError`` naming the field, so a form shows the message beside it.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlmodel import Session, SQLModel, col, select

from scheduler import models as m
from scheduler.services.errors import FieldError, NotFound

Row = TypeVar("Row", bound=SQLModel)


def label_of(table: type[SQLModel]) -> str:
    return str(getattr(table, "__tablename__", table.__name__.lower())).replace("_", " ")


def get_row(session: Session, table: type[Row], row_id: int) -> Row:
    row = session.get(table, row_id)
    if row is None:
        raise NotFound(f"{label_of(table)} {row_id} not found")
    return row


def check_exists(session: Session, table: type[SQLModel], field: str, row_id: int | None) -> None:
    if row_id is not None and session.get(table, row_id) is None:
        raise FieldError(field, f"{label_of(table)} {row_id} does not exist")


def check_unique(
    session: Session,
    table: type[SQLModel],
    *,
    field: str,
    value: Any,
    exclude_id: int | None = None,
    **same: Any,
) -> None:
    """No other row of ``table`` has ``field == value`` (within rows matching ``same``)."""
    query = select(table).where(col(getattr(table, field)) == value)
    for name, other in same.items():
        query = query.where(col(getattr(table, name)) == other)
    for row in session.exec(query):
        if getattr(row, "id", None) != exclude_id:
            raise FieldError(field, f"{value!r} is already used by another {label_of(table)}")


def check_site_in_region(session: Session, site_id: int | None, region_id: int | None) -> None:
    if site_id is None:
        return
    site = session.get(m.Site, site_id)
    if site is None:
        raise FieldError("site_id", f"site {site_id} does not exist")
    if site.region_id != region_id:
        raise FieldError("site_id", f"site {site.code} is not in region {region_id}")


def list_subspecialties(*, session: Session) -> list[m.Subspecialty]:
    return list(session.exec(select(m.Subspecialty).order_by(col(m.Subspecialty.code))))


def list_sites(*, session: Session) -> list[m.Site]:
    return list(session.exec(select(m.Site).order_by(col(m.Site.code))))
