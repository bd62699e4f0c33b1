"""Stored scenarios: created with checked changes, copied, edited, deleted; a run stores its
result and the period's baseline's; the sparse region's cover rises with two neuro hires."""

import datetime as dt
import json

import pytest
from sqlmodel import Session, select

from scheduler import models as m
from scheduler.scenarios.compare import compare_scenarios, comparison_csv, comparison_xlsx
from scheduler.scenarios.service import (
    baseline_scenario,
    copy_scenario,
    create_scenario,
    delete_scenario,
    get_result,
    is_fresh,
    run_scenario,
    update_scenario,
)
from scheduler.services.errors import Conflict, FieldError
from solver.options import SolveOptions
from tests.scheduler.department import seed_department

QUICK = SolveOptions(max_time_in_seconds=2, num_workers=2)
HIRE = {"kind": "hire", "count": 2, "skills": ["neuro"], "home_region": "S", "licences": ["N"]}


def _create(session: Session, period_id: int, name: str, *changes: dict[str, object]) -> int:
    row = create_scenario(
        session=session,
        scenario_in=m.ScenarioCreate(name=name, period_id=period_id, changes=list(changes)),
    )
    session.commit()
    assert row.id is not None
    return row.id


def test_create_checks_changes_and_names(session: Session) -> None:
    period_id = seed_department(session)
    _create(session, period_id, "hire", HIRE)
    with pytest.raises(FieldError) as taken:
        _create(session, period_id, "hire")
    assert taken.value.field == "name"
    session.rollback()
    with pytest.raises(FieldError) as bad:
        _create(session, period_id, "licence X", {"kind": "grant_licence", "region": "X"})
    assert bad.value.field == "changes" and "unknown region 'X'" in bad.value.message
    session.rollback()
    with pytest.raises(FieldError) as no_period:
        _create(session, 999, "nowhere")
    assert no_period.value.field == "period_id"


def test_copy_edit_delete_and_the_baseline_stays_plain(session: Session) -> None:
    period_id = seed_department(session)
    original = _create(session, period_id, "hire", HIRE)
    copy = copy_scenario(session=session, scenario_id=original, name="hire, then grow")
    assert copy.copied_from_id == original and json.loads(copy.changes_json)[0]["kind"] == "hire"
    assert copy.id is not None
    grown = update_scenario(
        session=session,
        scenario_id=copy.id,
        changes=[HIRE, {"kind": "volume_growth", "percent": 10}],
    )
    assert [c["kind"] for c in json.loads(grown.changes_json)] == ["hire", "volume_growth"]
    baseline = baseline_scenario(session=session, period_id=period_id)
    assert (
        baseline.is_baseline and baseline_scenario(session=session, period_id=period_id) is baseline
    )
    assert baseline.id is not None
    with pytest.raises(Conflict):
        update_scenario(session=session, scenario_id=baseline.id, changes=[HIRE])
    delete_scenario(session=session, scenario_id=original)
    session.commit()
    session.refresh(copy)
    assert copy.copied_from_id is None
    assert session.get(m.Scenario, original) is None


def test_run_stores_results_and_the_sparse_region_gains_from_hires(session: Session) -> None:
    period_id = seed_department(session)
    hire_id = _create(session, period_id, "two neuro for N", HIRE)
    readers_before = len(session.exec(select(m.Radiologist)).all())

    result = run_scenario(session=session, scenario_id=hire_id, options=QUICK)

    assert result.status in ("optimal", "feasible")
    scenario = session.get(m.Scenario, hire_id)
    assert scenario is not None and is_fresh(result, scenario, QUICK)
    assert not is_fresh(result, scenario, SolveOptions(max_time_in_seconds=3, num_workers=2))
    baseline = baseline_scenario(session=session, period_id=period_id)
    assert baseline.id is not None
    assert get_result(session=session, scenario_id=baseline.id) is not None  # solved alongside
    assert len(session.exec(select(m.Radiologist)).all()) == readers_before  # hires not stored

    comparison = compare_scenarios(session=session, scenario_ids=[hire_id])
    assert [c.scenario.id for c in comparison.columns] == [baseline.id, hire_id]
    assert comparison.sparse == {"N"}
    delta = comparison.delta(comparison.columns[1], "N")
    assert delta is not None and delta > 0, "two neuro readers licensed in N add no cover there"
    summary = json.loads(result.summary_json)
    assert summary["assignments"] > 0 and summary["urgent_source"] == "assumed"

    csv_text = comparison_csv(comparison)
    header, *lines = csv_text.strip().splitlines()
    assert header.startswith("scenario,status,region,sparse,covered_pct_day")
    assert len(lines) == 4  # two scenarios x two regions
    assert comparison_xlsx(comparison)[:2] == b"PK"  # a zip: an .xlsx workbook

    update_scenario(session=session, scenario_id=hire_id, changes=[])
    session.refresh(scenario)
    assert not is_fresh(get_result(session=session, scenario_id=hire_id), scenario, QUICK)


def test_compare_refuses_mixed_periods(session: Session) -> None:
    first = seed_department(session)
    other = m.PlanningPeriod(name="Later", start_date=dt.date(2027, 2, 1), weeks=1)
    session.add(other)
    session.commit()
    assert other.id is not None
    a = _create(session, first, "a")
    b = _create(session, other.id, "b")
    with pytest.raises(FieldError):
        compare_scenarios(session=session, scenario_ids=[a, b])
