"""The typed changes of a scenario, read from JSON and applied to a COPY of the period's problem.

Each change is a frozen dataclass with a ``kind``; stored as ``{"kind": ..., field: value}``.
``apply_changes`` never mutates its input: the solver's problem is a tree of frozen dataclasses,
rebuilt with ``dataclasses.replace``. Stored rows are never touched.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import types
import typing
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from scheduler.forecast.erlang import readers_needed
from scheduler.scenarios.inputs import URGENT_PRIORITIES, ScenarioInput, UrgentStream
from solver import problem as sp

MAX_LATE_FRACTION = 0.10  # as the forecast's capacity policy: 10% of urgent studies may be late
MIN_URGENT_PER_HOUR = 0.1  # thinner streams get no Erlang floor (on-call takes them)
STANDARD_WEEK_MINUTES = 40 * 60


class ChangeError(ValueError):
    """A change cannot be read or applied; the message names the change and the field."""

    def __init__(self, index: int, field: str, message: str) -> None:
        super().__init__(f"change {index + 1}, field {field!r}: {message}")
        self.index = index
        self.field = field
        self.message = message


@dataclass(frozen=True)
class VolumeGrowth:
    """Reading demand (and urgent arrivals) grow by ``percent`` in a region and/or subspecialty;
    both None: everywhere. Negative percentages shrink it."""

    kind: ClassVar[str] = "volume_growth"
    percent: float
    region: str | None = None
    subspecialty: str | None = None


@dataclass(frozen=True)
class HireRadiologists:
    """``count`` new readers. They work under the rules of a colleague based in the same home
    region (limits scaled to their FTE) and hold licences for ``licences`` (region codes) with
    privileges at every site there, valid over the whole period."""

    kind: ClassVar[str] = "hire"
    count: int
    skills: tuple[str, ...]
    fte: float = 1.0
    home_region: str | None = None
    home_time_zone: str | None = None  # default: the home region's zone
    licences: tuple[str, ...] = ()
    name: str = "New radiologist"


@dataclass(frozen=True)
class GrantLicence:
    """A licence for ``region`` (and privileges at its sites) to one reader, or with
    ``radiologist`` None to every reader with ``subspecialty`` (every reader if that is None)."""

    kind: ClassVar[str] = "grant_licence"
    region: str
    radiologist: str | None = None
    subspecialty: str | None = None
    privileges: bool = True


@dataclass(frozen=True)
class RevokeLicence:
    kind: ClassVar[str] = "revoke_licence"
    radiologist: str
    region: str


@dataclass(frozen=True)
class GrantPrivilege:
    kind: ClassVar[str] = "grant_privilege"
    radiologist: str
    site: str


@dataclass(frozen=True)
class RevokePrivilege:
    kind: ClassVar[str] = "revoke_privilege"
    radiologist: str
    site: str


@dataclass(frozen=True)
class RemoveRadiologist:
    """Retirement or leave. No dates: gone for the whole period; ``from_date`` alone: gone from
    that day on; both: on leave from ``from_date`` to ``to_date`` inclusive."""

    kind: ClassVar[str] = "remove_radiologist"
    radiologist: str
    from_date: dt.date | None = None
    to_date: dt.date | None = None
    reason: str = "retirement"


@dataclass(frozen=True)
class ChangeTurnaround:
    """A region's report-due target for an urgent priority. The region's reading demand then gets
    an Erlang C floor: readers enough for that target, as the forecast's capacity sizing does."""

    kind: ClassVar[str] = "turnaround"
    region: str
    priority: str
    minutes: int


# Region rule fields a scenario may change -> how a value becomes solver rules for one reader.
RULE_FIELDS = (
    "min_rest_hours",
    "max_consecutive_nights",
    "max_consecutive_days",
    "max_weekly_hours",
    "max_weekends",
)


@dataclass(frozen=True)
class ChangeRule:
    """One working-time rule for readers based in ``region`` (None: every reader).
    ``max_weekly_hours`` is at 1.0 FTE (scaled per reader); ``max_weekends`` per 4 weeks."""

    kind: ClassVar[str] = "rule"
    rule: str
    value: float
    region: str | None = None


Change = (
    VolumeGrowth
    | HireRadiologists
    | GrantLicence
    | RevokeLicence
    | GrantPrivilege
    | RevokePrivilege
    | RemoveRadiologist
    | ChangeTurnaround
    | ChangeRule
)
CHANGE_TYPES: dict[str, type[Any]] = {
    cls.kind: cls
    for cls in (
        VolumeGrowth,
        HireRadiologists,
        GrantLicence,
        RevokeLicence,
        GrantPrivilege,
        RevokePrivilege,
        RemoveRadiologist,
        ChangeTurnaround,
        ChangeRule,
    )
}


# --- JSON in and out ---


def parse_changes(raw: object) -> list[Change]:
    if not isinstance(raw, list):
        raise ChangeError(-1, "changes", f"must be a list of changes, got {type(raw).__name__}")
    return [parse_change(item, index) for index, item in enumerate(raw)]


def parse_change(raw: object, index: int = 0) -> Change:
    if not isinstance(raw, Mapping):
        raise ChangeError(index, "kind", f"a change must be an object, got {type(raw).__name__}")
    kind = raw.get("kind")
    cls = CHANGE_TYPES.get(str(kind))
    if cls is None:
        known = ", ".join(sorted(CHANGE_TYPES))
        raise ChangeError(index, "kind", f"unknown kind {kind!r} (known: {known})")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(raw) - set(fields) - {"kind"})
    if unknown:
        raise ChangeError(index, unknown[0], f"not a field of {kind!r} changes")
    values: dict[str, Any] = {}
    for name, spec in fields.items():
        if name not in raw:
            if spec.default is dataclasses.MISSING:
                raise ChangeError(index, name, "is required")
            continue
        try:
            values[name] = _convert(hints[name], raw[name])
        except (TypeError, ValueError) as exc:
            raise ChangeError(index, name, str(exc)) from exc
    change: Change = cls(**values)
    _check_values(change, index)
    return change


def change_to_dict(change: Change) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": change.kind}
    for spec in dataclasses.fields(change):
        value = getattr(change, spec.name)
        if isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, dt.date):
            value = value.isoformat()
        out[spec.name] = value
    return out


def describe(change: Change) -> str:
    """One line a planner reads in lists and comparison headers."""
    if isinstance(change, VolumeGrowth):
        where = " ".join(x for x in (change.region, change.subspecialty) if x) or "everywhere"
        return f"volume {change.percent:+g}% ({where})"
    if isinstance(change, HireRadiologists):
        skills = "/".join(change.skills)
        licensed = f", licensed in {', '.join(change.licences)}" if change.licences else ""
        return f"hire {change.count} {skills} at {change.fte:g} FTE{licensed}"
    if isinstance(change, GrantLicence):
        who = change.radiologist or f"every {change.subspecialty or ''} reader".replace("  ", " ")
        return f"licence {change.region} to {who}"
    if isinstance(change, RevokeLicence):
        return f"revoke {change.radiologist}'s licence for {change.region}"
    if isinstance(change, GrantPrivilege):
        return f"privilege at {change.site} to {change.radiologist}"
    if isinstance(change, RevokePrivilege):
        return f"revoke {change.radiologist}'s privilege at {change.site}"
    if isinstance(change, RemoveRadiologist):
        if change.from_date is None:
            return f"remove {change.radiologist} ({change.reason})"
        until = f" to {change.to_date}" if change.to_date else " on"
        return f"{change.radiologist} away from {change.from_date}{until} ({change.reason})"
    if isinstance(change, ChangeTurnaround):
        return f"{change.region} {change.priority.upper()} due in {change.minutes} min"
    return f"{change.rule} = {change.value:g} ({change.region or 'every region'})"


def _convert(hint: Any, value: object) -> Any:
    """A JSON value as the field's declared type, or TypeError/ValueError saying why not."""
    args = typing.get_args(hint)
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return _convert(inner, value)
    if typing.get_origin(hint) is tuple:
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        if not isinstance(value, list | tuple):
            raise TypeError(f"must be a list, got {value!r}")
        return tuple(_convert(args[0], item) for item in value)
    converter = _CONVERTERS.get(hint)
    if converter is None:
        raise TypeError(f"unsupported field type {hint!r}")
    return converter(value)


def _to_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "yes", "1", "false", "no", "0"):
        return value.lower() in ("true", "yes", "1")
    raise ValueError(f"must be true or false, got {value!r}")


def _number(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"must be {what}, got {value!r}")
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"must be {what}, got {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"must be {what}, got {value!r}")
    return number


def _to_int(value: object) -> int:
    number = _number(value, "a whole number")
    if not number.is_integer():
        raise ValueError(f"must be a whole number, got {value!r}")
    return int(number)


def _to_float(value: object) -> float:
    return _number(value, "a finite number")


def _to_str(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"must be a non-empty text, got {value!r}")
    return value.strip()


def _to_date(value: object) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"must be a date like 2027-01-04, got {value!r}") from None


_CONVERTERS: dict[Any, Callable[[object], Any]] = {
    bool: _to_bool,
    int: _to_int,
    float: _to_float,
    str: _to_str,
    dt.date: _to_date,
}


def _check_values(change: Change, index: int) -> None:
    """Checks that need no problem: ranges and choices."""

    def fail(field: str, message: str) -> None:
        raise ChangeError(index, field, message)

    if isinstance(change, VolumeGrowth) and change.percent <= -100:
        fail("percent", f"{change.percent:g} would remove more than all demand")
    if isinstance(change, HireRadiologists):
        if change.count < 1:
            fail("count", f"must be at least 1, got {change.count}")
        if not change.skills:
            fail("skills", "name at least one subspecialty")
        if not 0 < change.fte <= 1:
            fail("fte", f"must be in (0, 1], got {change.fte:g}")
    if isinstance(change, GrantLicence) and change.radiologist and change.subspecialty:
        fail("subspecialty", "give a radiologist or a subspecialty, not both")
    if isinstance(change, RemoveRadiologist):
        if change.to_date is not None and change.from_date is None:
            fail("from_date", "is required with to_date")
        if change.from_date and change.to_date and change.to_date < change.from_date:
            fail("to_date", f"{change.to_date} is before from_date {change.from_date}")
    if isinstance(change, ChangeTurnaround):
        if change.priority not in URGENT_PRIORITIES:
            fail("priority", f"must be one of {', '.join(URGENT_PRIORITIES)}")
        if change.minutes <= 0:
            fail("minutes", f"must be > 0, got {change.minutes}")
    if isinstance(change, ChangeRule):
        if change.rule not in RULE_FIELDS:
            fail("rule", f"must be one of {', '.join(RULE_FIELDS)}")
        if change.value < 0 or (change.rule != "min_rest_hours" and change.value <= 0):
            fail("value", f"{change.value:g} is out of range for {change.rule}")


# --- applying to a copy ---


def apply_changes(base: ScenarioInput, changes: Sequence[Change]) -> ScenarioInput:
    """``base`` with every change applied in order; ``base`` itself is left as it was."""
    current = base
    for index, change in enumerate(changes):
        current = _Applier(current, index).apply(change)
    return current


class _Applier:
    def __init__(self, scenario: ScenarioInput, index: int) -> None:
        self.scenario = scenario
        self.problem = scenario.problem
        self.index = index

    def fail(self, field: str, message: str) -> ChangeError:
        return ChangeError(self.index, field, message)

    # look-ups that name the field when the code is unknown

    def region(self, code: str, field: str = "region") -> sp.Region:
        for region in self.problem.regions:
            if region.id == code:
                return region
        known = ", ".join(r.id for r in self.problem.regions)
        raise self.fail(field, f"unknown region {code!r} (known: {known})")

    def site(self, code: str) -> sp.Site:
        for site in self.problem.sites:
            if site.id == code:
                return site
        raise self.fail("site", f"unknown site {code!r}")

    def reader(self, code: str) -> sp.Radiologist:
        for reader in self.problem.radiologists:
            if reader.id == code:
                return reader
        raise self.fail("radiologist", f"no radiologist {code!r} in the period")

    def subspecialty(self, code: str, field: str = "subspecialty") -> str:
        known = {p.subspecialty for p in self.problem.pools}
        known |= {skill for r in self.problem.radiologists for skill in r.skills}
        if code not in known:
            raise self.fail(
                field, f"unknown subspecialty {code!r} (known: {', '.join(sorted(known))})"
            )
        return code

    def period_end(self) -> dt.date:
        return self.problem.date_of(self.problem.num_days - 1)

    def apply(self, change: Change) -> ScenarioInput:
        handler = getattr(self, f"_apply_{change.kind}")
        result: ScenarioInput = handler(change)
        return result

    def with_readers(self, readers: Sequence[sp.Radiologist]) -> ScenarioInput:
        return replace(self.scenario, problem=replace(self.problem, radiologists=tuple(readers)))

    def replace_reader(self, updated: sp.Radiologist) -> ScenarioInput:
        return self.with_readers(
            [updated if r.id == updated.id else r for r in self.problem.radiologists]
        )

    # one method per kind

    def _apply_volume_growth(self, change: VolumeGrowth) -> ScenarioInput:
        if change.region is not None:
            self.region(change.region)
        if change.subspecialty is not None:
            self.subspecialty(change.subspecialty)
        region_of_site = {s.id: s.region for s in self.problem.sites}
        pools = {p.id: p for p in self.problem.pools}

        def matches(pool_id: str) -> bool:
            pool = pools[pool_id]
            return (change.region in (None, region_of_site[pool.site])) and (
                change.subspecialty in (None, pool.subspecialty)
            )

        factor = 1 + change.percent / 100
        starts = {s.id: s.start for s in self.problem.shifts}
        rows = list(self.problem.reading_demand)
        order = sorted(range(len(rows)), key=lambda i: (rows[i].pool, starts[rows[i].shift_id]))
        running: dict[str, float] = defaultdict(float)
        scaled = list(rows)
        for i in order:
            row = rows[i]
            if not matches(row.pool):
                continue
            # Rounded on the pool's running total, so many small rows do not round to nothing.
            before = round(running[row.pool] * factor)
            running[row.pool] += row.units
            scaled[i] = replace(row, units=round(running[row.pool] * factor) - before)
        urgent = tuple(
            replace(s, arrivals_per_hour=s.arrivals_per_hour * factor) if matches(s.pool) else s
            for s in self.scenario.urgent
        )
        demand = tuple(row for row in scaled if row.units > 0)
        return replace(
            self.scenario, problem=replace(self.problem, reading_demand=demand), urgent=urgent
        )

    def _apply_hire(self, change: HireRadiologists) -> ScenarioInput:
        home = self.region(change.home_region, "home_region") if change.home_region else None
        for skill in change.skills:
            self.subspecialty(skill, "skills")
        regions = [self.region(code, "licences") for code in change.licences]
        colleagues = [r for r in self.problem.radiologists if r.home_region == change.home_region]
        colleagues = colleagues or list(self.problem.radiologists)
        rules = _scaled_rules(colleagues[0], change.fte) if colleagues else sp.Rules()
        start = self.problem.start_date
        existing = {r.id for r in self.problem.radiologists}
        hires = []
        for n in range(1, change.count + 1):
            code = f"NEW{self.index + 1}-{n}"
            if code in existing:
                raise self.fail("count", f"radiologist code {code!r} is taken")
            hires.append(
                sp.Radiologist(
                    id=code,
                    name=f"{change.name} {self.index + 1}.{n}",
                    fte=change.fte,
                    home_region=home.id if home else None,
                    home_time_zone=change.home_time_zone or (home.time_zone if home else "UTC"),
                    skills=frozenset(change.skills),
                    licences=tuple(
                        sp.Licence(valid_from=start, region=r.id, number=f"SCENARIO-{code}-{r.id}")
                        for r in regions
                    ),
                    privileges=tuple(
                        sp.Privilege(valid_from=start, site=s.id)
                        for r in regions
                        for s in self.problem.sites
                        if s.region == r.id
                    ),
                    rules=rules,
                )
            )
        return self.with_readers([*self.problem.radiologists, *hires])

    def _apply_grant_licence(self, change: GrantLicence) -> ScenarioInput:
        region = self.region(change.region)
        if change.radiologist is not None:
            chosen = {self.reader(change.radiologist).id}
        else:
            if change.subspecialty is not None:
                self.subspecialty(change.subspecialty)
            chosen = {
                r.id
                for r in self.problem.radiologists
                if change.subspecialty is None or change.subspecialty in r.skills
            }
        start, end = self.problem.start_date, self.period_end()
        site_ids = [s.id for s in self.problem.sites if s.region == region.id]
        readers = []
        for reader in self.problem.radiologists:
            if reader.id in chosen:
                reader = _granted(
                    reader, region.id, site_ids if change.privileges else [], start, end
                )
            readers.append(reader)
        return self.with_readers(readers)

    def _apply_revoke_licence(self, change: RevokeLicence) -> ScenarioInput:
        region = self.region(change.region)
        reader = self.reader(change.radiologist)
        if not any(lic.region == region.id for lic in reader.licences):
            raise self.fail("region", f"{reader.id} holds no licence for {region.id}")
        kept = tuple(lic for lic in reader.licences if lic.region != region.id)
        return self.replace_reader(replace(reader, licences=kept))

    def _apply_grant_privilege(self, change: GrantPrivilege) -> ScenarioInput:
        site = self.site(change.site)
        reader = self.reader(change.radiologist)
        granted = sp.Privilege(valid_from=self.problem.start_date, site=site.id)
        return self.replace_reader(replace(reader, privileges=(*reader.privileges, granted)))

    def _apply_revoke_privilege(self, change: RevokePrivilege) -> ScenarioInput:
        site = self.site(change.site)
        reader = self.reader(change.radiologist)
        if not any(p.site == site.id for p in reader.privileges):
            raise self.fail("site", f"{reader.id} holds no privilege at {site.id}")
        kept = tuple(p for p in reader.privileges if p.site != site.id)
        return self.replace_reader(replace(reader, privileges=kept))

    def _apply_remove_radiologist(self, change: RemoveRadiologist) -> ScenarioInput:
        reader = self.reader(change.radiologist)
        problem = self.problem
        from_date = change.from_date
        if from_date is None or (
            from_date <= problem.start_date
            and (change.to_date is None or change.to_date >= self.period_end())
        ):
            gone = replace(
                problem,
                radiologists=tuple(r for r in problem.radiologists if r.id != reader.id),
                pins=tuple(p for p in problem.pins if p.radiologist != reader.id),
                reference=frozenset(ref for ref in problem.reference if ref[0] != reader.id),
            )
            return replace(self.scenario, problem=gone)
        first = max(0, (from_date - problem.start_date).days)
        last_date = change.to_date or self.period_end()
        last = min(problem.num_days - 1, (last_date - problem.start_date).days)
        if first > last:
            raise self.fail("from_date", "the absence falls outside the period")
        leave = tuple(
            sp.Availability(day=day, kind=sp.AvailabilityKind.LEAVE)
            for day in range(first, last + 1)
        )
        kept = tuple(a for a in reader.availability if not first <= a.day <= last)
        pins = tuple(
            p for p in problem.pins if not (p.radiologist == reader.id and first <= p.day <= last)
        )
        updated = replace(reader, availability=kept + leave)
        scenario = self.replace_reader(updated)
        return replace(scenario, problem=replace(scenario.problem, pins=pins))

    def _apply_turnaround(self, change: ChangeTurnaround) -> ScenarioInput:
        region = self.region(change.region)
        targets = {r: dict(t) for r, t in self.scenario.turnaround.items()}
        targets.setdefault(region.id, {})[change.priority] = change.minutes
        scenario = replace(self.scenario, turnaround=targets)
        return replace(scenario, problem=_with_erlang_floor(scenario, region.id))

    def _apply_rule(self, change: ChangeRule) -> ScenarioInput:
        if change.region is not None:
            self.region(change.region)
        days = self.problem.num_days
        readers = [
            replace(r, rules=_changed_rules(r, change, days))
            if change.region is None or r.home_region == change.region
            else r
            for r in self.problem.radiologists
        ]
        return self.with_readers(readers)


def _granted(
    reader: sp.Radiologist, region: str, sites: Sequence[str], start: dt.date, end: dt.date
) -> sp.Radiologist:
    """``reader`` with a licence for ``region`` and privileges at ``sites`` over the period, adding
    only what they do not hold for the whole of it already."""
    licences = reader.licences
    if not any(lic.region == region and lic.covers(start) and lic.covers(end) for lic in licences):
        number = f"SCENARIO-{reader.id}-{region}"
        licences = (*licences, sp.Licence(valid_from=start, region=region, number=number))
    privileges = reader.privileges
    for site in sites:
        if not any(p.site == site and p.covers(start) and p.covers(end) for p in privileges):
            privileges = (*privileges, sp.Privilege(valid_from=start, site=site))
    return replace(reader, licences=licences, privileges=privileges)


def _scaled_rules(colleague: sp.Radiologist, fte: float) -> sp.Rules:
    """The colleague's limits, with the FTE-scaled ones scaled to ``fte``."""
    ratio = fte / colleague.fte if colleague.fte > 0 else 1.0
    rules = colleague.rules

    def scaled(value: int | None) -> int | None:
        return None if value is None else round(value * ratio)

    return replace(
        rules,
        max_average_weekly_minutes=scaled(rules.max_average_weekly_minutes),
        max_total_minutes=scaled(rules.max_total_minutes),
        min_total_minutes=scaled(rules.min_total_minutes),
    )


def _changed_rules(reader: sp.Radiologist, change: ChangeRule, num_days: int) -> sp.Rules:
    # Same conversions as the problem builder: hours to minutes, weekly hours by FTE, weekends
    # per 4 weeks to weekends over the horizon (rounded up).
    value = change.value
    rules = reader.rules
    if change.rule == "min_rest_hours":
        return replace(rules, min_rest_minutes=round(value * 60))
    if change.rule == "max_consecutive_nights":
        return replace(rules, max_consecutive_nights=round(value))
    if change.rule == "max_consecutive_days":
        return replace(rules, max_consecutive_days=round(value))
    if change.rule == "max_weekly_hours":
        return replace(rules, max_average_weekly_minutes=round(value * 60 * reader.fte))
    return replace(rules, max_weekends=-(-round(value) * num_days // 28))


def _with_erlang_floor(scenario: ScenarioInput, region: str) -> sp.Problem:
    """Raise the region's reading demand per shift to the readers Erlang C asks for its urgent
    streams at the region's targets; each pool gets the floor's share by its urgent arrivals."""
    problem = scenario.problem
    region_of_site = {s.id: s.region for s in problem.sites}
    pools = {p.id: p for p in problem.pools}
    shifts = {s.id: s for s in problem.shifts}
    groups: dict[tuple[str, str], list[UrgentStream]] = defaultdict(list)
    for stream in scenario.urgent:
        if region_of_site[pools[stream.pool].site] == region:
            groups[(pools[stream.pool].subspecialty, stream.shift_id)].append(stream)
    floors: dict[tuple[str, str], int] = {}
    for (_, shift_id), streams in groups.items():
        arrivals = sum(s.arrivals_per_hour for s in streams)
        if arrivals < MIN_URGENT_PER_HOUR:
            continue
        minutes = sum(s.arrivals_per_hour * s.minutes_per_study for s in streams) / arrivals
        due = min(scenario.target(region, s.priority) for s in streams)
        readers = readers_needed(arrivals, minutes, max(0.0, due - minutes), MAX_LATE_FRACTION)
        units = readers * problem.shift_units(shifts[shift_id])
        by_pool: dict[str, float] = defaultdict(float)
        for s in streams:
            by_pool[s.pool] += s.arrivals_per_hour
        for pool, rate in by_pool.items():
            key = (pool, shift_id)
            floors[key] = max(floors.get(key, 0), math.ceil(units * rate / arrivals))
    demand = []
    for row in problem.reading_demand:
        key = (row.pool, row.shift_id)
        demand.append(replace(row, units=max(row.units, floors.pop(key, 0))))
    return replace(problem, reading_demand=tuple(demand))
