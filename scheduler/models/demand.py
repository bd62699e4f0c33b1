"""Reading demand: hourly study volumes and how long a study takes to read."""

import datetime as dt

from pydantic import field_validator
from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from scheduler.models.checks import check_utc_hour
from scheduler.models.columns import UTCDateTime, enum_type
from scheduler.models.enums import StudyPriority


class StudyVolumeBase(SQLModel):
    ts: dt.datetime = Field(sa_type=UTCDateTime)  # start of a UTC hour
    region_id: int = Field(foreign_key="region.id")
    site_id: int | None = Field(default=None, foreign_key="site.id")  # None: the whole region
    modality_id: int = Field(foreign_key="modality.id")
    subspecialty_id: int = Field(foreign_key="subspecialty.id")
    priority: StudyPriority = Field(sa_type=enum_type(StudyPriority))
    count: int = Field(ge=0)

    @field_validator("ts")
    @classmethod
    def _utc_hour(cls, value: dt.datetime) -> dt.datetime:
        return check_utc_hour(value)


class StudyVolume(StudyVolumeBase, table=True):
    __tablename__ = "study_volume"
    __table_args__ = (
        UniqueConstraint(
            "ts",
            "region_id",
            "site_id",
            "modality_id",
            "subspecialty_id",
            "priority",
            name="uq_study_volume_key",  # the derived name passes PostgreSQL's 63-character limit
        ),
        # Forecasting reads one region's history in time order.
        Index("ix_study_volume_region_ts", "region_id", "ts"),
    )

    id: int | None = Field(default=None, primary_key=True)


class StudyVolumeCreate(StudyVolumeBase):
    pass


class StudyVolumePublic(StudyVolumeBase):
    id: int


class ProductivityRateBase(SQLModel):
    modality_id: int = Field(foreign_key="modality.id")
    subspecialty_id: int = Field(foreign_key="subspecialty.id")
    minutes_per_study: float = Field(gt=0)


class ProductivityRate(ProductivityRateBase, table=True):
    __tablename__ = "productivity_rate"
    __table_args__ = (UniqueConstraint("modality_id", "subspecialty_id"),)

    id: int | None = Field(default=None, primary_key=True)


class ProductivityRateCreate(ProductivityRateBase):
    pass


class ProductivityRatePublic(ProductivityRateBase):
    id: int


class ProductivityRateUpdate(SQLModel):
    minutes_per_study: float | None = Field(default=None, gt=0)
