"""What the forecast wrote for a planning period: studies per series and hour, and the reading
capacity they require per region × subspecialty and hour (``teleroster forecast``)."""

import datetime as dt

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from scheduler.models.columns import UTCDateTime, enum_type
from scheduler.models.enums import StudyPriority


class DemandForecastBase(SQLModel):
    """Forecast studies arriving in one UTC hour, with a prediction interval."""

    period_id: int = Field(foreign_key="planning_period.id", ondelete="CASCADE", index=True)
    region_id: int = Field(foreign_key="region.id")
    subspecialty_id: int = Field(foreign_key="subspecialty.id")
    priority: StudyPriority = Field(sa_type=enum_type(StudyPriority))
    ts: dt.datetime = Field(sa_type=UTCDateTime)  # start of a UTC hour
    mean: float = Field(ge=0)
    lower: float = Field(ge=0)
    upper: float = Field(ge=0)
    method: str = Field(max_length=64)


class DemandForecast(DemandForecastBase, table=True):
    __tablename__ = "demand_forecast"
    __table_args__ = (
        UniqueConstraint(
            "period_id",
            "region_id",
            "subspecialty_id",
            "priority",
            "ts",
            name="uq_demand_forecast_series_hour",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)


class DemandForecastPublic(DemandForecastBase):
    id: int


class RequiredCapacityBase(SQLModel):
    """Readers needed in one UTC hour: the mean reading workload, the Erlang C floor for urgent
    studies, and the staffing level max(ceil(reader_hours), readers_erlang)."""

    period_id: int = Field(foreign_key="planning_period.id", ondelete="CASCADE", index=True)
    region_id: int = Field(foreign_key="region.id")
    subspecialty_id: int = Field(foreign_key="subspecialty.id")
    ts: dt.datetime = Field(sa_type=UTCDateTime)
    reader_hours: float = Field(ge=0)
    readers_erlang: int = Field(ge=0)
    readers: int = Field(ge=0)


class RequiredCapacity(RequiredCapacityBase, table=True):
    __tablename__ = "required_capacity"
    __table_args__ = (
        UniqueConstraint(
            "period_id", "region_id", "subspecialty_id", "ts", name="uq_required_capacity_pool_hour"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)


class RequiredCapacityPublic(RequiredCapacityBase):
    id: int
