"""The demand view of a period: stored forecast, intervals of sums, observed history with its
gaps, daily rows, scope."""

import datetime as dt

import pytest
from sqlmodel import Session

from scheduler.models import StudyPriority
from scheduler.services.demand_view import demand_view
from scheduler.services.errors import FieldError, NotFound, OutOfScope
from scheduler.services.scope import EVERYWHERE, RegionScope
from tests.scheduler.demand_rows import (
    FORECAST_HOURS,
    FORECAST_START,
    GAP_HOUR,
    HISTORY_START,
    HOUR,
    NEURO_ONLY_HOUR,
    seed_forecast,
    seed_history,
    stat_mean,
)
from tests.scheduler.department import seed_department


def test_hourly_rows_of_one_series_are_the_stored_forecast(session: Session) -> None:
    period_id = seed_department(session)
    seed_forecast(session, period_id)

    view = demand_view(
        session=session, period_id=period_id, scope=EVERYWHERE, region="N",
        subspecialty="general", priority=StudyPriority.STAT, history_weeks=0,
    )  # fmt: skip

    assert view.has_forecast and view.period_has_forecast
    forecast = [r for r in view.rows if r.mean is not None]
    assert [r.start for r in forecast] == [FORECAST_START + h * HOUR for h in range(FORECAST_HOURS)]
    third = forecast[3]
    assert (third.mean, third.lower, third.upper) == (stat_mean(3), 0.0, 2.0)
    assert third.label == "Mon 04 Jan 03:00"  # Oslo time
    assert (third.readers, third.readers_erlang, third.reader_hours) == (2, 2, 0.75)
    assert view.peak_readers == 12  # ceil(47 / 4)
    assert view.forecast_studies == pytest.approx(sum(stat_mean(h) for h in range(48)))


def test_every_priority_sums_means_and_gives_the_interval_of_the_sum(session: Session) -> None:
    period_id = seed_department(session)
    seed_forecast(session, period_id)

    view = demand_view(
        session=session, period_id=period_id, scope=EVERYWHERE, region="N",
        subspecialty="general", history_weeks=0,
    )  # fmt: skip

    first = view.rows[0]
    # STAT 0.5 (stored 0-2) and outpatient 4.0 (stored 4-4): the hour's variances are at least
    # their means, and 0.5 + 4 = 4.5 with the STAT width (2 / 2z)^2 = 0.37 < 0.5: Poisson(4.5).
    assert first.mean == pytest.approx(4.5)
    assert (first.lower, first.upper) == (1.0, 8.0)  # Poisson(4.5) 5% and 95% quantiles
    # Not the sum of the stored intervals (0 + 4 to 2 + 4).
    assert (first.lower, first.upper) != (4.0, 6.0)


def test_observed_history_keeps_gaps_apart_from_zero_studies(session: Session) -> None:
    period_id = seed_department(session)
    seed_forecast(session, period_id)
    seed_history(session, period_id)

    view = demand_view(
        session=session, period_id=period_id, scope=EVERYWHERE, region="N",
        subspecialty="general", history_weeks=1,
    )  # fmt: skip

    by_start = {r.start: r for r in view.rows}
    assert min(by_start) == HISTORY_START  # Monday 00:00 Oslo a week before
    assert by_start[HISTORY_START].observed == 4.0  # 1 STAT + 3 outpatient
    assert by_start[GAP_HOUR].observed is None  # no row for the region: unknown
    assert by_start[NEURO_ONLY_HOUR].observed == 0.0  # the region reported, no general study
    assert by_start[HISTORY_START].mean is None
    assert by_start[FORECAST_START].observed is None  # the future


def test_daily_rows_sum_hours_and_take_peaks(session: Session) -> None:
    period_id = seed_department(session)
    seed_forecast(session, period_id)
    seed_history(session, period_id)

    view = demand_view(
        session=session, period_id=period_id, scope=EVERYWHERE, region="N",
        subspecialty="general", priority=StudyPriority.STAT, resolution="day", history_weeks=1,
    )  # fmt: skip

    days = {r.day: r for r in view.rows}
    assert len(days) == 9  # 7 days of history, 2 forecast
    monday = days[dt.date(2027, 1, 4)]
    assert monday.hours == 24 and monday.label == "Mon 04 Jan"
    assert monday.mean == pytest.approx(sum(stat_mean(h) for h in range(24)))
    assert monday.lower is not None and monday.upper is not None
    assert monday.lower < monday.mean < monday.upper
    assert monday.readers == 6 and monday.readers_erlang == 2  # peaks: ceil(23 / 4), 1 + 1
    assert monday.reader_hours == pytest.approx(0.25 * sum(range(24)))
    assert days[dt.date(2026, 12, 28)].observed == 24.0  # a full day of 1 STAT an hour
    assert days[dt.date(2026, 12, 29)].observed is None  # the day with the gap


def test_without_a_forecast_only_history_is_shown(session: Session) -> None:
    period_id = seed_department(session)
    seed_history(session, period_id)

    view = demand_view(session=session, period_id=period_id, scope=EVERYWHERE, history_weeks=1)

    assert not view.period_has_forecast and not view.has_forecast
    assert view.rows and all(r.mean is None and r.readers is None for r in view.rows)
    assert view.region.code == "N"  # the first region in code order


def test_scope_choices_and_bad_input(session: Session) -> None:
    period_id = seed_department(session)
    known = seed_forecast(session, period_id)
    south_only = RegionScope.of([known.regions["S"]])

    view = demand_view(session=session, period_id=period_id, scope=south_only)

    assert view.region.code == "S" and [c.code for c in view.regions] == ["S"]
    assert view.rows[0].mean == 9.0
    with pytest.raises(OutOfScope):
        demand_view(session=session, period_id=period_id, scope=south_only, region="N")
    with pytest.raises(OutOfScope):
        demand_view(session=session, period_id=period_id, scope=RegionScope.of([]))
    with pytest.raises(FieldError, match="region"):
        demand_view(session=session, period_id=period_id, scope=EVERYWHERE, region="ZZ")
    with pytest.raises(FieldError, match="subspecialty"):
        demand_view(session=session, period_id=period_id, scope=EVERYWHERE, subspecialty="x")
    with pytest.raises(FieldError, match="history_weeks"):
        demand_view(session=session, period_id=period_id, scope=EVERYWHERE, history_weeks=13)
    with pytest.raises(NotFound):
        demand_view(session=session, period_id=period_id + 1, scope=EVERYWHERE)
