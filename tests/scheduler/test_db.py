"""Engines, sessions and settings."""

import datetime as dt
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlmodel import Session, select

from scheduler.db import (
    database_ok,
    dispose_engine,
    get_engine,
    get_session,
    normalise_url,
    session_scope,
)
from scheduler.models import PlanningPeriod, Region, Site
from scheduler.settings import PLACEHOLDER_SECRET, Settings, get_settings


def _region(code: str = "NO-NL") -> Region:
    return Region(code=code, name="Nordland", time_zone="Europe/Oslo", population=240_000)


def test_foreign_keys_are_enforced(session: Session) -> None:
    session.add(Site(code="BOD", name="Nordland Hospital", region_id=999, time_zone="Europe/Oslo"))
    with pytest.raises(IntegrityError):
        session.commit()


def test_session_scope_commits_and_rolls_back(engine: Engine) -> None:
    with session_scope() as session:
        session.add(_region("NO-NL"))
    with pytest.raises(RuntimeError), session_scope() as session:
        session.add(_region("SE-Z"))
        session.flush()
        raise RuntimeError("abandon this unit of work")
    with Session(engine) as session:
        assert [r.code for r in session.exec(select(Region))] == ["NO-NL"]


def test_get_session_uses_the_configured_database(engine: Engine) -> None:
    sessions = get_session()
    session = next(sessions)
    try:
        assert session.get_bind() is engine
        assert database_ok(session)
    finally:
        sessions.close()


def test_engine_is_shared_per_url(tmp_path: Path) -> None:
    first = f"sqlite:///{tmp_path / 'a.sqlite'}"
    second = f"sqlite:///{tmp_path / 'b.sqlite'}"
    try:
        assert get_engine(first) is get_engine(first)
        assert get_engine(first) is not get_engine(second)
    finally:
        dispose_engine(first)
        dispose_engine(second)


def test_sqlite_folder_is_created(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'var' / 'nested' / 'teleroster.sqlite'}"
    try:
        with get_engine(url).connect() as connection:
            assert connection.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
        assert (tmp_path / "var" / "nested" / "teleroster.sqlite").is_file()
    finally:
        dispose_engine(url)


def test_plain_postgresql_urls_get_the_psycopg_driver() -> None:
    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("sqlite:///x.sqlite") == "sqlite:///x.sqlite"


def test_instants_come_back_as_the_same_utc_instant(session: Session) -> None:
    oslo_noon = dt.datetime(2025, 3, 30, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    session.add(
        PlanningPeriod(
            name="Spring", start_date=dt.date(2025, 3, 3), weeks=4, availability_deadline=oslo_noon
        )
    )
    session.commit()
    session.expire_all()
    stored = session.exec(select(PlanningPeriod)).one().availability_deadline
    assert stored == oslo_noon
    assert stored is not None and stored.utcoffset() == dt.timedelta(0)
    assert stored.hour == 10


def test_naive_instants_are_refused(session: Session) -> None:
    session.add(
        PlanningPeriod(
            name="Spring",
            start_date=dt.date(2025, 3, 3),
            weeks=4,
            availability_deadline=dt.datetime(2025, 3, 1, 12, 0),
        )
    )
    with pytest.raises(StatementError, match="tz-aware"):
        session.commit()


def test_placeholder_secret_is_refused_in_production() -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY is the placeholder"):
        Settings(environment="production", secret_key=PLACEHOLDER_SECRET)
    assert Settings(environment="production", secret_key="s3cret-from-vault").secret_key
    assert Settings(environment="development").secret_key == PLACEHOLDER_SECRET


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "sqlite:////tmp/elsewhere.sqlite")
    monkeypatch.setenv("PORT", "8123")
    get_settings.cache_clear()
    try:
        assert get_settings().database_url == "sqlite:////tmp/elsewhere.sqlite"
        assert get_settings().port == 8123
        assert get_settings() is get_settings()
    finally:
        get_settings.cache_clear()


def test_default_database_is_a_sqlite_file_under_var(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "")  # empty counts as unset
    url = Settings(_env_file=None).database_url  # type: ignore[call-arg]
    assert url.startswith("sqlite:///")
    assert url.endswith("/var/teleroster.sqlite")
