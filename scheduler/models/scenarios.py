"""What-if planning: scenarios (a baseline period plus typed changes), sweeps of them, and the
stored result of solving each one.

A scenario never touches the baseline's rows: its changes are kept as JSON and applied to a copy
of the solver problem (``scheduler.scenarios.changes``).
"""

import datetime as dt
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from scheduler.models.columns import UTCDateTime, enum_type, utc_now


class SweepStatus(StrEnum):
    PENDING = "pending"  # created, never run
    RUNNING = "running"
    FINISHED = "finished"  # every scenario has a result
    CANCELLED = "cancelled"  # stopped; running it again resumes
    FAILED = "failed"


class ScenarioBase(SQLModel):
    name: str = Field(min_length=1, max_length=200, unique=True, index=True)
    period_id: int = Field(foreign_key="planning_period.id", ondelete="CASCADE", index=True)
    description: str = Field(default="", max_length=2000)


class Scenario(ScenarioBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    # The period's reference point in comparisons: no changes, one per period, made on demand.
    is_baseline: bool = False
    # A JSON list of changes, each {"kind": ..., fields...}: see scheduler.scenarios.changes.
    changes_json: str = Field(default="[]", sa_type=sa.Text)
    sweep_id: int | None = Field(
        default=None, foreign_key="sweep.id", ondelete="CASCADE", index=True
    )
    copied_from_id: int | None = Field(default=None, foreign_key="scenario.id", ondelete="SET NULL")
    created_at: dt.datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


class ScenarioCreate(ScenarioBase):
    changes: list[dict[str, Any]] = Field(default_factory=list)


class ScenarioPublic(ScenarioBase):
    id: int
    is_baseline: bool
    changes: list[dict[str, Any]]
    sweep_id: int | None
    copied_from_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime


class SweepBase(SQLModel):
    name: str = Field(min_length=1, max_length=200, unique=True, index=True)
    period_id: int = Field(foreign_key="planning_period.id", ondelete="CASCADE", index=True)
    time_limit_seconds: float = Field(default=30.0, gt=0)
    num_workers: int = Field(default=1, ge=1)  # CP-SAT workers per scenario


class Sweep(SweepBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    grid_json: str = Field(default="{}", sa_type=sa.Text)  # the grid as given
    status: SweepStatus = Field(default=SweepStatus.PENDING, sa_type=enum_type(SweepStatus))
    cancel_requested: bool = False
    created_at: dt.datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    started_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    error: str | None = Field(default=None, sa_type=sa.Text)


class SweepPublic(SweepBase):
    id: int
    status: SweepStatus
    cancel_requested: bool
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    error: str | None


class ScenarioResult(SQLModel, table=True):
    """The latest solve of a scenario: solver facts, KPIs and a roster summary (JSON).

    ``fingerprint`` hashes the changes and solve options it was run with: a result whose
    fingerprint no longer matches is stale, and a resumed sweep runs that scenario again.
    """

    __tablename__ = "scenario_result"

    id: int | None = Field(default=None, primary_key=True)
    scenario_id: int = Field(foreign_key="scenario.id", ondelete="CASCADE", unique=True, index=True)
    fingerprint: str = Field(max_length=64)
    status: str = Field(max_length=32)  # a solver status, or "error"
    objective: int | None = None
    best_bound: float | None = None
    gap: float | None = None
    wall_seconds: float = Field(default=0.0, ge=0)
    first_feasible_seconds: float | None = None
    time_limit_seconds: float = Field(default=0.0, ge=0)
    num_workers: int = Field(default=1, ge=1)
    kpis_json: str = Field(default="{}", sa_type=sa.Text)
    summary_json: str = Field(default="{}", sa_type=sa.Text)
    explanation: str = Field(default="", sa_type=sa.Text)
    worker: str = Field(default="", max_length=200)  # host:pid that solved it
    created_at: dt.datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
