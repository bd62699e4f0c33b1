"""Roster versions of a planning period, their assignments and each one's reading-hour split."""

import datetime as dt

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlmodel import Field, Relationship, SQLModel

from scheduler.models.columns import UTCDateTime, enum_type, utc_now
from scheduler.models.enums import RosterStatus


class RosterBase(SQLModel):
    period_id: int = Field(foreign_key="planning_period.id", ondelete="CASCADE", index=True)
    version: int = Field(ge=1)  # 1, 2, ... within the period
    status: RosterStatus = Field(default=RosterStatus.DRAFT, sa_type=enum_type(RosterStatus))
    note: str = Field(default="", max_length=2000)


class Roster(RosterBase, table=True):
    __table_args__ = (UniqueConstraint("period_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    created_at: dt.datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    published_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    # roster -> job -> roster is a cycle; this side is added after both tables exist.
    solve_job_id: int | None = Field(
        default=None,
        sa_column_args=[ForeignKey("solve_job.id", use_alter=True, ondelete="SET NULL")],
    )
    objective: int | None = None
    # Bumped on every edit; an edit carrying an older value lost a race and is refused.
    lock_version: int = Field(default=1, ge=1)

    assignments: list["Assignment"] = Relationship(back_populates="roster", cascade_delete=True)


class RosterCreate(RosterBase):
    pass


class RosterPublic(RosterBase):
    id: int
    created_at: dt.datetime
    published_at: dt.datetime | None
    solve_job_id: int | None
    objective: int | None
    lock_version: int


class RosterUpdate(SQLModel):
    note: str | None = Field(default=None, max_length=2000)
    lock_version: int  # the version the editor saw


class AssignmentBase(SQLModel):
    roster_id: int = Field(foreign_key="roster.id", ondelete="CASCADE", index=True)
    radiologist_id: int = Field(foreign_key="radiologist.id", index=True)
    date: dt.date  # the roster date
    shift_template_id: int = Field(foreign_key="shift_template.id")
    locked: bool = False  # pinned: a re-solve keeps it
    region_id: int | None = Field(default=None, foreign_key="region.id")  # region served, if one


class Assignment(AssignmentBase, table=True):
    __table_args__ = (UniqueConstraint("roster_id", "radiologist_id", "date", "shift_template_id"),)

    id: int | None = Field(default=None, primary_key=True)

    roster: Roster | None = Relationship(back_populates="assignments")
    allocations: list["AssignmentAllocation"] = Relationship(
        back_populates="assignment", cascade_delete=True
    )


class AssignmentCreate(AssignmentBase):
    pass


class AssignmentPublic(AssignmentBase):
    id: int


class AssignmentUpdate(SQLModel):
    locked: bool | None = None


class AssignmentAllocationBase(SQLModel):
    """``units`` reading units of the assignment given to the (site, subspecialty) pool."""

    assignment_id: int = Field(foreign_key="assignment.id", ondelete="CASCADE", index=True)
    site_id: int = Field(foreign_key="site.id")
    subspecialty_id: int = Field(foreign_key="subspecialty.id")
    units: int = Field(ge=0)


class AssignmentAllocation(AssignmentAllocationBase, table=True):
    __tablename__ = "assignment_allocation"
    __table_args__ = (UniqueConstraint("assignment_id", "site_id", "subspecialty_id"),)

    id: int | None = Field(default=None, primary_key=True)

    assignment: Assignment | None = Relationship(back_populates="allocations")


class AssignmentAllocationCreate(AssignmentAllocationBase):
    pass


class AssignmentAllocationPublic(AssignmentAllocationBase):
    id: int
