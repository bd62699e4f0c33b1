"""Accounts: who may sign in, with which role, and (managers) for which regions."""

import datetime as dt
from enum import StrEnum

from pydantic import field_validator
from sqlmodel import Field, Relationship, SQLModel

from scheduler.models.columns import UTCDateTime, enum_type, utc_now
from scheduler.models.people import _check_email

MIN_PASSWORD_LENGTH = 8


class Role(StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"  # per region (UserRegion)
    RADIOLOGIST = "radiologist"  # linked to one Radiologist row
    PLANNER = "planner"


class UserBase(SQLModel):
    email: str = Field(max_length=254, unique=True, index=True)
    name: str = Field(min_length=1, max_length=200)
    role: Role = Field(sa_type=enum_type(Role))
    radiologist_id: int | None = Field(
        default=None, foreign_key="radiologist.id", ondelete="SET NULL", index=True
    )
    active: bool = True

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        return _check_email(value)


class User(UserBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    password_hash: str = Field(max_length=255)
    failed_logins: int = Field(default=0, ge=0)  # consecutive failures since the last success
    locked_until: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: dt.datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)

    # Read through scheduler.services.access.region_ids / manager_can.
    region_links: list["UserRegion"] = Relationship(cascade_delete=True)


class UserCreate(UserBase):
    password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=200)
    region_ids: list[int] = []


class UserPublic(UserBase):
    id: int
    created_at: dt.datetime


class UserUpdate(SQLModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    role: Role | None = None
    radiologist_id: int | None = None
    active: bool | None = None


class UserRegion(SQLModel, table=True):
    """A manager's scope: the regions whose rosters and people they manage."""

    __tablename__ = "user_region"

    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE", primary_key=True)
    region_id: int = Field(foreign_key="region.id", ondelete="CASCADE", primary_key=True)


class LoginThrottle(SQLModel, table=True):
    """Failed sign-ins per client address, so guessing across many accounts is slowed too."""

    __tablename__ = "login_throttle"

    client: str = Field(max_length=64, primary_key=True)  # the client's IP address
    failures: int = Field(default=0, ge=0)
    last_failure_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    locked_until: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
