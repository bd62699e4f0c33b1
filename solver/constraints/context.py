"""The model under construction, shared by every constraint family: variables, lookups and guards.

``x[r, s]`` (reader r works shift s) exists only for pairs the reader may work and is not barred
from; a missing variable means "never". Families read the lookups here, add their constraints and
return their penalty terms; ``solver.model`` assembles the objective from those terms.

In *guarded* mode (used to explain infeasibility) each hard-rule group is switched on by its own
literal, and the days barred by availability or pins get variables too, so the explanation can name
those rules.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from solver.eligibility import is_night_for, local_night_minutes
from solver.problem import Availability, Pool, Problem, Radiologist, Shift

# ortools ships no type stubs: its variables and expressions are plain ``Any`` to mypy.
BoolVar = Any
LinearExpr = Any


@dataclass(frozen=True)
class Penalty:
    """``weight * expr`` added to the objective, counted under breakdown key ``term``."""

    term: str
    name: str
    expr: LinearExpr
    weight: int


@dataclass(frozen=True)
class Guard:
    """A hard-rule group and the literal that switches it on; ``sentence`` names it."""

    literal: BoolVar
    sentence: str


@dataclass(frozen=True)
class Slot:
    """One decision of one reader: working ``shift`` iff ``var`` is true."""

    shift: Shift
    var: BoolVar


def count(n: int, noun: str) -> str:
    """``count(1, "day")`` is "1 day", ``count(3, "day")`` is "3 days"."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def entry_matches(entry: Availability, shift: Shift) -> bool:
    """An availability entry applies to the shifts of its day that fit its filters."""
    return (
        shift.day == entry.day
        and (entry.template is None or entry.template == shift.template)
        and (entry.shift_kind is None or entry.shift_kind == shift.kind)
    )


class ModelContext:
    """The CP-SAT model being built, its variables by reader, day and shift, and cached facts."""

    def __init__(self, problem: Problem, *, guarded: bool = False) -> None:
        self.problem = problem
        self.model = cp_model.CpModel()
        self.guarded = guarded
        self.readers: dict[str, Radiologist] = {r.id: r for r in problem.radiologists}
        self.shifts: dict[str, Shift] = {s.id: s for s in problem.shifts}
        self.pools: dict[str, Pool] = {p.id: p for p in problem.pools}
        self.shifts_by_day: dict[int, list[Shift]] = defaultdict(list)
        for shift in problem.shifts:
            self.shifts_by_day[shift.day].append(shift)

        self.x: dict[tuple[str, str], BoolVar] = {}
        # reader id -> their slots, in UTC start order (solver.model adds them in that order)
        self.slots: dict[str, list[Slot]] = {r.id: [] for r in problem.radiologists}
        self.slots_by_day: dict[str, dict[int, list[Slot]]] = {
            r.id: defaultdict(list) for r in problem.radiologists
        }
        self.on_shift: dict[str, list[BoolVar]] = defaultdict(list)
        # (pool, shift) -> the unit variables that supply it (see constraints.reading_groups)
        self.supply: dict[tuple[str, str], list[BoolVar]] = defaultdict(list)
        # fairness category ("nights", "weekends", "on_call") -> readers eligible for its shifts
        self.category_readers: dict[str, set[str]] = defaultdict(set)
        self.guards: list[Guard] = []
        # weekend index -> the horizon's weekend days with that index
        self.weekend_days = problem.weekends

        self._undated: dict[str, bool] = {}
        self._is_night: dict[tuple[str, str], bool] = {}
        self._night_minutes: dict[tuple[str, str], int] = {}
        self._works: dict[tuple[str, int], BoolVar | None] = {}
        self._nights: dict[tuple[str, int], BoolVar | None] = {}
        self._weekends: dict[tuple[str, int], BoolVar | None] = {}

    # ----- variables -----------------------------------------------------------------------------

    def add_slot(self, reader: Radiologist, shift: Shift) -> BoolVar:
        var = self.model.new_bool_var(f"x[{reader.id},{shift.id}]")
        self.x[reader.id, shift.id] = var
        slot = Slot(shift, var)
        self.slots[reader.id].append(slot)
        self.slots_by_day[reader.id][shift.day].append(slot)
        self.on_shift[shift.id].append(var)
        return var

    def works(self, reader_id: str, day: int) -> BoolVar | None:
        """True iff the reader works any shift on ``day``; None when they cannot work that day."""
        key = (reader_id, day)
        if key not in self._works:
            slots = self.slots_by_day[reader_id].get(day, [])
            self._works[key] = self._any(
                [s.var for s in slots], f"works[{reader_id},{day}]", one_day=True
            )
        return self._works[key]

    def works_night(self, reader_id: str, day: int) -> BoolVar | None:
        """True iff the reader works, on ``day``, a shift that is a night for them."""
        key = (reader_id, day)
        if key not in self._nights:
            reader = self.readers[reader_id]
            slots = self.slots_by_day[reader_id].get(day, [])
            night_vars = [s.var for s in slots if self.is_night(reader, s.shift)]
            self._nights[key] = self._any(night_vars, f"night[{reader_id},{day}]", one_day=True)
        return self._nights[key]

    def works_weekend(self, reader_id: str, weekend: int) -> BoolVar | None:
        """True iff the reader works any shift on a weekend day with index ``weekend``."""
        key = (reader_id, weekend)
        if key not in self._weekends:
            by_day = self.slots_by_day[reader_id]
            weekend_vars = [
                slot.var
                for day in self.weekend_days.get(weekend, ())
                for slot in by_day.get(day, [])
            ]
            self._weekends[key] = self._any(weekend_vars, f"weekend[{reader_id},{weekend}]")
        return self._weekends[key]

    def _any(self, variables: list[BoolVar], name: str, *, one_day: bool = False) -> BoolVar | None:
        """A literal true iff any of ``variables`` is. ``one_day``: they are one reader's shifts
        of one day, so at most one is true (solver.constraints.one_shift_per_day) and the literal
        is exactly their sum -- a linear equality the LP relaxation uses as it is."""
        if not variables:
            return None
        if len(variables) == 1:
            return variables[0]
        literal = self.model.new_bool_var(name)
        if one_day and not self.guarded:
            self.model.add(literal == sum(variables))
        else:
            # max, not sum: the exact "or" even in guarded mode with one-shift-per-day off
            self.model.add_max_equality(literal, variables)
        return literal

    # ----- guards ---------------------------------------------------------------------------------

    def guard(self, sentence: str) -> list[BoolVar]:
        """Enforcement literals for one hard-rule group: none in a normal solve, one when
        explaining."""
        if not self.guarded:
            return []
        literal = self.model.new_bool_var(f"guard: {sentence}")
        self.guards.append(Guard(literal, sentence))
        return [literal]

    def exclude(self, first: BoolVar, others: list[BoolVar], guard: list[BoolVar]) -> None:
        """Working ``first`` rules out each of ``others`` (all on one day, so at most one is
        worked)."""
        if guard:
            # pairwise, so the rule stays itself when one-shift-per-day is switched off
            for other in others:
                self.model.add_bool_or([~first, ~other]).only_enforce_if(guard)
        else:
            self.model.add_at_most_one([first, *others])

    def forbid(self, guard: list[BoolVar]) -> None:
        """A rule that cannot hold at all: infeasible when its guard is on."""
        self.model.add_bool_or([]).only_enforce_if(guard)

    def day_key(self, reader: Radiologist, day: int) -> int:
        """``day``, or -1 when the reader's licences and privileges hold on every day, so facts
        that depend on the date only through them can be cached once for all days."""
        if reader.id not in self._undated:
            self._undated[reader.id] = all(
                v.valid_from is None and v.valid_to is None
                for v in (*reader.licences, *reader.privileges)
            )
        return -1 if self._undated[reader.id] else day

    # ----- cached facts ---------------------------------------------------------------------------

    def is_night(self, reader: Radiologist, shift: Shift) -> bool:
        key = (shift.id, reader.home_time_zone)
        if key not in self._is_night:
            self._is_night[key] = is_night_for(reader, shift)
        return self._is_night[key]

    def night_minutes(self, shift: Shift, time_zone: str) -> int:
        key = (shift.id, time_zone)
        if key not in self._night_minutes:
            self._night_minutes[key] = local_night_minutes(shift, time_zone)
        return self._night_minutes[key]

    # ----- words ----------------------------------------------------------------------------------

    def who(self, reader: Radiologist) -> str:
        return reader.name or reader.id

    def date(self, day: int) -> str:
        return self.problem.date_of(day).isoformat()

    def shift_label(self, shift: Shift) -> str:
        place = f"{shift.region} " if shift.region else ""
        return f"{place}{shift.template} {self.date(shift.day)}"
