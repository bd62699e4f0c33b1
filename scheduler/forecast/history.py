"""Hourly study-volume history: validate raw volume rows, then build one series per region ×
subspecialty × priority (modalities and sites summed), keeping the modality and site mix of each
series.

Hours missing inside the covered range are *gaps*: they stay NaN in ``VolumeHistory.counts`` and
are listed in ``VolumeHistory.gaps``; nothing downstream reads them as zero volume. What a missing
row means is chosen by ``zeros``:

* ``"omitted"`` (the demo data's convention, data/demo/README.md): only non-zero rows are written,
  plus a zero "heartbeat" row in each hour a region had no study. An hour with any row for a region
  is covered, and its absent series rows are zeros; an hour with no row for the region, between its
  first and last covered hour, is a feed outage: a gap for every series of the region.
* ``"explicit"``: every series writes a row every hour (zeros included); a series hour without a
  row, between the series' first and last row, is a gap of that series alone.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from scheduler.models.enums import StudyPriority

ID_COLUMNS = ("region_id", "site_id", "modality_id", "subspecialty_id", "priority")
VOLUME_COLUMNS = ("ts", *ID_COLUMNS, "count")
SERIES_KEYS = ("region_id", "subspecialty_id", "priority")
# CSV files name entities by code without the _id suffix (the importers' and demo's headers).
COLUMN_ALIASES = {
    "region": "region_id",
    "site": "site_id",
    "modality": "modality_id",
    "subspecialty": "subspecialty_id",
}
OPTIONAL_COLUMNS = ("site_id",)  # blank: the study is known only by region
ALL = "*"  # gaps table: a region-level gap concerns every subspecialty and priority
PRIORITIES = tuple(p.value for p in StudyPriority)
HOUR = pd.Timedelta(hours=1)
MAX_REPORTED_ERRORS = 10

ZeroConvention = Literal["explicit", "omitted"]


class VolumeDataError(ValueError):
    """Bad volume input; the message names the source, the row(s) and the field."""


@dataclass(frozen=True)
class VolumeHistory:
    """Hourly counts per series and what is needed to turn counts into reading work.

    ``counts``: UTC hourly index, columns a MultiIndex (region_id, subspecialty_id, priority); NaN
    is a gap or an hour outside the covered range. ``modality_mix`` / ``site_mix``: rows indexed
    like ``counts.columns``, one column per modality / site ("" for region-level rows), each row
    summing to 1. ``gaps``: one row per run of missing hours: region_id, subspecialty_id, priority
    (``ALL`` for a region-level gap), start, end (exclusive), hours.
    """

    counts: pd.DataFrame
    modality_mix: pd.DataFrame
    site_mix: pd.DataFrame
    gaps: pd.DataFrame

    @property
    def regions(self) -> list[str]:
        return sorted({str(key[0]) for key in self.counts.columns})

    def gap_hours(self) -> int:
        return int(self.gaps["hours"].sum()) if len(self.gaps) else 0


def load_volumes_csv(path: str | Path, *, priorities: Sequence[str] = PRIORITIES) -> pd.DataFrame:
    """Read and validate a study-volume CSV (plain or .gz); errors name the line number."""
    path = Path(path)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise VolumeDataError(f"{path}: cannot read volumes CSV: {exc}") from exc
    # Line 1 is the header, so data row i (0-based) is on line i + 2.
    raw.index = pd.RangeIndex(2, len(raw) + 2)
    return validate_volumes(raw, source=str(path), priorities=priorities)


def validate_volumes(
    frame: pd.DataFrame, *, source: str = "volumes", priorities: Sequence[str] = PRIORITIES
) -> pd.DataFrame:
    """Check and normalise raw volume rows: UTC hourly ``ts``, non-empty string ids (site may be
    blank), known priority, non-negative whole ``count``, no duplicate (ts, ids) rows. Columns may
    use the CSV names (region, site, ...). Row labels of ``frame`` name rows in errors."""
    frame = frame.rename(columns=COLUMN_ALIASES)
    if "site_id" not in frame.columns:
        frame = frame.assign(site_id="")
    missing = [c for c in VOLUME_COLUMNS if c not in frame.columns]
    if missing:
        raise VolumeDataError(f"{source}: missing column(s) {', '.join(missing)}")
    errors: list[str] = []
    rows = frame.index

    def report(mask: np.ndarray, field: str, problem: str, values: pd.Series) -> None:
        for label in rows[mask][:MAX_REPORTED_ERRORS]:
            errors.append(
                f"{source}, row {label}, field {field!r}: {problem} (got {values[label]!r})"
            )

    ts = _parse_utc(frame["ts"])
    bad_ts = ts.isna().to_numpy()
    report(bad_ts, "ts", "not a date-time with a UTC offset", frame["ts"])
    off_hour = ~bad_ts & (ts.dt.floor("h") != ts).to_numpy()
    report(off_hour, "ts", "not on the hour", frame["ts"])

    ids = {}
    for column in ID_COLUMNS:
        blank = frame[column].isna()
        values = frame[column].astype(str).str.strip().where(~blank, "")
        if column not in OPTIONAL_COLUMNS:
            report((values == "").to_numpy(), column, "empty", frame[column])
        ids[column] = values
    priority = ids["priority"].str.lower()
    unknown = ~priority.isin(list(priorities)).to_numpy() & (priority != "").to_numpy()
    report(unknown, "priority", f"not one of {', '.join(priorities)}", frame["priority"])

    count = pd.to_numeric(frame["count"], errors="coerce")
    whole = count.notna() & np.isfinite(count) & (count == count.round()) & (count >= 0)
    report(~whole.to_numpy(), "count", "not a whole number >= 0", frame["count"])

    if errors:
        raise VolumeDataError(_join(errors))
    clean = pd.DataFrame(
        {"ts": ts, **ids, "priority": priority, "count": count.astype("int64")}, index=frame.index
    )
    key = ["ts", *ID_COLUMNS]
    dup = clean[clean.duplicated(subset=key, keep=False)]
    if not dup.empty:
        first = dup.iloc[0]
        same = dup.index[(dup[key] == first[key]).all(axis=1).to_numpy()]
        raise VolumeDataError(
            f"{source}, rows {', '.join(str(r) for r in same)}, field 'ts': duplicate rows for "
            f"{first['ts'].isoformat()} " + " ".join(f"{c}={first[c]}" for c in ID_COLUMNS)
        )
    return clean.reset_index(drop=True)


def build_history(volumes: pd.DataFrame, *, zeros: ZeroConvention = "omitted") -> VolumeHistory:
    """Turn validated volume rows into hourly series per region × subspecialty × priority."""
    if volumes.empty:
        raise VolumeDataError("volumes: no rows")
    series = list(SERIES_KEYS)
    summed = volumes.groupby(["ts", *series], sort=True)["count"].sum()
    counts = summed.unstack(series).sort_index(axis=1).astype("float64")
    full = pd.date_range(counts.index.min(), counts.index.max(), freq="h")
    counts = counts.reindex(full)
    counts.index.name = "ts"
    if zeros == "omitted":
        covered = volumes.groupby(["ts", "region_id"]).size().unstack("region_id").reindex(full)
        covered = covered.notna()
        regions = [str(key[0]) for key in counts.columns]
        up = covered[regions].to_numpy()
        counts = pd.DataFrame(
            np.where(up, counts.fillna(0.0).to_numpy(), np.nan),
            index=counts.index,
            columns=counts.columns,
        )
        gaps = _find_gaps(covered, lambda region: (str(region), ALL, ALL))
    else:
        gaps = _find_gaps(counts.notna(), _series_name)
    return VolumeHistory(
        counts=counts,
        modality_mix=_mix(volumes, "modality_id", counts.columns),
        site_mix=_mix(volumes, "site_id", counts.columns),
        gaps=gaps,
    )


def gap_report(history: VolumeHistory) -> str:
    """The gaps in plain words, one line per run: what to read before trusting a forecast."""
    if history.gaps.empty:
        return "no gaps: every hour of the covered range has data"
    lines = [f"{len(history.gaps)} gap(s), {history.gap_hours()} hours missing:"]
    for row in history.gaps.itertuples(index=False):
        lines.append(
            f"  {row.region_id}/{row.subspecialty_id}/{row.priority}: "
            f"{row.start:%Y-%m-%d %H:%M} to {row.end:%Y-%m-%d %H:%M} UTC ({row.hours} h)"
        )
    return "\n".join(lines)


def _parse_utc(values: pd.Series) -> pd.Series:
    """Parse ISO date-times; naive values are rejected because instants must carry their offset."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):  # aware datetimes already (database rows)
        return pd.to_datetime(values, utc=True)
    text = values.astype(str).str.strip()
    # A trailing Z or +hh:mm / -hh:mm offset marks an aware instant.
    aware = text.str.contains(r"(?:Z|[+-]\d\d:?\d\d)$", regex=True)
    parsed = pd.to_datetime(text.where(aware), utc=True, errors="coerce", format="ISO8601")
    return parsed


def _find_gaps(observed: pd.DataFrame, name: Callable[[Hashable], tuple[str, ...]]) -> pd.DataFrame:
    """Runs of unobserved hours between each column's first and last observed hour."""
    records: list[dict[str, object]] = []
    index = observed.index
    for column in observed.columns:
        seen = observed[column].to_numpy(dtype=bool)
        hours = np.flatnonzero(seen)
        if hours.size == 0:
            continue
        lo, hi = hours[0], hours[-1]
        for start, stop in _runs(~seen[lo : hi + 1]):
            records.append(
                {
                    **dict(zip(SERIES_KEYS, name(column), strict=True)),
                    "start": index[lo + start],
                    "end": index[lo + start] + (stop - start) * HOUR,
                    "hours": stop - start,
                }
            )
    return pd.DataFrame.from_records(records, columns=[*SERIES_KEYS, "start", "end", "hours"])


def _series_name(key: Hashable) -> tuple[str, ...]:
    assert isinstance(key, tuple)
    return tuple(str(part) for part in key)


def _runs(flags: np.ndarray) -> Iterable[tuple[int, int]]:
    """(start, stop) of each run of True in a boolean array."""
    padded = np.concatenate(([False], flags, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True)


def _mix(volumes: pd.DataFrame, column: str, series: pd.Index) -> pd.DataFrame:
    """Share of each ``column`` value in each series' studies. A series with no studies borrows the
    mix of its subspecialty over all regions, or else of all studies, so converting its (small)
    forecast into reading time never divides by zero."""
    keys = list(SERIES_KEYS)
    table = volumes.pivot_table(
        index=keys, columns=column, values="count", aggfunc="sum", fill_value=0
    )
    table = table.reindex(series, fill_value=0).astype("float64")
    by_subspecialty = table.groupby(level="subspecialty_id").sum()
    overall = table.sum(axis=0).to_numpy()
    for key in table.index[table.sum(axis=1).to_numpy() == 0]:
        borrowed = by_subspecialty.loc[key[1]].to_numpy()
        table.loc[key] = borrowed if borrowed.sum() > 0 else overall
    shares = table.div(table.sum(axis=1).replace(0.0, np.nan), axis=0)
    # No study at all in the data: spread evenly (it converts zero forecasts anyway).
    shares = shares.fillna(1.0 / max(1, shares.shape[1]))
    shares.columns.name = column
    return shares


def _join(errors: list[str]) -> str:
    head = "\n".join(errors[:MAX_REPORTED_ERRORS])
    more = len(errors) - MAX_REPORTED_ERRORS
    return head + (f"\n... and {more} more" if more > 0 else "")


def site_shares(history: VolumeHistory) -> pd.DataFrame:
    """Share of each site in a region × subspecialty's studies (priorities weighted by their
    volume); the key for splitting a region's reading demand among its sites' pools."""
    weights = history.counts.sum(axis=0).reindex(history.site_mix.index).fillna(0.0)
    weighted = history.site_mix.mul(weights + 1e-9, axis=0)  # a silent series still counts, barely
    summed = weighted.groupby(level=["region_id", "subspecialty_id"]).sum()
    return summed.div(summed.sum(axis=1), axis=0)
