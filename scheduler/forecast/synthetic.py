"""Synthetic hourly volumes with a known structure (local day/week shape, trend, holidays, priority
mix by hour, over-dispersed noise), for tests and for benchmarking when no demo data is at hand."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scheduler.forecast.calendar import RegionCalendar, local_hours
from scheduler.forecast.history import SERIES_KEYS

# Relative volume by local hour of day: low at night, a morning peak, an evening shoulder (ED).
DAY_SHAPE = np.array(
    [0.35, 0.3, 0.28, 0.27, 0.28, 0.35, 0.55, 0.9, 1.4, 1.7, 1.75, 1.7]
    + [1.55, 1.6, 1.65, 1.6, 1.4, 1.2, 1.05, 0.95, 0.85, 0.7, 0.55, 0.45]
)
WEEKEND_FACTOR = 0.55
HOLIDAY_FACTOR = 0.6
PRIORITY_SHARE = {"stat": 0.08, "ed": 0.27, "inpatient": 0.25, "outpatient": 0.40}
# Outpatient work happens by day; emergencies keep coming at night.
PRIORITY_DAY_ONLY = {"stat": 0.0, "ed": 0.0, "inpatient": 0.3, "outpatient": 0.9}


@dataclass(frozen=True)
class SyntheticRegion:
    calendar: RegionCalendar
    studies_per_hour: float  # mean total over all series at the start
    yearly_growth: float = 0.05


def synthetic_counts(
    regions: Sequence[SyntheticRegion],
    subspecialties: Sequence[str],
    *,
    start: str = "2024-01-01",
    weeks: int = 52,
    dispersion: float = 1.3,
    seed: int = 0,
) -> pd.DataFrame:
    """Wide hourly counts (UTC index × (region_id, subspecialty_id, priority)), negative-binomial
    noise with variance ``dispersion`` × mean (Poisson at 1)."""
    rng = np.random.default_rng(seed)
    index = pd.date_range(pd.Timestamp(start, tz="UTC"), periods=weeks * 168, freq="h")
    sub_weights = rng.dirichlet(np.full(len(subspecialties), 3.0))
    data: dict[tuple[str, str, str], np.ndarray] = {}
    for region in regions:
        hours = local_hours(index, region.calendar)
        weekend = (hours.hour_of_week >= 120).astype(float)
        day = DAY_SHAPE[hours.hour_of_day]
        daytime = np.clip(day - 0.6, 0.0, None) / (DAY_SHAPE.max() - 0.6)
        years = np.arange(len(index)) / (24 * 365.25)
        level = region.studies_per_hour * np.exp(region.yearly_growth * years)
        for sub, sub_weight in zip(subspecialties, sub_weights, strict=True):
            for priority, share in PRIORITY_SHARE.items():
                day_only = PRIORITY_DAY_ONLY[priority]
                profile = (1 - day_only) * day + day_only * 2.2 * daytime
                quiet = 1 - day_only * (1 - WEEKEND_FACTOR) - day_only * 0.3
                closed = np.maximum(weekend, hours.holiday)
                factor = np.where(closed > 0, quiet, 1.0)
                factor = factor * np.where(
                    hours.holiday > 0, HOLIDAY_FACTOR + 0.4 * (1 - day_only), 1
                )
                mean = level * sub_weight * share * profile * factor
                data[(region.calendar.region_id, sub, priority)] = _draw(rng, mean, dispersion)
    counts = pd.DataFrame(data, index=index)
    counts.columns = pd.MultiIndex.from_tuples(list(data), names=list(SERIES_KEYS))
    counts.index.name = "ts"
    return counts.sort_index(axis=1)


def counts_to_volumes(
    counts: pd.DataFrame, modalities: Sequence[str] = ("CT", "MR", "XR"), *, seed: int = 0
) -> pd.DataFrame:
    """Explode wide series counts into raw volume rows (one site per region, counts split over
    modalities multinomially), every hour written, zeros included."""
    rng = np.random.default_rng(seed)
    mix = rng.dirichlet(np.full(len(modalities), 2.0))
    frames = []
    for key in counts.columns:
        region, sub, priority = (str(part) for part in key)
        values = counts[key].to_numpy()
        split = rng.multinomial(values.astype(np.int64), mix)
        for j, modality in enumerate(modalities):
            frames.append(
                pd.DataFrame(
                    {
                        "ts": counts.index,
                        "region_id": region,
                        "site_id": f"{region}-site",
                        "modality_id": modality,
                        "subspecialty_id": sub,
                        "priority": priority,
                        "count": split[:, j],
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)


def _draw(rng: np.random.Generator, mean: np.ndarray, dispersion: float) -> np.ndarray:
    if dispersion <= 1.0:
        return np.asarray(rng.poisson(mean), dtype=np.float64)
    # Gamma-Poisson mixture: a gamma(mean / (d - 1), scale d - 1) rate gives variance d × mean.
    shape = np.maximum(mean, 1e-9) / (dispersion - 1.0)
    rate = rng.gamma(shape, dispersion - 1.0)
    return np.asarray(rng.poisson(rate), dtype=np.float64)
