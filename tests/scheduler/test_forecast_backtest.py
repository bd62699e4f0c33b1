"""Rolling-origin backtest: the metrics' arithmetic on a known forecast, seasonal-naive, and the
method against seasonal-naive on a reduced synthetic history."""

import numpy as np
import pandas as pd
import pytest

import scheduler.forecast.backtest as backtest_module
from scheduler.forecast.backtest import OVERALL, backtest, format_table, seasonal_naive
from scheduler.forecast.calendar import RegionCalendar
from scheduler.forecast.models import Forecast
from scheduler.forecast.synthetic import SyntheticRegion, synthetic_counts

CALENDARS = {
    "south": RegionCalendar("south", "Europe/Stockholm", "SE"),
    "east": RegionCalendar("east", "Asia/Yakutsk", "RU"),
}


def frame(values: np.ndarray, start: str = "2024-01-01") -> pd.DataFrame:
    index = pd.date_range(start, periods=len(values), freq="h", tz="UTC")
    columns = pd.MultiIndex.from_tuples([("r", "neuro", "ed")])
    return pd.DataFrame(values.reshape(-1, 1).astype(float), index=index, columns=columns)


def test_seasonal_naive_repeats_last_week_and_skips_gaps() -> None:
    values = np.arange(3 * 168, dtype=float)
    values[-168 + 5] = np.nan  # a gap last week: take the same hour a week earlier
    naive = seasonal_naive(frame(values), hours=200)
    assert naive.iloc[0, 0] == values[-168]
    assert naive.iloc[5, 0] == values[-2 * 168 + 5]
    assert naive.iloc[168, 0] == values[-168]  # a second week repeats the first
    assert naive.index[0] == frame(values).index[-1] + pd.Timedelta(hours=1)


def test_metrics_by_hand(monkeypatch: pytest.MonkeyPatch) -> None:
    # A series alternating 2, 4 each week: week-on-week change 2 every hour, so MASE scale = 2.
    # The stub forecast is always 1 too high: |error| = 1 per hour, WAPE = 1 / mean actual,
    # MASE = 1 / 2. Seasonal-naive is off by 2 every hour: WAPE 2 / mean, MASE 1.
    weeks = 8
    values = np.concatenate([np.full(168, 2.0 if w % 2 == 0 else 4.0) for w in range(weeks)])
    counts = frame(values)

    def plus_one(train: pd.DataFrame, calendars: object, *, hours: int, config: object) -> Forecast:
        index = pd.date_range(train.index[-1] + pd.Timedelta(hours=1), periods=hours, freq="h")
        actual = counts.reindex(index)
        return Forecast(mean=actual + 1, lower=actual, upper=actual + 2)

    monkeypatch.setattr(backtest_module, "forecast_volumes", plus_one)
    result = backtest(counts, {}, origins=2, min_train_weeks=2)
    row = result.table.loc["r"]
    mean_actual = (2.0 + 4.0) / 2  # the last two weeks: one of 2s, one of 4s
    assert row["wape"] == pytest.approx(1 / mean_actual)
    assert row["wape_naive"] == pytest.approx(2 / mean_actual)
    assert row["mase"] == pytest.approx(0.5)
    assert row["mase_naive"] == pytest.approx(1.0)
    assert row["coverage"] == pytest.approx(1.0)
    assert row["hours"] == 2 * 168
    assert result.beats_naive


def test_method_beats_seasonal_naive_on_reduced_history() -> None:
    regions = [
        SyntheticRegion(CALENDARS["south"], 20.0),
        SyntheticRegion(CALENDARS["east"], 0.5),  # sparse
    ]
    counts = synthetic_counts(regions, ["neuro", "chest"], start="2024-02-05", weeks=14, seed=11)
    result = backtest(counts, CALENDARS, origins=3)
    table = result.table
    assert list(table.index) == ["east", "south", OVERALL]
    assert result.beats_naive
    assert table.loc["south", "wape"] < table.loc["south", "wape_naive"]
    assert len(result.origins) == 3 and result.origins[-1] == counts.index[-168]
    text = format_table(result)
    assert "overall" in text and "east" in text and "beats seasonal-naive" in text


def test_too_short_history_is_refused() -> None:
    with pytest.raises(ValueError, match="backtest needs"):
        backtest(frame(np.ones(3 * 168)), {}, origins=8)
