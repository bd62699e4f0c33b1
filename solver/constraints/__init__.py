"""One module per rule family; each adds its constraints and returns its penalty terms."""

from __future__ import annotations

from collections.abc import Callable

from solver.constraints.availability import add_availability
from solver.constraints.change import add_change
from solver.constraints.consecutive_days import add_consecutive_days
from solver.constraints.consecutive_nights import add_consecutive_nights
from solver.constraints.context import ModelContext, Penalty
from solver.constraints.days_off import add_days_off
from solver.constraints.fairness import add_fairness
from solver.constraints.follow_the_sun import add_follow_the_sun
from solver.constraints.headcount_cover import add_headcount_cover
from solver.constraints.one_shift_per_day import add_one_shift_per_day
from solver.constraints.pins import add_pins
from solver.constraints.preferences import add_preferences
from solver.constraints.reading_cover import add_reading_cover
from solver.constraints.rest_and_overlap import add_rest_and_overlap
from solver.constraints.shift_counts import add_shift_counts
from solver.constraints.successions import add_successions
from solver.constraints.total_minutes import add_total_minutes
from solver.constraints.urgent_readers import add_urgent_readers
from solver.constraints.weekends import add_weekends

Family = Callable[[ModelContext], list[Penalty]]

FAMILIES: tuple[Family, ...] = (
    add_one_shift_per_day,
    add_availability,
    add_pins,
    add_successions,
    add_rest_and_overlap,
    add_shift_counts,
    add_total_minutes,
    add_consecutive_days,
    add_days_off,
    add_consecutive_nights,
    add_weekends,
    add_reading_cover,
    add_urgent_readers,
    add_headcount_cover,
    add_preferences,
    add_fairness,
    add_change,
    add_follow_the_sun,
)

__all__ = ["FAMILIES", "Family", "ModelContext", "Penalty"]
