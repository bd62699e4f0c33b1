"""The coverage register lists, per site and hour of a published roster, only readers licensed
for the site's region and privileged at the site on the day; the rest are reported, not listed."""

import datetime as dt

import pytest
from sqlmodel import Session, select

from scheduler import models as m
from scheduler.scenarios.register import coverage_register, register_csv
from scheduler.services.errors import Conflict
from tests.web.clinic import START, Cell, Clinic, publish, seed_clinic


@pytest.fixture
def clinic(session: Session) -> Clinic:
    return seed_clinic(session, weeks=1)


def _licence(session: Session, clinic: Clinic, reader: str, region: str) -> m.Licence:
    return session.exec(
        select(m.Licence).where(
            m.Licence.radiologist_id == clinic.readers[reader],
            m.Licence.region_id == clinic.regions[region],
        )
    ).one()


def _privilege(session: Session, clinic: Clinic, reader: str, site: str) -> m.Privilege:
    return session.exec(
        select(m.Privilege).where(
            m.Privilege.radiologist_id == clinic.readers[reader],
            m.Privilege.site_id == clinic.sites[site],
        )
    ).one()


def _published(session: Session, clinic: Clinic) -> int:
    licence = _licence(session, clinic, "R1", "N")
    licence.number = "NO-12345"
    proxy = _privilege(session, clinic, "R1", "PER")
    proxy.via_proxy = True
    session.add_all([licence, proxy])
    session.commit()
    cells = [
        Cell("R1", "DAY", 0, "N", {("TRO", "general"): 4, ("TRO", "neuro"): 4}),
        Cell("R2", "OC", 0, "N"),
        Cell("R3", "DAY", 0, "W", {("PER", "general"): 8}),
        Cell("R3", "DAY", 1, "N", {("TRO", "general"): 8}),  # no licence for N
        Cell("R4", "DAY", 1, "N", {("TRO", "general"): 8}),  # privilege ends before day 1
        Cell("R1", "DAY", 2, "W", {("PER", "neuro"): 2}),  # privileged by proxy
    ]
    roster_id = publish(session, clinic, cells)
    lapsed = _privilege(session, clinic, "R4", "TRO")
    lapsed.valid_to = START  # withdrawn after publishing
    session.add(lapsed)
    session.commit()
    return roster_id


def test_only_licensed_and_privileged_readers_are_listed(session: Session, clinic: Clinic) -> None:
    roster_id = _published(session, clinic)
    register = coverage_register(session=session, roster_id=roster_id)

    listed = {(e.radiologist_code, e.site) for e in register.entries}
    assert listed == {("R1", "TRO"), ("R2", "TRO"), ("R3", "PER"), ("R1", "PER")}
    assert ("R3", "TRO") not in listed and ("R4", "TRO") not in listed
    excluded = {(x.radiologist_code, x.site, x.date, x.missing) for x in register.excluded}
    assert excluded == {
        ("R3", "TRO", clinic.day(1), "licence for N"),
        ("R4", "TRO", clinic.day(1), "privilege at TRO"),
    }
    # Every listed entry checked against the stored rows, independently of the register's code.
    for entry in register.entries:
        reader = session.exec(
            select(m.Radiologist).where(m.Radiologist.code == entry.radiologist_code)
        ).one()
        site = session.exec(select(m.Site).where(m.Site.code == entry.site)).one()
        day = entry.hour_local.date()
        assert any(
            lic.region_id == site.region_id
            and lic.valid_from <= day
            and (lic.valid_to is None or day <= lic.valid_to)
            for lic in reader.licences
        )
        assert any(
            p.site_id == site.id
            and p.valid_from <= day
            and (p.valid_to is None or day <= p.valid_to)
            for p in reader.privileges
        )


def test_hours_roles_licences_and_privileges_are_shown(session: Session, clinic: Clinic) -> None:
    roster_id = _published(session, clinic)
    register = coverage_register(
        session=session, roster_id=roster_id, site_id=clinic.sites["TRO"], date=clinic.day(0)
    )
    reading = [e for e in register.entries if e.radiologist_code == "R1"]
    assert {e.subspecialty for e in reading} == {"general", "neuro"}
    assert sorted({e.hour_local.hour for e in reading}) == list(range(8, 16))  # 08-16 Oslo
    first = reading[0]
    assert first.hour_utc == dt.datetime(2030, 1, 7, 7, tzinfo=dt.UTC)  # 08:00 CET
    assert (first.licence_number, first.licence_region, first.privilege) == (
        "NO-12345",
        "N",
        "direct",
    )
    assert (first.home_region, first.home_time_zone) == ("N", "Europe/Oslo")
    on_call = [e for e in register.entries if e.role == "on-call"]
    # On call 16:00-08:00 from Monday: the register for Monday's date has 16:00-23:00.
    assert [e.hour_local.hour for e in on_call] == list(range(16, 24))
    assert all(e.radiologist_code == "R2" for e in on_call)

    perth = coverage_register(session=session, roster_id=roster_id, site_id=clinic.sites["PER"])
    proxy = [e for e in perth.entries if e.radiologist_code == "R1"]
    assert proxy and {e.privilege for e in proxy} == {"by proxy"}
    assert proxy[0].hour_local.tzinfo is not None and proxy[0].time_zone == "Australia/Perth"

    text = register_csv(register)
    header, *rows = text.strip().splitlines()
    assert header.startswith("site,site_name,hour_local,hour_utc")
    assert len(rows) == len(register.entries)


def test_drafts_have_no_register(session: Session, clinic: Clinic) -> None:
    roster_id = _published(session, clinic)
    roster = session.get(m.Roster, roster_id)
    assert roster is not None
    roster.status = m.RosterStatus.DRAFT
    session.add(roster)
    session.commit()
    with pytest.raises(Conflict, match="published rosters only"):
        coverage_register(session=session, roster_id=roster_id)
