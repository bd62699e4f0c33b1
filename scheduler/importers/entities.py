"""What each importable file holds: its columns, the model they fill, its natural key, and extra
checks.

Files name related rows by natural key (``region`` = region code, ``radiologist`` = code or email,
``period`` = planning period name); the importer resolves them to ids. ``ENTITIES`` is in dependency
order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlmodel import SQLModel

from scheduler.importers.refs import Refs
from scheduler.models import (
    AvailabilityEntry,
    AvailabilityEntryCreate,
    Licence,
    LicenceCreate,
    Modality,
    ModalityCreate,
    PlanningPeriod,
    PlanningPeriodCreate,
    Privilege,
    PrivilegeCreate,
    ProductivityRate,
    ProductivityRateCreate,
    Radiologist,
    RadiologistCreate,
    Region,
    RegionCreate,
    Rules,
    RulesCreate,
    ShiftTemplate,
    ShiftTemplateCreate,
    Site,
    SiteCreate,
    Skill,
    SkillCreate,
    Subspecialty,
    SubspecialtyCreate,
)

# (field or column, reason) problems found by an entity's own checks.
Problems = list[tuple[str, str]]


@dataclass(frozen=True)
class Column:
    """A file column. ``field`` None: for people only, not stored (a region's country).
    ``ref``: the column holds a natural key of that kind (``region``, ``radiologist``, ...)."""

    name: str
    field: str | None
    required: bool = True
    ref: str | None = None


@dataclass(frozen=True)
class EntitySpec:
    """One importable file.

    ``key``: model fields of the natural key; re-importing a row with a stored key updates that row.
    ``unique``: other field sets no two rows may share (a radiologist's email).
    ``row_error_column``: where a whole-row rule of the model (date order, scope) is reported.
    ``prepare``: defaults and cross-row checks, run before the model validates the row.
    """

    name: str
    table: type[SQLModel]
    create: type[SQLModel]
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    unique: tuple[tuple[str, ...], ...] = ()
    row_error_column: str | None = None
    prepare: Callable[[dict[str, Any], Refs], Problems] | None = None

    def column_of(self, field: str) -> str:
        return next((c.name for c in self.columns if c.field == field), field)


def _default_time_zone_from(
    ref_field: str, kind: str, tz_field: str
) -> Callable[[dict[str, Any], Refs], Problems]:
    """A blank time zone takes the zone of the referenced region (or site)."""

    def prepare(data: dict[str, Any], refs: Refs) -> Problems:
        if data.get(tz_field):
            return []
        owner = refs.get(kind, data.get(ref_field))
        if owner is not None:
            data[tz_field] = owner.time_zone
            return []
        if ref_field in data:
            return []  # the unknown reference is reported already
        return [(tz_field, f"missing value: give {tz_field} or a {kind}")]

    return prepare


def _scope_matches_site(data: dict[str, Any], refs: Refs) -> Problems:
    """A site-scoped row takes its site's region when none is given, and a given one must match."""
    site = refs.get("site", data.get("site_id"))
    if site is None:
        return []
    if data.get("region_id") is None:
        data["region_id"] = site.region_id
    elif data["region_id"] and data["region_id"] != site.region_id:
        return [
            (
                "site",
                f"site {site.code!r} is in region {refs.label('region', site.region_id)!r}, "
                f"not {refs.label('region', data['region_id'])!r}",
            )
        ]
    return []


def _date_in_period(data: dict[str, Any], refs: Refs) -> Problems:
    period = refs.get("period", data.get("period_id"))
    day = data.get("date")
    if period is None or not day:
        return []
    try:
        value = dt.date.fromisoformat(str(day))
    except ValueError:
        return []  # the model reports the bad date
    if not period.start_date <= value <= period.end_date:
        return [
            (
                "date",
                f"date {value} is outside period {period.name!r} "
                f"({period.start_date} to {period.end_date})",
            )
        ]
    return []


ENTITIES: tuple[EntitySpec, ...] = (
    EntitySpec(
        "regions",
        Region,
        RegionCreate,
        (
            Column("code", "code"),
            Column("name", "name"),
            Column("time_zone", "time_zone"),
            Column("population", "population", required=False),
            Column("sparse", "sparse", required=False),
            Column("country", None, required=False),
        ),
        key=("code",),
    ),
    EntitySpec(
        "sites",
        Site,
        SiteCreate,
        (
            Column("code", "code"),
            Column("name", "name"),
            Column("region", "region_id", ref="region"),
            Column("time_zone", "time_zone", required=False),
        ),
        key=("code",),
        prepare=_default_time_zone_from("region_id", "region", "time_zone"),
    ),
    EntitySpec(
        "subspecialties",
        Subspecialty,
        SubspecialtyCreate,
        (Column("code", "code"), Column("name", "name")),
        key=("code",),
    ),
    EntitySpec(
        "modalities",
        Modality,
        ModalityCreate,
        (Column("code", "code"), Column("name", "name")),
        key=("code",),
    ),
    EntitySpec(
        "radiologists",
        Radiologist,
        RadiologistCreate,
        (
            Column("code", "code"),
            Column("name", "name"),
            Column("email", "email"),
            Column("fte", "fte", required=False),
            Column("home_region", "home_region_id", required=False, ref="region"),
            Column("home_time_zone", "home_time_zone", required=False),
            Column("active", "active", required=False),
        ),
        key=("code",),
        unique=(("email",),),
        prepare=_default_time_zone_from("home_region_id", "region", "home_time_zone"),
    ),
    EntitySpec(
        "skills",
        Skill,
        SkillCreate,
        (
            Column("radiologist", "radiologist_id", ref="radiologist"),
            Column("subspecialty", "subspecialty_id", ref="subspecialty"),
            Column("level", "level", required=False),
        ),
        key=("radiologist_id", "subspecialty_id"),
    ),
    EntitySpec(
        "licences",
        Licence,
        LicenceCreate,
        (
            Column("radiologist", "radiologist_id", ref="radiologist"),
            Column("region", "region_id", ref="region"),
            Column("number", "number", required=False),
            Column("valid_from", "valid_from"),
            Column("valid_to", "valid_to", required=False),
        ),
        key=("radiologist_id", "region_id", "valid_from"),
        row_error_column="valid_to",
    ),
    EntitySpec(
        "privileges",
        Privilege,
        PrivilegeCreate,
        (
            Column("radiologist", "radiologist_id", ref="radiologist"),
            Column("site", "site_id", ref="site"),
            Column("via_proxy", "via_proxy", required=False),
            Column("valid_from", "valid_from"),
            Column("valid_to", "valid_to", required=False),
        ),
        key=("radiologist_id", "site_id", "valid_from"),
        row_error_column="valid_to",
    ),
    EntitySpec(
        "shift_templates",
        ShiftTemplate,
        ShiftTemplateCreate,
        (
            Column("code", "code"),
            Column("name", "name"),
            Column("kind", "kind"),
            Column("local_start", "local_start"),
            Column("length_minutes", "length_minutes"),
            Column("region", "region_id", required=False, ref="region"),
            Column("site", "site_id", required=False, ref="site"),
            Column("remote", "remote", required=False),
            Column("weekdays", "weekdays", required=False),
            Column("required_readers", "required_readers", required=False),
            Column("subspecialty", "subspecialty_id", required=False, ref="subspecialty"),
        ),
        key=("code", "region_id", "site_id"),
        row_error_column="region",
        prepare=_scope_matches_site,
    ),
    EntitySpec(
        "rules",
        Rules,
        RulesCreate,
        (
            Column("region", "region_id", required=False, ref="region"),
            Column("site", "site_id", required=False, ref="site"),
            Column("min_rest_hours", "min_rest_hours", required=False),
            Column("max_consecutive_nights", "max_consecutive_nights", required=False),
            Column("max_consecutive_days", "max_consecutive_days", required=False),
            Column("max_weekly_hours", "max_weekly_hours", required=False),
            Column("max_weekends", "max_weekends", required=False),
            Column("turnaround_stat_minutes", "turnaround_stat_minutes", required=False),
            Column("turnaround_ed_minutes", "turnaround_ed_minutes", required=False),
            Column("turnaround_inpatient_minutes", "turnaround_inpatient_minutes", required=False),
            Column(
                "turnaround_outpatient_minutes", "turnaround_outpatient_minutes", required=False
            ),
        ),
        key=("region_id", "site_id"),
        row_error_column="region",
        prepare=_scope_matches_site,
    ),
    EntitySpec(
        "planning_periods",
        PlanningPeriod,
        PlanningPeriodCreate,
        (
            Column("name", "name"),
            Column("start_date", "start_date"),
            Column("weeks", "weeks"),
            Column("status", "status", required=False),
            Column("availability_deadline", "availability_deadline", required=False),
        ),
        key=("name",),
    ),
    EntitySpec(
        "availability",
        AvailabilityEntry,
        AvailabilityEntryCreate,
        (
            Column("period", "period_id", ref="period"),
            Column("radiologist", "radiologist_id", ref="radiologist"),
            Column("date", "date"),
            Column("shift_kind", "shift_kind", required=False),
            Column("kind", "kind"),
            Column("weight", "weight", required=False),
            Column("note", "note", required=False),
        ),
        key=("radiologist_id", "date", "shift_kind"),
        prepare=_date_in_period,
    ),
    EntitySpec(
        "productivity_rates",
        ProductivityRate,
        ProductivityRateCreate,
        (
            Column("modality", "modality_id", ref="modality"),
            Column("subspecialty", "subspecialty_id", ref="subspecialty"),
            Column("minutes_per_study", "minutes_per_study"),
        ),
        key=("modality_id", "subspecialty_id"),
    ),
)

SPECS: dict[str, EntitySpec] = {spec.name: spec for spec in ENTITIES}
