"""Run one scenario in a thread of the web process, so a request never waits on a solve.

While it runs, the scenario's result row says "running" (with a fingerprint that matches nothing,
so it never counts as fresh); the finished solve replaces it. A server stopped mid-run leaves
"running" behind: pages show it with its start time, and running the scenario again replaces it.
"""

from __future__ import annotations

import logging
import threading

from scheduler import models as m
from scheduler.db import session_scope
from scheduler.models.columns import utc_now
from scheduler.scenarios.run import ERROR, ScenarioOutcome
from scheduler.scenarios.service import get_result, run_scenario, store_result
from scheduler.services.errors import Conflict, NotFound
from solver.options import SolveOptions

log = logging.getLogger(__name__)

RUNNING = "running"
_running: set[int] = set()
_lock = threading.Lock()


def is_running(scenario_id: int) -> bool:
    with _lock:
        return scenario_id in _running


def start_scenario_run(*, database_url: str, scenario_id: int, options: SolveOptions) -> None:
    """Mark the scenario running and solve it in a daemon thread; Conflict if this process is
    solving it already."""
    with _lock:
        if scenario_id in _running:
            raise Conflict(f"scenario {scenario_id} is being solved already")
        _running.add(scenario_id)
    try:
        with session_scope(database_url) as session:
            scenario = session.get(m.Scenario, scenario_id)
            if scenario is None:
                raise NotFound(f"scenario {scenario_id} not found")
            placeholder = ScenarioOutcome(RUNNING, explanation=(f"started {utc_now():%H:%M} UTC",))
            store_result(session=session, scenario=scenario, outcome=placeholder, options=options)
            row = get_result(session=session, scenario_id=scenario_id)
            assert row is not None
            row.fingerprint = RUNNING  # never fresh
            session.add(row)
    except BaseException:
        with _lock:
            _running.discard(scenario_id)
        raise
    thread = threading.Thread(
        target=_run,
        args=(database_url, scenario_id, options),
        name=f"scenario-{scenario_id}",
        daemon=True,
    )
    thread.start()


def _run(database_url: str, scenario_id: int, options: SolveOptions) -> None:
    try:
        with session_scope(database_url) as session:
            run_scenario(session=session, scenario_id=scenario_id, options=options)
    except Exception as exc:  # reported on the scenario's page, not lost in a log
        log.exception("scenario %s failed", scenario_id)
        with session_scope(database_url) as session:
            scenario = session.get(m.Scenario, scenario_id)
            if scenario is not None:
                failed = ScenarioOutcome(ERROR, explanation=(f"{type(exc).__name__}: {exc}",))
                store_result(session=session, scenario=scenario, outcome=failed, options=options)
    finally:
        with _lock:
            _running.discard(scenario_id)
