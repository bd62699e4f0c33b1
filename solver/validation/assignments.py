"""Who may work which shift and read which pool: eligibility of assignments and allocations."""

from __future__ import annotations

from collections import defaultdict

from solver.eligibility import may_read_pool, may_work_shift
from solver.problem import Radiologist, Shift
from solver.validation.index import RosterIndex
from solver.validation.violation import Violation, on, who


def shift_eligibility(index: RosterIndex) -> list[Violation]:
    problem = index.problem
    violations = []
    for reader_id, shifts in index.worked.items():
        reader = index.readers[reader_id]
        for shift in shifts:
            if not may_work_shift(problem, reader, shift):
                violations.append(
                    Violation(
                        rule="shift_eligibility",
                        radiologist=reader_id,
                        day=shift.day,
                        shift_id=shift.id,
                        message=f"{who(reader)} works shift {shift.id} on {on(problem, shift.day)} "
                        "without being eligible for it (qualification, skill, licence or "
                        "on-site rule)",
                    )
                )
    return violations


def allocation_rules(index: RosterIndex) -> list[Violation]:
    """An allocation needs its shift assigned and its pool readable, within the shift's units."""
    problem = index.problem
    violations = []
    units_given: dict[tuple[str, str], int] = defaultdict(int)
    for allocation in index.allocations:
        reader = index.readers[allocation.radiologist]
        shift = index.shifts[allocation.shift_id]
        pool = index.pools[allocation.pool]
        when = on(problem, shift.day)

        units_given[(reader.id, shift.id)] += allocation.units
        if allocation.units < 0:
            violations.append(
                _on_shift(
                    "allocation_units",
                    reader,
                    shift,
                    f"{who(reader)} gives a negative {allocation.units} units to pool {pool.id} "
                    f"on shift {shift.id} on {when}",
                )
            )
        if (reader.id, shift.id) not in index.assigned:
            violations.append(
                _on_shift(
                    "allocation_without_assignment",
                    reader,
                    shift,
                    f"{who(reader)} reads pool {pool.id} on shift {shift.id} on {when} "
                    "without being assigned to that shift",
                )
            )
        if not _may_read(index, reader.id, shift.id, pool.id):
            violations.append(
                _on_shift(
                    "pool_eligibility",
                    reader,
                    shift,
                    f"{who(reader)} reads pool {pool.id} on shift {shift.id} on {when} without "
                    "being eligible for it (licence, privilege, skill, region or on-site rule)",
                )
            )

    for (reader_id, shift_id), given in units_given.items():
        shift = index.shifts[shift_id]
        available = problem.shift_units(shift)
        if given > available:
            violations.append(
                Violation(
                    rule="allocation_units",
                    radiologist=reader_id,
                    day=shift.day,
                    shift_id=shift_id,
                    message=f"{who(index.readers[reader_id])} gives {given} units on shift "
                    f"{shift_id} on {on(problem, shift.day)}, more than the shift's {available}",
                )
            )
    return violations


def _on_shift(rule: str, reader: Radiologist, shift: Shift, message: str) -> Violation:
    return Violation(
        rule=rule, radiologist=reader.id, day=shift.day, shift_id=shift.id, message=message
    )


def _may_read(index: RosterIndex, reader_id: str, shift_id: str, pool_id: str) -> bool:
    pool = index.pools[pool_id]
    try:
        return may_read_pool(index.problem, index.readers[reader_id], index.shifts[shift_id], pool)
    except KeyError:  # the pool's site is missing from the problem: nobody may read it
        return False
