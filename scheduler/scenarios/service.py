"""Scenarios as stored rows: create, copy, edit, delete, run one, store its result.

The CLI and the web call these functions. A scenario's changes are checked against the period's
problem when saved, so a planner hears about an unknown region at once, not after a sweep.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from sqlmodel import Session, col, select

from scheduler import models as m
from scheduler.models.columns import utc_now
from scheduler.scenarios.changes import (
    Change,
    ChangeError,
    apply_changes,
    change_to_dict,
    parse_changes,
)
from scheduler.scenarios.inputs import Baseline, ScenarioInput, load_baseline
from scheduler.scenarios.run import ScenarioOutcome, solve_scenario
from scheduler.services.catalogue import check_unique, get_row
from scheduler.services.errors import Conflict, FieldError
from solver.options import SolveOptions

BASELINE_PREFIX = "Baseline"


def get_scenario(*, session: Session, scenario_id: int) -> m.Scenario:
    return get_row(session, m.Scenario, scenario_id)


def scenario_changes(scenario: m.Scenario) -> list[Change]:
    return parse_changes(json.loads(scenario.changes_json))


def list_scenarios(
    *, session: Session, period_id: int | None = None, sweep_id: int | None = None
) -> list[m.Scenario]:
    """Scenarios of a period (or of a sweep), baseline first, then by name."""
    query = select(m.Scenario)
    if period_id is not None:
        query = query.where(m.Scenario.period_id == period_id)
    if sweep_id is not None:
        query = query.where(m.Scenario.sweep_id == sweep_id)
    rows = session.exec(query.order_by(col(m.Scenario.name))).all()
    return sorted(rows, key=lambda s: not s.is_baseline)


def check_changes(
    raw: Any, base: ScenarioInput | None = None, *, field: str = "changes"
) -> list[Change]:
    """Parse ``raw`` and, given the period's problem, apply it once: a FieldError names the
    change and its field."""
    try:
        changes = parse_changes(raw)
        if base is not None:
            apply_changes(base, changes)
    except ChangeError as exc:
        raise FieldError(field, str(exc)) from exc
    return changes


def encode_changes(changes: Sequence[Change]) -> str:
    return json.dumps([change_to_dict(c) for c in changes], sort_keys=True)


def create_scenario(
    *,
    session: Session,
    scenario_in: m.ScenarioCreate,
    sweep_id: int | None = None,
    base: ScenarioInput | None = None,
    check: bool = True,
) -> m.Scenario:
    """``base``: the period's problem, when the caller has it (a sweep builds it once)."""
    if session.get(m.PlanningPeriod, scenario_in.period_id) is None:
        raise FieldError("period_id", f"planning period {scenario_in.period_id} does not exist")
    check_unique(session, m.Scenario, field="name", value=scenario_in.name)
    if check and base is None:
        base = load_baseline(session=session, period_id=scenario_in.period_id).input
    changes = check_changes(scenario_in.changes, base if check else None)
    row = m.Scenario(
        name=scenario_in.name,
        period_id=scenario_in.period_id,
        description=scenario_in.description,
        changes_json=encode_changes(changes),
        sweep_id=sweep_id,
    )
    session.add(row)
    session.flush()
    return row


def copy_scenario(*, session: Session, scenario_id: int, name: str) -> m.Scenario:
    source = get_scenario(session=session, scenario_id=scenario_id)
    check_unique(session, m.Scenario, field="name", value=name)
    row = m.Scenario(
        name=name,
        period_id=source.period_id,
        description=source.description,
        changes_json=source.changes_json,
        copied_from_id=source.id,
    )
    session.add(row)
    session.flush()
    return row


def update_scenario(
    *,
    session: Session,
    scenario_id: int,
    name: str | None = None,
    description: str | None = None,
    changes: list[dict[str, Any]] | None = None,
) -> m.Scenario:
    """Rename, describe or replace the changes. The stored result stays, but its fingerprint no
    longer matches new changes: it shows as stale until the scenario is run again."""
    row = get_scenario(session=session, scenario_id=scenario_id)
    if row.is_baseline and changes:
        raise Conflict("the baseline scenario has no changes: copy it to make a what-if")
    if name is not None and name != row.name:
        check_unique(session, m.Scenario, field="name", value=name, exclude_id=row.id)
        row.name = name
    if description is not None:
        row.description = description
    if changes is not None:
        base = load_baseline(session=session, period_id=row.period_id).input
        row.changes_json = encode_changes(check_changes(changes, base))
    row.updated_at = utc_now()
    session.add(row)
    session.flush()
    return row


def add_change(*, session: Session, scenario_id: int, change: dict[str, Any]) -> m.Scenario:
    row = get_scenario(session=session, scenario_id=scenario_id)
    current = json.loads(row.changes_json)
    return update_scenario(session=session, scenario_id=scenario_id, changes=[*current, change])


def remove_change(*, session: Session, scenario_id: int, index: int) -> m.Scenario:
    row = get_scenario(session=session, scenario_id=scenario_id)
    current = json.loads(row.changes_json)
    if not 0 <= index < len(current):
        raise FieldError("index", f"scenario {row.name!r} has no change {index + 1}")
    del current[index]
    return update_scenario(session=session, scenario_id=scenario_id, changes=current)


def delete_scenario(*, session: Session, scenario_id: int) -> None:
    row = get_scenario(session=session, scenario_id=scenario_id)
    result = get_result(session=session, scenario_id=scenario_id)
    if result is not None:
        session.delete(result)
    for copy in session.exec(select(m.Scenario).where(m.Scenario.copied_from_id == row.id)):
        copy.copied_from_id = None
        session.add(copy)
    session.delete(row)
    session.flush()


def baseline_scenario(*, session: Session, period_id: int) -> m.Scenario:
    """The period's baseline scenario (no changes), made on first use."""
    found = session.exec(
        select(m.Scenario).where(
            m.Scenario.period_id == period_id, col(m.Scenario.is_baseline).is_(True)
        )
    ).first()
    if found is not None:
        return found
    period = get_row(session, m.PlanningPeriod, period_id)
    row = m.Scenario(
        name=f"{BASELINE_PREFIX}: {period.name} (period {period_id})",
        period_id=period_id,
        description="The period as stored, without changes.",
        is_baseline=True,
    )
    session.add(row)
    session.flush()
    return row


# --- results ---


def fingerprint(changes_json: str, options: SolveOptions) -> str:
    """What a result was computed from: the changes and the search limits."""
    key = json.dumps(
        {
            "changes": json.loads(changes_json),
            "time_limit": options.max_time_in_seconds,
            "workers": options.num_workers,
            "seed": options.random_seed,
        },
        sort_keys=True,
    )
    return hashlib.sha256(key.encode()).hexdigest()


def get_result(*, session: Session, scenario_id: int) -> m.ScenarioResult | None:
    return session.exec(
        select(m.ScenarioResult).where(m.ScenarioResult.scenario_id == scenario_id)
    ).first()


def is_fresh(result: m.ScenarioResult | None, scenario: m.Scenario, options: SolveOptions) -> bool:
    return result is not None and result.fingerprint == fingerprint(scenario.changes_json, options)


def store_result(
    *,
    session: Session,
    scenario: m.Scenario,
    outcome: ScenarioOutcome,
    options: SolveOptions,
) -> m.ScenarioResult:
    """Replace the scenario's result with ``outcome``."""
    assert scenario.id is not None
    row = get_result(session=session, scenario_id=scenario.id) or m.ScenarioResult(
        scenario_id=scenario.id, fingerprint="", status=""
    )
    row.fingerprint = fingerprint(scenario.changes_json, options)
    row.status = outcome.status
    row.objective = outcome.objective
    row.best_bound = outcome.best_bound
    row.gap = outcome.gap
    row.wall_seconds = outcome.wall_seconds
    row.first_feasible_seconds = outcome.first_feasible_seconds
    row.time_limit_seconds = options.max_time_in_seconds
    row.num_workers = options.num_workers
    row.kpis_json = json.dumps(outcome.kpis)
    row.summary_json = json.dumps(outcome.summary, default=str)
    row.explanation = "\n".join(outcome.explanation)
    row.worker = outcome.worker[:200]
    row.created_at = utc_now()
    session.add(row)
    session.flush()
    return row


def scenario_input(scenario: m.Scenario, base: ScenarioInput) -> ScenarioInput:
    """The scenario's copy of the problem; ``base`` is left as it was."""
    try:
        return apply_changes(base, scenario_changes(scenario))
    except ChangeError as exc:
        raise FieldError("changes", f"scenario {scenario.name!r}: {exc}") from exc


def run_scenario(
    *,
    session: Session,
    scenario_id: int,
    options: SolveOptions,
    baseline: Baseline | None = None,
    with_baseline: bool = True,
) -> m.ScenarioResult:
    """Solve the scenario here and now and store its result; with ``with_baseline`` the period's
    baseline is solved too when it has no result yet, so there is something to compare with."""
    scenario = get_scenario(session=session, scenario_id=scenario_id)
    baseline = baseline or load_baseline(session=session, period_id=scenario.period_id)
    outcome = solve_scenario(scenario_input(scenario, baseline.input), options)
    result = store_result(session=session, scenario=scenario, outcome=outcome, options=options)
    if with_baseline and not scenario.is_baseline:
        reference = baseline_scenario(session=session, period_id=scenario.period_id)
        assert reference.id is not None
        if get_result(session=session, scenario_id=reference.id) is None:
            run_scenario(
                session=session,
                scenario_id=reference.id,
                options=options,
                baseline=baseline,
                with_baseline=False,
            )
    session.commit()
    return result
