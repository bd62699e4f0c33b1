"""A small feasible department for the self-service tests, and published rosters built by hand.

North (Europe/Oslo) and West (Australia/Perth, UTC+8, no DST): the feed tests need a zone far
from UTC. Readers:
    R1 Anna Lind   home North, licensed North + West, general + neuro
    R2 Bo Berg     home North, licensed North,        general
    R3 Cleo Dahl   home West,  licensed West,         general
    R4 Dan Ek      home North, licensed North,        general + neuro
Templates: DAY 08:00-16:00 weekdays in every region; NGT 22:00-08:00 North; OC on-call
16:00-08:00 North (no required headcount, so the solver is never forced).
"""

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session

from scheduler import models as m

START = dt.date(2030, 1, 7)  # a Monday, safely in the future for "upcoming shift" checks


@dataclass(frozen=True)
class Clinic:
    period_id: int
    regions: dict[str, int]
    sites: dict[str, int]
    subspecialties: dict[str, int]
    readers: dict[str, int]
    templates: dict[str, int]

    def day(self, offset: int) -> dt.date:
        return START + dt.timedelta(days=offset)


def seed_clinic(
    session: Session, *, weeks: int = 1, status: m.PeriodStatus | None = None
) -> Clinic:
    north = m.Region(code="N", name="North", time_zone="Europe/Oslo", sparse=True)
    west = m.Region(code="W", name="West", time_zone="Australia/Perth")
    session.add_all([north, west])
    session.flush()
    assert north.id and west.id
    tromso = m.Site(code="TRO", name="Tromsø", region_id=north.id, time_zone="Europe/Oslo")
    perth = m.Site(code="PER", name="Perth", region_id=west.id, time_zone="Australia/Perth")
    general = m.Subspecialty(code="general", name="General")
    neuro = m.Subspecialty(code="neuro", name="Neuroradiology")
    session.add_all([tromso, perth, general, neuro])
    session.add(m.Rules(min_rest_hours=11, max_consecutive_nights=3, max_weekly_hours=48))
    session.flush()
    day = m.ShiftTemplate(
        code="DAY", name="Day", kind=m.ShiftKind.DAY, local_start=dt.time(8), length_minutes=480,
        weekdays="01234",
    )  # fmt: skip
    night = m.ShiftTemplate(
        code="NGT", name="Night", kind=m.ShiftKind.NIGHT, local_start=dt.time(22),
        length_minutes=600, region_id=north.id,
    )  # fmt: skip
    on_call = m.ShiftTemplate(
        code="OC", name="On-call", kind=m.ShiftKind.ON_CALL, local_start=dt.time(16),
        length_minutes=960, region_id=north.id, required_readers=0,
    )  # fmt: skip
    period = m.PlanningPeriod(
        name="Test weeks", start_date=START, weeks=weeks, status=status or m.PeriodStatus.OPEN
    )
    session.add_all([day, night, on_call, period])
    session.flush()
    assert period.id and day.id and night.id and on_call.id and tromso.id and perth.id
    assert general.id and neuro.id
    specs = [
        ("R1", "Anna Lind", north, [north, west], [general, neuro]),
        ("R2", "Bo Berg", north, [north], [general]),
        ("R3", "Cleo Dahl", west, [west], [general]),
        ("R4", "Dan Ek", north, [north], [general, neuro]),
    ]
    sites_of = {north.id: tromso, west.id: perth}
    readers: dict[str, int] = {}
    for code, name, home, licensed, skills in specs:
        reader = m.Radiologist(
            code=code, name=name, email=f"{code.lower()}@clinic.example",
            home_time_zone=home.time_zone, home_region_id=home.id,
        )  # fmt: skip
        session.add(reader)
        session.flush()
        assert reader.id is not None
        readers[code] = reader.id
        for skill in skills:
            session.add(m.Skill(radiologist_id=reader.id, subspecialty_id=skill.id))
        for region in licensed:
            assert region.id is not None
            session.add(m.Licence(radiologist_id=reader.id, region_id=region.id, valid_from=START))
            session.add(
                m.Privilege(
                    radiologist_id=reader.id, site_id=sites_of[region.id].id, valid_from=START
                )
            )
    for offset in range(period.num_days):
        date = START + dt.timedelta(days=offset)
        if date.weekday() < 5:
            for region, site, sub, hours in (
                (north, tromso, general, 8.0),
                (north, tromso, neuro, 4.0),
                (west, perth, general, 8.0),
            ):
                session.add(
                    m.ShiftDemand(
                        period_id=period.id, shift_template_id=day.id, date=date,
                        region_id=region.id, site_id=site.id, subspecialty_id=sub.id,
                        reader_hours=hours,
                    )
                )  # fmt: skip
        session.add(
            m.ShiftDemand(
                period_id=period.id, shift_template_id=night.id, date=date, region_id=north.id,
                site_id=tromso.id, subspecialty_id=general.id, reader_hours=6.0,
            )
        )  # fmt: skip
    session.commit()
    return Clinic(
        period_id=period.id,
        regions={"N": north.id, "W": west.id},
        sites={"TRO": tromso.id, "PER": perth.id},
        subspecialties={"general": general.id, "neuro": neuro.id},
        readers=readers,
        templates={"DAY": day.id, "NGT": night.id, "OC": on_call.id},
    )


@dataclass(frozen=True)
class Cell:
    reader: str
    template: str
    day: int  # offset from START
    region: str
    units: dict[tuple[str, str], int] | None = None  # (site, subspecialty) -> reading units


def publish(session: Session, clinic: Clinic, cells: list[Cell], *, version: int = 1) -> int:
    """Store a published roster version with these cells; its id."""
    roster = m.Roster(
        period_id=clinic.period_id,
        version=version,
        status=m.RosterStatus.PUBLISHED,
        published_at=m.utc_now(),
    )
    session.add(roster)
    session.flush()
    assert roster.id is not None
    for cell in cells:
        assignment = m.Assignment(
            roster_id=roster.id,
            radiologist_id=clinic.readers[cell.reader],
            date=clinic.day(cell.day),
            shift_template_id=clinic.templates[cell.template],
            region_id=clinic.regions[cell.region],
        )
        session.add(assignment)
        session.flush()
        assert assignment.id is not None
        for (site, sub), units in (cell.units or {}).items():
            session.add(
                m.AssignmentAllocation(
                    assignment_id=assignment.id,
                    site_id=clinic.sites[site],
                    subspecialty_id=clinic.subspecialties[sub],
                    units=units,
                )
            )
    session.commit()
    return roster.id
