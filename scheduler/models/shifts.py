"""Shift templates: a shift worked on the weekdays it applies, in the local time it serves."""

import datetime as dt
from typing import Self

from pydantic import field_validator, model_validator
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from scheduler.models.checks import WEEKDAY_DIGITS, check_weekdays
from scheduler.models.columns import enum_type
from scheduler.models.enums import ShiftKind

MAX_SHIFT_MINUTES = 24 * 60


class ShiftTemplateBase(SQLModel):
    code: str = Field(min_length=1, max_length=32, index=True)  # unique per region/site scope
    name: str = Field(min_length=1, max_length=200)
    kind: ShiftKind = Field(sa_type=enum_type(ShiftKind))
    local_start: dt.time  # wall-clock start in the zone of the site, else region, it serves
    length_minutes: int = Field(gt=0, le=MAX_SHIFT_MINUTES)
    # Region (and site) served; None: applies everywhere.
    region_id: int | None = Field(default=None, foreign_key="region.id", index=True)
    site_id: int | None = Field(default=None, foreign_key="site.id", index=True)
    remote: bool = True  # False: only readers based in the region may work it
    weekdays: str = Field(default=WEEKDAY_DIGITS, max_length=7)  # "01234" = Monday..Friday
    required_readers: int = Field(default=1, ge=0)  # headcount, for on-call
    subspecialty_id: int | None = Field(default=None, foreign_key="subspecialty.id")  # on-call

    @field_validator("weekdays")
    @classmethod
    def _weekdays(cls, value: str) -> str:
        return check_weekdays(value)

    @model_validator(mode="after")
    def _scope(self) -> Self:
        if self.site_id is not None and self.region_id is None:
            raise ValueError("a site-specific shift template needs region_id as well as site_id")
        return self


class ShiftTemplate(ShiftTemplateBase, table=True):
    __tablename__ = "shift_template"
    __table_args__ = (UniqueConstraint("code", "region_id", "site_id"),)

    id: int | None = Field(default=None, primary_key=True)

    def applies_on(self, day: dt.date) -> bool:
        return str(day.weekday()) in self.weekdays


class ShiftTemplateCreate(ShiftTemplateBase):
    pass


class ShiftTemplatePublic(ShiftTemplateBase):
    id: int


class ShiftTemplateUpdate(SQLModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    kind: ShiftKind | None = None
    local_start: dt.time | None = None
    length_minutes: int | None = Field(default=None, gt=0, le=MAX_SHIFT_MINUTES)
    remote: bool | None = None
    weekdays: str | None = None
    required_readers: int | None = Field(default=None, ge=0)
    subspecialty_id: int | None = None

    @field_validator("weekdays")
    @classmethod
    def _weekdays(cls, value: str | None) -> str | None:
        return None if value is None else check_weekdays(value)
