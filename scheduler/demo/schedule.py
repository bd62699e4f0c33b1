"""The demo's scheduling inputs: shift templates, rules, the planning period and readers'
availability.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scheduler.demo.country import PERIOD_START, PERIOD_WEEKS, REGIONS

ALL_DAYS = "0123456"
WEEKDAYS = "01234"
WEEKEND = "56"
# Big regions read their weekday day shift on site; everything else is read remotely.
ON_SITE_DAY_REGIONS = frozenset({"NO-OS", "SE-ST"})
# Regions with a stroke service keep a neuroradiologist on call.
NEURO_ON_CALL_REGIONS = frozenset({"NO-OS", "SE-ST", "FI-UU"})
STRICT_RULES_REGION = "NO-NL"


@dataclass(frozen=True)
class _Shape:
    suffix: str
    name: str
    kind: str
    local_start: str
    length_minutes: int
    weekdays: str
    required_readers: int = 0  # reading shifts: demand comes from volumes, not headcount
    subspecialty: str | None = None


READING_SHAPES = (
    _Shape("DAY", "day", "day", "08:00", 480, WEEKDAYS),
    _Shape("WKD", "weekend day", "weekend", "08:00", 480, WEEKEND),
    _Shape("EVE", "evening", "evening", "16:00", 480, ALL_DAYS),
    _Shape("NGT", "night", "night", "22:00", 600, ALL_DAYS),
)
ON_CALL_SHAPES = (
    _Shape("OC", "on-call (weeknight)", "on_call", "16:00", 960, WEEKDAYS, required_readers=1),
    _Shape("OCW", "on-call (weekend)", "on_call", "08:00", 1440, WEEKEND, required_readers=1),
)
# Weeknights only: the few neuroradiologists licensed per region cannot also carry every
# weekend (11 h rest forbids Saturday and Sunday back to back); the general on-call takes them.
NEURO_ON_CALL = _Shape(
    "OCN",
    "neuro on-call",
    "on_call",
    "16:00",
    960,
    WEEKDAYS,
    required_readers=1,
    subspecialty="neuro",
)


def shift_templates() -> pd.DataFrame:
    rows = []
    for info in REGIONS:
        shapes: tuple[_Shape, ...] = READING_SHAPES + ON_CALL_SHAPES
        if info.code in NEURO_ON_CALL_REGIONS:
            shapes += (NEURO_ON_CALL,)
        for shape in shapes:
            on_site = shape.kind == "day" and info.code in ON_SITE_DAY_REGIONS
            rows.append(
                {
                    "code": f"{info.code}-{shape.suffix}",
                    "name": f"{info.name} {shape.name}",
                    "kind": shape.kind,
                    "local_start": shape.local_start,
                    "length_minutes": shape.length_minutes,
                    "region": info.code,
                    "site": None,
                    "remote": not on_site,
                    "weekdays": shape.weekdays,
                    "required_readers": shape.required_readers,
                    "subspecialty": shape.subspecialty,
                }
            )
    return pd.DataFrame(rows)


def rules() -> pd.DataFrame:
    default = {
        "region": None,
        "site": None,
        "min_rest_hours": 11.0,
        "max_consecutive_nights": 4,
        "max_consecutive_days": 6,
        "max_weekly_hours": 48.0,
        "max_weekends": 2,
        "turnaround_stat_minutes": 60,
        "turnaround_ed_minutes": 120,
        "turnaround_inpatient_minutes": 720,
        "turnaround_outpatient_minutes": 4320,
    }
    # Long distances and thin cover: shorter runs and more rest, tighter stat turnaround.
    strict = default | {
        "region": STRICT_RULES_REGION,
        "min_rest_hours": 12.0,
        "max_consecutive_nights": 3,
        "max_consecutive_days": 5,
        "max_weekly_hours": 42.0,
        "max_weekends": 1,
        "turnaround_stat_minutes": 45,
    }
    return pd.DataFrame([default, strict])


def planning_periods() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "name": "January 2027 (weeks 1-4)",
                "start_date": PERIOD_START,
                "weeks": PERIOD_WEEKS,
                "status": "open",
                "availability_deadline": "2026-12-01T12:00:00Z",
            }
        ]
    )


LEAVE_SHARE = 0.25
UNAVAILABLE_SHARE = 0.30
PREFERENCE_SHARE = 0.40
LEAVE_NOTES = ("annual leave", "course", "parental leave", "conference")
UNAVAILABLE_NOTES = ("teaching", "department meeting", "medical appointment", "exam duty")
PREFERENCES: tuple[tuple[str, str | None, str], ...] = (
    ("avoid", "night", "prefers no nights"),
    ("avoid", "weekend", "family weekend"),
    ("avoid", "on_call", "no on-call this week"),
    ("prefer", "evening", "prefers evenings"),
    ("prefer", "day", "wants day shifts"),
    ("prefer", None, "extra day wanted"),
    ("avoid", None, "day off wanted"),
)


def availability(rng: np.random.Generator, readers: pd.DataFrame) -> pd.DataFrame:
    """Leave blocks, single unavailable days and soft wishes; at most one entry per reader, day and
    shift kind."""
    days = [PERIOD_START + dt.timedelta(days=d) for d in range(PERIOD_WEEKS * 7)]
    period = planning_periods().loc[0, "name"]
    rows = [
        {
            "period": period,
            "radiologist": code,
            "date": entry.day,
            "shift_kind": entry.shift_kind,
            "kind": entry.kind,
            "weight": entry.weight,
            "note": entry.note,
        }
        for code in readers.loc[readers["active"], "code"]
        for entry in _wishes(rng, days)
    ]
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class _Entry:
    day: dt.date
    kind: str
    note: str
    shift_kind: str | None = None
    weight: int = 1


def _wishes(rng: np.random.Generator, days: list[dt.date]) -> list[_Entry]:
    """One reader's entries: whole-day hard entries first, then wishes on days still free."""
    entries: list[_Entry] = []
    if rng.random() < LEAVE_SHARE:
        first = int(rng.integers(0, len(days) - 3))
        note = str(rng.choice(LEAVE_NOTES))
        entries += [
            _Entry(day, "leave", note) for day in days[first : first + int(rng.integers(3, 11))]
        ]
    if rng.random() < UNAVAILABLE_SHARE:
        blocked = {entry.day for entry in entries}
        for d in rng.choice(len(days), int(rng.integers(1, 4)), replace=False):
            if days[int(d)] not in blocked:
                entries.append(
                    _Entry(days[int(d)], "unavailable", str(rng.choice(UNAVAILABLE_NOTES)))
                )
    if rng.random() < PREFERENCE_SHARE:
        for _ in range(int(rng.integers(1, 5))):
            day = days[int(rng.integers(len(days)))]
            kind, shift_kind, note = PREFERENCES[int(rng.integers(len(PREFERENCES)))]
            taken = {(entry.day, entry.shift_kind) for entry in entries}
            hard_days = {entry.day for entry in entries if entry.kind in ("leave", "unavailable")}
            if day not in hard_days and (day, shift_kind) not in taken:
                entries.append(_Entry(day, kind, note, shift_kind, int(rng.integers(1, 4))))
    return entries
