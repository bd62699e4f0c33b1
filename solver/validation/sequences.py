"""Consecutive-day rules: runs of worked days, days off and nights, with history before day 0."""

from __future__ import annotations

from solver.problem import Radiologist
from solver.validation.index import RosterIndex
from solver.validation.runs import Run, is_inner, runs_of
from solver.validation.violation import Violation, on, plural, who


def consecutive_days(index: RosterIndex, reader: Radiologist) -> list[Violation]:
    problem = index.problem
    rules = reader.rules
    days = index.worked_days(reader.id)
    worked = [day in days for day in range(problem.num_days)]
    violations = []
    if rules.max_consecutive_days is not None:
        violations += _too_long(
            index,
            reader,
            runs_of(worked),
            reader.history.consecutive_days_worked,
            rules.max_consecutive_days,
            rule="max_consecutive_days",
            noun="day",
        )
    if rules.min_consecutive_days is not None:
        for run in runs_of(worked):
            if is_inner(run, problem.num_days) and run.length < rules.min_consecutive_days:
                violations.append(
                    _at(
                        reader,
                        "min_consecutive_days",
                        run.start,
                        f"{who(reader)} works only {plural(run.length, 'consecutive day')} from "
                        f"{on(problem, run.start)}, fewer than the minimum of "
                        f"{rules.min_consecutive_days}",
                    )
                )
    if rules.min_consecutive_days_off is not None:
        for run in runs_of(worked, value=False):
            if is_inner(run, problem.num_days) and run.length < rules.min_consecutive_days_off:
                violations.append(
                    _at(
                        reader,
                        "min_consecutive_days_off",
                        run.start,
                        f"{who(reader)} has only {plural(run.length, 'day')} off from "
                        f"{on(problem, run.start)}, fewer than the minimum of "
                        f"{rules.min_consecutive_days_off}",
                    )
                )
    return violations


def consecutive_nights(index: RosterIndex, reader: Radiologist) -> list[Violation]:
    maximum = reader.rules.max_consecutive_nights
    if maximum is None:
        return []
    nights = {s.day for s in index.worked[reader.id] if index.is_night(reader, s)}
    flags = [day in nights for day in range(index.problem.num_days)]
    return _too_long(
        index,
        reader,
        runs_of(flags),
        reader.history.consecutive_nights_worked,
        maximum,
        rule="max_consecutive_nights",
        noun="night",
    )


def _too_long(
    index: RosterIndex,
    reader: Radiologist,
    runs: list[Run],
    before_day0: int,
    maximum: int,
    *,
    rule: str,
    noun: str,
) -> list[Violation]:
    """Runs longer than ``maximum``; a run starting on day 0 continues the history's run."""
    problem = index.problem
    violations = []
    for run in runs:
        carried = before_day0 if run.start == 0 else 0
        length = run.length + carried
        if length <= maximum:
            continue
        earlier = f" ({carried} of them before this period)" if carried else ""
        violations.append(
            _at(
                reader,
                rule,
                run.start,
                f"{who(reader)} works {length} consecutive {noun}s from "
                f"{on(problem, run.start - carried)}{earlier}, more than the maximum of {maximum}",
            )
        )
    return violations


def _at(reader: Radiologist, rule: str, day: int, message: str) -> Violation:
    return Violation(rule=rule, radiologist=reader.id, day=day, shift_id=None, message=message)
