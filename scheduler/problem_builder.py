"""Stored rows of one planning period -> a ``solver.Problem``, and the keys to map results back.

Solver ids are readable so that explanations name real things: radiologists by code, shifts as
``REGION:TEMPLATE:YYYY-MM-DD``, pools as ``SITE/SUBSPECIALTY``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from scheduler import models as m
from scheduler.models.shift_demand import ShiftDemand
from solver import problem as sp

DAYS_PER_RULES_WEEKENDS = 28  # Rules.max_weekends counts weekends per 4 weeks


class BuildError(ValueError):
    """The stored data cannot form a problem (unknown period, empty roster of readers, ...)."""


@dataclass(frozen=True)
class BuildOptions:
    unit_minutes: int = 60
    shortfall_weight: int = 100
    # Sparse regions depend on teleradiology: missing cover there costs more.
    sparse_shortfall_weight: int = 150
    excess_weight: int = 0
    fairness_nights: int = 5
    fairness_weekends: int = 5
    fairness_on_call: int = 5
    change_weight: int = 30  # per assignment of the reference roster that moves
    follow_the_sun: int = 1
    # Share of an on-call shift counted as working time (on call from home; callouts are short).
    on_call_work_fraction: float = 0.25


@dataclass(frozen=True)
class ShiftKey:
    template_id: int
    date: dt.date
    region_id: int | None


@dataclass(frozen=True)
class BuiltProblem:
    """The problem plus the maps from solver ids back to database ids."""

    problem: sp.Problem
    period_id: int
    radiologist_ids: dict[str, int] = field(default_factory=dict)
    shift_keys: dict[str, ShiftKey] = field(default_factory=dict)
    # pool id -> (site id, subspecialty id)
    pool_keys: dict[str, tuple[int, int]] = field(default_factory=dict)
    # The reverse of shift_keys, made once (by build_problem, else here), never per lookup.
    shift_ids: dict[ShiftKey, str] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.shift_ids) != len(self.shift_keys):
            object.__setattr__(self, "shift_ids", _reverse(self.shift_keys))

    def shift_ids_by_key(self) -> dict[ShiftKey, str]:
        """(template, date, region) -> solver shift id; the same dict on every call: read only."""
        return self.shift_ids


def _reverse(shift_keys: dict[str, ShiftKey]) -> dict[ShiftKey, str]:
    return {key: shift_id for shift_id, key in shift_keys.items()}


@dataclass
class _Catalogue:
    """Every lookup table the builder needs, read once."""

    regions: dict[int, m.Region]
    sites: dict[int, m.Site]
    subspecialties: dict[int, m.Subspecialty]
    templates: list[m.ShiftTemplate]
    rules: list[m.Rules]

    @classmethod
    def load(cls, session: Session) -> _Catalogue:
        return cls(
            regions={r.id: r for r in session.exec(select(m.Region)) if r.id is not None},
            sites={s.id: s for s in session.exec(select(m.Site)) if s.id is not None},
            subspecialties={
                s.id: s for s in session.exec(select(m.Subspecialty)) if s.id is not None
            },
            templates=list(session.exec(select(m.ShiftTemplate).order_by(col(m.ShiftTemplate.id)))),
            rules=list(session.exec(select(m.Rules))),
        )

    def rules_for(self, region_id: int | None) -> m.Rules | None:
        """The most specific rule set for a reader's home region (site rules are for sites)."""
        regional = [r for r in self.rules if r.region_id == region_id and r.site_id is None]
        if region_id is not None and regional:
            return regional[0]
        defaults = [r for r in self.rules if r.is_default]
        return defaults[0] if defaults else None


def shift_start_utc(date: dt.date, local_start: dt.time, time_zone: str) -> dt.datetime:
    """The UTC instant of a wall-clock start; DST gaps resolve forward, as clocks do."""
    local = dt.datetime.combine(date, local_start, tzinfo=ZoneInfo(time_zone))
    return local.astimezone(dt.UTC)


def shift_length_minutes(
    start_utc: dt.datetime, date: dt.date, template: m.ShiftTemplate, tz: str
) -> int:
    """Real minutes between the local start and the local end.

    A night shift on a DST night is an hour shorter or longer, as the people working it live it.
    """
    zone = ZoneInfo(tz)
    local_start = dt.datetime.combine(date, template.local_start)
    local_end = local_start + dt.timedelta(minutes=template.length_minutes)
    end_utc = local_end.replace(tzinfo=zone).astimezone(dt.UTC)
    return int((end_utc - start_utc).total_seconds() // 60)


def build_problem(
    *,
    session: Session,
    period_id: int,
    reference_roster_id: int | None = None,
    options: BuildOptions | None = None,
) -> BuiltProblem:
    options = options or BuildOptions()
    period = session.get(m.PlanningPeriod, period_id)
    if period is None:
        raise BuildError(f"planning period {period_id} does not exist")
    catalogue = _Catalogue.load(session)
    dates = [period.start_date + dt.timedelta(days=d) for d in range(period.num_days)]

    shifts, shift_keys, covers = _shifts(catalogue, dates, options)
    shift_ids = _reverse(shift_keys)
    pools, pool_keys, demand = _demand(session, catalogue, period, shift_keys, shift_ids, options)
    readers, radiologist_ids = _radiologists(session, catalogue, period)
    if not readers:
        raise BuildError("no active radiologists are stored")
    pins, reference = _reference(
        session, reference_roster_id, period.start_date, shift_ids, radiologist_ids
    )
    problem = sp.Problem(
        start_date=period.start_date,
        num_days=period.num_days,
        shifts=tuple(shifts),
        radiologists=tuple(readers),
        regions=tuple(sp.Region(r.code, r.time_zone, r.sparse) for r in catalogue.regions.values()),
        sites=tuple(
            sp.Site(s.code, catalogue.regions[s.region_id].code, s.time_zone)
            for s in catalogue.sites.values()
        ),
        pools=tuple(pools),
        reading_demand=tuple(demand),
        headcount_cover=tuple(covers),
        pins=tuple(pins),
        reference=frozenset(reference),
        weights=sp.Weights(
            fairness_nights=options.fairness_nights,
            fairness_weekends=options.fairness_weekends,
            fairness_on_call=options.fairness_on_call,
            change=options.change_weight if reference else 0,
            follow_the_sun=options.follow_the_sun,
        ),
        unit_minutes=options.unit_minutes,
        name=period.name,
    )
    return BuiltProblem(problem, period_id, radiologist_ids, shift_keys, pool_keys, shift_ids)


def _shifts(
    catalogue: _Catalogue, dates: list[dt.date], options: BuildOptions
) -> tuple[list[sp.Shift], dict[str, ShiftKey], list[sp.HeadcountCover]]:
    shifts: list[sp.Shift] = []
    keys: dict[str, ShiftKey] = {}
    covers: list[sp.HeadcountCover] = []
    for template in catalogue.templates:
        assert template.id is not None
        # A template without a region applies in every region, in each region's own time.
        region_ids = (
            [template.region_id] if template.region_id is not None else list(catalogue.regions)
        )
        for region_id in region_ids:
            region = catalogue.regions[region_id]
            tz = (
                catalogue.sites[template.site_id].time_zone
                if template.site_id is not None
                else region.time_zone
            )
            skill = (
                catalogue.subspecialties[template.subspecialty_id].code
                if template.subspecialty_id is not None
                else None
            )
            for day, date in enumerate(dates):
                if not template.applies_on(date):
                    continue
                start = shift_start_utc(date, template.local_start, tz)
                length = shift_length_minutes(start, date, template, tz)
                shift_id = f"{region.code}:{template.code}:{date.isoformat()}"
                on_call = template.kind == sp.ShiftKind.ON_CALL
                shifts.append(
                    sp.Shift(
                        id=shift_id,
                        day=day,
                        template=template.code,
                        kind=sp.ShiftKind(template.kind),
                        start=start,
                        length_minutes=length,
                        region=region.code,
                        remote=template.remote,
                        required_skills=frozenset({skill}) if skill else frozenset(),
                        units=0 if on_call else length // options.unit_minutes,
                        work_minutes=(
                            round(length * options.on_call_work_fraction) if on_call else None
                        ),
                    )
                )
                keys[shift_id] = ShiftKey(template.id, date, region_id)
                if on_call and template.required_readers > 0:
                    covers.append(sp.HeadcountCover(shift_id, template.required_readers, hard=True))
    return shifts, keys, covers


def _demand(
    session: Session,
    catalogue: _Catalogue,
    period: m.PlanningPeriod,
    shift_keys: dict[str, ShiftKey],
    shift_ids: dict[ShiftKey, str],
    options: BuildOptions,
) -> tuple[list[sp.Pool], dict[str, tuple[int, int]], list[sp.ReadingDemand]]:
    rows = session.exec(select(ShiftDemand).where(ShiftDemand.period_id == period.id)).all()
    workload: dict[tuple[str, str], float] = defaultdict(float)
    floor_readers: dict[tuple[str, str], int] = defaultdict(int)
    pool_keys: dict[str, tuple[int, int]] = {}
    for row in rows:
        shift_id = shift_ids.get(ShiftKey(row.shift_template_id, row.date, row.region_id))
        if shift_id is None:
            continue  # the template no longer applies that day: nothing can cover it
        site = catalogue.sites[row.site_id]
        pool_id = f"{site.code}/{catalogue.subspecialties[row.subspecialty_id].code}"
        pool_keys[pool_id] = (row.site_id, row.subspecialty_id)
        workload[(pool_id, shift_id)] += row.reader_hours * 60 / options.unit_minutes
        floor_readers[(pool_id, shift_id)] = max(
            floor_readers[(pool_id, shift_id)], row.min_readers
        )
    whole_units = _whole_units(workload, shift_keys)
    sparse_sites = {
        s.code for s in catalogue.sites.values() if catalogue.regions[s.region_id].sparse
    }
    # min_readers (Erlang C, for studies with a turnaround target) is a floor of readers present,
    # not extra units: the solver counts the eligible readers on the shift (one reader may hold
    # the floor of several pools), so it passes through unchanged.
    demand = [
        sp.ReadingDemand(
            pool=pool_id,
            shift_id=shift_id,
            units=whole,
            weight_under=(
                options.sparse_shortfall_weight
                if pool_id.split("/")[0] in sparse_sites
                else options.shortfall_weight
            ),
            weight_over=options.excess_weight,
            min_readers=floor_readers.get((pool_id, shift_id), 0),
        )
        for (pool_id, shift_id), whole in whole_units.items()
        if whole > 0 or floor_readers.get((pool_id, shift_id), 0) > 0
    ]
    pools = [
        sp.Pool(pool_id, catalogue.sites[site_id].code, catalogue.subspecialties[sub_id].code)
        for pool_id, (site_id, sub_id) in sorted(pool_keys.items())
    ]
    return pools, pool_keys, demand


def _whole_units(
    units: dict[tuple[str, str], float], shift_keys: dict[str, ShiftKey]
) -> dict[tuple[str, str], int]:
    """Round each pool's demand in time order so its running total stays within half a unit.

    Rounding every slot on its own would drop a sparse pool's many 0.3-hour slots to nothing.
    """
    whole: dict[tuple[str, str], int] = {}
    running: dict[str, float] = defaultdict(float)
    for pool_id, shift_id in sorted(units, key=lambda k: (k[0], shift_keys[k[1]].date, k[1])):
        before = round(running[pool_id])
        running[pool_id] += units[(pool_id, shift_id)]
        whole[(pool_id, shift_id)] = round(running[pool_id]) - before
    return whole


def _radiologists(
    session: Session, catalogue: _Catalogue, period: m.PlanningPeriod
) -> tuple[list[sp.Radiologist], dict[str, int]]:
    readers: list[sp.Radiologist] = []
    ids: dict[str, int] = {}
    availability: dict[int, list[m.AvailabilityEntry]] = defaultdict(list)
    for entry in session.exec(
        select(m.AvailabilityEntry).where(m.AvailabilityEntry.period_id == period.id)
    ):
        availability[entry.radiologist_id].append(entry)
    rows = session.exec(
        select(m.Radiologist).where(col(m.Radiologist.active)).order_by(col(m.Radiologist.code))
    ).all()
    for row in rows:
        assert row.id is not None
        ids[row.code] = row.id
        rules = catalogue.rules_for(row.home_region_id)
        readers.append(
            sp.Radiologist(
                id=row.code,
                name=row.name,
                fte=row.fte,
                home_region=(
                    catalogue.regions[row.home_region_id].code
                    if row.home_region_id is not None
                    else None
                ),
                home_time_zone=row.home_time_zone,
                skills=frozenset(
                    catalogue.subspecialties[s.subspecialty_id].code for s in row.skills
                ),
                licences=tuple(
                    sp.Licence(
                        valid_from=lic.valid_from,
                        valid_to=lic.valid_to,
                        region=catalogue.regions[lic.region_id].code,
                        number=lic.number,
                    )
                    for lic in row.licences
                ),
                privileges=tuple(
                    sp.Privilege(
                        valid_from=p.valid_from,
                        valid_to=p.valid_to,
                        site=catalogue.sites[p.site_id].code,
                    )
                    for p in row.privileges
                ),
                availability=tuple(
                    sp.Availability(
                        day=(entry.date - period.start_date).days,
                        kind=sp.AvailabilityKind(entry.kind),
                        shift_kind=sp.ShiftKind(entry.shift_kind) if entry.shift_kind else None,
                        weight=entry.weight,
                    )
                    for entry in sorted(availability[row.id], key=lambda e: (e.date, e.id or 0))
                    if 0 <= (entry.date - period.start_date).days < period.num_days
                ),
                rules=_solver_rules(rules, row.fte, period.num_days),
            )
        )
    return readers, ids


def _solver_rules(rules: m.Rules | None, fte: float, num_days: int) -> sp.Rules:
    if rules is None:
        return sp.Rules()
    return sp.Rules(
        max_consecutive_days=rules.max_consecutive_days,
        max_consecutive_nights=rules.max_consecutive_nights,
        min_rest_minutes=round(rules.min_rest_hours * 60),
        max_average_weekly_minutes=round(rules.max_weekly_hours * 60 * fte),
        max_weekends=-(-rules.max_weekends * num_days // DAYS_PER_RULES_WEEKENDS),
    )


def _reference(
    session: Session,
    roster_id: int | None,
    start_date: dt.date,
    shift_ids: dict[ShiftKey, str],
    radiologist_ids: dict[str, int],
) -> tuple[list[sp.Pin], set[tuple[str, str]]]:
    """Locked cells of the reference roster become pins; all its cells the change reference."""
    if roster_id is None:
        return [], set()
    roster = session.get(m.Roster, roster_id)
    if roster is None:
        raise BuildError(f"roster {roster_id} does not exist")
    codes = {db_id: code for code, db_id in radiologist_ids.items()}
    pins: list[sp.Pin] = []
    reference: set[tuple[str, str]] = set()
    for assignment in roster.assignments:
        code = codes.get(assignment.radiologist_id)
        shift_id = shift_ids.get(
            ShiftKey(assignment.shift_template_id, assignment.date, assignment.region_id)
        )
        if code is None or shift_id is None:
            continue  # reader since deactivated or template gone: nothing to keep
        reference.add((code, shift_id))
        if assignment.locked:
            pins.append(sp.Pin(code, (assignment.date - start_date).days, shift_id))
    return pins, reference
