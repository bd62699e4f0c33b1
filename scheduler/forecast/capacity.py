"""From forecast study volumes to required reading capacity per region × subspecialty × hour.

Two needs, and the larger one wins each hour:

* *Workload*: every study costs reading minutes (the productivity table, minutes per study by
  modality and subspecialty, averaged over the series' modality mix). reader_hours = sum over
  priorities of forecast studies × minutes per study / 60: the readers kept busy on average that
  hour. Routine work can wait a few hours, so its need is its mean workload, rounded up to whole
  readers.
* *Turnaround*: urgent priorities (STAT and ED, 60 minutes by default) cannot queue for hours. Their
  stream is sized by Erlang C (see ``erlang``) with wait target = turnaround - mean reading time
  (the report is due ``turnaround`` minutes after arrival, and reading takes its time too) and at
  most ``max_late_fraction`` of urgent studies late. With different targets (STAT 45, ED 120) each
  target is a tier: the studies due at or before it (read first, so they delay it) sized against
  it, and the largest tier's readers count; equal targets make one combined stream.

An urgent stream thinner than ``min_urgent_per_hour`` gets no floor (on-call cover takes it): by
the formula any arrival at all needs one reader present, which for a rare subspecialty in a sparse
region would hold a reader all night for one study a week.

readers = max(ceil(reader_hours), readers_erlang). Taking the maximum, not the sum, means the
readers held for urgent work read routine studies while no urgent study is waiting: the same people,
not a separate team. In a sparse region this is what keeps one reader on duty at night although the
workload is a fraction of one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from scheduler.forecast.erlang import readers_needed
from scheduler.forecast.history import SERIES_KEYS

TOLERANCE = 1e-9  # 2.0000000001 reader-hours of floating-point noise is 2 readers, not 3
DEFAULT_TURNAROUND = {"stat": 60, "ed": 60}


class ProductivityError(ValueError):
    """A modality × subspecialty in the mix has no reading time."""


@dataclass(frozen=True)
class CapacityPolicy:
    """``turnaround_minutes``: priorities sized by Erlang C, with their report-due time after
    arrival."""

    turnaround_minutes: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_TURNAROUND))
    max_late_fraction: float = 0.10
    # Fewer urgent studies an hour than this (one per ten hours) get no Erlang floor: a reader held
    # all night for them would read almost nothing, and the region's on-call cover takes them.
    min_urgent_per_hour: float = 0.1

    def __post_init__(self) -> None:
        if not 0.0 < self.max_late_fraction < 1.0:
            raise ValueError(f"max_late_fraction {self.max_late_fraction} must be between 0 and 1")
        if self.min_urgent_per_hour < 0:
            raise ValueError(f"min_urgent_per_hour {self.min_urgent_per_hour} must be >= 0")
        for priority, minutes in self.turnaround_minutes.items():
            if minutes <= 0:
                raise ValueError(f"turnaround for {priority!r} is {minutes} min: must be > 0")


def minutes_per_study(modality_mix: pd.DataFrame, productivity: pd.DataFrame) -> pd.Series:
    """Mean reading minutes per study of each series: its modality shares × minutes per study.

    ``productivity`` has columns modality_id, subspecialty_id, minutes_per_study; a row with an
    empty subspecialty_id applies to that modality in every subspecialty without a row of its own.
    """
    missing = {"modality_id", "subspecialty_id", "minutes_per_study"} - set(productivity.columns)
    if missing:
        raise ProductivityError(f"productivity: missing column(s) {', '.join(sorted(missing))}")
    rates = productivity.assign(
        modality_id=productivity["modality_id"].astype(str),
        subspecialty_id=productivity["subspecialty_id"].fillna("").astype(str),
        minutes_per_study=pd.to_numeric(productivity["minutes_per_study"], errors="coerce"),
    )
    bad = rates.index[~(rates["minutes_per_study"] > 0)]
    if len(bad):
        row = bad[0]
        raise ProductivityError(
            f"productivity, row {row}, field 'minutes_per_study': must be a number > 0 "
            f"(got {productivity.loc[row, 'minutes_per_study']!r})"
        )
    exact = rates.set_index(["modality_id", "subspecialty_id"])["minutes_per_study"]
    result: dict[tuple[str, str, str], float] = {}
    modalities = [str(m) for m in modality_mix.columns]
    for raw_key, shares in zip(modality_mix.index, modality_mix.to_numpy(), strict=True):
        key = (str(raw_key[0]), str(raw_key[1]), str(raw_key[2]))
        subspecialty = key[1]
        total = 0.0
        for modality, share in zip(modalities, shares, strict=True):
            if share == 0:
                continue
            minutes = exact.get((modality, subspecialty), exact.get((modality, "")))
            if minutes is None:
                raise ProductivityError(
                    f"productivity: no minutes_per_study for modality {modality!r}, subspecialty "
                    f"{subspecialty!r} (needed by region {key[0]!r}, priority {key[2]!r})"
                )
            total += float(share) * float(minutes)
        result[key] = total
    series = pd.Series(result, dtype="float64")
    series.index = pd.MultiIndex.from_tuples(list(result), names=list(SERIES_KEYS))
    return series


def required_capacity(
    volumes: pd.DataFrame,
    minutes: pd.Series,
    policy: CapacityPolicy = CapacityPolicy(),
    *,
    region_policies: Mapping[str, CapacityPolicy] | None = None,
) -> pd.DataFrame:
    """Readers needed per region × subspecialty × hour.

    ``volumes``: forecast studies, UTC hourly index × (region_id, subspecialty_id, priority) columns
    (e.g. ``Forecast.mean``); ``minutes``: minutes per study by series (``minutes_per_study``);
    ``region_policies`` override ``policy`` for some regions (a region's own turnaround rules).
    Returns region_id, subspecialty_id, ts, reader_hours, urgent_per_hour, readers_erlang, readers.
    """
    unknown = [key for key in volumes.columns if key not in minutes.index]
    if unknown:
        raise ProductivityError(f"no minutes per study for series {unknown[0]}")
    per_study = minutes.reindex(volumes.columns).to_numpy(dtype=np.float64)
    values = volumes.to_numpy(dtype=np.float64)
    if np.isnan(values).any() or (values < 0).any():
        raise ValueError("forecast volumes must be finite and >= 0")
    keys = [(str(k[0]), str(k[1]), str(k[2])) for k in volumes.columns]
    frames = []
    for pool in sorted({key[:2] for key in keys}):
        rules = (region_policies or {}).get(pool[0], policy)
        cols = np.asarray([key[:2] == pool for key in keys])
        priorities = [key[2] for key in keys]
        reader_hours = (values[:, cols] * per_study[cols]).sum(axis=1) / 60.0
        erlang = np.zeros(len(volumes), dtype=np.int64)
        arrivals = np.zeros(len(volumes))
        for due, tier in _urgent_tiers(rules, cols, priorities):
            lam = values[:, tier].sum(axis=1)
            busy = (values[:, tier] * per_study[tier]).sum(axis=1)
            fallback = float(per_study[tier].mean())
            sized = [
                _urgent_readers(rate, load / rate if rate > 0 else fallback, due, rules)
                for rate, load in zip(lam, busy, strict=True)
            ]
            erlang = np.maximum(erlang, np.asarray(sized, dtype=np.int64))
            arrivals = np.maximum(arrivals, lam)
        ceil_work = np.ceil(reader_hours - TOLERANCE).astype(np.int64)
        frames.append(
            pd.DataFrame(
                {
                    "region_id": pool[0],
                    "subspecialty_id": pool[1],
                    "ts": volumes.index,
                    "reader_hours": reader_hours,
                    "urgent_per_hour": arrivals,
                    "readers_erlang": erlang,
                    "readers": np.maximum(np.maximum(ceil_work, 0), erlang),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _urgent_tiers(
    policy: CapacityPolicy, cols: np.ndarray, priorities: list[str]
) -> list[tuple[int, np.ndarray]]:
    """(turnaround, columns) per distinct urgent target: each tier holds the priorities due at or
    before it, since those are read first (STAT before ED) and delay it."""
    targets = sorted(
        {policy.turnaround_minutes[p] for p in priorities if p in policy.turnaround_minutes}
    )
    tiers = []
    for due in targets:
        due_by = np.asarray(
            [
                p in policy.turnaround_minutes and policy.turnaround_minutes[p] <= due
                for p in priorities
            ]
        )
        tier = cols & due_by
        if tier.any():
            tiers.append((due, tier))
    return tiers


def _urgent_readers(
    arrivals: float, minutes: float, turnaround: int, policy: CapacityPolicy
) -> int:
    if arrivals <= 0 or arrivals < policy.min_urgent_per_hour:
        return 0
    wait = max(0.0, turnaround - minutes)
    return readers_needed(arrivals, minutes, wait, policy.max_late_fraction)
