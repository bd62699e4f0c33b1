"""Model-level validation (Create models) and how rows round-trip through the database."""

import datetime as dt

import pytest
from pydantic import ValidationError
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from scheduler.models import (
    AvailabilityEntryCreate,
    AvailabilityKind,
    JobStatus,
    LicenceCreate,
    PlanningPeriod,
    PlanningPeriodCreate,
    PrivilegeCreate,
    ProductivityRateCreate,
    Radiologist,
    RadiologistCreate,
    RadiologistUpdate,
    Region,
    RegionCreate,
    Roster,
    ShiftKind,
    ShiftTemplate,
    ShiftTemplateCreate,
    SiteCreate,
    Skill,
    SkillCreate,
    SolveJob,
    StudyPriority,
    StudyVolumeCreate,
    Subspecialty,
)

OSLO = "Europe/Oslo"
MONDAY = dt.date(2025, 3, 3)


def _reader(**changes: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "code": "R1",
        "name": "Ingrid Lind",
        "email": "ingrid.lind@nlsh.no",
        "fte": 0.8,
        "home_time_zone": OSLO,
    }
    fields.update(changes)
    return fields


# --- validation -----------------------------------------------------------------------------


@pytest.mark.parametrize("zone", ["Europe/Osloo", "CET+1", "", " Europe/Oslo", "../etc/passwd"])
def test_unknown_time_zones_are_refused(zone: str) -> None:
    with pytest.raises(ValidationError, match="is not an IANA zone name"):
        RegionCreate(code="NO-NL", name="Nordland", time_zone=zone)
    with pytest.raises(ValidationError, match="time_zone"):
        SiteCreate(code="BOD", name="Bodø", region_id=1, time_zone=zone)
    with pytest.raises(ValidationError, match="home_time_zone"):
        RadiologistCreate(**_reader(home_time_zone=zone))


def test_iana_time_zones_are_accepted() -> None:
    assert RegionCreate(code="AU-WA", name="WA", time_zone="Australia/Perth").time_zone
    assert RadiologistUpdate(home_time_zone="America/St_Johns").home_time_zone


@pytest.mark.parametrize("fte", [0, -0.5, 1.01, 2])
def test_fte_must_be_in_zero_to_one(fte: float) -> None:
    with pytest.raises(ValidationError, match="fte"):
        RadiologistCreate(**_reader(fte=fte))


@pytest.mark.parametrize("fte", [0.1, 0.5, 1.0])
def test_fte_within_range_is_kept(fte: float) -> None:
    assert RadiologistCreate(**_reader(fte=fte)).fte == fte


def test_email_is_normalised_and_checked() -> None:
    assert (
        RadiologistCreate(**_reader(email=" Ingrid.Lind@NLSH.no ")).email == "ingrid.lind@nlsh.no"
    )
    with pytest.raises(ValidationError, match="not an address"):
        RadiologistCreate(**_reader(email="ingrid.lind"))


@pytest.mark.parametrize("model", [LicenceCreate, PrivilegeCreate])
def test_validity_must_end_after_it_starts(model: type[LicenceCreate | PrivilegeCreate]) -> None:
    ids = {"radiologist_id": 1, "region_id": 1, "site_id": 1}
    with pytest.raises(
        ValidationError, match="valid_to 2025-01-01 is before valid_from 2025-02-01"
    ):
        model(**ids, valid_from=dt.date(2025, 2, 1), valid_to=dt.date(2025, 1, 1))
    same_day = model(**ids, valid_from=dt.date(2025, 2, 1), valid_to=dt.date(2025, 2, 1))
    assert same_day.valid_to == same_day.valid_from
    assert model(**ids, valid_from=dt.date(2025, 2, 1)).valid_to is None


@pytest.mark.parametrize("level", [0, 4])
def test_skill_level_is_one_to_three(level: int) -> None:
    with pytest.raises(ValidationError, match="level"):
        SkillCreate(radiologist_id=1, subspecialty_id=1, level=level)


def test_planning_periods_start_on_a_monday() -> None:
    with pytest.raises(ValidationError, match="2025-03-04 is a Tuesday"):
        PlanningPeriodCreate(name="Spring", start_date=dt.date(2025, 3, 4), weeks=4)
    with pytest.raises(ValidationError, match="weeks"):
        PlanningPeriodCreate(name="Spring", start_date=MONDAY, weeks=0)
    with pytest.raises(ValidationError, match="no time zone"):
        PlanningPeriodCreate(
            name="Spring",
            start_date=MONDAY,
            weeks=4,
            availability_deadline=dt.datetime(2025, 2, 1, 12),
        )
    period = PlanningPeriod.model_validate(
        PlanningPeriodCreate(name="Spring", start_date=MONDAY, weeks=4)
    )
    assert period.end_date == dt.date(2025, 3, 30)


def test_shift_template_checks() -> None:
    night = {"code": "N", "name": "Night", "kind": "night", "local_start": "22:00"}
    template = ShiftTemplateCreate(**night, length_minutes=600, weekdays="6543210")
    assert template.kind is ShiftKind.NIGHT
    assert template.weekdays == "0123456"
    with pytest.raises(ValidationError, match="'7'"):
        ShiftTemplateCreate(**night, length_minutes=600, weekdays="01237")
    with pytest.raises(ValidationError, match="repeats a day"):
        ShiftTemplateCreate(**night, length_minutes=600, weekdays="0011")
    with pytest.raises(ValidationError, match="length_minutes"):
        ShiftTemplateCreate(**night, length_minutes=0)
    with pytest.raises(ValidationError, match="kind"):
        ShiftTemplateCreate(**{**night, "kind": "graveyard"}, length_minutes=600)
    with pytest.raises(ValidationError, match="needs region_id"):
        ShiftTemplateCreate(**night, length_minutes=600, site_id=3)


def test_study_volume_hours_are_utc_and_whole() -> None:
    fields = {"region_id": 1, "modality_id": 1, "subspecialty_id": 1, "priority": "ed", "count": 3}
    oslo_hour = dt.datetime(2025, 3, 3, 9, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    volume = StudyVolumeCreate(ts=oslo_hour, **fields)
    assert volume.ts == dt.datetime(2025, 3, 3, 8, tzinfo=dt.UTC)
    assert volume.priority is StudyPriority.ED
    with pytest.raises(ValidationError, match="not on the hour"):
        StudyVolumeCreate(ts=dt.datetime(2025, 3, 3, 8, 30, tzinfo=dt.UTC), **fields)
    with pytest.raises(ValidationError, match="no time zone"):
        StudyVolumeCreate(ts=dt.datetime(2025, 3, 3, 8), **fields)
    with pytest.raises(ValidationError, match="count"):
        StudyVolumeCreate(ts=oslo_hour, **{**fields, "count": -1})


def test_productivity_must_be_positive() -> None:
    with pytest.raises(ValidationError, match="minutes_per_study"):
        ProductivityRateCreate(modality_id=1, subspecialty_id=1, minutes_per_study=0)


def test_availability_kinds_are_the_solvers() -> None:
    entry = AvailabilityEntryCreate(
        period_id=1, radiologist_id=1, date=MONDAY, kind="leave", shift_kind="on_call"
    )
    assert entry.kind is AvailabilityKind.LEAVE and entry.kind.is_hard
    with pytest.raises(ValidationError, match="weight"):
        AvailabilityEntryCreate(period_id=1, radiologist_id=1, date=MONDAY, kind="prefer", weight=0)


# --- database round trips -------------------------------------------------------------------


def _seed_reader(session: Session) -> tuple[Region, Radiologist, Subspecialty]:
    region = Region.model_validate(
        RegionCreate(code="NO-NL", name="Nordland", time_zone=OSLO, sparse=True)
    )
    neuro = Subspecialty(code="neuro", name="Neuroradiology")
    session.add_all([region, neuro])
    session.flush()
    reader = Radiologist.model_validate(RadiologistCreate(**_reader(home_region_id=region.id)))
    session.add(reader)
    session.flush()
    assert reader.id is not None and neuro.id is not None
    session.add(Skill(radiologist_id=reader.id, subspecialty_id=neuro.id, level=3))
    session.commit()
    return region, reader, neuro


def test_enums_are_stored_as_plain_strings(session: Session) -> None:
    session.add(
        ShiftTemplate(
            code="OC",
            name="On call",
            kind=ShiftKind.ON_CALL,
            local_start=dt.time(17),
            length_minutes=900,
        )
    )
    session.commit()
    raw = session.connection().execute(text("SELECT kind FROM shift_template")).scalar_one()
    assert raw == "on_call"
    session.expire_all()
    assert session.exec(select(ShiftTemplate)).one().kind is ShiftKind.ON_CALL


def test_natural_keys_are_unique(session: Session) -> None:
    _seed_reader(session)
    session.add(Region(code="NO-NL", name="Again", time_zone=OSLO))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()
    session.add(
        Radiologist.model_validate(
            RadiologistCreate(**_reader(code="R2", email="INGRID.LIND@nlsh.no"))
        )
    )
    with pytest.raises(IntegrityError):
        session.commit()


def test_one_skill_row_per_subspecialty(session: Session) -> None:
    _, reader, neuro = _seed_reader(session)
    assert reader.id is not None and neuro.id is not None
    session.add(Skill(radiologist_id=reader.id, subspecialty_id=neuro.id, level=1))
    with pytest.raises(IntegrityError):
        session.commit()


def test_deleting_a_radiologist_deletes_their_skills(session: Session) -> None:
    _, reader, _ = _seed_reader(session)
    # A database-level delete, as a bulk import or psql would do: ON DELETE CASCADE must hold.
    session.connection().execute(text("DELETE FROM radiologist WHERE id = :id"), {"id": reader.id})
    session.commit()
    assert session.exec(select(Skill)).all() == []


def test_roster_and_job_point_at_each_other(session: Session) -> None:
    period = PlanningPeriod(name="Spring", start_date=MONDAY, weeks=4)
    session.add(period)
    session.flush()
    assert period.id is not None
    job = SolveJob(period_id=period.id)
    session.add(job)
    session.flush()
    roster = Roster(period_id=period.id, version=1, solve_job_id=job.id, objective=42)
    session.add(roster)
    session.flush()
    job.result_roster_id = roster.id
    job.status = JobStatus.SUCCEEDED
    session.commit()
    session.expire_all()

    stored = session.exec(select(SolveJob)).one()
    assert stored.status is JobStatus.SUCCEEDED
    assert stored.created_at.tzinfo is not None
    assert session.get(Roster, stored.result_roster_id) is not None
    assert session.exec(select(Roster)).one().solve_job_id == stored.id


def test_roster_versions_are_unique_per_period(session: Session) -> None:
    period = PlanningPeriod(name="Spring", start_date=MONDAY, weeks=4)
    session.add(period)
    session.flush()
    assert period.id is not None
    session.add_all(
        [Roster(period_id=period.id, version=1), Roster(period_id=period.id, version=1)]
    )
    with pytest.raises(IntegrityError):
        session.commit()
