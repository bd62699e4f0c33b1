"""User accounts: creating them, checking passwords, and slowing down password guessing.

Passwords are hashed with Argon2 (pwdlib). Sign-in is throttled twice: per account (a locked account
refuses even the right password until the lock ends) and per client address (so one client cannot
guess across many accounts).
"""

import datetime as dt
import secrets
from dataclasses import dataclass

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import update
from sqlmodel import Session, col, select

from scheduler.models import (
    LoginThrottle,
    Radiologist,
    Region,
    Role,
    User,
    UserCreate,
    UserRegion,
    utc_now,
)

MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_CLIENT = 20  # a hospital's users may share one address
LOCK_DURATION = dt.timedelta(minutes=15)
# Client failures older than this are forgotten, so a slow trickle of typos never locks a site.
CLIENT_WINDOW = dt.timedelta(minutes=15)
TEMPORARY_PASSWORD_BYTES = 9  # 12 URL-safe characters

_hasher = PasswordHash((Argon2Hasher(),))
# Verified against when the email is unknown, so a miss costs the same time as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class AccountError(ValueError):
    """A user cannot be created or changed as asked; the message says why."""


class LoginRefused(Exception):
    """Sign-in refused; the message is safe to show (it never says whether the email exists).

    ``locked``: refused by the throttle rather than by the password (HTTP 429).
    """

    def __init__(self, message: str, *, locked: bool = False) -> None:
        super().__init__(message)
        self.locked = locked


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    return _hasher.verify(password, password_hash)


def temporary_password() -> str:
    return secrets.token_urlsafe(TEMPORARY_PASSWORD_BYTES)


def get_user_by_email(*, session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email.strip().lower())).first()


def create_user(*, session: Session, user_in: UserCreate) -> User:
    """Add a user (flushed, not committed); a radiologist must be linked to a Radiologist row."""
    if get_user_by_email(session=session, email=user_in.email) is not None:
        raise AccountError(f"a user with email {user_in.email!r} already exists")
    if user_in.role == Role.RADIOLOGIST:
        if user_in.radiologist_id is None:
            raise AccountError("a radiologist account must be linked to a radiologist")
        if session.get(Radiologist, user_in.radiologist_id) is None:
            raise AccountError(f"no radiologist with id {user_in.radiologist_id}")
        taken = session.exec(
            select(User).where(User.radiologist_id == user_in.radiologist_id)
        ).first()
        if taken is not None:
            raise AccountError(
                f"radiologist {user_in.radiologist_id} already has an account ({taken.email})"
            )
    if user_in.region_ids and user_in.role != Role.MANAGER:
        raise AccountError("only managers are scoped to regions")
    for region_id in user_in.region_ids:
        if session.get(Region, region_id) is None:
            raise AccountError(f"no region with id {region_id}")
    user = User.model_validate(
        user_in,
        update={"password_hash": hash_password(user_in.password)},
    )
    session.add(user)
    session.flush()
    assert user.id is not None
    session.add_all(UserRegion(user_id=user.id, region_id=rid) for rid in set(user_in.region_ids))
    session.flush()
    return user


def set_password(*, session: Session, user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    session.add(user)


def authenticate(
    *, session: Session, email: str, password: str, client: str, now: dt.datetime | None = None
) -> User:
    """The active user with this email and password, or LoginRefused.

    Commits: a failure must be counted even though the caller gets an exception.
    """
    now = now or utc_now()
    throttle = session.get(LoginThrottle, client)
    if throttle is not None and throttle.locked_until and throttle.locked_until > now:
        raise LoginRefused(
            "Too many failed sign-ins from your network address. "
            f"Try again in {_minutes_left(throttle.locked_until, now)}.",
            locked=True,
        )
    user = get_user_by_email(session=session, email=email)
    if user is not None and user.locked_until and user.locked_until > now:
        raise LoginRefused(
            f"This account is locked after {MAX_FAILURES_PER_ACCOUNT} failed sign-ins. "
            f"Try again in {_minutes_left(user.locked_until, now)}.",
            locked=True,
        )
    password_ok = verify_password(password, user.password_hash if user else _DUMMY_HASH)
    if user is None or not password_ok or not user.active:
        locked = _count_failure(session=session, user=user, client=client, now=now)
        session.commit()
        if locked:
            raise LoginRefused(
                f"Too many failed sign-ins: locked for {LOCK_DURATION.seconds // 60} minutes.",
                locked=True,
            )
        raise LoginRefused("Wrong email or password.")
    user.failed_logins = 0
    user.locked_until = None
    session.add(user)
    session.commit()
    session.refresh(user)
    return user


def _count_failure(*, session: Session, user: User | None, client: str, now: dt.datetime) -> bool:
    """Record one failure; True when it locked the account or the client."""
    locked = False
    if user is not None:
        # Incremented in SQL: parallel guesses must not overwrite each other's count.
        session.execute(
            update(User)
            .where(col(User.id) == user.id)
            .values(failed_logins=col(User.failed_logins) + 1)
        )
        session.refresh(user)
        if user.failed_logins >= MAX_FAILURES_PER_ACCOUNT:
            user.failed_logins = 0
            user.locked_until = now + LOCK_DURATION
            session.add(user)
            locked = True
    throttle = session.get(LoginThrottle, client) or LoginThrottle(client=client)
    if throttle.last_failure_at is None or now - throttle.last_failure_at > CLIENT_WINDOW:
        throttle.failures = 0
    throttle.failures += 1
    throttle.last_failure_at = now
    if throttle.failures >= MAX_FAILURES_PER_CLIENT:
        throttle.failures = 0
        throttle.locked_until = now + LOCK_DURATION
        locked = True
    session.add(throttle)
    return locked


def _minutes_left(until: dt.datetime, now: dt.datetime) -> str:
    minutes = max(1, -(-int((until - now).total_seconds()) // 60))  # rounded up
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


@dataclass(frozen=True)
class DemoLogin:
    role: Role
    email: str
    password: str


# Documented in README.md ("Demo logins"); for the demo database only.
DEMO_LOGINS = (
    DemoLogin(Role.ADMIN, "admin@demo.teleroster", "demo-admin-pass"),
    DemoLogin(Role.MANAGER, "manager@demo.teleroster", "demo-manager-pass"),
    DemoLogin(Role.PLANNER, "planner@demo.teleroster", "demo-planner-pass"),
    DemoLogin(Role.RADIOLOGIST, "radiologist@demo.teleroster", "demo-radiologist-pass"),
)


def seed_demo_users(session: Session) -> list[DemoLogin]:
    """One user per role for the demo data (flushed); the logins that can be used.

    Safe to run again: existing demo users keep their passwords, but links lost when the demo
    data was reloaded are restored (the manager manages the first region by code; the
    radiologist user is the first active radiologist by code without an account).
    """
    usable: list[DemoLogin] = []
    region = session.exec(select(Region).order_by(col(Region.code))).first()
    for login in DEMO_LOGINS:
        user = get_user_by_email(session=session, email=login.email)
        manages = [region.id] if login.role == Role.MANAGER and region and region.id else []
        radiologist_id = None
        if login.role == Role.RADIOLOGIST:
            radiologist_id = (
                user.radiologist_id
                if user is not None and _active_radiologist(session, user.radiologist_id)
                else _unlinked_radiologist_id(session)
            )
            if radiologist_id is None:
                continue  # no radiologists loaded: nobody to sign in as
        if user is None:
            create_user(
                session=session,
                user_in=UserCreate(
                    email=login.email,
                    name=f"Demo {login.role.value}",
                    role=login.role,
                    radiologist_id=radiologist_id,
                    password=login.password,
                    region_ids=manages,
                ),
            )
        else:
            assert user.id is not None
            user.radiologist_id = radiologist_id
            session.add(user)
            if manages and not user.region_links:
                session.add(UserRegion(user_id=user.id, region_id=manages[0]))
            session.flush()
        usable.append(login)
    return usable


def _active_radiologist(session: Session, radiologist_id: int | None) -> bool:
    row = session.get(Radiologist, radiologist_id) if radiologist_id is not None else None
    return row is not None and row.active


def _unlinked_radiologist_id(session: Session) -> int | None:
    linked = select(User.radiologist_id).where(col(User.radiologist_id).is_not(None))
    return session.exec(
        select(Radiologist.id)
        .where(col(Radiologist.active), col(Radiologist.id).not_in(linked))
        .order_by(col(Radiologist.code))
    ).first()
