"""Forecast accuracy and speed on the demo history, and speed at full synthetic scale.

    python benchmarks/bench_forecast.py [--data DIR] [--origins 8] [--weeks 4] [--no-synthetic]

1. The demo's 12 months of hourly volumes (8 regions, 240 region × subspecialty × priority series):
   load and validate, build the series, then a rolling-origin backtest over the last ``--origins``
   weeks (1-week horizon each) against seasonal-naive, printed per region.
2. The planning period: forecast every series ``--weeks`` weeks ahead with intervals, turn it into
   reader-hours and Erlang C floors, and map them onto the regions' shift slots.
3. Scale: 8 regions × 8 subspecialties × 4 priorities = 256 synthetic series × 52 weeks,
   forecast and backtested the same way.
Prints seconds for each step; exits 1 if the forecast does not beat seasonal-naive overall.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

import pandas as pd

from scheduler.forecast.backtest import OVERALL, backtest, format_table
from scheduler.forecast.calendar import RegionCalendar
from scheduler.forecast.capacity import CapacityPolicy, minutes_per_study, required_capacity
from scheduler.forecast.history import build_history, gap_report, load_volumes_csv
from scheduler.forecast.models import forecast_volumes
from scheduler.forecast.slots import SlotTemplate, build_slots, hours_to_slots, weekdays_from_digits
from scheduler.forecast.synthetic import SyntheticRegion, synthetic_counts

ROOT = Path(__file__).resolve().parents[1]


class Clock:
    def __init__(self) -> None:
        self.start = time.perf_counter()

    def lap(self, what: str) -> None:
        now = time.perf_counter()
        print(f"  {what}: {now - self.start:.2f} s")
        self.start = now


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "demo")
    parser.add_argument("--origins", type=int, default=8)
    parser.add_argument("--weeks", type=int, default=None, help="default: the period's length")
    parser.add_argument("--no-synthetic", action="store_true")
    args = parser.parse_args()

    beats = demo(args.data, args.origins, args.weeks)
    if not args.no_synthetic:
        beats = synthetic(args.origins, args.weeks) and beats
    return 0 if beats else 1


def demo(data: Path, origins: int, weeks: int | None) -> bool:
    print(f"== demo history ({data})")
    clock = Clock()
    volumes = load_volumes_csv(data / "study_volumes.csv.gz")
    clock.lap(f"load and validate {len(volumes):,} rows")
    history = build_history(volumes)
    counts = history.counts
    clock.lap(f"build {counts.shape[1]} series x {len(counts):,} hours")
    print("  " + gap_report(history).replace("\n", "\n  "))
    regions = pd.read_csv(data / "regions.csv", dtype=str, keep_default_na=False)
    calendars = {
        r.code: RegionCalendar(r.code, r.time_zone, r.country) for r in regions.itertuples()
    }
    result = backtest(counts, calendars, origins=origins)
    clock.lap(f"backtest, {origins} origins")
    print(format_table(result))

    period = pd.read_csv(data / "planning_periods.csv").iloc[0]
    first_day = dt.date.fromisoformat(str(period["start_date"]))
    days = 7 * (int(period["weeks"]) if weeks is None else weeks)
    print(f"\n== planning period from {first_day}, {days} days")
    zones = dict(zip(regions["code"], regions["time_zone"], strict=True))
    slots = build_slots(_templates(data / "shift_templates.csv"), start_date=first_day, days=days,
                        time_zones=zones)  # fmt: skip
    # The hours the period's slots span, from the first slot's start to the last slot's end.
    start = pd.Timestamp(min(s.start for s in slots))
    hours = int((pd.Timestamp(max(s.end for s in slots)) - start) / pd.Timedelta(hours=1))
    clock = Clock()
    forecast = forecast_volumes(counts, calendars, hours=hours, start=start)
    clock.lap(f"forecast {counts.shape[1]} series x {hours} hours with 90% intervals")
    productivity = pd.read_csv(data / "productivity_rates.csv").rename(
        columns={"modality": "modality_id", "subspecialty": "subspecialty_id"}
    )
    policy, region_policies = _policies(data / "rules.csv")
    need = required_capacity(
        forecast.mean,
        minutes_per_study(history.modality_mix, productivity),
        policy,
        region_policies=region_policies,
    )
    clock.lap(f"reader-hours and Erlang C floors, {len(need):,} pool-hours")
    mapped = hours_to_slots(need, slots)
    clock.lap(f"map onto {len(slots)} shift slots")
    per_region = mapped.slots.groupby("region_id")[
        ["reader_hours", "staffed_hours", "min_readers", "units"]
    ].sum()
    per_region["studies"] = forecast.mean.T.groupby(level=0).sum().sum(axis=1)
    print(per_region.round(1).to_string())
    lost = mapped.uncovered["reader_hours"].sum() if len(mapped.uncovered) else 0.0
    print(f"  reader-hours in hours no period slot covers (before the first day shift): {lost:.1f}")
    return result.beats_naive


def synthetic(origins: int, weeks: int | None) -> bool:
    print("\n== synthetic scale: 8 regions x 8 subspecialties x 4 priorities, 52 weeks")
    zones = [
        ("Europe/Oslo", "NO"), ("Europe/Stockholm", "SE"), ("Europe/Helsinki", "FI"),
        ("Asia/Yakutsk", "RU"), ("America/Toronto", "CA"), ("Australia/Perth", "AU"),
        ("Europe/Berlin", "DE"), ("Europe/London", "GB"),
    ]  # fmt: skip
    levels = [60.0, 40.0, 30.0, 20.0, 10.0, 3.0, 1.0, 0.3]  # studies an hour, busy to sparse
    regions = [
        SyntheticRegion(RegionCalendar(f"R{i}", zone, country), level)
        for i, ((zone, country), level) in enumerate(zip(zones, levels, strict=True))
    ]
    subspecialties = ["neuro", "msk", "body", "chest", "breast", "paeds", "nuclear", "general"]
    clock = Clock()
    counts = synthetic_counts(regions, subspecialties, start="2025-01-06", weeks=52, seed=7)
    clock.lap(f"generate {counts.shape[1]} series x {len(counts):,} hours")
    calendars = {r.calendar.region_id: r.calendar for r in regions}
    hours = 168 * (weeks or 4)
    forecast_volumes(counts, calendars, hours=hours)
    clock.lap(f"forecast {counts.shape[1]} series x {hours} hours with intervals")
    result = backtest(counts, calendars, origins=origins)
    clock.lap(f"backtest, {origins} origins")
    overall = result.table.loc[OVERALL]
    print(
        f"  overall WAPE {overall['wape']:.3f} (naive {overall['wape_naive']:.3f}), "
        f"MASE {overall['mase']:.3f} (naive {overall['mase_naive']:.3f}), "
        f"90% interval coverage {overall['coverage']:.1%}"
    )
    return result.beats_naive


def _templates(path: Path) -> list[SlotTemplate]:
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    return [
        SlotTemplate(
            id=row.code,
            region_id=row.region,
            local_start=dt.time.fromisoformat(row.local_start),
            length_minutes=int(row.length_minutes),
            weekdays=weekdays_from_digits(row.weekdays),
            kind=row.kind,
        )
        for row in table.itertuples()
        if row.kind != "on_call" and row.region  # on-call is headcount cover, not reading
    ]


def _policies(path: Path) -> tuple[CapacityPolicy, dict[str, CapacityPolicy]]:
    rules = pd.read_csv(path, dtype=str, keep_default_na=False)

    def policy(row: pd.Series) -> CapacityPolicy:
        return CapacityPolicy(
            {"stat": int(row["turnaround_stat_minutes"]), "ed": int(row["turnaround_ed_minutes"])}
        )

    default = next(policy(row) for _, row in rules.iterrows() if not row["region"])
    regional = {row["region"]: policy(row) for _, row in rules.iterrows() if row["region"]}
    return default, regional


if __name__ == "__main__":
    sys.exit(main())
