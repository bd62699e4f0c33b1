"""Radiologists and what qualifies them: skills, licences (per region) and privileges (per site)."""

import datetime as dt
from typing import Self

from pydantic import field_validator, model_validator
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, Relationship, SQLModel

from scheduler.models.checks import check_date_order, check_time_zone

MIN_SKILL_LEVEL = 1
MAX_SKILL_LEVEL = 3


def _check_email(value: str) -> str:
    value = value.strip().lower()
    local, at, domain = value.partition("@")
    if not (local and at and "." in domain) or " " in value:
        raise ValueError(f"email {value!r} is not an address like name@hospital.no")
    return value


class RadiologistBase(SQLModel):
    code: str = Field(min_length=1, max_length=32, unique=True, index=True)  # e.g. "R0042"
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(max_length=254, unique=True, index=True)
    fte: float = Field(default=1.0, gt=0, le=1.0)  # full-time equivalent; limits scale with it
    home_time_zone: str = Field(max_length=64)
    home_region_id: int | None = Field(default=None, foreign_key="region.id", index=True)
    active: bool = True

    @field_validator("home_time_zone")
    @classmethod
    def _time_zone(cls, value: str) -> str:
        return check_time_zone(value)

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        return _check_email(value)


class Radiologist(RadiologistBase, table=True):
    id: int | None = Field(default=None, primary_key=True)

    skills: list["Skill"] = Relationship(back_populates="radiologist", cascade_delete=True)
    licences: list["Licence"] = Relationship(back_populates="radiologist", cascade_delete=True)
    privileges: list["Privilege"] = Relationship(back_populates="radiologist", cascade_delete=True)


class RadiologistCreate(RadiologistBase):
    pass


class RadiologistPublic(RadiologistBase):
    id: int


class RadiologistUpdate(SQLModel):
    code: str | None = Field(default=None, min_length=1, max_length=32)
    name: str | None = Field(default=None, min_length=1, max_length=200)
    email: str | None = Field(default=None, max_length=254)
    fte: float | None = Field(default=None, gt=0, le=1.0)
    home_time_zone: str | None = None
    home_region_id: int | None = None
    active: bool | None = None

    @field_validator("home_time_zone")
    @classmethod
    def _time_zone(cls, value: str | None) -> str | None:
        return None if value is None else check_time_zone(value)

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        return None if value is None else _check_email(value)


class SkillBase(SQLModel):
    radiologist_id: int = Field(foreign_key="radiologist.id", ondelete="CASCADE", index=True)
    subspecialty_id: int = Field(foreign_key="subspecialty.id", index=True)
    level: int = Field(default=MIN_SKILL_LEVEL, ge=MIN_SKILL_LEVEL, le=MAX_SKILL_LEVEL)


class Skill(SkillBase, table=True):
    __table_args__ = (UniqueConstraint("radiologist_id", "subspecialty_id"),)

    id: int | None = Field(default=None, primary_key=True)
    radiologist: Radiologist | None = Relationship(back_populates="skills")


class SkillCreate(SkillBase):
    pass


class SkillPublic(SkillBase):
    id: int


class SkillUpdate(SQLModel):
    level: int | None = Field(default=None, ge=MIN_SKILL_LEVEL, le=MAX_SKILL_LEVEL)


class _Validity(SQLModel):
    """Both ends inclusive; ``valid_to`` None is open-ended."""

    valid_from: dt.date
    valid_to: dt.date | None = None

    @model_validator(mode="after")
    def _date_order(self) -> Self:
        check_date_order(self.valid_from, self.valid_to)
        return self


class LicenceBase(_Validity):
    radiologist_id: int = Field(foreign_key="radiologist.id", ondelete="CASCADE", index=True)
    region_id: int = Field(foreign_key="region.id", index=True)
    number: str = Field(default="", max_length=64)


class Licence(LicenceBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    radiologist: Radiologist | None = Relationship(back_populates="licences")


class LicenceCreate(LicenceBase):
    pass


class LicencePublic(LicenceBase):
    id: int


class LicenceUpdate(SQLModel):
    """Date order is checked against the stored row when the update is applied."""

    number: str | None = Field(default=None, max_length=64)
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


class PrivilegeBase(_Validity):
    radiologist_id: int = Field(foreign_key="radiologist.id", ondelete="CASCADE", index=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    via_proxy: bool = False  # granted by credentialing by proxy


class Privilege(PrivilegeBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    radiologist: Radiologist | None = Relationship(back_populates="privileges")


class PrivilegeCreate(PrivilegeBase):
    pass


class PrivilegePublic(PrivilegeBase):
    id: int


class PrivilegeUpdate(SQLModel):
    """Date order is checked against the stored row when the update is applied."""

    via_proxy: bool | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
