"""Assemble the demo tables and write them as CSV files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from scheduler.demo import schedule, volumes, workforce
from scheduler.demo.country import MODALITIES, REGIONS, SITES, SUBSPECIALTIES, region

DEFAULT_SEED = 20270104
DEFAULT_MONTHS = 12

DemoFiles = dict[str, pd.DataFrame]

# Each part draws from its own stream, so changing one (say, fewer months of volumes) leaves the
# others as they were.
_STREAMS = ("radiologists", "skills", "licences", "privileges", "availability", "study_volumes")


def build_demo(*, seed: int = DEFAULT_SEED, months: int = DEFAULT_MONTHS) -> DemoFiles:
    """Every demo table, keyed by file name."""
    if months < 1:
        raise ValueError(f"months must be at least 1, got {months}")
    rng = {name: np.random.default_rng([seed, k]) for k, name in enumerate(_STREAMS)}
    readers = workforce.radiologists(rng["radiologists"])
    licence_rows = workforce.licences(rng["licences"], readers)
    return {
        "regions.csv": pd.DataFrame(
            [
                {
                    "code": r.code,
                    "name": r.name,
                    "country": r.country,
                    "time_zone": r.time_zone,
                    "population": r.population,
                    "sparse": r.sparse,
                }
                for r in REGIONS
            ]
        ),
        "sites.csv": pd.DataFrame(
            [
                {
                    "code": s.code,
                    "name": s.name,
                    "region": s.region,
                    "time_zone": region(s.region).time_zone,
                }
                for s in SITES
            ]
        ),
        "subspecialties.csv": pd.DataFrame(SUBSPECIALTIES, columns=["code", "name"]),
        "modalities.csv": pd.DataFrame(MODALITIES, columns=["code", "name"]),
        "radiologists.csv": readers,
        "skills.csv": workforce.skills(rng["skills"], readers),
        "licences.csv": licence_rows,
        "privileges.csv": workforce.privileges(rng["privileges"], readers, licence_rows),
        "shift_templates.csv": schedule.shift_templates(),
        "rules.csv": schedule.rules(),
        "planning_periods.csv": schedule.planning_periods(),
        "availability.csv": schedule.availability(rng["availability"], readers),
        "productivity_rates.csv": volumes.productivity_rates(),
        "study_volumes.csv.gz": volumes.study_volumes(rng["study_volumes"], readers, months),
    }


def generate_demo(
    *, out: Path, seed: int = DEFAULT_SEED, months: int = DEFAULT_MONTHS
) -> dict[str, Path]:
    """Write the demo files into ``out`` (created if needed); returns file name -> path."""
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, frame in build_demo(seed=seed, months=months).items():
        path = out / name
        _readable(frame).to_csv(
            path,
            index=False,
            lineterminator="\n",
            # A fixed gzip mtime keeps the compressed bytes identical from run to run.
            compression={"method": "gzip", "mtime": 0} if name.endswith(".gz") else None,
        )
        written[name] = path
    return written


def _readable(frame: pd.DataFrame) -> pd.DataFrame:
    """Lower-case booleans, ISO dates and UTC instants as ``2026-01-04T00:00Z``, blanks for missing
    values.
    """
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if pd.api.types.is_bool_dtype(values):
            out[column] = values.map({True: "true", False: "false"})
        elif isinstance(values.dtype, pd.DatetimeTZDtype):
            out[column] = values.dt.strftime("%Y-%m-%dT%H:%MZ")
        elif values.dtype == object and values.map(lambda v: isinstance(v, bool)).any():
            out[column] = values.map(lambda v: "" if v is None else str(v).lower())
        elif values.dtype == object and values.map(lambda v: isinstance(v, dt.date)).any():
            out[column] = values.map(lambda v: v.isoformat() if isinstance(v, dt.date) else v)
    return out
