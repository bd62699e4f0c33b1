"""The forecast on synthetic histories with known structure: sane values, shrinkage for sparse
series, holidays, DST, gaps, and clear errors."""

import numpy as np
import pandas as pd
import pytest

from scheduler.forecast.calendar import RegionCalendar, calendar_for_region, local_hours
from scheduler.forecast.models import ForecastConfig, forecast_volumes
from scheduler.forecast.synthetic import SyntheticRegion, synthetic_counts

OSLO = RegionCalendar("oslo", "Europe/Oslo", "NO")
NORTH = RegionCalendar("north", "Europe/Oslo", "NO")
CALENDARS = {c.region_id: c for c in (OSLO, NORTH)}


def history(weeks: int = 12, start: str = "2024-01-01", seed: int = 3) -> pd.DataFrame:
    regions = [SyntheticRegion(OSLO, 30.0), SyntheticRegion(NORTH, 0.3)]
    return synthetic_counts(regions, ["neuro", "body"], start=start, weeks=weeks, seed=seed)


def test_forecast_values_are_sane() -> None:
    counts = history(weeks=10)  # forecast 11-17 March 2024: no public holiday
    result = forecast_volumes(counts, CALENDARS, hours=168)
    assert result.lower is not None and result.upper is not None
    assert result.mean.index[0] == counts.index[-1] + pd.Timedelta(hours=1)
    assert len(result.mean) == 168 and list(result.mean.columns) == list(counts.columns)
    mean, lower, upper = (f.to_numpy() for f in (result.mean, result.lower, result.upper))
    assert np.isfinite(mean).all() and (mean >= 0).all()
    assert (lower >= 0).all() and (lower <= upper).all()
    assert (lower <= np.floor(mean) + 1).all() and (upper >= np.floor(mean)).all()
    # The busy region's weekly volume is forecast within 10% of its recent weeks.
    recent = counts.iloc[-4 * 168 :].T.groupby(level=0).sum().sum(axis=1) / 4
    ahead = result.mean.T.groupby(level=0).sum().sum(axis=1)
    assert ahead["oslo"] == pytest.approx(recent["oslo"], rel=0.1)


def test_sparse_series_are_shrunk_not_echoed() -> None:
    counts = history()
    spike_at = counts.index[-30]
    counts.loc[spike_at, ("north", "neuro", "stat")] = 40.0  # one odd hour in a sparse region
    result = forecast_volumes(counts, CALENDARS, hours=168, intervals=False)
    same_hour_next_week = spike_at + pd.Timedelta(weeks=1)
    sparse = result.mean[("north", "neuro", "stat")]
    assert sparse.loc[same_hour_next_week] < 1.0  # seasonal-naive would say 40
    assert sparse.max() < 1.0
    # The sparse region keeps its own level (about 0.3 studies an hour in all).
    north_week = result.mean.T.loc["north"].to_numpy().sum()
    assert 0.15 * 168 < north_week < 0.6 * 168


def test_public_holiday_is_forecast_like_a_sunday() -> None:
    # 17 May 2024 (Constitution Day, a Friday) falls in the forecast; the synthetic history
    # has holidays quiet by day, like the forecast should make it.
    counts = history(weeks=19)  # up to Monday 13 May 2024
    result = forecast_volumes(counts, CALENDARS, hours=2 * 168, intervals=False)
    local = result.mean.index.tz_convert("Europe/Oslo")
    daytime = (local.hour >= 8) & (local.hour < 18)
    oslo = result.mean.T.loc["oslo"].sum(axis=0).to_numpy()
    holiday = oslo[daytime & (local.day == 17)].sum()
    friday = oslo[daytime & (local.day == 24)].sum()
    sunday = oslo[daytime & (local.day == 19)].sum()
    assert holiday < 0.8 * friday
    assert holiday == pytest.approx(sunday, rel=0.15)


def test_shape_follows_local_time_across_dst() -> None:
    # History to 25 March 2024; Oslo moves to summer time on 31 March.
    counts = history(weeks=12)
    result = forecast_volumes(counts, CALENDARS, hours=2 * 168, intervals=False)
    oslo = result.mean.T.loc["oslo"].sum(axis=0)
    before = oslo.loc["2024-03-26"]  # Tuesday, UTC+1
    after = oslo.loc["2024-04-02"]  # Tuesday, UTC+2
    peak_before = before.idxmax().tz_convert("Europe/Oslo").hour
    peak_after = after.idxmax().tz_convert("Europe/Oslo").hour
    assert peak_before == peak_after
    assert before.idxmax().hour - after.idxmax().hour == 1  # one hour earlier in UTC


def test_gap_hours_are_left_out_not_read_as_zero() -> None:
    counts = history()
    gap = slice(counts.index[-100], counts.index[-40])
    with_gap, zeroed = counts.copy(), counts.copy()
    with_gap.loc[gap, "oslo"] = np.nan
    zeroed.loc[gap, "oslo"] = 0.0
    config = ForecastConfig(level_half_life_weeks=2.0)  # recent weeks weigh most
    full = forecast_volumes(counts, CALENDARS, hours=168, config=config, intervals=False)
    gapped = forecast_volumes(with_gap, CALENDARS, hours=168, config=config, intervals=False)
    zero = forecast_volumes(zeroed, CALENDARS, hours=168, config=config, intervals=False)

    def total(f: pd.DataFrame) -> float:
        return float(f["oslo"].to_numpy().sum())

    assert total(gapped.mean) == pytest.approx(total(full.mean), rel=0.05)
    assert total(zero.mean) < 0.9 * total(full.mean)


def test_forecast_window_can_start_later() -> None:
    counts = history()
    start = counts.index[-1] + pd.Timedelta(days=3)
    result = forecast_volumes(counts, CALENDARS, hours=48, start=start, intervals=False)
    assert result.mean.index[0] == start and len(result.mean) == 48


def test_long_form_has_one_row_per_series_hour() -> None:
    counts = history()
    result = forecast_volumes(counts, CALENDARS, hours=24)
    long = result.to_long()
    assert len(long) == 24 * counts.shape[1]
    assert list(long.columns) == [
        "region_id", "subspecialty_id", "priority", "ts", "mean", "lower", "upper", "method",
    ]  # fmt: skip
    row = long[(long["region_id"] == "oslo") & (long["priority"] == "ed")].iloc[5]
    assert row["mean"] == pytest.approx(
        result.mean.loc[row["ts"], ("oslo", row["subspecialty_id"], "ed")]
    )


def test_errors_say_what_is_wrong() -> None:
    counts = history()
    with pytest.raises(ValueError, match="no calendar.*north"):
        forecast_volumes(counts, {"oslo": OSLO}, hours=24)
    with pytest.raises(ValueError, match="inside the history"):
        forecast_volumes(counts, CALENDARS, hours=24, start=counts.index[-5])
    with pytest.raises(ValueError, match="interval"):
        ForecastConfig(interval=1.5)


def test_region_calendar_guesses() -> None:
    assert calendar_for_region("r", "NO-NL", "Europe/Oslo").country == "NO"
    yakutia = calendar_for_region("r", "SAKHA", "Asia/Yakutsk")
    assert yakutia.country == "RU"
    assert calendar_for_region("r", "X", "UTC").country is None


def test_local_hours_map_holidays_to_sunday() -> None:
    index = pd.date_range("2024-05-16 22:00", periods=4, freq="h", tz="UTC")  # 00:00 Oslo on 17 May
    plain = local_hours(index, OSLO)
    as_sunday = local_hours(index, OSLO, holiday_as_sunday=True)
    assert plain.holiday.tolist() == [1.0, 1.0, 1.0, 1.0]
    assert plain.hour_of_week[0] == 4 * 24  # Friday 00:00
    assert as_sunday.hour_of_week[0] == 6 * 24  # Sunday 00:00


def test_a_silent_region_forecasts_zero_and_an_unseen_one_is_refused() -> None:
    counts = history(weeks=6)
    counts.loc[:, "north"] = 0.0
    result = forecast_volumes(counts, CALENDARS, hours=24)
    assert result.upper is not None
    assert (result.mean["north"].to_numpy() == 0).all()
    assert (result.upper["north"].to_numpy() == 0).all()
    assert (result.mean["oslo"].to_numpy() > 0).any()
    counts.loc[:, "north"] = np.nan
    with pytest.raises(ValueError, match="region north has no observed hour"):
        forecast_volumes(counts, CALENDARS, hours=24)
