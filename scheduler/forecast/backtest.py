"""Rolling-origin backtest of the forecast against seasonal-naive (same hour last week).

For each origin (the last ``origins`` week starts of the history) the model is fitted on the hours
before it and forecasts the next ``horizon_hours``; both methods are scored on the same series-hours
(those with an actual and a naive value). Per region, summed over its series, hours and origins:

* WAPE = sum |actual - forecast| / sum actual
* MASE = sum |actual - forecast| / sum scale, where a series' scale is its in-sample mean absolute
  week-on-week change (the seasonal-naive error on the training hours), counted once per scored
  hour. Seasonal-naive scores about 1 by construction; below 1 is better than last week's value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scheduler.forecast.calendar import HOURS_PER_WEEK, RegionCalendar
from scheduler.forecast.models import ForecastConfig, forecast_volumes

OVERALL = "overall"
NAIVE_LOOKBACK_WEEKS = 4  # a gap in last week's value falls back to the same hour in earlier weeks


@dataclass(frozen=True)
class BacktestResult:
    """``table``: one row per region and an ``overall`` row, columns wape, wape_naive, mase,
    mase_naive, coverage (share of actuals inside the prediction interval), hours (series-hours
    scored)."""

    table: pd.DataFrame
    origins: tuple[pd.Timestamp, ...]
    interval: float

    @property
    def beats_naive(self) -> bool:
        overall = self.table.loc[OVERALL]
        return bool(
            overall["wape"] < overall["wape_naive"] and overall["mase"] < overall["mase_naive"]
        )


def seasonal_naive(counts: pd.DataFrame, hours: int) -> pd.DataFrame:
    """Each future hour takes the value of the same hour a week earlier (the last week repeated)."""
    weeks = min(NAIVE_LOOKBACK_WEEKS, len(counts) // HOURS_PER_WEEK)
    if weeks < 1:
        raise ValueError("seasonal-naive needs at least one week of history")
    last = counts.iloc[-HOURS_PER_WEEK:].to_numpy(copy=True)
    for back in range(2, weeks + 1):
        earlier = counts.iloc[-back * HOURS_PER_WEEK : len(counts) - (back - 1) * HOURS_PER_WEEK]
        last = np.where(np.isnan(last), earlier.to_numpy(), last)
    reps = -(-hours // HOURS_PER_WEEK)
    values = np.tile(last, (reps, 1))[:hours]
    index = pd.date_range(counts.index[-1] + pd.Timedelta(hours=1), periods=hours, freq="h")
    return pd.DataFrame(values, index=index, columns=counts.columns)


def backtest(
    counts: pd.DataFrame,
    calendars: Mapping[str, RegionCalendar],
    *,
    origins: int = 8,
    horizon_hours: int = HOURS_PER_WEEK,
    config: ForecastConfig = ForecastConfig(),
    min_train_weeks: int = 4,
) -> BacktestResult:
    """Score the forecast and seasonal-naive over ``origins`` rolling origins, one week apart."""
    if origins < 1:
        raise ValueError(f"origins {origins} must be at least 1")
    needed = (min_train_weeks + origins - 1) * HOURS_PER_WEEK + horizon_hours
    if len(counts) < needed:
        raise ValueError(
            f"backtest needs {needed} hours of history ({min_train_weeks} training weeks, "
            f"{origins} origins, {horizon_hours} h horizon); got {len(counts)}"
        )
    positions = [len(counts) - horizon_hours - k * HOURS_PER_WEEK for k in reversed(range(origins))]
    regions = [str(key[0]) for key in counts.columns]
    sums = pd.DataFrame(
        0.0,
        index=sorted(set(regions)),
        columns=["err", "err_naive", "actual", "scale", "inside", "hours"],
    )
    for pos in positions:
        train = counts.iloc[:pos]
        if config.fit_weeks is not None:
            train = train.iloc[-config.fit_weeks * HOURS_PER_WEEK :]
        actual = counts.iloc[pos : pos + horizon_hours].to_numpy()
        result = forecast_volumes(train, calendars, hours=horizon_hours, config=config)
        naive = seasonal_naive(train, horizon_hours).to_numpy()
        mean = result.mean.to_numpy()
        assert result.lower is not None and result.upper is not None
        lower, upper = result.lower.to_numpy(), result.upper.to_numpy()
        scored = ~np.isnan(actual) & ~np.isnan(naive) & ~np.isnan(mean)
        y = np.where(scored, actual, 0.0)
        week_change = np.abs(train.diff(HOURS_PER_WEEK).to_numpy())
        scale = np.nan_to_num(np.nanmean(week_change, axis=0))
        per_series = {
            "err": (np.abs(y - np.where(scored, mean, 0.0))).sum(axis=0),
            "err_naive": (np.abs(y - np.where(scored, naive, 0.0))).sum(axis=0),
            "actual": y.sum(axis=0),
            "scale": scale * scored.sum(axis=0),
            "inside": (scored & (actual >= lower) & (actual <= upper)).sum(axis=0),
            "hours": scored.sum(axis=0),
        }
        sums += pd.DataFrame(per_series, index=regions).groupby(level=0).sum()
    sums.loc[OVERALL] = sums.sum()
    table = pd.DataFrame(
        {
            "wape": sums["err"] / sums["actual"],
            "wape_naive": sums["err_naive"] / sums["actual"],
            "mase": sums["err"] / sums["scale"],
            "mase_naive": sums["err_naive"] / sums["scale"],
            "coverage": sums["inside"] / sums["hours"],
            "hours": sums["hours"].astype("int64"),
        }
    )
    table.index.name = "region_id"
    starts = tuple(pd.Timestamp(counts.index[pos]) for pos in positions)
    return BacktestResult(table=table, origins=starts, interval=config.interval)


def format_table(result: BacktestResult) -> str:
    """The backtest as an aligned text table, method beside seasonal-naive."""
    header = (
        f"{'region':<14}{'WAPE':>8}{'naive':>8}{'MASE':>8}{'naive':>8}"
        f"{f'cover{result.interval:.0%}':>10}{'hours':>10}"
    )
    lines = [
        f"backtest: {len(result.origins)} origins from {result.origins[0]:%Y-%m-%d %H:%M} UTC, "
        "forecast vs seasonal-naive (same hour last week)",
        header,
        "-" * len(header),
    ]
    for region, row in result.table.iterrows():
        if region == OVERALL:
            lines.append("-" * len(header))
        lines.append(
            f"{str(region):<14}{row['wape']:>8.3f}{row['wape_naive']:>8.3f}{row['mase']:>8.3f}"
            f"{row['mase_naive']:>8.3f}{row['coverage']:>10.1%}{int(row['hours']):>10}"
        )
    verdict = "beats" if result.beats_naive else "does NOT beat"
    lines.append(f"the forecast {verdict} seasonal-naive overall (WAPE and MASE)")
    return "\n".join(lines)
