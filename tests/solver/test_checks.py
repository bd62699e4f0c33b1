"""Malformed problems fail before any model is built, naming the row and field."""

import dataclasses
import datetime as dt

import pytest
from factories import north, problem, reader, rules, shift

from solver.checks import ProblemError, check_problem
from solver.problem import (
    Availability,
    AvailabilityKind,
    HeadcountCover,
    History,
    Pin,
    Pool,
    ReadingDemand,
    Site,
)
from solver.solve import solve


def test_a_well_formed_problem_has_no_findings():
    p = problem(
        [shift(0, region="N")], reading_demand=(ReadingDemand("n1-neuro", "D0", 4),), **north()
    )
    assert check_problem(p) == []


@pytest.mark.parametrize(
    ("change", "finding"),
    [
        ({"shifts": (shift(0), shift(0))}, "shifts: id 'D0' appears 2 times"),
        ({"shifts": (shift(3),), "num_days": 2}, "shifts[0] (id 'D3'): day 3 is outside 0..1"),
        (
            {"shifts": (dataclasses.replace(shift(0), start=dt.datetime(2026, 3, 2, 8)),)},
            "shifts[0] (id 'D0'): start is a naive datetime; give it tzinfo=UTC",
        ),
        ({"shifts": (shift(0, units=-1),)}, "shifts[0] (id 'D0'): units must be >= 0, got -1"),
        (
            {"shifts": (shift(0, minutes=0),)},
            "shifts[0] (id 'D0'): length_minutes must be positive",
        ),
        ({"shifts": (shift(0, region="X"),)}, "region 'X' is not in problem.regions"),
        ({"radiologists": (reader(fte=-1),)}, "radiologists[0] (id 'r1'): fte must be >= 0"),
        (
            {"radiologists": (reader(rules=rules(max_weekends=-2)),)},
            "radiologists[0] (id 'r1') rules.max_weekends: must be >= 0, got -2",
        ),
        (
            {"radiologists": (reader(home_time_zone="Mars/Olympus"),)},
            "home_time_zone 'Mars/Olympus' is not an IANA time zone",
        ),
        (
            {"radiologists": (reader(history=History(last_shift_end=dt.datetime(2026, 3, 1))),)},
            "history.last_shift_end: naive datetime",
        ),
        (
            {"radiologists": (reader(availability=(Availability(9, AvailabilityKind.LEAVE),)),)},
            "radiologists[0] (id 'r1') availability[0]: day 9 is outside 0..0",
        ),
        ({"radiologists": (reader(fixed_days_off=frozenset({-1})),)}, "fixed_days_off has day -1"),
        ({"headcount_cover": (HeadcountCover("nope", 1),)}, "shift_id 'nope' is not in problem"),
        (
            {"headcount_cover": (HeadcountCover("D0", -1),)},
            "headcount_cover[0] (shift 'D0'): required must be >= 0, got -1",
        ),
        ({"reading_demand": (ReadingDemand("ghost", "D0", 1),)}, "pool 'ghost' is not in"),
        (
            {"reading_demand": (ReadingDemand("n1-neuro", "D0", 1),) * 2},
            "reading_demand: pool 'n1-neuro' on shift 'D0' appears 2 times",
        ),
        ({"pins": (Pin("nobody", 0, "D0"),)}, "radiologist 'nobody' is not in the problem"),
        ({"pins": (Pin("r1", 1, "D0"),), "num_days": 2}, "shift 'D0' is on day 0, not day 1"),
        ({"sites": (Site("n1", "Atlantis"),)}, "sites[0] (id 'n1'): region 'Atlantis' is not in"),
        ({"pools": (Pool("p", "nowhere", "neuro"),)}, "site 'nowhere' is not in problem.sites"),
    ],
)
def test_each_malformation_is_named(change, finding):
    fields = {"shifts": (shift(0),), **north(), **change}
    p = problem(fields.pop("shifts"), fields.pop("radiologists", ()), **fields)
    findings = check_problem(p)
    assert any(finding in f for f in findings), findings
    with pytest.raises(ProblemError) as raised:
        solve(p)
    assert finding in str(raised.value)
