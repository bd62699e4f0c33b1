"""A small stored department for builder, solve and validate tests: rows written through
SQLModel.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from scheduler import models as m
from scheduler.models.shift_demand import ShiftDemand

START = dt.date(2027, 1, 4)  # a Monday


def seed_department(session: Session, *, weeks: int = 1) -> int:
    """Two regions (one sparse), three sites, five readers, day/night/on-call templates; the period
    id.
    """
    north = m.Region(
        code="N", name="North", time_zone="Europe/Oslo", population=50_000, sparse=True
    )
    south = m.Region(code="S", name="South", time_zone="Europe/Stockholm", population=900_000)
    session.add_all([north, south])
    session.flush()
    assert north.id and south.id
    tromso = m.Site(code="TRO", name="Tromsø", region_id=north.id, time_zone="Europe/Oslo")
    umea = m.Site(code="UME", name="Umeå", region_id=south.id, time_zone="Europe/Stockholm")
    lulea = m.Site(code="LUL", name="Luleå", region_id=south.id, time_zone="Europe/Stockholm")
    neuro = m.Subspecialty(code="neuro", name="Neuroradiology")
    general = m.Subspecialty(code="general", name="General")
    session.add_all([tromso, umea, lulea, neuro, general])
    session.flush()
    rules = m.Rules(min_rest_hours=11, max_consecutive_nights=3, max_weekly_hours=48)
    session.add(rules)
    day = m.ShiftTemplate(
        code="DAY",
        name="Day",
        kind=m.ShiftKind.DAY,
        local_start=dt.time(8),
        length_minutes=480,
        weekdays="01234",
    )
    night = m.ShiftTemplate(
        code="NGT",
        name="Night",
        kind=m.ShiftKind.NIGHT,
        local_start=dt.time(22),
        length_minutes=600,
        region_id=south.id,
    )
    # Weeknights only: three readers may take North's on-call, and 15 h a night within their
    # weekly hours and 11 h rest is feasible only if they alternate.
    on_call = m.ShiftTemplate(
        code="OC",
        name="On-call",
        kind=m.ShiftKind.ON_CALL,
        local_start=dt.time(17),
        length_minutes=900,
        region_id=north.id,
        required_readers=1,
        weekdays="01234",
    )
    session.add_all([day, night, on_call])
    period = m.PlanningPeriod(
        name="Test week", start_date=START, weeks=weeks, status=m.PeriodStatus.OPEN
    )
    session.add(period)
    session.flush()
    readers = []
    specs = [
        ("R1", "Anna Lind", 1.0, north, {"neuro", "general"}, [north, south]),
        ("R2", "Bo Berg", 1.0, south, {"general"}, [south]),
        ("R3", "Cleo Dahl", 0.8, south, {"neuro", "general"}, [south, north]),
        ("R4", "Dan Ek", 0.5, north, {"general"}, [north]),
        ("R5", "Eva Falk", 1.0, south, {"general", "neuro"}, [south]),
    ]
    subs = {"neuro": neuro, "general": general}
    sites_of = {north.id: [tromso], south.id: [umea, lulea]}
    for code, name, fte, home, skills, licensed in specs:
        reader = m.Radiologist(
            code=code,
            name=name,
            email=f"{code.lower()}@example.org",
            fte=fte,
            home_time_zone=home.time_zone,
            home_region_id=home.id,
        )
        session.add(reader)
        session.flush()
        assert reader.id is not None
        readers.append(reader)
        for skill in skills:
            session.add(m.Skill(radiologist_id=reader.id, subspecialty_id=subs[skill].id))
        for region in licensed:
            session.add(
                m.Licence(
                    radiologist_id=reader.id,
                    region_id=region.id,
                    number=f"{code}-{region.code}",
                    valid_from=dt.date(2020, 1, 1),
                )
            )
            for site in sites_of[region.id]:
                session.add(
                    m.Privilege(radiologist_id=reader.id, site_id=site.id, valid_from=START)
                )
    assert period.id is not None
    # R1 is on leave on Wednesday; R2 would rather not work Friday.
    session.add(
        m.AvailabilityEntry(
            period_id=period.id,
            radiologist_id=readers[0].id,
            date=START + dt.timedelta(days=2),
            kind=m.AvailabilityKind.LEAVE,
        )
    )
    session.add(
        m.AvailabilityEntry(
            period_id=period.id,
            radiologist_id=readers[1].id,
            date=START + dt.timedelta(days=4),
            kind=m.AvailabilityKind.AVOID,
            weight=3,
        )
    )
    for offset in range(period.num_days):
        date = START + dt.timedelta(days=offset)
        if date.weekday() < 5:
            for region, site in ((north, tromso), (south, umea), (south, lulea)):
                for sub, hours in ((general, 8.0), (neuro, 4.0)):
                    session.add(
                        ShiftDemand(
                            period_id=period.id,
                            shift_template_id=day.id,
                            date=date,
                            region_id=region.id,
                            site_id=site.id,
                            subspecialty_id=sub.id,
                            reader_hours=hours,
                        )
                    )
        session.add(
            ShiftDemand(
                period_id=period.id,
                shift_template_id=night.id,
                date=date,
                region_id=south.id,
                site_id=umea.id,
                subspecialty_id=general.id,
                reader_hours=6.0,
            )
        )
    session.commit()
    return period.id
