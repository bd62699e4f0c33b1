"""Import hourly study volumes: hundreds of thousands of rows, so every check is vectorised.

Rows are keyed by (ts, region, site, modality, subspecialty, priority). Only the rows in the file
are stored: the importer neither fills absent hours with zeros nor treats them as gaps (see
data/demo/README.md for the convention the demo data follows).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from scheduler.importers.issues import Issues
from scheduler.importers.loader import Counts, OnExisting, check_header
from scheduler.importers.reading import Table
from scheduler.importers.refs import Refs
from scheduler.models import StudyPriority, StudyVolume

REQUIRED = ["ts", "region", "modality", "subspecialty", "priority", "count"]
ALLOWED = ["ts", "region", "site", "modality", "subspecialty", "priority", "count"]
KEY = ["ts", "region_id", "site_id", "modality_id", "subspecialty_id", "priority"]
NO_SITE = -1  # stands for a blank site in keys: NULLs never compare equal
UTC_OFFSET = r"(?:Z|[+-]\d{2}(?::?\d{2})?)$"
CHUNK_ROWS = 20_000

Progress = Callable[[int, int], None]


def load_volumes(
    session: Session,
    table: Table,
    issues: Issues,
    refs: Refs,
    on_existing: OnExisting,
    on_progress: Progress | None = None,
) -> Counts:
    if not check_header(list(table.frame.columns), REQUIRED, ALLOWED, issues):
        return Counts()
    clean = _validate(table, issues, refs)
    if issues:
        return Counts()  # nothing depends on volumes: no need to store a rejected file's rows
    return _store(session, clean, issues, on_existing, on_progress)


class _Checker:
    def __init__(self, table: Table, issues: Issues) -> None:
        self.frame = table.frame
        self.rows = np.asarray(table.rows)
        self.issues = issues
        self.bad = np.zeros(len(self.frame), dtype=bool)

    def report(self, mask: np.ndarray, column: str, reason: Callable[[str], str]) -> None:
        """Add an issue for each masked row; ``reason`` gets the cell text."""
        cells = self.frame[column].to_numpy()[mask]
        for row, text in zip(self.rows[mask], cells, strict=True):
            self.issues.add(int(row), column, reason(str(text)))
        self.bad |= mask

    def ids(self, column: str, kind: str, refs: Refs) -> pd.Series:
        """Natural keys mapped to ids; unknown ones reported, blank ones left as NaN."""
        text = self.frame[column]
        ids = text.map(refs.ids(kind))
        unknown = (ids.isna() & (text != "")).to_numpy()
        reasons = {value: refs.resolve(kind, value)[1] or "" for value in set(text[unknown])}
        self.report(unknown, column, lambda value: reasons[value])
        return ids


def _validate(table: Table, issues: Issues, refs: Refs) -> pd.DataFrame:
    check = _Checker(table, issues)
    frame = table.frame
    if "site" not in frame.columns:
        frame = frame.assign(site="")
        check.frame = frame
    for column in REQUIRED:
        check.report((frame[column] == "").to_numpy(), column, lambda _: "missing value")

    text = frame["ts"]
    has_offset = text.str.contains(UTC_OFFSET, case=False, regex=True).to_numpy()
    ts = pd.to_datetime(text.where(has_offset), format="ISO8601", utc=True, errors="coerce")
    given = (text != "").to_numpy()
    without_offset = pd.to_datetime(text.where(~has_offset), format="ISO8601", errors="coerce")
    naive = given & ~has_offset & without_offset.notna().to_numpy()
    check.report(
        naive, "ts", lambda v: f"ts {v!r} has no UTC offset: write it like 2026-01-04T00:00Z"
    )
    unparsed = given & ts.isna().to_numpy() & ~naive
    check.report(unparsed, "ts", lambda v: f"not a date-time like 2026-01-04T00:00Z (got {v!r})")
    parsed = ts.notna().to_numpy()
    off_hour = np.zeros(len(frame), dtype=bool)
    off_hour[parsed] = (ts[parsed] != ts[parsed].dt.floor("h")).to_numpy()
    check.report(off_hour, "ts", lambda v: f"ts {v!r} is not the start of an hour")

    region = check.ids("region", "region", refs)
    site = check.ids("site", "site", refs)
    modality = check.ids("modality", "modality", refs)
    subspecialty = check.ids("subspecialty", "subspecialty", refs)
    site_region = site.map({i: refs.get("site", i).region_id for i in refs.ids("site").values()})
    wrong_region = (site_region.notna() & region.notna() & (site_region != region)).to_numpy()
    check.report(wrong_region, "site", lambda v: f"site {v!r} is not in the row's region")

    priorities = [p.value for p in StudyPriority]
    priority = frame["priority"].str.lower()
    unknown = (~priority.isin(priorities) & (priority != "")).to_numpy()
    check.report(
        unknown, "priority", lambda v: f"unknown priority {v!r} (expected: {', '.join(priorities)})"
    )

    count = pd.to_numeric(frame["count"].where(frame["count"] != ""), errors="coerce")
    count = count.where(np.isfinite(count))  # "inf" is no count either
    not_number = (count.isna() & (frame["count"] != "")).to_numpy()
    check.report(not_number, "count", lambda v: f"count {v!r} is not a number")
    negative = (count < 0).to_numpy()
    check.report(negative, "count", lambda v: f"negative count {v}: counts are 0 or more")
    fractional = (count.notna() & (count != count.round())).to_numpy() & ~negative
    check.report(fractional, "count", lambda v: f"count {v} is not a whole number")

    keep = ~check.bad
    clean = pd.DataFrame(
        {
            "row": check.rows[keep],
            "ts": pd.DatetimeIndex(ts[keep]).as_unit("us"),
            "region_id": region[keep].to_numpy(),
            "site_id": site.fillna(NO_SITE)[keep].to_numpy(),
            "modality_id": modality[keep].to_numpy(),
            "subspecialty_id": subspecialty[keep].to_numpy(),
            "priority": priority[keep].to_numpy(),
            "count": count[keep].to_numpy(),
        }
    )
    clean = clean.astype(
        dict.fromkeys(("region_id", "site_id", "modality_id", "subspecialty_id", "count"), "int64")
    )
    _report_duplicates(clean, frame, issues)
    return clean


def _report_duplicates(clean: pd.DataFrame, frame: pd.DataFrame, issues: Issues) -> None:
    repeated = clean.duplicated(KEY, keep="first").to_numpy()
    if not repeated.any():
        return
    first = clean.groupby(KEY, sort=False)["row"].transform("first").to_numpy()
    for row, first_row in zip(clean["row"].to_numpy()[repeated], first[repeated], strict=True):
        cells = frame.loc[row]
        described = ", ".join(
            f"{c} {cells[c] or '(blank)'}"
            for c in ("ts", "region", "site", "modality", "subspecialty", "priority")
        )
        issues.add(int(row), "ts", f"duplicate key ({described}): also on row {first_row}")


def _store(
    session: Session,
    clean: pd.DataFrame,
    issues: Issues,
    on_existing: OnExisting,
    on_progress: Progress | None,
) -> Counts:
    merged = clean.merge(_stored(session, clean), on=KEY, how="left", suffixes=("", "_stored"))
    new = merged[merged["id"].isna()]
    old = merged[merged["id"].notna()]
    if on_existing == "reject" and len(old):
        for row in old["row"]:
            issues.add(
                int(row),
                "ts",
                "duplicate key: a volume for this hour and series is already in the database",
            )
        return Counts()
    changed = old[old["count"] != old["count_stored"]]
    total = len(new) + len(changed)
    done = 0
    if on_progress:
        on_progress(done, total)
    table = StudyVolume.__table__  # type: ignore[attr-defined]  # Core keeps 10^5-row loads quick
    for chunk in _chunks(_records(new)):
        session.execute(sa.insert(table), chunk)
        done += len(chunk)
        if on_progress:
            on_progress(done, total)
    updates: list[dict[str, object]] = [
        {"_id": int(i), "_count": int(c)}
        for i, c in zip(changed["id"], changed["count"], strict=True)
    ]
    statement = (
        sa.update(table)
        .where(table.c.id == sa.bindparam("_id"))
        .values(count=sa.bindparam("_count"))
    )
    for chunk in _chunks(updates):
        session.execute(statement, chunk)
        done += len(chunk)
        if on_progress:
            on_progress(done, total)
    return Counts(created=len(new), updated=len(changed), unchanged=len(old) - len(changed))


def _stored(session: Session, clean: pd.DataFrame) -> pd.DataFrame:
    """Stored rows that could share a key with the file's rows."""
    columns = ["id", *KEY, "count_stored"]
    if clean.empty:
        return pd.DataFrame(columns=columns)
    table = StudyVolume.__table__  # type: ignore[attr-defined]
    query = sa.select(
        table.c.id,
        table.c.ts,
        table.c.region_id,
        table.c.site_id,
        table.c.modality_id,
        table.c.subspecialty_id,
        table.c.priority,
        table.c.count,
    ).where(
        table.c.region_id.in_(sorted({int(r) for r in clean["region_id"].unique()})),
        table.c.ts >= clean["ts"].min().to_pydatetime(),
        table.c.ts <= clean["ts"].max().to_pydatetime(),
    )
    values = list(zip(*session.execute(query).all(), strict=True)) or [() for _ in columns]
    stored = pd.DataFrame(dict(zip(columns, values, strict=True)))
    stored["ts"] = pd.to_datetime(stored["ts"], utc=True).dt.as_unit("us")
    stored["site_id"] = stored["site_id"].fillna(NO_SITE)
    stored["priority"] = stored["priority"].map(lambda p: getattr(p, "value", p))
    return stored.astype(
        dict.fromkeys(("id", "region_id", "site_id", "modality_id", "subspecialty_id"), "int64")
    )


def _records(frame: pd.DataFrame) -> list[dict[str, object]]:
    site = frame["site_id"].to_numpy()
    return [
        {
            "ts": ts,
            "region_id": int(region),
            "site_id": None if s == NO_SITE else int(s),
            "modality_id": int(modality),
            "subspecialty_id": int(sub),
            "priority": priority,
            "count": int(count),
        }
        for ts, region, s, modality, sub, priority, count in zip(
            frame["ts"].dt.to_pydatetime(),
            frame["region_id"].to_numpy(),
            site,
            frame["modality_id"].to_numpy(),
            frame["subspecialty_id"].to_numpy(),
            frame["priority"].to_numpy(),
            frame["count"].to_numpy(),
            strict=True,
        )
    ]


def _chunks(records: list[dict[str, object]]) -> list[list[dict[str, object]]]:
    return [records[i : i + CHUNK_ROWS] for i in range(0, len(records), CHUNK_ROWS)]
