"""Sweeps: every combination of a grid as a stored scenario, solved in parallel on Ray (a local
runtime unless RAY_ADDRESS names a cluster) or one after another, with results stored as they
arrive.

The driver builds the baseline problem once, applies each scenario's changes to a copy, and ships
that plain picklable input to a Ray task running ``solve_scenario``; tasks touch no database, so
the same sweep runs on a cluster whose workers cannot reach it. The driver stores each result and
polls the sweep row: a cancel request stops the remaining tasks. Running a sweep again resumes
it: scenarios with a result for their current changes and limits are not solved again.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from scheduler import models as m
from scheduler.db import session_scope
from scheduler.models.columns import utc_now
from scheduler.scenarios.changes import change_to_dict
from scheduler.scenarios.grid import Grid
from scheduler.scenarios.inputs import Baseline, ScenarioInput, load_baseline
from scheduler.scenarios.run import ERROR, ScenarioOutcome, solve_scenario
from scheduler.scenarios.service import (
    create_scenario,
    get_result,
    is_fresh,
    list_scenarios,
    scenario_input,
    store_result,
)
from scheduler.services.catalogue import check_unique, get_row
from scheduler.services.errors import Conflict, FieldError
from scheduler.settings import get_settings
from solver.options import SolveOptions

log = logging.getLogger(__name__)

CANCEL_POLL_SECONDS = 0.5


@dataclass(frozen=True)
class SweepRun:
    solved: int  # scenarios solved by this run
    skipped: int  # already had a result for their changes and limits (resume)
    cancelled: bool
    wall_seconds: float


@dataclass(frozen=True)
class SweepProgress:
    total: int
    done: int  # fresh results
    errors: int  # of those, "error" or without a roster

    @property
    def remaining(self) -> int:
        return self.total - self.done


def sweep_options(sweep: m.Sweep) -> SolveOptions:
    return SolveOptions(
        max_time_in_seconds=sweep.time_limit_seconds,
        num_workers=sweep.num_workers,
        explain_time_limit=min(10.0, sweep.time_limit_seconds),
    )


def create_sweep(
    *,
    session: Session,
    grid: Grid,
    name: str,
    period_id: int,
    time_limit_seconds: float,
    num_workers: int = 1,
) -> m.Sweep:
    """The sweep row and one scenario per combination; every change is checked against the
    period's problem first, so a bad grid stores nothing."""
    check_unique(session, m.Sweep, field="name", value=name)
    if session.get(m.PlanningPeriod, period_id) is None:
        raise FieldError("period_id", f"planning period {period_id} does not exist")
    sweep = m.Sweep(
        name=name,
        period_id=period_id,
        time_limit_seconds=time_limit_seconds,
        num_workers=num_workers,
        grid_json=json.dumps(grid.raw, default=str),
    )
    session.add(sweep)
    session.flush()
    base = load_baseline(session=session, period_id=period_id).input
    for label, changes in grid.combinations():
        create_scenario(
            session=session,
            scenario_in=m.ScenarioCreate(
                name=f"{name} · {label}",
                period_id=period_id,
                changes=[change_to_dict(c) for c in changes],
            ),
            sweep_id=sweep.id,
            base=base,
        )
    return sweep


def get_sweep(*, session: Session, sweep_id: int) -> m.Sweep:
    return get_row(session, m.Sweep, sweep_id)


def list_sweeps(*, session: Session, period_id: int | None = None) -> list[m.Sweep]:
    query = select(m.Sweep)
    if period_id is not None:
        query = query.where(m.Sweep.period_id == period_id)
    return list(session.exec(query.order_by(col(m.Sweep.id).desc())))


def sweep_progress(*, session: Session, sweep_id: int) -> SweepProgress:
    sweep = get_sweep(session=session, sweep_id=sweep_id)
    options = sweep_options(sweep)
    scenarios = list_scenarios(session=session, sweep_id=sweep_id)
    done = errors = 0
    for scenario in scenarios:
        assert scenario.id is not None
        result = get_result(session=session, scenario_id=scenario.id)
        if is_fresh(result, scenario, options):
            done += 1
            assert result is not None
            errors += result.status not in ("optimal", "feasible")
    return SweepProgress(len(scenarios), done, errors)


def cancel_sweep(*, session: Session, sweep_id: int) -> m.Sweep:
    """Ask the driver to stop; finished results stay, and running the sweep again resumes it."""
    sweep = get_sweep(session=session, sweep_id=sweep_id)
    if sweep.status != m.SweepStatus.RUNNING:
        raise Conflict(f"sweep {sweep.name!r} is {sweep.status.value}, not running")
    sweep.cancel_requested = True
    session.add(sweep)
    session.commit()
    return sweep


def run_sweep(
    *,
    sweep_id: int,
    database_url: str | None = None,
    use_ray: bool = True,
    ray_address: str | None = None,
    on_result: Callable[[str, ScenarioOutcome], None] | None = None,
) -> SweepRun:
    """Solve the sweep's scenarios that have no fresh result; store each result as it arrives.

    ``ray_address`` defaults to the settings' (RAY_ADDRESS); None there starts a local runtime.
    """
    database_url = database_url or get_settings().database_url
    started = time.perf_counter()
    with session_scope(database_url) as session:
        sweep = get_sweep(session=session, sweep_id=sweep_id)
        if sweep.status == m.SweepStatus.RUNNING and not sweep.cancel_requested:
            log.warning("sweep %s was left running (a driver died?): taking it over", sweep_id)
        sweep.status = m.SweepStatus.RUNNING
        sweep.cancel_requested = False
        sweep.started_at = utc_now()
        sweep.finished_at = None
        sweep.error = None
        session.add(sweep)
        options = sweep_options(sweep)
        baseline = load_baseline(session=session, period_id=sweep.period_id)
        todo, skipped = _pending(session, sweep_id, options, baseline)
    flag = _CancelFlag(database_url, sweep_id)
    store = _Storer(database_url, options, on_result)
    try:
        if not todo:
            cancelled = False
        elif use_ray:
            address = ray_address if ray_address is not None else get_settings().ray_address
            cancelled = _run_on_ray(todo, options, address, store, flag)
        else:
            cancelled = _run_here(todo, options, store, flag)
    except BaseException as exc:
        _finish(database_url, sweep_id, m.SweepStatus.FAILED, error=repr(exc))
        raise
    status = m.SweepStatus.CANCELLED if cancelled else m.SweepStatus.FINISHED
    _finish(database_url, sweep_id, status)
    return SweepRun(store.count, skipped, cancelled, time.perf_counter() - started)


def _pending(
    session: Session, sweep_id: int, options: SolveOptions, baseline: Baseline
) -> tuple[list[tuple[int, str, ScenarioInput]], int]:
    todo = []
    skipped = 0
    for scenario in list_scenarios(session=session, sweep_id=sweep_id):
        assert scenario.id is not None
        if is_fresh(get_result(session=session, scenario_id=scenario.id), scenario, options):
            skipped += 1
            continue
        todo.append((scenario.id, scenario.name, scenario_input(scenario, baseline.input)))
    return todo, skipped


class _CancelFlag:
    """Reads the sweep's cancel request, at most every ``CANCEL_POLL_SECONDS``."""

    def __init__(self, database_url: str, sweep_id: int) -> None:
        self.database_url = database_url
        self.sweep_id = sweep_id
        self._checked = 0.0
        self._set = False
        self._lock = threading.Lock()

    def __call__(self) -> bool:
        with self._lock:
            now = time.monotonic()
            if not self._set and now - self._checked >= CANCEL_POLL_SECONDS:
                self._checked = now
                with session_scope(self.database_url) as session:
                    sweep = session.get(m.Sweep, self.sweep_id)
                    self._set = sweep is None or sweep.cancel_requested
            return self._set


class _Storer:
    def __init__(
        self,
        database_url: str,
        options: SolveOptions,
        on_result: Callable[[str, ScenarioOutcome], None] | None,
    ) -> None:
        self.database_url = database_url
        self.options = options
        self.on_result = on_result
        self.count = 0

    def __call__(self, scenario_id: int, name: str, outcome: ScenarioOutcome) -> None:
        with session_scope(self.database_url) as session:
            scenario = session.get(m.Scenario, scenario_id)
            if scenario is None:
                return  # deleted while it was solving
            store_result(session=session, scenario=scenario, outcome=outcome, options=self.options)
        self.count += 1
        if self.on_result is not None:
            self.on_result(name, outcome)


def _run_here(
    todo: list[tuple[int, str, ScenarioInput]],
    options: SolveOptions,
    store: _Storer,
    cancelled: _CancelFlag,
) -> bool:
    for scenario_id, name, scenario in todo:
        if cancelled():
            return True
        outcome = solve_scenario(scenario, options, should_stop=cancelled)
        if cancelled():
            return True  # stopped part-way: not a result worth keeping
        store(scenario_id, name, outcome)
    return False


def _run_on_ray(
    todo: list[tuple[int, str, ScenarioInput]],
    options: SolveOptions,
    address: str | None,
    store: _Storer,
    cancelled: _CancelFlag,
) -> bool:
    import ray

    from scheduler.jobs.ray_executor import init_ray

    owns_runtime = init_ray(address)
    try:
        # One CPU per task: on the local 2-CPU runtime, two scenarios solve at once.
        task = ray.remote(num_cpus=1, max_retries=0)(solve_scenario)
        pending = {task.remote(scenario, options): (sid, name) for sid, name, scenario in todo}
        while pending:
            if cancelled():
                for ref in pending:
                    ray.cancel(ref, force=True)  # a CP-SAT search ignores a polite interrupt
                return True
            ready, _ = ray.wait(list(pending), num_returns=1, timeout=CANCEL_POLL_SECONDS)
            for ref in ready:
                scenario_id, name = pending.pop(ref)
                store(scenario_id, name, _outcome_of(ray, ref))
        return False
    finally:
        if owns_runtime:
            ray.shutdown()


def _outcome_of(ray: Any, ref: Any) -> ScenarioOutcome:
    try:
        outcome: ScenarioOutcome = ray.get(ref)
        return outcome
    except Exception as exc:  # a crashed task is reported with its scenario, not fatal
        return ScenarioOutcome(ERROR, explanation=(f"task failed: {exc}",))


def _finish(
    database_url: str, sweep_id: int, status: m.SweepStatus, error: str | None = None
) -> None:
    with session_scope(database_url) as session:
        sweep = session.get(m.Sweep, sweep_id)
        if sweep is None:
            return
        sweep.status = status
        sweep.cancel_requested = False
        sweep.finished_at = utc_now()
        sweep.error = error
        session.add(sweep)


def spawn_sweep_driver(*, sweep_id: int, database_url: str) -> int:
    """Run the sweep in a process of its own (the web app must not host a Ray driver in a
    request thread); its pid. The process outlives the request and ends with the sweep."""
    env = dict(os.environ, DATABASE_URL=database_url)
    command = ["sweep", "--resume", str(sweep_id), "--quiet"]
    process = subprocess.Popen(
        [sys.executable, "-c", "from scheduler.cli import main; main()", *command],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    # Reaped when it ends, so a long-running server collects no zombies.
    threading.Thread(target=process.wait, name=f"sweep-{sweep_id}", daemon=True).start()
    return process.pid
