"""Scenarios side by side: the period's baseline first, each scenario's KPIs per region, and the
flat rows the CSV and Excel exports write."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlmodel import Session

from scheduler import models as m
from scheduler.exports.formulas import escape_formula
from scheduler.scenarios.changes import ChangeError, describe
from scheduler.scenarios.kpis import BANDS, ScenarioKpis
from scheduler.scenarios.service import (
    baseline_scenario,
    get_result,
    get_scenario,
    scenario_changes,
)
from scheduler.services.errors import FieldError

HEADERS = (
    "scenario",
    "status",
    "region",
    "sparse",
    *(f"covered_pct_{band}" for band in BANDS),
    "covered_pct_all",
    "demand_hours",
    "unmet_hours",
    "on_call_gaps",
    "urgent_turnaround_min",
    "urgent_on_time_pct",
    "licensed_readers",
    "readers",
    "fte",
    "licences",
    "privileges",
    "fairness_nights_spread",
    "fairness_weekends_spread",
    "fairness_on_calls_spread",
    "objective",
    "time_limit_s",
)


@dataclass(frozen=True)
class Column:
    """One scenario in the comparison."""

    scenario: m.Scenario
    result: m.ScenarioResult | None
    kpis: ScenarioKpis | None
    changes: tuple[str, ...]  # described in words

    @property
    def status(self) -> str:
        return self.result.status if self.result is not None else "not run"


@dataclass(frozen=True)
class Comparison:
    period: m.PlanningPeriod
    columns: tuple[Column, ...]  # the baseline first
    regions: tuple[str, ...]
    sparse: frozenset[str]

    @property
    def baseline(self) -> Column | None:
        first = self.columns[0] if self.columns else None
        return first if first is not None and first.scenario.is_baseline else None

    def covered(self, column: Column, region: str, band: str | None = None) -> float | None:
        row = column.kpis.region(region) if column.kpis else None
        return row.covered_pct(band) if row else None

    def delta(self, column: Column, region: str) -> float | None:
        """Percentage points of demand covered over the baseline's."""
        base = self.baseline
        if base is None or column is base:
            return None
        now, before = self.covered(column, region), self.covered(base, region)
        return None if now is None or before is None else now - before


def compare_scenarios(*, session: Session, scenario_ids: Sequence[int]) -> Comparison:
    """The scenarios (all of one period) after that period's baseline."""
    scenarios = [get_scenario(session=session, scenario_id=i) for i in dict.fromkeys(scenario_ids)]
    if not scenarios:
        raise FieldError("ids", "choose at least one scenario to compare")
    periods = {s.period_id for s in scenarios}
    if len(periods) > 1:
        raise FieldError("ids", "compare scenarios of one planning period at a time")
    period = session.get(m.PlanningPeriod, periods.pop())
    assert period is not None and period.id is not None
    baseline = baseline_scenario(session=session, period_id=period.id)
    ordered = [baseline, *(s for s in scenarios if s.id != baseline.id)]
    columns = tuple(_column(session, s) for s in ordered)
    regions = sorted({r.region for c in columns if c.kpis for r in c.kpis.regions})
    sparse = frozenset(r.region for c in columns if c.kpis for r in c.kpis.regions if r.sparse)
    return Comparison(period, columns, tuple(regions), sparse)


def _column(session: Session, scenario: m.Scenario) -> Column:
    assert scenario.id is not None
    result = get_result(session=session, scenario_id=scenario.id)
    kpis = None
    if result is not None and result.kpis_json not in ("", "{}"):
        kpis = ScenarioKpis.from_dict(json.loads(result.kpis_json))
    try:
        changes = tuple(describe(c) for c in scenario_changes(scenario))
    except ChangeError as exc:  # stored before a change kind was renamed: shown, not fatal
        changes = (f"unreadable changes: {exc}",)
    return Column(scenario, result, kpis, changes)


def comparison_rows(comparison: Comparison) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for column in comparison.columns:
        kpis = column.kpis
        if kpis is None:
            rows.append([column.scenario.name, column.status] + [None] * (len(HEADERS) - 2))
            continue
        for region in kpis.regions:
            rows.append(
                [
                    column.scenario.name,
                    column.status,
                    region.region,
                    region.sparse,
                    *(_round(region.covered_pct(band)) for band in BANDS),
                    _round(region.covered_pct()),
                    _round(sum(region.demand_hours.values())),
                    _round(region.unmet_hours),
                    region.on_call_gaps,
                    _round(region.urgent_turnaround_minutes),
                    _round(region.urgent_on_time_pct),
                    region.licensed_readers,
                    kpis.readers,
                    kpis.fte,
                    kpis.licences,
                    kpis.privileges,
                    kpis.fairness_spread.get("nights"),
                    kpis.fairness_spread.get("weekends"),
                    kpis.fairness_spread.get("on_calls"),
                    column.result.objective if column.result else None,
                    column.result.time_limit_seconds if column.result else None,
                ]
            )
    return rows


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def comparison_csv(comparison: Comparison) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for row in comparison_rows(comparison):
        writer.writerow(["" if v is None else escape_formula(v) for v in row])
    return out.getvalue()


def comparison_xlsx(comparison: Comparison) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Scenarios"
    sheet.append(list(HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row in comparison_rows(comparison):
        sheet.append([escape_formula(v) for v in row])
    changes = workbook.create_sheet("Changes")
    changes.append(["scenario", "change"])
    for column in comparison.columns:
        for text in column.changes or ("(none)",):
            changes.append([escape_formula(column.scenario.name), escape_formula(text)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
