"""Reading demand per shift slot: what the forecast asks of each (site, subspecialty) pool."""

import datetime as dt

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


class ShiftDemandBase(SQLModel):
    """Reader-hours wanted from the readers of ``shift_template_id`` on ``date`` for one pool.

    Region-level forecasts are split over the region's sites by their share of study volume.
    """

    period_id: int = Field(foreign_key="planning_period.id", ondelete="CASCADE", index=True)
    shift_template_id: int = Field(foreign_key="shift_template.id", ondelete="CASCADE")
    date: dt.date
    region_id: int = Field(foreign_key="region.id", index=True)
    site_id: int = Field(foreign_key="site.id")
    subspecialty_id: int = Field(foreign_key="subspecialty.id")
    reader_hours: float = Field(ge=0)
    min_readers: int = Field(default=0, ge=0)  # Erlang C floor for urgent studies
    source: str = Field(default="forecast", max_length=64)


class ShiftDemand(ShiftDemandBase, table=True):
    __tablename__ = "shift_demand"
    __table_args__ = (
        UniqueConstraint(
            "period_id",
            "shift_template_id",
            "date",
            "site_id",
            "subspecialty_id",
            name="uq_shift_demand_slot_pool",  # the convention's name passes PostgreSQL's 63 chars
        ),
    )

    id: int | None = Field(default=None, primary_key=True)


class ShiftDemandPublic(ShiftDemandBase):
    id: int
