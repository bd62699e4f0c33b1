"""Stored rows -> solver.Problem: UTC shifts from local templates, eligibility, demand, pins."""

import datetime as dt

import pytest
from sqlmodel import Session, select

from scheduler import models as m
from scheduler.problem_builder import BuildError, build_problem, shift_start_utc
from solver.problem import AvailabilityKind, ShiftKind
from tests.scheduler.department import START, seed_department


def test_builds_shifts_readers_and_demand(session: Session) -> None:
    period_id = seed_department(session)
    built = build_problem(session=session, period_id=period_id)
    problem = built.problem
    assert problem.start_date == START and problem.num_days == 7
    # DAY applies in both regions on 5 weekdays, NGT in S on 7 days, OC in N on 5 weeknights.
    kinds = [s.kind for s in problem.shifts]
    assert kinds.count(ShiftKind.DAY) == 10
    assert kinds.count(ShiftKind.NIGHT) == 7
    assert kinds.count(ShiftKind.ON_CALL) == 5
    monday_day_north = next(s for s in problem.shifts if s.id == "N:DAY:2027-01-04")
    # 08:00 in Oslo in winter is 07:00 UTC.
    assert monday_day_north.start == dt.datetime(2027, 1, 4, 7, tzinfo=dt.UTC)
    assert problem.shift_units(monday_day_north) == 8
    on_call = list(problem.headcount_cover)
    assert len(on_call) == 5 and all(c.hard and c.required == 1 for c in on_call)
    readers = {r.id: r for r in problem.radiologists}
    assert set(readers) == {"R1", "R2", "R3", "R4", "R5"}
    assert readers["R1"].availability[0].kind == AvailabilityKind.LEAVE
    assert readers["R1"].availability[0].day == 2
    assert {lic.region for lic in readers["R3"].licences} == {"N", "S"}
    assert readers["R4"].rules.max_average_weekly_minutes == 48 * 60 * 0.5
    assert readers["R1"].rules.min_rest_minutes == 11 * 60
    demand = {(d.pool, d.shift_id): d for d in problem.reading_demand}
    assert demand[("TRO/general", "N:DAY:2027-01-04")].units == 8
    # Sparse region shortfall weighs more.
    assert (
        demand[("TRO/general", "N:DAY:2027-01-04")].weight_under
        > demand[("UME/general", "S:DAY:2027-01-04")].weight_under
    )
    assert built.pool_keys["TRO/neuro"][0] is not None


def test_locked_cells_of_reference_roster_become_pins(session: Session) -> None:
    period_id = seed_department(session)
    template = session.exec(select(m.ShiftTemplate).where(m.ShiftTemplate.code == "DAY")).one()
    reader = session.exec(select(m.Radiologist).where(m.Radiologist.code == "R2")).one()
    region = session.exec(select(m.Region).where(m.Region.code == "S")).one()
    roster = m.Roster(period_id=period_id, version=1)
    session.add(roster)
    session.flush()
    assert roster.id and template.id and reader.id
    for offset, locked in ((0, True), (1, False)):
        session.add(
            m.Assignment(
                roster_id=roster.id,
                radiologist_id=reader.id,
                date=START + dt.timedelta(days=offset),
                shift_template_id=template.id,
                region_id=region.id,
                locked=locked,
            )
        )
    session.commit()
    built = build_problem(session=session, period_id=period_id, reference_roster_id=roster.id)
    assert [(p.radiologist, p.day, p.shift_id) for p in built.problem.pins] == [
        ("R2", 0, "S:DAY:2027-01-04")
    ]
    assert built.problem.reference == {("R2", "S:DAY:2027-01-04"), ("R2", "S:DAY:2027-01-05")}
    assert built.problem.weights.change > 0


def test_unknown_period_is_a_clear_error(session: Session) -> None:
    with pytest.raises(BuildError, match="planning period 999 does not exist"):
        build_problem(session=session, period_id=999)


def test_dst_start_is_resolved_in_local_time() -> None:
    # Oslo springs forward on 2027-03-28: 22:00 on the 27th is CET (UTC+1), the 28th CEST (+2).
    assert shift_start_utc(dt.date(2027, 3, 27), dt.time(22), "Europe/Oslo").hour == 21
    assert shift_start_utc(dt.date(2027, 3, 28), dt.time(22), "Europe/Oslo").hour == 20


def test_small_slot_demand_keeps_its_total_when_rounded() -> None:
    from scheduler.problem_builder import ShiftKey, _whole_units

    keys = {f"s{d}": ShiftKey(1, START + dt.timedelta(days=d), 1) for d in range(10)}
    units = {("pool", f"s{d}"): 0.3 for d in range(10)}
    whole = _whole_units(units, keys)
    assert sum(whole.values()) == 3  # 10 x 0.3 h, not 10 x round(0.3) = 0
    assert set(whole.values()) <= {0, 1}
