"""What radiologists do for themselves: notices they receive, calendar feeds, shift swaps."""

import datetime as dt
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from scheduler.models.columns import UTCDateTime, enum_type, utc_now


class Notice(SQLModel, table=True):
    """An in-app message to one radiologist (e.g. a reminder to enter availability)."""

    id: int | None = Field(default=None, primary_key=True)
    radiologist_id: int = Field(foreign_key="radiologist.id", ondelete="CASCADE", index=True)
    period_id: int | None = Field(
        default=None, foreign_key="planning_period.id", ondelete="CASCADE"
    )
    message: str = Field(max_length=1000)
    sent_by_user_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: dt.datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    read_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)


class AvailabilitySubmission(SQLModel, table=True):
    """When a radiologist last saved availability for a period (saving nothing counts too).

    Its row is also the lock that serialises two saves by the same radiologist.
    """

    __tablename__ = "availability_submission"

    period_id: int = Field(foreign_key="planning_period.id", ondelete="CASCADE", primary_key=True)
    radiologist_id: int = Field(foreign_key="radiologist.id", ondelete="CASCADE", primary_key=True)
    submitted_at: dt.datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    saves: int = Field(default=0, ge=0)


class CalendarToken(SQLModel, table=True):
    """The secret in a radiologist's iCal feed URL; only its SHA-256 is stored."""

    __tablename__ = "calendar_token"

    id: int | None = Field(default=None, primary_key=True)
    radiologist_id: int = Field(foreign_key="radiologist.id", ondelete="CASCADE", index=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: dt.datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    revoked_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)


class SwapStatus(StrEnum):
    OFFERED = "offered"  # waiting for a colleague
    ACCEPTED = "accepted"  # a colleague took it and the rules allow it; waiting for a manager
    APPROVED = "approved"  # applied to a new published roster version
    REJECTED = "rejected"  # by a manager
    CANCELLED = "cancelled"  # withdrawn by the one who offered it

    @property
    def is_open(self) -> bool:
        return self in (SwapStatus.OFFERED, SwapStatus.ACCEPTED)


class SwapRequest(SQLModel, table=True):
    """One shift handed from one radiologist to another, and who agreed to it, when.

    The shift is named by (period, date, template) rather than by assignment id, because an
    approved swap copies the roster into a new version with new assignment rows.
    """

    __tablename__ = "swap_request"

    id: int | None = Field(default=None, primary_key=True)
    period_id: int = Field(foreign_key="planning_period.id", ondelete="CASCADE", index=True)
    roster_id: int = Field(foreign_key="roster.id", ondelete="CASCADE")  # version offered from
    date: dt.date
    shift_template_id: int = Field(foreign_key="shift_template.id")
    region_id: int | None = Field(default=None, foreign_key="region.id")
    offered_by_id: int = Field(foreign_key="radiologist.id", ondelete="CASCADE", index=True)
    accepted_by_id: int | None = Field(
        default=None, foreign_key="radiologist.id", ondelete="CASCADE", index=True
    )
    decided_by_user_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    status: SwapStatus = Field(
        default=SwapStatus.OFFERED, sa_type=enum_type(SwapStatus), index=True
    )
    note: str = Field(default="", max_length=500)
    offered_at: dt.datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    accepted_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    decided_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    result_roster_id: int | None = Field(default=None, foreign_key="roster.id", ondelete="SET NULL")
    # Why the validator refused it, or the manager's reason for rejecting.
    refusal: str | None = Field(default=None, sa_type=sa.Text)
