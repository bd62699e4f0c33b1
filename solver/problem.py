"""The scheduling problem the solver takes: plain, picklable dataclasses.

Vocabulary
----------
* A *day* is an index 0..num_days-1 into the horizon; ``start_date + day`` is the roster date.
* A *shift* is one shift instance: a template worked on one roster day, with its UTC start and
  length. "At most one shift per day" and consecutive-day rules count roster days, not UTC dates.
* A *pool* is (site, subspecialty): the unit of reading demand.
* *Units* are reading units of ``Problem.unit_minutes`` (60 by default): a reader on a shift
  gives its ``units`` to pools they may read.

The solver imports nothing from the rest of Teleroster; the scheduler builds these objects from
stored rows, the Curtois-Qu reader builds them from benchmark files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property


class ShiftKind(StrEnum):
    DAY = "day"
    EVENING = "evening"
    NIGHT = "night"
    WEEKEND = "weekend"
    ON_CALL = "on_call"


class AvailabilityKind(StrEnum):
    UNAVAILABLE = "unavailable"  # hard
    LEAVE = "leave"  # hard
    PREFER = "prefer"  # soft: penalty weight if not honoured
    AVOID = "avoid"  # soft: penalty weight if not honoured

    @property
    def is_hard(self) -> bool:
        return self in (AvailabilityKind.UNAVAILABLE, AvailabilityKind.LEAVE)


@dataclass(frozen=True)
class Validity:
    """A date range, both ends inclusive; ``None`` means open-ended."""

    valid_from: dt.date | None = None
    valid_to: dt.date | None = None

    def covers(self, day: dt.date) -> bool:
        if self.valid_from is not None and day < self.valid_from:
            return False
        return not (self.valid_to is not None and day > self.valid_to)


@dataclass(frozen=True)
class Licence(Validity):
    region: str = ""
    number: str = ""


@dataclass(frozen=True)
class Privilege(Validity):
    site: str = ""


@dataclass(frozen=True)
class Site:
    id: str
    region: str
    time_zone: str = "UTC"


@dataclass(frozen=True)
class Region:
    id: str
    time_zone: str = "UTC"
    sparse: bool = False


@dataclass(frozen=True)
class Pool:
    """Reading demand is counted per (site, subspecialty)."""

    id: str
    site: str
    subspecialty: str


@dataclass(frozen=True)
class Shift:
    """One shift instance: a template worked on one roster day.

    ``region``: the region the shift serves (its pools, its licence requirement); ``None`` serves
    every pool and requires no licence by itself (benchmarks).
    ``remote``: anyone eligible may work it; otherwise only readers whose home region is ``region``.
    ``required_skills``: a reader needs at least one of these subspecialties to work it (empty: no
    requirement).
    ``units``: reading units the shift gives (defaults to its length in whole units).
    ``work_minutes``: minutes counted toward working-time limits (total and weekly minutes);
    defaults to the length. On-call from home usually counts only in part.
    """

    id: str
    day: int
    template: str
    kind: ShiftKind
    start: dt.datetime  # UTC, tz-aware
    length_minutes: int
    region: str | None = None
    remote: bool = True
    required_skills: frozenset[str] = frozenset()
    units: int | None = None
    work_minutes: int | None = None

    @cached_property  # asked millions of times while programs and models are laid out
    def end(self) -> dt.datetime:
        return self.start + dt.timedelta(minutes=self.length_minutes)

    @property
    def counted_minutes(self) -> int:
        """Minutes that count toward the reader's working-time limits."""
        return self.length_minutes if self.work_minutes is None else self.work_minutes


@dataclass(frozen=True)
class Availability:
    """A radiologist's entry for one day; ``template``/``shift_kind`` narrow it to some shifts of
    that day.

    With neither set it applies to the whole day: a hard entry forbids any shift; PREFER is
    honoured by working any shift that day, AVOID by working none.
    """

    day: int
    kind: AvailabilityKind
    template: str | None = None
    shift_kind: ShiftKind | None = None
    weight: int = 1


@dataclass(frozen=True)
class Pin:
    """A locked cell: ``shift_id`` None pins the day off."""

    radiologist: str
    day: int
    shift_id: str | None


@dataclass(frozen=True)
class Rules:
    """Per-radiologist hard limits (the scheduler resolves region/site defaults and FTE scaling).

    ``None`` switches a rule off. Minutes are absolute for this reader over the horizon.
    Runs touching the horizon's ends are exempt from the *min* run rules (work or rest is assumed
    to continue outside); the *max* consecutive rule counts ``History.consecutive_days_worked``
    before day 0.
    """

    max_shifts_per_template: dict[str, int] = field(default_factory=dict)
    max_shifts_per_kind: dict[ShiftKind, int] = field(default_factory=dict)
    min_total_minutes: int | None = None
    max_total_minutes: int | None = None
    max_consecutive_days: int | None = None
    min_consecutive_days: int | None = None
    min_consecutive_days_off: int | None = None
    max_consecutive_nights: int | None = None
    max_weekends: int | None = None
    min_rest_minutes: int | None = None
    max_average_weekly_minutes: int | None = None


@dataclass(frozen=True)
class History:
    """State at the period start, so consecutive periods chain without breaking rules."""

    consecutive_days_worked: int = 0
    consecutive_nights_worked: int = 0
    last_shift_end: dt.datetime | None = None
    weekends_worked: int = 0


@dataclass(frozen=True)
class Radiologist:
    id: str
    name: str = ""
    fte: float = 1.0
    home_region: str | None = None
    home_time_zone: str = "UTC"
    skills: frozenset[str] = frozenset()
    licences: tuple[Licence, ...] = ()
    privileges: tuple[Privilege, ...] = ()
    fixed_days_off: frozenset[int] = frozenset()
    availability: tuple[Availability, ...] = ()
    rules: Rules = field(default_factory=Rules)
    history: History = field(default_factory=History)


@dataclass(frozen=True)
class ReadingDemand:
    """Reader-units wanted for ``pool`` during ``shift_id``; shortfall and excess are soft,
    weighted per unit.

    ``min_readers``: readers who may read the pool must be on the shift, however few units the
    pool needs (urgent studies with a turnaround target, sized by Erlang C). One reader may stand
    for several pools at once. Each missing reader costs ``weight_under`` per unit of the shift.
    """

    pool: str
    shift_id: str
    units: int
    weight_under: int = 100
    weight_over: int = 0
    min_readers: int = 0


@dataclass(frozen=True)
class HeadcountCover:
    """``required`` people on ``shift_id`` (the benchmarks' cover, and on-call cover).

    ``hard`` makes ``required`` a hard minimum (on-call); otherwise under and over are weighted
    penalties.
    """

    shift_id: str
    required: int
    weight_under: int = 100
    weight_over: int = 0
    hard: bool = False


@dataclass(frozen=True)
class Weights:
    """Objective weights; every objective term is an integer."""

    fairness_nights: int = 0
    fairness_weekends: int = 0
    fairness_on_call: int = 0
    change: int = 0  # per reference assignment not kept
    follow_the_sun: int = 0  # per hour worked in the reader's local night (22:00-06:00)


@dataclass(frozen=True)
class Problem:
    start_date: dt.date
    num_days: int
    shifts: tuple[Shift, ...]
    radiologists: tuple[Radiologist, ...]
    regions: tuple[Region, ...] = ()
    sites: tuple[Site, ...] = ()
    pools: tuple[Pool, ...] = ()
    reading_demand: tuple[ReadingDemand, ...] = ()
    headcount_cover: tuple[HeadcountCover, ...] = ()
    # (template a, template b): working a on day d forbids b on day d+1.
    forbidden_successions: frozenset[tuple[str, str]] = frozenset()
    pins: tuple[Pin, ...] = ()
    # Previous roster for re-solve: (radiologist, shift_id) pairs; moving away from them costs
    # Weights.change.
    reference: frozenset[tuple[str, str]] = frozenset()
    weights: Weights = field(default_factory=Weights)
    unit_minutes: int = 60
    name: str = ""

    def date_of(self, day: int) -> dt.date:
        return self.start_date + dt.timedelta(days=day)

    def is_weekend(self, day: int) -> bool:
        if 0 <= day < self.num_days:
            return self._weekend_days[day]
        return self.date_of(day).weekday() >= 5

    @cached_property  # asked for every shift of every reader as models are built
    def _weekend_days(self) -> tuple[bool, ...]:
        return tuple(self.date_of(day).weekday() >= 5 for day in range(self.num_days))

    def weekend_index(self, day: int) -> int:
        """Weekends numbered from the horizon start: Saturday and Sunday of one calendar week
        share an index."""
        monday0 = self.start_date - dt.timedelta(days=self.start_date.weekday())
        return (self.date_of(day) - monday0).days // 7

    @cached_property  # grouped once for the weekend rules, fairness, half weekends, weekend parts
    def weekends(self) -> Mapping[int, tuple[int, ...]]:
        """Weekend index -> the horizon's days of that weekend, in order (one at an edge)."""
        days: dict[int, list[int]] = {}
        for day in range(self.num_days):
            if self.is_weekend(day):
                days.setdefault(self.weekend_index(day), []).append(day)
        return {weekend: tuple(found) for weekend, found in days.items()}

    def weekends_worked(self, days: Iterable[int]) -> int:
        """How many weekends the given working days touch."""
        return len({self.weekend_index(day) for day in days if self.is_weekend(day)})

    def shift_units(self, shift: Shift) -> int:
        return shift.units if shift.units is not None else shift.length_minutes // self.unit_minutes
