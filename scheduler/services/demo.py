"""The demo chain behind ``teleroster demo``: load the demo country and its logins, forecast the
demo period's demand, solve the period.

One function, so the CLI and the tests run the same chain. The caller follows it through one
callback that receives an event as each step starts, advances and ends.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session

from scheduler.accounts import DemoLogin, seed_demo_users
from scheduler.demo.load import DemoLoad, load_demo
from scheduler.forecast.service import ForecastRun, run_forecast
from scheduler.services.solving import SolveOutcome, solve_period
from solver.options import SolveOptions
from solver.roster import Progress


class DemoError(ValueError):
    """The demo files cannot carry the steps asked for; the message says why."""


@dataclass(frozen=True)
class Importing:
    """Rows of one entity's file read so far."""

    entity: str
    done: int
    total: int


@dataclass(frozen=True)
class Loaded:
    load: DemoLoad
    logins: tuple[DemoLogin, ...]  # the demo users one can sign in as


@dataclass(frozen=True)
class Forecasting:
    period_id: int


@dataclass(frozen=True)
class Forecasted:
    run: ForecastRun


@dataclass(frozen=True)
class Solving:
    period_id: int
    options: SolveOptions


# While solving, each improved roster arrives as the solver's own ``Progress``.
DemoEvent = Importing | Loaded | Forecasting | Forecasted | Solving | Progress


@dataclass(frozen=True)
class DemoRun:
    load: DemoLoad
    logins: tuple[DemoLogin, ...]
    forecast: ForecastRun | None  # None: not asked
    solve: SolveOutcome | None  # None: not asked


def run_demo(
    *,
    session: Session,
    directory: Path | None = None,
    reset: bool = False,
    forecast: bool = False,
    solve_options: SolveOptions | None = None,
    on_event: Callable[[DemoEvent], None] | None = None,
) -> DemoRun:
    """Load the demo files (``reset``: wipe imported data first) and seed the demo logins; then,
    when asked, forecast the demo period's demand and solve it with ``solve_options``.

    Each step commits, so the data loaded stays when a later step fails. Raises ``DemoError``
    when forecasting or solving is asked but the files hold no demo period.
    """

    def tell(event: DemoEvent) -> None:
        if on_event is not None:
            on_event(event)

    load = load_demo(
        session=session,
        directory=directory,
        reset=reset,
        on_progress=lambda entity, done, total: tell(Importing(entity, done, total)),
    )
    logins = tuple(seed_demo_users(session))
    session.commit()
    tell(Loaded(load, logins))
    if not forecast and solve_options is None:
        return DemoRun(load, logins, None, None)
    if load.period_id is None:
        raise DemoError("the demo files hold no planning period to work on")
    forecast_run: ForecastRun | None = None
    outcome: SolveOutcome | None = None
    if forecast:
        tell(Forecasting(load.period_id))
        forecast_run = run_forecast(session=session, period_id=load.period_id)
        session.commit()
        tell(Forecasted(forecast_run))
    if solve_options is not None:
        tell(Solving(load.period_id, solve_options))
        outcome = solve_period(
            session=session, period_id=load.period_id, options=solve_options, on_progress=tell
        )
    return DemoRun(load, logins, forecast_run, outcome)
