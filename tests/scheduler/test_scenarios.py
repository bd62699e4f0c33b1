"""Scenario changes apply to a copy of the period's problem; the baseline (problem and stored
rows) is never touched; bad changes name the change and the field."""

import copy
import datetime as dt
import pickle

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from scheduler import models as m
from scheduler.scenarios.changes import ChangeError, apply_changes, parse_change, parse_changes
from scheduler.scenarios.inputs import ScenarioInput, load_baseline
from solver.eligibility import has_licence, has_privilege
from solver.problem import AvailabilityKind
from tests.scheduler.department import START, seed_department


@pytest.fixture
def base(session: Session) -> ScenarioInput:
    period_id = seed_department(session)
    return load_baseline(session=session, period_id=period_id).input


def _readers(scenario: ScenarioInput) -> dict[str, object]:
    return {r.id: r for r in scenario.problem.radiologists}


def _units(scenario: ScenarioInput, site: str | None = None) -> int:
    return sum(
        d.units
        for d in scenario.problem.reading_demand
        if site is None or d.pool.startswith(f"{site}/")
    )


EVERY_KIND = [
    {"kind": "volume_growth", "percent": 25, "region": "N"},
    {"kind": "hire", "count": 2, "skills": ["neuro"], "home_region": "S", "licences": ["N"]},
    {"kind": "grant_licence", "region": "N", "radiologist": "R2"},
    {"kind": "revoke_licence", "radiologist": "R3", "region": "N"},
    {"kind": "grant_privilege", "radiologist": "R5", "site": "TRO"},
    {"kind": "revoke_privilege", "radiologist": "R4", "site": "TRO"},
    {"kind": "remove_radiologist", "radiologist": "R5", "from_date": "2027-01-06"},
    {"kind": "turnaround", "region": "N", "priority": "stat", "minutes": 20},
    {"kind": "rule", "rule": "max_weekly_hours", "value": 40, "region": "S"},
]


def test_changes_leave_the_baseline_problem_and_the_stored_rows_untouched(
    session: Session, base: ScenarioInput
) -> None:
    frozen = pickle.dumps(base)
    deep = copy.deepcopy(base)
    counts_before = _row_counts(session)

    changed = apply_changes(base, parse_changes(EVERY_KIND))

    assert pickle.dumps(base) == frozen and base == deep
    assert _row_counts(session) == counts_before
    assert changed != base
    assert len(changed.problem.radiologists) == len(base.problem.radiologists) + 2


def _row_counts(session: Session) -> dict[str, object]:
    return {
        table.__name__: session.exec(select(func.count()).select_from(table)).one()
        for table in (m.Radiologist, m.Licence, m.Privilege, m.ShiftDemand, m.AvailabilityEntry)
    } | {"hours": session.exec(select(func.sum(m.ShiftDemand.reader_hours))).one()}


def test_volume_growth_scales_only_the_chosen_region(base: ScenarioInput) -> None:
    grown = apply_changes(
        base, [parse_change({"kind": "volume_growth", "percent": 25, "region": "N"})]
    )
    assert _units(grown, "TRO") == round(_units(base, "TRO") * 1.25)
    assert _units(grown, "UME") == _units(base, "UME")
    urgent_before = sum(s.arrivals_per_hour for s in base.urgent if s.pool.startswith("TRO/"))
    urgent_after = sum(s.arrivals_per_hour for s in grown.urgent if s.pool.startswith("TRO/"))
    assert urgent_after == pytest.approx(urgent_before * 1.25)


def test_small_rows_do_not_round_away_when_demand_shrinks(base: ScenarioInput) -> None:
    shrunk = apply_changes(base, [parse_change({"kind": "volume_growth", "percent": -30})])
    assert _units(shrunk) == round(_units(base) * 0.7) or abs(
        _units(shrunk) - _units(base) * 0.7
    ) <= len({d.pool for d in base.problem.reading_demand})


def test_hired_readers_hold_licences_privileges_and_fte_scaled_rules(base: ScenarioInput) -> None:
    change = {
        "kind": "hire", "count": 2, "skills": ["neuro"], "fte": 0.5, "home_region": "S",
        "licences": ["N"],
    }  # fmt: skip
    hired = apply_changes(base, [parse_change(change)])
    new = [r for r in hired.problem.radiologists if r.id.startswith("NEW")]
    assert len(new) == 2
    colleague = next(r for r in base.problem.radiologists if r.home_region == "S")
    for reader in new:
        assert reader.skills == frozenset({"neuro"}) and reader.fte == 0.5
        assert reader.home_time_zone == "Europe/Stockholm"
        for day in range(base.problem.num_days):
            date = base.problem.date_of(day)
            assert has_licence(reader, "N", date) and has_privilege(reader, "TRO", date)
            assert not has_licence(reader, "S", date)
        weekly = colleague.rules.max_average_weekly_minutes
        assert weekly is not None
        assert reader.rules.max_average_weekly_minutes == round(weekly * 0.5 / colleague.fte)


def test_grant_licence_to_every_reader_with_a_skill(base: ScenarioInput) -> None:
    granted = apply_changes(
        base, [parse_change({"kind": "grant_licence", "region": "N", "subspecialty": "neuro"})]
    )
    readers = _readers(granted)
    for code in ("R1", "R3", "R5"):  # the neuro readers
        assert has_licence(readers[code], "N", START)  # type: ignore[arg-type]
        assert has_privilege(readers[code], "TRO", START)  # type: ignore[arg-type]
    assert not has_licence(readers["R2"], "N", START)  # type: ignore[arg-type]
    # Already licensed readers get nothing twice.
    before = _readers(base)["R1"]
    assert len(readers["R1"].licences) == len(before.licences)  # type: ignore[attr-defined]


def test_revoke_licence_and_privilege(base: ScenarioInput) -> None:
    revoked = apply_changes(
        base,
        parse_changes(
            [
                {"kind": "revoke_licence", "radiologist": "R3", "region": "N"},
                {"kind": "revoke_privilege", "radiologist": "R4", "site": "TRO"},
            ]
        ),
    )
    readers = _readers(revoked)
    assert not has_licence(readers["R3"], "N", START)  # type: ignore[arg-type]
    assert has_licence(readers["R3"], "S", START)  # type: ignore[arg-type]
    assert not has_privilege(readers["R4"], "TRO", START)  # type: ignore[arg-type]


def test_retirement_removes_the_reader_and_leave_blocks_days(base: ScenarioInput) -> None:
    retired = apply_changes(
        base, [parse_change({"kind": "remove_radiologist", "radiologist": "R2"})]
    )
    assert "R2" not in _readers(retired)
    away = apply_changes(
        base,
        [
            parse_change(
                {"kind": "remove_radiologist", "radiologist": "R5", "from_date": "2027-01-06",
                 "to_date": "2027-01-07", "reason": "leave"}
            )
        ],
    )  # fmt: skip
    reader = _readers(away)["R5"]
    leave = {a.day for a in reader.availability if a.kind == AvailabilityKind.LEAVE}  # type: ignore[attr-defined]
    assert leave == {2, 3}


def test_tighter_turnaround_raises_the_regions_demand_floor(base: ScenarioInput) -> None:
    tight = apply_changes(
        base,
        [parse_change({"kind": "turnaround", "region": "S", "priority": "stat", "minutes": 20})],
    )
    assert tight.target("S", "stat") == 20 and base.target("S", "stat") == 60
    assert _units(tight, "UME") > _units(base, "UME")
    assert _units(tight, "TRO") == _units(base, "TRO")  # another region: unchanged


def test_rule_change_applies_to_readers_based_in_the_region(base: ScenarioInput) -> None:
    changed = apply_changes(
        base, [parse_change({"kind": "rule", "rule": "min_rest_hours", "value": 12, "region": "N"})]
    )
    for reader in changed.problem.radiologists:
        expected = 12 * 60 if reader.home_region == "N" else 11 * 60
        assert reader.rules.min_rest_minutes == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ([{"kind": "rename"}], "change 1, field 'kind': unknown kind 'rename'"),
        ([{}, {"kind": "hire", "skills": ["neuro"]}], "change 1, field 'kind'"),
        ([{"kind": "volume_growth"}], "change 1, field 'percent': is required"),
        ([{"kind": "hire", "count": "two", "skills": ["x"]}], "field 'count': must be a whole"),
        ([{"kind": "hire", "count": 1, "skills": ["x"], "salary": 3}], "field 'salary'"),
        ([{"kind": "turnaround", "region": "N", "priority": "urgent", "minutes": 5}], "priority"),
        (
            [{"kind": "remove_radiologist", "radiologist": "R1", "to_date": "2027-01-05"}],
            "from_date",
        ),
    ],
)
def test_unreadable_changes_name_the_change_and_field(raw: list[object], message: str) -> None:
    with pytest.raises(ChangeError) as caught:
        parse_changes(raw)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"kind": "volume_growth", "percent": 5, "region": "X"}, "region"),
        ({"kind": "hire", "count": 1, "skills": ["cardiac"]}, "skills"),
        ({"kind": "grant_licence", "region": "N", "radiologist": "R99"}, "radiologist"),
        ({"kind": "revoke_licence", "radiologist": "R2", "region": "N"}, "region"),
        ({"kind": "grant_privilege", "radiologist": "R2", "site": "NOPE"}, "site"),
    ],
)
def test_changes_naming_unknown_things_fail_on_apply(
    base: ScenarioInput, raw: dict[str, object], field: str
) -> None:
    ok = {"kind": "volume_growth", "percent": 1}
    with pytest.raises(ChangeError) as caught:
        apply_changes(base, parse_changes([ok, raw]))
    assert caught.value.index == 1 and caught.value.field == field
    assert f"change 2, field '{field}'" in str(caught.value)


def test_dates_and_lists_are_read_from_text() -> None:
    change = parse_change(
        {"kind": "hire", "count": "2", "skills": "neuro, general", "licences": "N"}
    )
    assert change.count == 2  # type: ignore[union-attr]
    assert change.skills == ("neuro", "general")  # type: ignore[union-attr]
    leave = parse_change(
        {"kind": "remove_radiologist", "radiologist": "R1", "from_date": "2027-01-05"}
    )
    assert leave.from_date == dt.date(2027, 1, 5)  # type: ignore[union-attr]
