"""The scheduler services behind the manager pages, called directly (no HTTP)."""

import dataclasses
import datetime as dt
from collections import Counter

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from scheduler import models as m
from scheduler.exports.formulas import escape_formula
from scheduler.problem_builder import build_problem
from scheduler.services.allocation import allocate_units
from scheduler.services.diff import ChangeKind, diff_rosters
from scheduler.services.errors import StaleVersion
from scheduler.services.licences import ExpiryWarning, expiry_warning
from scheduler.services.publish import PublishRefused, publish_roster
from scheduler.services.roster_edit import CellEdit, edit_cell
from scheduler.services.roster_versions import check_roster
from scheduler.services.scope import EVERYWHERE
from scheduler.services.shortfalls import ShortfallExplainer
from scheduler.services.solving import solve_period
from solver import problem as sp
from solver.roster import Allocation, Assignment, Roster
from tests.web.manager.seed import FAST, Department

TODAY = dt.date(2027, 1, 1)


@pytest.mark.parametrize(
    ("valid_to", "period_end", "warning"),
    [
        (None, dt.date(2027, 1, 31), None),
        (dt.date(2026, 12, 31), None, ExpiryWarning.EXPIRED),
        (dt.date(2027, 1, 20), dt.date(2027, 1, 31), ExpiryWarning.IN_PERIOD),
        (dt.date(2027, 1, 31), dt.date(2027, 1, 31), ExpiryWarning.SOON),  # lasts the period
        (dt.date(2027, 1, 31), None, ExpiryWarning.SOON),
        (dt.date(2027, 2, 1), None, None),
        (TODAY, None, ExpiryWarning.SOON),  # still valid today
    ],
)
def test_expiry_warning(
    valid_to: dt.date | None, period_end: dt.date | None, warning: ExpiryWarning | None
) -> None:
    assert expiry_warning(valid_to, today=TODAY, period_end=period_end) == warning


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("=1+1", "'=1+1"),
        ("+47 555", "'+47 555"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=cmd", "'\t=cmd"),
        ("Anna Lind", "Anna Lind"),
        ("", ""),
        (3, 3),
    ],
)
def test_escape_formula(text: object, shown: object) -> None:
    assert escape_formula(text) == shown


def _one_site_problem(given_general: int) -> tuple[sp.Problem, Roster]:
    shift = sp.Shift(
        "S:DAY:1", 0, "DAY", sp.ShiftKind.DAY, dt.datetime(2027, 1, 4, 7, tzinfo=dt.UTC), 480, "S"
    )
    reader = sp.Radiologist(
        "A",
        skills=frozenset({"general", "neuro"}),
        licences=(sp.Licence(region="S"),),
        privileges=(sp.Privilege(site="UME"),),
    )
    other = dataclasses.replace(reader, id="B")
    problem = sp.Problem(
        start_date=dt.date(2027, 1, 4),
        num_days=1,
        shifts=(shift,),
        radiologists=(reader, other),
        regions=(sp.Region("S"),),
        sites=(sp.Site("UME", "S"),),
        pools=(sp.Pool("UME/general", "UME", "general"), sp.Pool("UME/neuro", "UME", "neuro")),
        reading_demand=(
            sp.ReadingDemand("UME/general", shift.id, 6, weight_under=100),
            sp.ReadingDemand("UME/neuro", shift.id, 5, weight_under=150),
        ),
    )
    roster = Roster(
        (Assignment("B", shift.id),), (Allocation("B", shift.id, "UME/general", given_general),)
    )
    return problem, roster


def test_allocation_fills_the_heaviest_shortfall_first() -> None:
    problem, roster = _one_site_problem(given_general=2)
    given = allocate_units(problem, roster, "A", "S:DAY:1")
    # Neuro weighs more: all 5 units; then 3 of the 4 general units still short.
    assert [(a.pool, a.units) for a in given] == [("UME/neuro", 5), ("UME/general", 3)]


def test_allocation_gives_nothing_where_nothing_is_short() -> None:
    problem, roster = _one_site_problem(given_general=6)
    problem = dataclasses.replace(problem, reading_demand=problem.reading_demand[:1])
    assert allocate_units(problem, roster, "A", "S:DAY:1") == []


def _cell(session: Session, roster_id: int, reader_id: int, date: dt.date) -> list[m.Assignment]:
    return list(
        session.exec(
            select(m.Assignment).where(
                m.Assignment.roster_id == roster_id,
                m.Assignment.radiologist_id == reader_id,
                m.Assignment.date == date,
            )
        )
    )


def test_edit_reports_the_broken_rule_and_gives_the_shift_hours(
    engine: Engine, department: Department, stored_roster: int
) -> None:
    leave = dt.date(2027, 1, 6)
    shift = "N:DAY:2027-01-06"
    with Session(engine) as session:
        before = check_roster(session=session, roster_id=stored_roster)
        supplied = Counter(
            (a.pool, a.shift_id) for a in before.roster.allocations for _ in range(a.units)
        )
        short = sum(
            max(0, d.units - supplied[(d.pool, d.shift_id)])
            for d in before.built.problem.reading_demand
            if d.shift_id == shift  # Anna may read both TRO pools
        )
        outcome = edit_cell(
            session=session,
            scope=EVERYWHERE,
            roster_id=stored_roster,
            edit=CellEdit(
                department.readers["R1"],
                leave,
                department.templates["DAY"],
                department.regions["N"],
            ),  # fmt: skip
            lock_version=1,
        )
        assert not outcome.new_version and outcome.roster.lock_version == 2
        messages = [v.message for v in outcome.cell_violations]
        assert any("Anna Lind" in text and "on leave" in text for text in messages)
        (placed,) = _cell(session, stored_roster, department.readers["R1"], leave)
        units = {(a.site_id, a.subspecialty_id): a.units for a in placed.allocations}
        assert sum(units.values()) == min(8, short)  # an 8 h day shift fills what is short
        assert {site for site, _ in units} <= {department.sites["TRO"]}  # the North's site
        with pytest.raises(StaleVersion):
            edit_cell(
                session=session,
                scope=EVERYWHERE,
                roster_id=stored_roster,
                edit=CellEdit(department.readers["R1"], leave, None),
                lock_version=1,
            )


def test_publish_freezes_then_edits_go_to_a_new_draft(
    engine: Engine, department: Department, stored_roster: int
) -> None:
    saturday = dt.date(2027, 1, 9)
    with Session(engine) as session:
        outcome = publish_roster(session=session, roster_id=stored_roster, lock_version=1)
        assert outcome.report.ok and outcome.roster.status == m.RosterStatus.PUBLISHED
        frozen = {
            (a.radiologist_id, a.date, a.shift_template_id)
            for a in session.exec(
                select(m.Assignment).where(m.Assignment.roster_id == stored_roster)
            )
        }
        edited = edit_cell(
            session=session,
            scope=EVERYWHERE,
            roster_id=stored_roster,
            edit=CellEdit(
                department.readers["R2"],
                saturday,
                department.templates["NGT"],
                department.regions["S"],
                locked=True,
            ),  # fmt: skip
            lock_version=2,
        )
        assert edited.new_version and edited.roster.version == 2
        assert edited.roster.status == m.RosterStatus.DRAFT
        assert frozen == {
            (a.radiologist_id, a.date, a.shift_template_id)
            for a in session.exec(
                select(m.Assignment).where(m.Assignment.roster_id == stored_roster)
            )
        }
        assert edited.roster.id is not None
        diff = diff_rosters(
            session=session, old_id=stored_roster, new_id=edited.roster.id, scope=EVERYWHERE
        )
        (change,) = diff.changes
        assert change.radiologist == "Bo Berg" and change.date == saturday
        assert change.after == "S · NGT"
        assert change.kind in (ChangeKind.ADDED, ChangeKind.MOVED)


def test_publish_is_refused_while_rules_are_broken(
    engine: Engine, department: Department, stored_roster: int
) -> None:
    with Session(engine) as session:
        edit_cell(
            session=session,
            scope=EVERYWHERE,
            roster_id=stored_roster,
            edit=CellEdit(
                department.readers["R1"],
                dt.date(2027, 1, 6),
                department.templates["DAY"],
                department.regions["N"],
            ),  # fmt: skip
            lock_version=1,
        )
        with pytest.raises(PublishRefused) as refused:
            publish_roster(session=session, roster_id=stored_roster, lock_version=2)
        assert refused.value.field == "override_reason" and "on leave" in refused.value.message
        roster = session.get(m.Roster, stored_roster, populate_existing=True)
        assert roster is not None and roster.status == m.RosterStatus.DRAFT


def test_diff_names_locks_and_moves(
    engine: Engine, department: Department, stored_roster: int
) -> None:
    with Session(engine) as session:
        worked = [
            m.Assignment.model_validate(a.model_dump())  # detached copies: commit expires rows
            for a in session.exec(
                select(m.Assignment).where(m.Assignment.roster_id == stored_roster)
            )
        ]
        session.add(m.Roster(period_id=department.period_id, version=2))
        session.commit()
        second = session.exec(select(m.Roster).where(m.Roster.version == 2)).one()
        assert second.id is not None
        first, moved, dropped, *kept = worked
        for a in kept:
            session.add(_copy(a, second.id))
        session.add(_copy(first, second.id, locked=True))
        other = next(t for t in department.templates.values() if t != moved.shift_template_id)
        session.add(_copy(moved, second.id, shift_template_id=other))
        session.commit()
        diff = diff_rosters(
            session=session, old_id=stored_roster, new_id=second.id, scope=EVERYWHERE
        )
    kinds = {(c.radiologist_id, c.date): c.kind for c in diff.changes}
    assert kinds == {
        (first.radiologist_id, first.date): ChangeKind.LOCKED,
        (moved.radiologist_id, moved.date): ChangeKind.MOVED,
        (dropped.radiologist_id, dropped.date): ChangeKind.REMOVED,
    }


def _copy(a: m.Assignment, roster_id: int, **changes: object) -> m.Assignment:
    fields = a.model_dump(exclude={"id", "roster_id"}) | changes
    return m.Assignment(roster_id=roster_id, **fields)


def test_shortfall_reasons_in_words(engine: Engine, department: Department) -> None:
    with Session(engine) as session:
        problem = build_problem(session=session, period_id=department.period_id).problem
    explain = ShortfallExplainer(problem, Roster())
    shifts = {s.id: s for s in problem.shifts}
    pools = {p.id: p for p in problem.pools}
    wednesday = shifts["N:DAY:2027-01-06"]
    neuro = pools["TRO/neuro"]
    # Anna Lind and Cleo Dahl read North neuro; Anna is on leave on Wednesday.
    assert explain.reason(wednesday, neuro, "N") == (
        "of 1 reader eligible and available, 1 reader free that day is at a limit (hours, "
        "rest, consecutive days or nights) or needed more elsewhere"
    )
    paeds = dataclasses.replace(neuro, id="TRO/paeds", subspecialty="paeds")
    assert explain.reason(wednesday, paeds, "N") == "no radiologist has the paeds skill"

    unlicensed = dataclasses.replace(
        problem,
        radiologists=tuple(
            dataclasses.replace(r, licences=tuple(lic for lic in r.licences if lic.region != "N"))
            for r in problem.radiologists
        ),
    )
    assert ShortfallExplainer(unlicensed, Roster()).reason(wednesday, neuro, "N") == (
        "none of the 3 readers with the neuro skill holds a N licence valid on 2027-01-06"
    )
    cleo_away = dataclasses.replace(
        problem,
        radiologists=tuple(
            dataclasses.replace(r, fixed_days_off=frozenset({2})) if r.id == "R3" else r
            for r in problem.radiologists
        ),
    )
    assert ShortfallExplainer(cleo_away, Roster()).reason(wednesday, neuro, "N") == (
        "all 2 readers eligible are on leave or unavailable that day"
    )
    busy = Roster((Assignment("R3", "N:OC:2027-01-06"),))
    assert ShortfallExplainer(problem, busy).reason(wednesday, neuro, "N") == (
        "of 1 reader eligible and available, 1 reader works other shifts that day"
    )


def test_resolve_keeps_the_locked_cell_and_stays_valid(
    engine: Engine, department: Department, stored_roster: int
) -> None:
    """A locked cell the solver would not choose survives the re-solve (a real, short solve)."""
    monday = dt.date(2027, 1, 4)
    reader = department.readers["R5"]
    night = (department.templates["NGT"], department.regions["S"])
    with Session(engine) as session:
        edit_cell(
            session=session,
            scope=EVERYWHERE,
            roster_id=stored_roster,
            edit=CellEdit(reader, monday, *night, locked=True),
            lock_version=1,
        )
        outcome = solve_period(
            session=session,
            period_id=department.period_id,
            options=FAST,
            reference_roster_id=stored_roster,
        )
        assert outcome.roster is not None and outcome.roster.id is not None
        assert outcome.roster.version == 2
        (cell,) = _cell(session, outcome.roster.id, reader, monday)
        assert (cell.shift_template_id, cell.region_id) == night and cell.locked
        assert check_roster(session=session, roster_id=outcome.roster.id).report.ok
