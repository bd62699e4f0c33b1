"""The greedy starting roster: within the per-reader hard rules it checks, and filling cover."""

import dataclasses

from factories import cover, national_problem, problem, reader, rules, shifts

from solver.model import build_model
from solver.roster import Allocation, Assignment, Roster
from solver.starting_roster import starting_roster
from solver.validate import validate


def _as_roster(p):
    model = build_model(p)
    start = starting_roster(model.ctx, model.reading)
    return Roster(
        assignments=tuple(sorted(Assignment(r, s) for r, s in start.assignments)),
        allocations=tuple(
            sorted(Allocation(r, s, pool, u) for (s, r, pool), u in start.units.items())
        ),
    )


def test_a_national_start_breaks_no_rule_and_reads_most_demand():
    p = national_problem(num_readers=80, num_regions=2, num_days=14)
    roster = _as_roster(p)
    report = validate(p, roster)
    assert report.messages() == []
    demanded = sum(d.units for d in p.reading_demand)
    given = sum(a.units for a in roster.allocations)
    assert given >= 0.7 * demanded  # measured: 78 %; readers are short here


def test_the_least_loaded_reader_takes_the_next_shift():
    p = problem(
        shifts(4),
        [reader("r1"), reader("r2"), reader("r3", rules=rules(max_consecutive_days=1))],
        headcount_cover=cover("D0", "D1", "D2", "D3"),
    )
    worked = {a.shift_id: a.radiologist for a in _as_roster(p).assignments}
    assert worked == {"D0": "r1", "D1": "r2", "D2": "r3", "D3": "r1"}


def test_a_start_short_of_a_minimum_is_not_plausible():
    p = problem(shifts(3), [reader(rules=rules(min_total_minutes=960))])
    model = build_model(p)
    assert not starting_roster(model.ctx, model.reading).plausible
    assert not model.plausible_start


def test_a_start_meeting_every_rule_is_plausible():
    model = build_model(national_problem(num_readers=40, num_regions=2, num_days=7))
    assert model.plausible_start


def test_runs_longer_than_the_days_off_minimum_are_allowed():
    # a minimum of 2 days off between runs must not cap the runs themselves
    p = problem(
        shifts(5),
        [reader("r1", rules=rules(min_consecutive_days_off=2))],
        headcount_cover=cover("D0", "D1", "D2", "D3", "D4"),
    )
    worked = sorted(a.shift_id for a in _as_roster(p).assignments)
    assert worked == ["D0", "D1", "D2", "D3", "D4"]


def test_a_valid_reference_roster_is_kept_whatever_order_it_comes_in():
    # the reference is taken in (reader, shift id) order: D13 before D9 before N8
    p = national_problem(num_readers=24, num_regions=2, num_days=14, seed=3)
    kept = {("rad0001", "R01-C7"), ("rad0001", "R01-N8"), ("rad0001", "R01-D11")}
    kept |= {("rad0001", "R01-D12"), ("rad0001", "R01-D13")}
    reference = Roster(assignments=tuple(sorted(Assignment(r, s) for r, s in kept)))
    assert [v for v in validate(p, reference).violations if v.radiologist == "rad0001"] == []
    p = dataclasses.replace(p, reference=frozenset(kept))
    model = build_model(p)
    assert kept <= starting_roster(model.ctx, model.reading).assignments


def test_weekends_are_staffed_first_and_whole_by_readers_with_a_weekend_limit():
    # a week from Monday; chronologically the least-loaded readers would take Saturday and Sunday
    # one each, spending both readers' only weekend on one day apiece
    limited = rules(max_weekends=1, max_consecutive_days=5)
    p = problem(
        shifts(7),
        [reader("r1", rules=limited), reader("r2", rules=limited)],
        headcount_cover=cover(*(f"D{day}" for day in range(7))),
    )
    assert [p.is_weekend(day) for day in range(7)] == [False] * 5 + [True] * 2
    roster = _as_roster(p)
    assert validate(p, roster).messages() == []
    weekend = {a.radiologist for a in roster.assignments if a.shift_id in ("D5", "D6")}
    assert len(weekend) == 1  # one reader works the whole weekend
    assert len(roster.assignments) == 7  # and the weekdays are still all staffed
