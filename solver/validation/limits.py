"""Per-reader totals over the horizon: shifts per template or kind, minutes, weekends."""

from __future__ import annotations

from collections import Counter

from solver.problem import Radiologist
from solver.validation.index import RosterIndex
from solver.validation.violation import Violation, plural, who


def shift_counts(index: RosterIndex, reader: Radiologist) -> list[Violation]:
    """A maximum of 0 is a qualification, reported by shift_eligibility already: skipped here."""
    shifts = index.worked[reader.id]
    violations = []
    by_template = Counter(s.template for s in shifts)
    for template, maximum in reader.rules.max_shifts_per_template.items():
        if 0 < maximum < by_template[template]:
            violations.append(
                _broken(
                    reader,
                    "max_shifts_per_template",
                    f"{who(reader)} works {plural(by_template[template], 'shift')} of template "
                    f"{template}, more than the maximum of {maximum}",
                )
            )
    by_kind = Counter(s.kind for s in shifts)
    for kind, maximum in reader.rules.max_shifts_per_kind.items():
        if 0 < maximum < by_kind[kind]:
            violations.append(
                _broken(
                    reader,
                    "max_shifts_per_kind",
                    f"{who(reader)} works {by_kind[kind]} {kind.value} shifts, "
                    f"more than the maximum of {maximum}",
                )
            )
    return violations


def total_minutes(index: RosterIndex, reader: Radiologist) -> list[Violation]:
    rules = reader.rules
    minutes = sum(s.counted_minutes for s in index.worked[reader.id])
    violations = []
    if rules.min_total_minutes is not None and minutes < rules.min_total_minutes:
        violations.append(
            _broken(
                reader,
                "min_total_minutes",
                f"{who(reader)} works {minutes} minutes in this period, fewer than the minimum "
                f"of {rules.min_total_minutes}",
            )
        )
    if rules.max_total_minutes is not None and minutes > rules.max_total_minutes:
        violations.append(
            _broken(
                reader,
                "max_total_minutes",
                f"{who(reader)} works {minutes} minutes in this period, more than the maximum "
                f"of {rules.max_total_minutes}",
            )
        )
    if rules.max_average_weekly_minutes is not None:
        cap = rules.max_average_weekly_minutes * index.problem.num_days // 7
        if minutes > cap:
            violations.append(
                _broken(
                    reader,
                    "max_average_weekly_minutes",
                    f"{who(reader)} works {minutes} minutes in this period, more than the "
                    f"{cap} that an average of {rules.max_average_weekly_minutes} minutes "
                    "a week allows",
                )
            )
    return violations


def weekends(index: RosterIndex, reader: Radiologist) -> list[Violation]:
    maximum = reader.rules.max_weekends
    if maximum is None:
        return []
    this_period = len(index.weekends_worked(reader.id))
    before = reader.history.weekends_worked
    if this_period + before <= maximum:
        return []
    earlier = f" (plus {before} before this period)" if before else ""
    return [
        _broken(
            reader,
            "max_weekends",
            f"{who(reader)} works {plural(this_period, 'weekend')}{earlier}, more than the "
            f"maximum of {maximum}",
        )
    ]


def _broken(reader: Radiologist, rule: str, message: str) -> Violation:
    return Violation(rule=rule, radiologist=reader.id, day=None, shift_id=None, message=message)
