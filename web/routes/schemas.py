"""Request and response models of the JSON API that are not table data models."""

import datetime as dt

from pydantic import BaseModel, Field

from scheduler import models as m
from scheduler.services.coverage import CoverageReport
from scheduler.services.diff import RosterDiff
from scheduler.services.licences import LicenceRow
from scheduler.services.periods import PeriodSummary
from scheduler.services.roster_grid import RosterGrid
from solver.options import SolveOptions
from solver.validate import ValidationReport, Violation

_DEFAULTS = SolveOptions()


class SolveRequest(BaseModel):
    max_time_in_seconds: float = Field(default=_DEFAULTS.max_time_in_seconds, gt=0, le=3600)
    num_workers: int = Field(default=_DEFAULTS.num_workers, ge=1, le=64)
    relative_gap_limit: float | None = Field(default=None, ge=0, le=1)

    def options(self) -> SolveOptions:
        return SolveOptions(
            max_time_in_seconds=self.max_time_in_seconds,
            num_workers=self.num_workers,
            relative_gap_limit=self.relative_gap_limit,
        )


class LicenceOut(m.LicencePublic):
    radiologist: str
    region: str
    warning: str | None

    @classmethod
    def of(cls, row: LicenceRow) -> "LicenceOut":
        return cls.model_validate(
            row.licence.model_dump()
            | {
                "radiologist": row.radiologist.name,
                "region": row.region.code,
                "warning": row.warning.value if row.warning else None,
            }
        )


class ReaderRef(BaseModel):
    id: int
    code: str
    name: str

    @classmethod
    def of(cls, reader: m.Radiologist) -> "ReaderRef":
        assert reader.id is not None
        return cls(id=reader.id, code=reader.code, name=reader.name)


class DemandOut(BaseModel):
    region: str
    subspecialty: str
    reader_hours: float


class PeriodOut(BaseModel):
    period: m.PlanningPeriodPublic
    submitted: list[ReaderRef]
    missing: list[ReaderRef]
    demand: list[DemandOut]
    demand_total_hours: float
    rosters: list[m.RosterPublic]
    jobs: list[m.SolveJobPublic]

    @classmethod
    def of(cls, summary: PeriodSummary) -> "PeriodOut":
        return cls(
            period=m.PlanningPeriodPublic.model_validate(summary.period),
            submitted=[ReaderRef.of(r) for r in summary.availability.submitted],
            missing=[ReaderRef.of(r) for r in summary.availability.missing],
            demand=[
                DemandOut(region=region, subspecialty=sub, reader_hours=hours)
                for (region, sub), hours in sorted(summary.demand.hours.items())
            ],
            demand_total_hours=summary.demand.total,
            rosters=[m.RosterPublic.model_validate(r) for r in summary.rosters],
            jobs=[m.SolveJobPublic.model_validate(j) for j in summary.jobs],
        )


class CellOut(BaseModel):
    assignment_id: int
    template_id: int
    template: str
    kind: m.ShiftKind
    region_id: int | None
    region: str | None
    locked: bool


class GridRowOut(BaseModel):
    radiologist: ReaderRef
    home_region: str | None
    cells: list[list[CellOut]]


class GridOut(BaseModel):
    roster: m.RosterPublic
    dates: list[dt.date]
    rows: list[GridRowOut]

    @classmethod
    def of(cls, grid: RosterGrid) -> "GridOut":
        return cls(
            roster=m.RosterPublic.model_validate(grid.roster),
            dates=list(grid.dates),
            rows=[
                GridRowOut(
                    radiologist=ReaderRef.of(row.radiologist),
                    home_region=row.home_region,
                    cells=[
                        [
                            CellOut(
                                assignment_id=s.assignment_id,
                                template_id=s.template_id,
                                template=s.template_code,
                                kind=s.kind,
                                region_id=s.region_id,
                                region=s.region_code,
                                locked=s.locked,
                            )
                            for s in cell
                        ]
                        for cell in row.cells
                    ],
                )
                for row in grid.rows
            ],
        )


class CellEditIn(BaseModel):
    """``template_id`` null makes the day off; ``region_id`` is needed for templates that apply
    in every region."""

    template_id: int | None = None
    region_id: int | None = None
    locked: bool = False
    lock_version: int = Field(ge=1)


class ViolationOut(BaseModel):
    rule: str
    radiologist: str | None
    day: int | None
    shift_id: str | None
    message: str

    @classmethod
    def of(cls, violation: Violation) -> "ViolationOut":
        return cls(
            rule=violation.rule,
            radiologist=violation.radiologist,
            day=violation.day,
            shift_id=violation.shift_id,
            message=violation.message,
        )


class ValidationOut(BaseModel):
    roster: m.RosterPublic
    ok: bool
    objective: int
    breakdown: dict[str, int]
    violations: list[ViolationOut]

    @classmethod
    def of(cls, roster: m.Roster, report: ValidationReport) -> "ValidationOut":
        return cls(
            roster=m.RosterPublic.model_validate(roster),
            ok=report.ok,
            objective=report.objective,
            breakdown=report.breakdown,
            violations=[ViolationOut.of(v) for v in report.violations],
        )


class EditOut(ValidationOut):
    new_version: bool
    cell_violations: list[ViolationOut]


class PublishIn(BaseModel):
    lock_version: int = Field(ge=1)
    override_reason: str | None = Field(default=None, max_length=1000)


class ResolveIn(SolveRequest):
    pass


class ChangeOut(BaseModel):
    radiologist_id: int
    radiologist: str
    date: dt.date
    kind: str
    before: str
    after: str


class DiffOut(BaseModel):
    old: m.RosterPublic
    new: m.RosterPublic
    changes: list[ChangeOut]

    @classmethod
    def of(cls, diff: RosterDiff) -> "DiffOut":
        return cls(
            old=m.RosterPublic.model_validate(diff.old),
            new=m.RosterPublic.model_validate(diff.new),
            changes=[
                ChangeOut(
                    radiologist_id=c.radiologist_id,
                    radiologist=c.radiologist,
                    date=c.date,
                    kind=c.kind.value,
                    before=c.before,
                    after=c.after,
                )
                for c in diff.changes
            ],
        )


class HeatRowOut(BaseModel):
    region: str
    subspecialty: str
    demand_hours: list[float]
    covered_hours: list[float]
    percent: list[float | None]


class ShortfallOut(BaseModel):
    date: dt.date
    region: str
    pool: str
    shift: str
    wanted: str
    missing: str
    reason: str


class FairnessOut(BaseModel):
    code: str
    name: str
    fte: float
    nights: int
    weekends: int
    on_calls: int
    nights_per_fte: float
    weekends_per_fte: float
    on_calls_per_fte: float


class CoverageOut(BaseModel):
    roster_id: int
    dates: list[dt.date]
    covered_percent: float | None
    heat: list[HeatRowOut]
    shortfalls: list[ShortfallOut]
    shortfall_count: int
    fairness: list[FairnessOut]

    @classmethod
    def of(cls, report: CoverageReport) -> "CoverageOut":
        return cls(
            roster_id=report.roster_id,
            dates=list(report.dates),
            covered_percent=report.covered_percent,
            heat=[
                HeatRowOut(
                    region=row.region,
                    subspecialty=row.subspecialty,
                    demand_hours=list(row.demand_hours),
                    covered_hours=list(row.covered_hours),
                    percent=[row.percent(d) for d in range(len(report.dates))],
                )
                for row in report.heat
            ],
            shortfalls=[
                ShortfallOut.model_validate(s, from_attributes=True) for s in report.shortfalls
            ],
            shortfall_count=report.shortfall_count,
            fairness=[
                FairnessOut(
                    code=f.code,
                    name=f.name,
                    fte=f.fte,
                    nights=f.nights,
                    weekends=f.weekends,
                    on_calls=f.on_calls,
                    nights_per_fte=f.per_fte(f.nights),
                    weekends_per_fte=f.per_fte(f.weekends),
                    on_calls_per_fte=f.per_fte(f.on_calls),
                )
                for f in report.fairness
            ],
        )
