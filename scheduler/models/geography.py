"""Where studies come from: regions (licensing areas) and sites (hospitals)."""

from pydantic import field_validator
from sqlmodel import Field, SQLModel

from scheduler.models.checks import check_time_zone


class RegionBase(SQLModel):
    code: str = Field(min_length=1, max_length=32, unique=True, index=True)  # e.g. "NO-NL"
    name: str = Field(min_length=1, max_length=200)
    time_zone: str = Field(max_length=64)  # IANA name
    population: int = Field(default=0, ge=0)
    sparse: bool = False  # remote or sparsely populated: cover weighs more

    @field_validator("time_zone")
    @classmethod
    def _time_zone(cls, value: str) -> str:
        return check_time_zone(value)


class Region(RegionBase, table=True):
    id: int | None = Field(default=None, primary_key=True)


class RegionCreate(RegionBase):
    pass


class RegionPublic(RegionBase):
    id: int


class RegionUpdate(SQLModel):
    code: str | None = Field(default=None, min_length=1, max_length=32)
    name: str | None = Field(default=None, min_length=1, max_length=200)
    time_zone: str | None = None
    population: int | None = Field(default=None, ge=0)
    sparse: bool | None = None

    @field_validator("time_zone")
    @classmethod
    def _time_zone(cls, value: str | None) -> str | None:
        return None if value is None else check_time_zone(value)


class SiteBase(SQLModel):
    code: str = Field(min_length=1, max_length=32, unique=True, index=True)
    name: str = Field(min_length=1, max_length=200)  # the hospital
    region_id: int = Field(foreign_key="region.id", index=True)
    time_zone: str = Field(max_length=64)

    @field_validator("time_zone")
    @classmethod
    def _time_zone(cls, value: str) -> str:
        return check_time_zone(value)


class Site(SiteBase, table=True):
    id: int | None = Field(default=None, primary_key=True)


class SiteCreate(SiteBase):
    pass


class SitePublic(SiteBase):
    id: int


class SiteUpdate(SQLModel):
    code: str | None = Field(default=None, min_length=1, max_length=32)
    name: str | None = Field(default=None, min_length=1, max_length=200)
    region_id: int | None = None
    time_zone: str | None = None

    @field_validator("time_zone")
    @classmethod
    def _time_zone(cls, value: str | None) -> str | None:
        return None if value is None else check_time_zone(value)
