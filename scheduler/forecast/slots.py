"""Hourly reader needs → reader-units per shift slot, the numbers the problem builder turns into
``solver.ReadingDemand`` rows.

A *slot* is one shift template worked on one date, in the region's (or the template's own) time
zone: it runs from the local start to the local start + ``length_minutes`` on the wall clock, as the
problem builder's shifts do, so a night slot over a DST change is an hour shorter or longer in real
time, as the people working it live it. A local time that does not exist (the hour skipped in
spring) is read with the offset in force before the change, i.e. an hour later on the clock; an
ambiguous one (autumn) is its first occurrence (zoneinfo's ``fold=0``).

Each hour's need goes to the slots covering it; a minute covered by several slots (overlapping
templates) is shared equally among them, and minutes no slot covers are reported as uncovered rather
than dropped. A slot's hours, in reading units made whole, are its units.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from solver.problem import ReadingDemand

TOLERANCE = 1e-9
# Hourly capacity columns mapped to slots: output name → capacity column, summed over the slot.
SUMMED = {"reader_hours": "reader_hours", "staffed_hours": "readers"}
HOURLY = ("reader_hours", "readers", "readers_erlang")


@dataclass(frozen=True)
class SlotTemplate:
    """A shift template as slots need it; ``weekdays`` as date.weekday() (0 = Monday)."""

    id: str
    region_id: str
    local_start: dt.time
    length_minutes: int
    weekdays: frozenset[int] = frozenset(range(7))
    kind: str = "day"
    time_zone: str | None = None  # a site's own zone; None: the region's

    def __post_init__(self) -> None:
        if self.length_minutes <= 0:
            raise ValueError(
                f"template {self.id}: length_minutes {self.length_minutes} must be > 0"
            )
        if not self.weekdays <= frozenset(range(7)):
            raise ValueError(
                f"template {self.id}: weekdays {sorted(self.weekdays)} must be in 0..6"
            )


@dataclass(frozen=True)
class ShiftSlot:
    template_id: str
    region_id: str
    date: dt.date
    start: dt.datetime  # UTC
    end: dt.datetime  # UTC
    kind: str

    @property
    def id(self) -> str:
        """Unique within a region (a template without a region gives one slot per region)."""
        return f"{self.template_id}@{self.date.isoformat()}"


@dataclass(frozen=True)
class SlotDemand:
    """``slots``: region_id, subspecialty_id, slot_id, template_id, date, start, end, reader_hours,
    staffed_hours, min_readers, units. ``uncovered``: region_id, subspecialty_id, ts, reader_hours,
    staffed_hours of the need in hours (or parts of hours) no slot covers."""

    slots: pd.DataFrame
    uncovered: pd.DataFrame


def weekdays_from_digits(digits: str) -> frozenset[int]:
    """'01234' (Monday..Friday, the stored template form) → {0, 1, 2, 3, 4}."""
    if not digits or any(ch not in "0123456" for ch in digits):
        raise ValueError(f"weekdays {digits!r}: give digits 0-6 for Monday..Sunday")
    return frozenset(int(ch) for ch in digits)


def build_slots(
    templates: Iterable[SlotTemplate],
    *,
    start_date: dt.date,
    days: int,
    time_zones: Mapping[str, str],
) -> list[ShiftSlot]:
    """Every slot of the templates on dates ``start_date`` .. ``start_date + days - 1``."""
    slots = []
    for template in templates:
        zone_name = template.time_zone or time_zones.get(template.region_id)
        if zone_name is None:
            raise ValueError(
                f"template {template.id}: no time zone for region {template.region_id!r}"
            )
        zone = ZoneInfo(zone_name)
        for offset in range(days):
            date = start_date + dt.timedelta(days=offset)
            if date.weekday() not in template.weekdays:
                continue
            local = dt.datetime.combine(date, template.local_start)
            local_end = local + dt.timedelta(minutes=template.length_minutes)
            slots.append(
                ShiftSlot(
                    template_id=template.id,
                    region_id=template.region_id,
                    date=date,
                    start=local.replace(tzinfo=zone).astimezone(dt.UTC),
                    end=local_end.replace(tzinfo=zone).astimezone(dt.UTC),
                    kind=template.kind,
                )
            )
    return slots


def hours_to_slots(
    capacity: pd.DataFrame,
    slots: Sequence[ShiftSlot],
    *,
    unit_minutes: int = 60,
    need: str = "reader_hours",
) -> SlotDemand:
    """Needs per (region, subspecialty, slot) from the hourly needs of ``required_capacity``.

    Per slot: ``reader_hours`` (its share of the mean reading workload), ``staffed_hours`` (its
    share of the hourly staffing level ``readers``), ``min_readers`` (the largest Erlang C floor
    among the hours it touches) and ``units``: the ``need`` column's hours in reading units, whole
    (see ``_diffused_units``). The default need is the workload: a pool's units are reading time
    the solver allocates, and whole readers per hour (``need="staffed_hours"``) overstate the
    reading time of a small pool many times over; the urgent floor travels as ``min_readers``.
    """
    if unit_minutes <= 0:
        raise ValueError(f"unit_minutes {unit_minutes} must be > 0")
    if need not in SUMMED:
        raise ValueError(f"need {need!r} must be one of {', '.join(SUMMED)}")
    missing = {"region_id", "subspecialty_id", "ts", *HOURLY} - set(capacity.columns)
    if missing:
        raise ValueError(f"capacity: missing column(s) {', '.join(sorted(missing))}")
    rows: list[dict[str, object]] = []
    uncovered: list[pd.DataFrame] = []
    for region, part in capacity.groupby("region_id", sort=True):
        region_slots = [s for s in slots if s.region_id == region]
        wide = {
            column: part.pivot_table(
                index="ts", columns="subspecialty_id", values=column, aggfunc="sum", fill_value=0
            ).astype("float64")
            for column in HOURLY
        }
        index = pd.DatetimeIndex(wide["reader_hours"].index)
        subspecialties = list(wide["reader_hours"].columns)
        weights, free = _hour_weights(index, region_slots)
        summed = {
            name: weights.T @ wide[column].to_numpy() for name, column in SUMMED.items()
        }  # slots × subspecialties
        floors = wide["readers_erlang"].to_numpy()
        for i, slot in enumerate(region_slots):
            touched = weights[:, i] > TOLERANCE
            floor = floors[touched].max(axis=0) if touched.any() else np.zeros(len(subspecialties))
            for j, subspecialty in enumerate(subspecialties):
                rows.append(
                    {
                        "region_id": region,
                        "subspecialty_id": subspecialty,
                        "slot_id": slot.id,
                        "template_id": slot.template_id,
                        "date": slot.date,
                        "start": slot.start,
                        "end": slot.end,
                        **{name: float(values[i, j]) for name, values in summed.items()},
                        "min_readers": int(floor[j]),
                    }
                )
        if (free > TOLERANCE).any():
            lost = pd.DataFrame(
                {
                    name: (free[:, None] * wide[column].to_numpy()).ravel()
                    for name, column in SUMMED.items()
                }
            )
            lost.insert(0, "ts", np.repeat(index, len(subspecialties)))
            lost.insert(0, "subspecialty_id", subspecialties * len(index))
            lost.insert(0, "region_id", region)
            uncovered.append(lost[lost["staffed_hours"] + lost["reader_hours"] > TOLERANCE])
    slot_columns = [
        "region_id", "subspecialty_id", "slot_id", "template_id", "date", "start", "end",
        *SUMMED, "min_readers", "units",
    ]  # fmt: skip
    empty = pd.DataFrame(columns=["region_id", "subspecialty_id", "ts", *SUMMED])
    table = pd.DataFrame.from_records(rows, columns=slot_columns[:-1])
    table["units"] = _diffused_units(table, need, unit_minutes)
    return SlotDemand(
        slots=table,
        uncovered=pd.concat(uncovered, ignore_index=True) if uncovered else empty,
    )


def split_by_site(slot_demand: pd.DataFrame, site_shares: pd.DataFrame) -> pd.DataFrame:
    """Share each slot's needs among the region's sites (pools are per site): hours in proportion,
    units by largest remainder (so the sites' units add up to the region's), and the urgent floor
    ``min_readers`` to the site with the largest share (a floor counts people, not hours, and a
    region's urgent readers read for all its sites). ``site_shares``: index (region_id,
    subspecialty_id), one column per site, rows summing to 1. Adds a site_id column."""
    keys = ["region_id", "subspecialty_id"]
    long = (
        site_shares.rename_axis(index=keys)
        .reset_index()
        .melt(id_vars=keys, var_name="site_id", value_name="fraction")
    )
    long = long[long["fraction"] > 0]
    # Largest share first within each key; the stable sort keeps column order on ties.
    long = long.sort_values([*keys, "fraction"], ascending=[True, True, False], kind="stable")
    long["fraction"] /= long.groupby(keys)["fraction"].transform("sum")
    long["rank"] = long.groupby(keys).cumcount()
    known = pd.MultiIndex.from_frame(long[keys].drop_duplicates())
    wanted = pd.MultiIndex.from_frame(slot_demand[keys])
    unknown = wanted[~wanted.isin(known)]
    if len(unknown):
        region, subspecialty = unknown[0]
        raise ValueError(
            f"no site shares for region {region!r}, subspecialty {subspecialty!r} (or all are 0)"
        )
    rows = slot_demand.reset_index(names="_row").merge(long, on=keys, how="left")
    for name in SUMMED:
        rows[name] = rows[name] * rows["fraction"]
    rows["min_readers"] = rows["min_readers"].where(rows["rank"] == 0, 0)
    exact = rows["units"] * rows["fraction"]
    base = np.floor(exact + TOLERANCE)
    spare = (rows["units"] - base.groupby(rows["_row"]).transform("sum")).round()
    # Spare units go to the largest remainders (ties: the larger share) within each slot row.
    order = (exact - base).groupby(rows["_row"]).rank(method="first", ascending=False) - 1
    rows["units"] = (base + (order < spare)).astype("int64")
    return rows.sort_values(["_row", "rank"], kind="stable")[[*slot_demand.columns, "site_id"]]


def reading_demand(
    rows: pd.DataFrame,
    *,
    pool_id: Callable[[str, str], str],
    shift_id: Callable[[str], str],
    weight_under: int = 100,
) -> tuple[ReadingDemand, ...]:
    """Solver demand rows from per-site slot units; ``pool_id(site_id, subspecialty_id)`` and
    ``shift_id(slot_id)`` name the problem's pools and shifts."""
    return tuple(
        ReadingDemand(
            pool=pool_id(str(r["site_id"]), str(r["subspecialty_id"])),
            shift_id=shift_id(str(r["slot_id"])),
            units=int(r["units"]),
            weight_under=weight_under,
        )
        for r in rows.to_dict("records")
        if int(r["units"]) > 0
    )


def _hour_weights(
    hours: pd.DatetimeIndex, slots: Sequence[ShiftSlot]
) -> tuple[np.ndarray, np.ndarray]:
    """(hours × slots) fraction of each hour given to each slot, and the fraction no slot covers."""
    weights = np.zeros((len(hours), len(slots)))
    free = np.zeros(len(hours))
    starts = np.asarray([s.start.timestamp() for s in slots])
    ends = np.asarray([s.end.timestamp() for s in slots])
    for h, stamp in enumerate(hours):
        lo = stamp.timestamp()
        hi = lo + 3600.0
        over = np.flatnonzero((starts < hi) & (ends > lo))
        cuts = sorted(
            {
                lo,
                hi,
                *(t for t in starts[over] if lo < t < hi),
                *(t for t in ends[over] if lo < t < hi),
            }
        )
        for a, b in zip(cuts[:-1], cuts[1:], strict=True):
            covering = over[(starts[over] <= a) & (ends[over] >= b)]
            piece = (b - a) / 3600.0
            if covering.size:
                weights[h, covering] += piece / covering.size
            else:
                free[h] += piece
    return weights, free


def _diffused_units(table: pd.DataFrame, need: str, unit_minutes: int) -> pd.Series:
    """Whole units per slot whose running total per (region, subspecialty), in slot start order,
    stays within half a unit of the running need: a pool needing 0.2 units a slot gets one unit
    every fifth slot instead of one in every slot (rounding up) or none at all (rounding)."""
    exact = table[need].to_numpy(dtype=np.float64) * 60.0 / unit_minutes
    order = np.lexsort((table["start"].to_numpy(), table["subspecialty_id"], table["region_id"]))
    pools = table[["region_id", "subspecialty_id"]].to_numpy()[order]
    units = np.zeros(len(table), dtype=np.int64)
    running, previous, pool = 0.0, 0, None
    for position, row in zip(order, pools, strict=True):
        if pool is None or tuple(row) != pool:
            running, previous, pool = 0.0, 0, tuple(row)
        running += exact[position]
        whole = int(np.floor(running + 0.5 - TOLERANCE))
        units[position] = whole - previous
        previous = whole
    return pd.Series(units, index=table.index)
