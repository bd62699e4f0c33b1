"""What is loaded: regions, radiologists with their qualifications, row counts (overview page)."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, SQLModel, col, select

from scheduler.models import (
    Licence,
    PlanningPeriod,
    Radiologist,
    Region,
    ShiftTemplate,
    Site,
    Skill,
    Subspecialty,
)


@dataclass(frozen=True)
class RadiologistSummary:
    code: str
    name: str
    fte: float
    active: bool
    home_region: str | None  # region code
    skills: tuple[str, ...]  # "neuro (3)"
    licences: tuple[str, ...]  # "NO-NL", "SE-Z (expired)"


@dataclass(frozen=True)
class Overview:
    counts: dict[str, int]
    regions: tuple[Region, ...]
    radiologists: tuple[RadiologistSummary, ...]


def count_rows(*, session: Session, table: type[SQLModel]) -> int:
    return session.exec(select(func.count()).select_from(table)).one()


def list_regions(*, session: Session) -> list[Region]:
    return list(session.exec(select(Region).order_by(col(Region.code))))


def licence_label(licence: Licence, region_code: str, today: dt.date) -> str:
    if licence.valid_to is not None and licence.valid_to < today:
        return f"{region_code} (expired)"
    if licence.valid_from > today:
        return f"{region_code} (from {licence.valid_from.isoformat()})"
    return region_code


def list_radiologist_summaries(
    *, session: Session, today: dt.date | None = None
) -> list[RadiologistSummary]:
    """Every radiologist by name, with skills and licences, in a fixed number of queries."""
    today = today or dt.date.today()
    region_codes = {r.id: r.code for r in session.exec(select(Region))}
    subspecialty_codes = {s.id: s.code for s in session.exec(select(Subspecialty))}

    skills: defaultdict[int, list[str]] = defaultdict(list)
    for skill in session.exec(select(Skill).order_by(col(Skill.level).desc(), col(Skill.id))):
        skills[skill.radiologist_id].append(
            f"{subspecialty_codes[skill.subspecialty_id]} ({skill.level})"
        )
    licences: defaultdict[int, list[str]] = defaultdict(list)
    for licence in session.exec(select(Licence).order_by(col(Licence.valid_from))):
        label = licence_label(licence, region_codes[licence.region_id], today)
        licences[licence.radiologist_id].append(label)

    summaries = []
    for reader in session.exec(select(Radiologist).order_by(col(Radiologist.name))):
        assert reader.id is not None
        home = reader.home_region_id
        summaries.append(
            RadiologistSummary(
                code=reader.code,
                name=reader.name,
                fte=reader.fte,
                active=reader.active,
                home_region=region_codes.get(home) if home is not None else None,
                skills=tuple(skills[reader.id]),
                licences=tuple(licences[reader.id]),
            )
        )
    return summaries


def get_overview(*, session: Session, today: dt.date | None = None) -> Overview:
    counted: dict[str, type[SQLModel]] = {
        "regions": Region,
        "sites": Site,
        "radiologists": Radiologist,
        "subspecialties": Subspecialty,
        "shift templates": ShiftTemplate,
        "planning periods": PlanningPeriod,
    }
    return Overview(
        counts={label: count_rows(session=session, table=t) for label, t in counted.items()},
        regions=tuple(list_regions(session=session)),
        radiologists=tuple(list_radiologist_summaries(session=session, today=today)),
    )
