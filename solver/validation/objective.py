"""Soft terms besides cover and fairness: preferences, change from the reference, follow the sun."""

from __future__ import annotations

from solver.problem import AvailabilityKind
from solver.validation.days import matches
from solver.validation.index import RosterIndex


def preference_cost(index: RosterIndex) -> int:
    """PREFER costs its weight when none of its shifts is worked, AVOID when any is."""
    cost = 0
    for reader in index.problem.radiologists:
        wishes = [
            e
            for e in reader.availability
            if e.kind in (AvailabilityKind.PREFER, AvailabilityKind.AVOID)
        ]
        if not wishes:
            continue
        by_day = index.worked_by_day(reader.id)
        for entry in wishes:
            works_one = any(matches(entry, s) for s in by_day.get(entry.day, []))
            if works_one != (entry.kind == AvailabilityKind.PREFER):
                cost += entry.weight
    return cost


def change_cost(index: RosterIndex) -> int:
    weight = index.problem.weights.change
    if weight == 0:
        return 0
    return weight * len(index.problem.reference - index.assigned)


def follow_the_sun_cost(index: RosterIndex) -> int:
    """Whole hours (per shift, rounded down) of each shift inside its reader's local night."""
    weight = index.problem.weights.follow_the_sun
    if weight == 0:
        return 0
    hours = 0
    for reader_id, shifts in index.worked.items():
        zone = index.readers[reader_id].home_time_zone
        hours += sum(index.night_minutes(s, zone) // 60 for s in shifts)
    return weight * hours
