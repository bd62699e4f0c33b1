"""Hourly volume forecast per region × subspecialty × priority: a pooled Poisson GLM for each
region's total, split into series by shrunk shares.

The model, for region r at UTC hour t with local hour of week h(t):

    total_r(t) ~ Poisson(mu_r(t))
    log mu_r(t) = a_r + b_r * tau(t) + c1 * holiday(t) + c2 * holiday_working(t) + log s_r(h(t))
    series_k(t) = mu_r(t) * share_k(h(t))       for each series k of region r

* ``a_r``, ``b_r`` (level and trend, tau in years, 0 at the end of the history) are fitted per
  region by a statsmodels Poisson GLM; the holiday effects are pooled over all regions (few holidays
  a year per region).
* The hour-of-week shape ``s_r`` is fitted by backfitting, and shrunk toward the all-regions shape g
  with a gamma prior of strength ``region_shape_strength`` studies: s_r(h) = (sum y + k) / (sum base
  + k / g(h)). A busy region keeps its own shape; a sparse one (few studies per hour of week) takes
  the common shape scaled to its own level, so its forecast is never negative and never follows a
  single odd week.
* Shares follow the same idea on two levels: a series' share of the region at hour of week h is
  pulled toward its share at that hour of day, which is pulled toward its overall share. Recent
  weeks weigh more (half-life ``share_half_life_weeks``), so a shifting mix is followed.

Prediction intervals are negative-binomial with variance phi * mean, phi the series' Pearson
dispersion over the last weeks of the history (1 for Poisson); parameter uncertainty is not added.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from scheduler.forecast.calendar import HOURS_PER_WEEK, LocalHours, RegionCalendar, local_hours
from scheduler.forecast.history import SERIES_KEYS

METHOD = "glm-shrink"
HOURS_PER_YEAR = 24 * 365.25
MAX_DISPERSION = 50.0


@dataclass(frozen=True)
class ForecastConfig:
    interval: float = 0.90  # central prediction interval, e.g. 0.90 gives the 5% and 95% quantiles
    fit_weeks: int | None = 52  # history used to fit; None uses all of it
    region_shape_strength: float = 50.0
    share_day_strength: float = 50.0
    share_week_strength: float = 10.0
    share_half_life_weeks: float = 26.0
    dispersion_weeks: int = 8
    backfit_rounds: int = 2
    level_half_life_weeks: float | None = None  # set: recent weeks weigh more in level and trend
    holiday_as_sunday: bool = True  # a public holiday follows Sunday's hour-of-week shape and mix

    def __post_init__(self) -> None:
        if not 0.0 < self.interval < 1.0:
            raise ValueError(f"interval {self.interval} must be between 0 and 1")
        if self.fit_weeks is not None and self.fit_weeks < 1:
            raise ValueError(f"fit_weeks {self.fit_weeks} must be at least 1")


@dataclass(frozen=True)
class Forecast:
    """Wide forecast frames: UTC hourly index × series columns (as ``VolumeHistory.counts``)."""

    mean: pd.DataFrame
    lower: pd.DataFrame | None = None
    upper: pd.DataFrame | None = None
    method: str = METHOD

    def to_long(self) -> pd.DataFrame:
        """One row per series and hour: region_id, subspecialty_id, priority, ts, mean, lower,
        upper, method."""
        parts = {"mean": self.mean}
        if self.lower is not None and self.upper is not None:
            parts |= {"lower": self.lower, "upper": self.upper}
        columns = {name: frame.to_numpy().ravel(order="F") for name, frame in parts.items()}
        keys = np.repeat(np.asarray(list(self.mean.columns), dtype=object), len(self.mean), axis=0)
        long = pd.DataFrame(
            {
                **{k: keys[:, i] for i, k in enumerate(SERIES_KEYS)},
                "ts": np.tile(self.mean.index.to_numpy(), self.mean.shape[1]),
                **columns,
            }
        )
        long["ts"] = pd.to_datetime(long["ts"], utc=True)
        long["method"] = self.method
        return long


def forecast_volumes(
    counts: pd.DataFrame,
    calendars: Mapping[str, RegionCalendar],
    *,
    hours: int,
    start: pd.Timestamp | None = None,
    config: ForecastConfig = ForecastConfig(),
    intervals: bool = True,
) -> Forecast:
    """Forecast ``hours`` hours from ``start`` (default: the hour after the history ends)."""
    # The fits are small least-squares problems; multi-threaded BLAS only adds overhead, and on a
    # shared, busy machine its spinning threads make each solve a hundred times slower.
    with threadpool_limits(limits=1, user_api="blas"):
        return _forecast(counts, calendars, hours, start, config, intervals)


def _forecast(
    counts: pd.DataFrame,
    calendars: Mapping[str, RegionCalendar],
    hours: int,
    start: pd.Timestamp | None,
    config: ForecastConfig,
    intervals: bool,
) -> Forecast:
    if counts.empty:
        raise ValueError("no history to forecast from")
    if hours < 1:
        raise ValueError(f"hours {hours} must be at least 1")
    history_end = counts.index[-1] + pd.Timedelta(hours=1)
    start = history_end if start is None else pd.Timestamp(start).tz_convert("UTC")
    # Regions' histories may end at different hours (each at its local midnight): the forecast may
    # start once the first of them has ended; hours some region still observed get fitted values.
    observed = counts.notna().to_numpy()
    last_seen = [
        int(np.flatnonzero(observed[:, i]).max(initial=-1)) for i in range(counts.shape[1])
    ]
    earliest_end = counts.index[0] + pd.Timedelta(hours=min(last_seen) + 1)
    if start < earliest_end:
        raise ValueError(
            f"forecast start {start} is inside the history (every series has data up to "
            f"{earliest_end})"
        )
    train = (
        counts if config.fit_weeks is None else counts.iloc[-config.fit_weeks * HOURS_PER_WEEK :]
    )
    future = pd.date_range(min(start, history_end), start + pd.Timedelta(hours=hours - 1), freq="h")

    regions = sorted({str(key[0]) for key in counts.columns})
    missing = [r for r in regions if r not in calendars]
    if missing:
        raise ValueError(f"no calendar (time zone, country) for region(s) {', '.join(missing)}")
    fits = [_RegionData.build(train, future, calendars[r], config) for r in regions]
    _fit_totals(fits, config)

    mean = np.full((len(future), counts.shape[1]), np.nan)
    lower, upper = mean.copy(), mean.copy()
    for fit in fits:
        shares = _shares(fit, config)
        predicted = fit.mu_future[:, None] * shares[fit.future.hour_of_week]
        mean[:, fit.positions] = predicted
        if intervals:
            fitted = fit.mu_train[:, None] * shares[fit.train.hour_of_week]
            phi = _dispersion(fit.series, fitted, config.dispersion_weeks * HOURS_PER_WEEK)
            lower[:, fit.positions], upper[:, fit.positions] = _interval(
                predicted, phi, config.interval
            )
    keep = future >= start

    def frame(values: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(values[keep], index=future[keep], columns=counts.columns)

    return Forecast(
        mean=frame(mean),
        lower=frame(lower) if intervals else None,
        upper=frame(upper) if intervals else None,
    )


@dataclass
class _RegionData:
    """One region's training and future arrays, and the pieces of its fitted total."""

    region_id: str
    positions: np.ndarray  # column positions of the region's series in the history frame
    series: np.ndarray  # training hours × series, NaN for gaps
    total: np.ndarray  # training hours; NaN where any series is missing
    train: LocalHours
    future: LocalHours
    tau_train: np.ndarray
    tau_future: np.ndarray
    shape: np.ndarray  # hour-of-week multiplier, mean 1
    mu_train: np.ndarray
    mu_future: np.ndarray

    @classmethod
    def build(
        cls,
        train: pd.DataFrame,
        future: pd.DatetimeIndex,
        calendar: RegionCalendar,
        config: ForecastConfig,
    ) -> _RegionData:
        positions = np.flatnonzero([str(key[0]) == calendar.region_id for key in train.columns])
        series = train.iloc[:, positions].to_numpy(dtype=np.float64)
        index = pd.DatetimeIndex(train.index)
        end = index[-1] + pd.Timedelta(hours=1)
        return cls(
            region_id=calendar.region_id,
            positions=positions,
            series=series,
            total=series.sum(axis=1),
            train=local_hours(index, calendar, holiday_as_sunday=config.holiday_as_sunday),
            future=local_hours(future, calendar, holiday_as_sunday=config.holiday_as_sunday),
            tau_train=_years(index, end),
            tau_future=_years(future, end),
            shape=np.ones(HOURS_PER_WEEK),
            mu_train=np.zeros(len(index)),
            mu_future=np.zeros(len(future)),
        )

    @property
    def observed(self) -> np.ndarray:
        return np.asarray(np.isfinite(self.total), dtype=np.bool_)


def _years(index: pd.DatetimeIndex, end: pd.Timestamp) -> np.ndarray:
    hours: np.ndarray = np.asarray((index - end) / pd.Timedelta(hours=1), dtype=np.float64)
    return hours / HOURS_PER_YEAR


def _fit_totals(fits: list[_RegionData], config: ForecastConfig) -> None:
    """Backfit the pooled GLM (level, trend, holidays) and the shrunk hour-of-week shapes."""
    for fit in fits:
        if not fit.observed.any():
            raise ValueError(f"region {fit.region_id} has no observed hour in the fit window")
    active = [fit for fit in fits if np.nansum(fit.total) > 0]  # all-zero regions forecast zero
    if not active:
        return
    params: np.ndarray | None = None
    half_life = None
    if config.level_half_life_weeks is not None:
        half_life = config.level_half_life_weeks * HOURS_PER_WEEK
    for _round in range(config.backfit_rounds + 1):
        params = _fit_glm(active, params, half_life)
        if _round < config.backfit_rounds:
            _update_shapes(active, config.region_shape_strength)


def _design(fits: list[_RegionData], which: str) -> tuple[np.ndarray, list[int]]:
    """Rows: each region's hours stacked; columns: intercept and trend per region, then the two
    holiday effects shared by all regions. Returns the matrix and each region's row count."""
    blocks: list[np.ndarray] = []
    sizes: list[int] = []
    n = len(fits)
    for i, fit in enumerate(fits):
        hours = fit.train if which == "train" else fit.future
        tau = fit.tau_train if which == "train" else fit.tau_future
        block = np.zeros((len(tau), 2 * n + 2))
        block[:, i] = 1.0
        block[:, n + i] = tau
        block[:, 2 * n] = hours.holiday
        block[:, 2 * n + 1] = hours.holiday_working
        blocks.append(block)
        sizes.append(len(tau))
    return np.vstack(blocks), sizes


def _fit_glm(
    fits: list[_RegionData], start: np.ndarray | None, half_life: float | None
) -> np.ndarray:
    exog, sizes = _design(fits, "train")
    endog = np.concatenate([fit.total for fit in fits])
    offset = np.concatenate([np.log(fit.shape[fit.train.hour_of_week]) for fit in fits])
    tau = np.concatenate([fit.tau_train for fit in fits])
    keep = ~np.isnan(endog)
    # Poisson counts add up: a region's hours of one UTC day with the same holiday flags pool into
    # one row (counts summed, exp(offset) summed, trend at the mean), a ~24 times smaller fit that
    # differs only by the trend's movement within a day.
    day = np.concatenate([np.arange(len(fit.total)) // 24 for fit in fits])
    region = np.repeat(np.arange(len(fits)), sizes)
    flags = exog[:, -2:].astype(np.int64)
    keys = np.stack([region, day, flags[:, 0], flags[:, 1]], axis=1)[keep]
    _, group = np.unique(keys, axis=0, return_inverse=True)
    group = group.ravel()
    hours = np.bincount(group).astype(np.float64)
    y = np.bincount(group, weights=endog[keep])
    x = np.stack([np.bincount(group, weights=col) for col in exog[keep].T], axis=1) / hours[:, None]
    exposure = np.bincount(group, weights=np.exp(offset[keep]))
    age_hours = -np.bincount(group, weights=tau[keep]) / hours * HOURS_PER_YEAR
    weights = np.ones_like(y) if half_life is None else 0.5 ** (age_hours / half_life)
    # A holiday column without a holiday hour in the window carries nothing: drop it (effect 0).
    used = x.any(axis=0)
    model = sm.GLM(
        y,
        x[:, used],
        family=sm.families.Poisson(),
        offset=np.log(exposure),
        var_weights=weights,
    )
    result = model.fit(start_params=None if start is None else start[used], maxiter=100)
    params = np.zeros(exog.shape[1])
    params[used] = np.asarray(result.params)
    future, _ = _design(fits, "future")
    eta_train = np.split(exog @ params, np.cumsum(sizes)[:-1])
    eta_future = np.split(future @ params, np.cumsum([len(f.tau_future) for f in fits])[:-1])
    for fit, train_eta, future_eta in zip(fits, eta_train, eta_future, strict=True):
        fit.mu_train = np.exp(train_eta) * fit.shape[fit.train.hour_of_week]
        fit.mu_future = np.exp(future_eta) * fit.shape[fit.future.hour_of_week]
    return params


def _update_shapes(fits: list[_RegionData], strength: float) -> None:
    """Gamma-Poisson update of each region's hour-of-week shape, centred on the common shape."""
    sums = []
    for fit in fits:
        obs = fit.observed
        base = fit.mu_train / fit.shape[fit.train.hour_of_week]
        how = fit.train.hour_of_week[obs]
        num = np.bincount(how, weights=fit.total[obs], minlength=HOURS_PER_WEEK)
        den = np.bincount(how, weights=base[obs], minlength=HOURS_PER_WEEK)
        sums.append((num, den))
    total_num = np.sum([num for num, _ in sums], axis=0)
    total_den = np.sum([den for _, den in sums], axis=0)
    common = np.divide(total_num, total_den, out=np.ones(HOURS_PER_WEEK), where=total_den > 0)
    common = np.maximum(common / common.mean(), 1e-6)
    for fit, (num, den) in zip(fits, sums, strict=True):
        shape = (num + strength) / (den + strength / common)
        fit.shape = shape / shape.mean()


def _shares(fit: _RegionData, config: ForecastConfig) -> np.ndarray:
    """Hour-of-week × series shares of the region total (rows sum to 1), shrunk on two levels."""
    obs = fit.observed
    n_series = fit.series.shape[1]
    age = np.arange(len(fit.total))[::-1]  # hours before the end of the history
    weight = 0.5 ** (age / (config.share_half_life_weeks * HOURS_PER_WEEK)) * obs
    y = np.nan_to_num(fit.series) * weight[:, None]
    total = np.nan_to_num(fit.total) * weight
    overall = y.sum(axis=0) / total.sum() if total.sum() > 0 else np.full(n_series, 1.0 / n_series)

    def shrink(bins: np.ndarray, size: int, prior: np.ndarray, strength: float) -> np.ndarray:
        num = np.stack(
            [np.bincount(bins, weights=y[:, k], minlength=size) for k in range(n_series)]
        )
        den = np.bincount(bins, weights=total, minlength=size)
        return np.asarray((num.T + strength * prior) / (den[:, None] + strength))

    by_day = shrink(fit.train.hour_of_day, 24, overall[None, :], config.share_day_strength)
    day_of = np.arange(HOURS_PER_WEEK) % 24
    return shrink(
        fit.train.hour_of_week, HOURS_PER_WEEK, by_day[day_of], config.share_week_strength
    )


def _dispersion(series: np.ndarray, fitted: np.ndarray, recent_hours: int) -> np.ndarray:
    """Pearson dispersion per series over the last ``recent_hours``, at least 1 (Poisson)."""
    y = series[-recent_hours:]
    f = fitted[-recent_hours:]
    ok = ~np.isnan(y) & (f > 0)
    pearson = np.where(ok, (np.nan_to_num(y) - f) ** 2 / np.where(f > 0, f, 1.0), 0.0)
    count = ok.sum(axis=0)
    phi = np.divide(pearson.sum(axis=0), count, out=np.ones(series.shape[1]), where=count > 0)
    return np.asarray(np.clip(phi, 1.0, MAX_DISPERSION))


def _interval(mean: np.ndarray, phi: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Quantiles of a negative binomial of the given mean and variance phi * mean."""
    tail = (1.0 - level) / 2.0
    phi = np.broadcast_to(phi, mean.shape)
    poisson = phi <= 1.0 + 1e-9
    safe_mean = np.maximum(mean, 1e-12)
    n = safe_mean / np.where(poisson, 1.0, phi - 1.0)
    p = 1.0 / phi
    lo = np.where(poisson, stats.poisson.ppf(tail, safe_mean), stats.nbinom.ppf(tail, n, p))
    hi = np.where(poisson, stats.poisson.ppf(1 - tail, safe_mean), stats.nbinom.ppf(1 - tail, n, p))
    zero = mean <= 0
    return np.where(zero, 0.0, lo), np.where(zero, 0.0, hi)
