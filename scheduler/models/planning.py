"""Planning periods and the availability radiologists enter for them."""

import datetime as dt

from pydantic import field_validator
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from scheduler.models.checks import check_aware, check_monday
from scheduler.models.columns import UTCDateTime, enum_type
from scheduler.models.enums import AvailabilityKind, PeriodStatus, ShiftKind

MAX_PERIOD_WEEKS = 26


class PlanningPeriodBase(SQLModel):
    name: str = Field(min_length=1, max_length=200)
    start_date: dt.date  # a Monday
    weeks: int = Field(ge=1, le=MAX_PERIOD_WEEKS)
    status: PeriodStatus = Field(default=PeriodStatus.DRAFT, sa_type=enum_type(PeriodStatus))
    availability_deadline: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)

    @field_validator("start_date")
    @classmethod
    def _monday(cls, value: dt.date) -> dt.date:
        return check_monday(value)

    @field_validator("availability_deadline")
    @classmethod
    def _aware(cls, value: dt.datetime | None) -> dt.datetime | None:
        return check_aware(value)


class PlanningPeriod(PlanningPeriodBase, table=True):
    __tablename__ = "planning_period"

    id: int | None = Field(default=None, primary_key=True)

    @property
    def num_days(self) -> int:
        return self.weeks * 7

    @property
    def end_date(self) -> dt.date:
        """The last day of the period (inclusive)."""
        return self.start_date + dt.timedelta(days=self.num_days - 1)


class PlanningPeriodCreate(PlanningPeriodBase):
    pass


class PlanningPeriodPublic(PlanningPeriodBase):
    id: int


class PlanningPeriodUpdate(SQLModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    start_date: dt.date | None = None
    weeks: int | None = Field(default=None, ge=1, le=MAX_PERIOD_WEEKS)
    status: PeriodStatus | None = None
    availability_deadline: dt.datetime | None = None

    @field_validator("start_date")
    @classmethod
    def _monday(cls, value: dt.date | None) -> dt.date | None:
        return None if value is None else check_monday(value)

    @field_validator("availability_deadline")
    @classmethod
    def _aware(cls, value: dt.datetime | None) -> dt.datetime | None:
        return check_aware(value)


class AvailabilityEntryBase(SQLModel):
    """One day of a radiologist's availability; ``shift_kind`` narrows it to shifts of that kind."""

    period_id: int = Field(foreign_key="planning_period.id", ondelete="CASCADE", index=True)
    radiologist_id: int = Field(foreign_key="radiologist.id", ondelete="CASCADE", index=True)
    date: dt.date
    shift_kind: ShiftKind | None = Field(default=None, sa_type=enum_type(ShiftKind))
    kind: AvailabilityKind = Field(sa_type=enum_type(AvailabilityKind))
    weight: int = Field(default=1, ge=1)  # for prefer/avoid: penalty when not honoured
    note: str = Field(default="", max_length=500)


class AvailabilityEntry(AvailabilityEntryBase, table=True):
    __tablename__ = "availability_entry"
    __table_args__ = (UniqueConstraint("radiologist_id", "date", "shift_kind"),)

    id: int | None = Field(default=None, primary_key=True)


class AvailabilityEntryCreate(AvailabilityEntryBase):
    pass


class AvailabilityEntryPublic(AvailabilityEntryBase):
    id: int


class AvailabilityEntryUpdate(SQLModel):
    shift_kind: ShiftKind | None = None
    kind: AvailabilityKind | None = None
    weight: int | None = Field(default=None, ge=1)
    note: str | None = Field(default=None, max_length=500)
