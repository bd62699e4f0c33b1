"""Solve jobs: the row is the truth about a solve (status, progress, result, error)."""

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from scheduler.models.columns import UTCDateTime, enum_type, utc_now
from scheduler.models.enums import JobStatus


class SolveJobBase(SQLModel):
    period_id: int = Field(foreign_key="planning_period.id", ondelete="CASCADE", index=True)
    # Solver options and scenario, as submitted.
    options_json: str = Field(default="{}", sa_type=sa.Text)


class SolveJob(SolveJobBase, table=True):
    __tablename__ = "solve_job"

    id: int | None = Field(default=None, primary_key=True)
    status: JobStatus = Field(default=JobStatus.QUEUED, sa_type=enum_type(JobStatus), index=True)
    created_at: dt.datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    started_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    progress: float = Field(default=0.0, ge=0.0, le=1.0)
    objective: float | None = None
    best_bound: float | None = None
    gap: float | None = None
    first_feasible_seconds: float | None = None
    wall_seconds: float | None = None
    error: str | None = Field(default=None, sa_type=sa.Text)
    result_roster_id: int | None = Field(default=None, foreign_key="roster.id", ondelete="SET NULL")
    cancel_requested: bool = False
    worker: str | None = Field(default=None, max_length=200)  # host:pid or Ray task id


class SolveJobCreate(SolveJobBase):
    pass


class SolveJobPublic(SolveJobBase):
    id: int
    status: JobStatus
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    progress: float
    objective: float | None
    best_bound: float | None
    gap: float | None
    first_feasible_seconds: float | None
    wall_seconds: float | None
    error: str | None
    result_roster_id: int | None
    cancel_requested: bool
    worker: str | None
