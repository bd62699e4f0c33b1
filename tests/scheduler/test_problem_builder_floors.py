"""The problem builder passes ``ShiftDemand.min_readers`` (the Erlang C floor for urgent studies)
to the solver and keeps its shift-id map on the built problem."""

import datetime as dt

from sqlmodel import Session, select

from scheduler import models as m
from scheduler.models.shift_demand import ShiftDemand
from scheduler.problem_builder import ShiftKey, build_problem
from tests.scheduler.department import START, seed_department


def _rows(session: Session, site: str, subspecialty: str) -> list[ShiftDemand]:
    site_id = session.exec(select(m.Site.id).where(m.Site.code == site)).one()
    sub_id = session.exec(
        select(m.Subspecialty.id).where(m.Subspecialty.code == subspecialty)
    ).one()
    rows = session.exec(
        select(ShiftDemand).where(
            ShiftDemand.site_id == site_id, ShiftDemand.subspecialty_id == sub_id
        )
    ).all()
    return sorted(rows, key=lambda r: r.date)


def _demand(session: Session, period_id: int) -> dict[tuple[str, str], tuple[int, int]]:
    """(pool, shift) -> (units, min_readers) of the built problem."""
    built = build_problem(session=session, period_id=period_id)
    return {(d.pool, d.shift_id): (d.units, d.min_readers) for d in built.problem.reading_demand}


def test_a_floor_of_readers_passes_through_beside_the_units(session: Session) -> None:
    period_id = seed_department(session)
    monday = _rows(session, "TRO", "general")[0]
    assert monday.date == START and monday.reader_hours == 8.0
    monday.min_readers = 2  # two readers present for the day shift, whatever the workload
    session.commit()

    demand = _demand(session, period_id)

    assert demand[("TRO/general", "N:DAY:2027-01-04")] == (8, 2)
    # Slots without a floor keep their workload and no floor.
    assert demand[("TRO/general", "N:DAY:2027-01-05")] == (8, 0)


def test_a_floor_survives_a_slot_whose_units_round_to_nothing(session: Session) -> None:
    period_id = seed_department(session)
    rows = _rows(session, "TRO", "neuro")
    assert [r.date.weekday() for r in rows] == [0, 1, 2, 3, 4]
    for row in rows:
        row.reader_hours = 0.3  # a sparse pool: 0.3 hours a day
    rows[0].min_readers = 1  # Monday's urgent floor: one reader present
    session.commit()

    demand = _demand(session, period_id)
    week = [
        demand.get(("TRO/neuro", f"N:DAY:{(START + dt.timedelta(days=d)).isoformat()}"))
        for d in range(5)
    ]

    # Running totals 0.3, 0.6, 0.9, 1.2, 1.5 round to 0, 1, 1, 1, 2: units on Tuesday and Friday;
    # Monday keeps its row for the floor although its units round to nothing.
    assert week == [(0, 1), (1, 0), None, None, (1, 0)]


def test_the_shift_id_map_is_built_once_and_kept(session: Session) -> None:
    period_id = seed_department(session)
    built = build_problem(session=session, period_id=period_id)

    by_key = built.shift_ids_by_key()

    assert by_key is built.shift_ids_by_key()
    assert len(by_key) == len(built.shift_keys) == len(built.problem.shifts)
    night = next(s for s in built.problem.shifts if s.id == "S:NGT:2027-01-06")
    assert by_key[built.shift_keys[night.id]] == night.id
    assert isinstance(next(iter(by_key)), ShiftKey)
