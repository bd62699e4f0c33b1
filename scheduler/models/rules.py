"""Working-time rules and turnaround targets.

A row with neither region nor site is the default rule set; a row for a region or a site
replaces the default as a whole for shifts there (the problem builder picks the most specific).
"""

from typing import Self

from pydantic import model_validator
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

# Upper bounds keep absurd values (and infinity) out of the solver's integer arithmetic.
MAX_REST_HOURS = 72.0
HOURS_PER_WEEK = 168.0


class RulesBase(SQLModel):
    region_id: int | None = Field(default=None, foreign_key="region.id", index=True)
    site_id: int | None = Field(default=None, foreign_key="site.id", index=True)
    # between the end of one shift and the next
    min_rest_hours: float = Field(default=11.0, ge=0, le=MAX_REST_HOURS)
    max_consecutive_nights: int = Field(default=4, ge=1)
    max_consecutive_days: int = Field(default=6, ge=1)
    # at 1.0 FTE; scaled by each reader's FTE
    max_weekly_hours: float = Field(default=48.0, gt=0, le=HOURS_PER_WEEK)
    max_weekends: int = Field(default=2, ge=0)  # weekends worked per 4 weeks
    turnaround_stat_minutes: int = Field(default=60, gt=0)
    turnaround_ed_minutes: int = Field(default=120, gt=0)
    turnaround_inpatient_minutes: int = Field(default=24 * 60, gt=0)
    turnaround_outpatient_minutes: int = Field(default=72 * 60, gt=0)

    @model_validator(mode="after")
    def _scope(self) -> Self:
        if self.site_id is not None and self.region_id is None:
            raise ValueError("site rules need region_id as well as site_id")
        return self


class Rules(RulesBase, table=True):
    __table_args__ = (UniqueConstraint("region_id", "site_id"),)

    id: int | None = Field(default=None, primary_key=True)

    @property
    def is_default(self) -> bool:
        return self.region_id is None and self.site_id is None


class RulesCreate(RulesBase):
    pass


class RulesPublic(RulesBase):
    id: int


class RulesUpdate(SQLModel):
    min_rest_hours: float | None = Field(default=None, ge=0, le=MAX_REST_HOURS)
    max_consecutive_nights: int | None = Field(default=None, ge=1)
    max_consecutive_days: int | None = Field(default=None, ge=1)
    max_weekly_hours: float | None = Field(default=None, gt=0, le=HOURS_PER_WEEK)
    max_weekends: int | None = Field(default=None, ge=0)
    turnaround_stat_minutes: int | None = Field(default=None, gt=0)
    turnaround_ed_minutes: int | None = Field(default=None, gt=0)
    turnaround_inpatient_minutes: int | None = Field(default=None, gt=0)
    turnaround_outpatient_minutes: int | None = Field(default=None, gt=0)
