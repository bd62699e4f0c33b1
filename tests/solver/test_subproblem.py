"""A part of a problem as a problem of its own: reduced covers, pins outside the window, merge."""

from dataclasses import replace

from conftest import solve_and_validate
from factories import cover, licensed, national_problem, north, problem, rules, shift

from solver.problem import HeadcountCover, Pin, Problem, ReadingDemand
from solver.roster import Allocation, Assignment, Roster
from solver.subproblem import Part, merge, restrict
from solver.validate import validate

# Region N, day 0: a day shift (8 units) and an on-call; region S has a day shift nobody in the
# part is licensed for.
DAY, ON_CALL = shift(0, "D", region="N"), shift(0, "C", region="N")
SOUTH = shift(0, "D", region="S", id="S-D0")


def _tiny() -> Problem:
    readers = [licensed(r, skills=("neuro", "body")) for r in ("r1", "r2", "r3")]
    readers.append(licensed("r4", "S"))
    return problem(
        [DAY, ON_CALL, SOUTH],
        readers,
        reading_demand=(
            ReadingDemand("n1-neuro", "D0", units=10, weight_under=10, min_readers=2),
            ReadingDemand("n1-body", "D0", units=3, weight_under=10, weight_over=1),
            ReadingDemand("s1-neuro", "S-D0", units=8, weight_under=10),
        ),
        headcount_cover=(
            *cover("D0", required=3, weight_under=50, weight_over=5),
            HeadcountCover("C0", 1, hard=True),
        ),
        **north(),
    )


def _roster_r1_and_r4_on_day_shifts() -> Roster:
    return Roster(
        assignments=(Assignment("r1", "D0"), Assignment("r4", "S-D0")),
        allocations=(
            Allocation("r1", "D0", "n1-neuro", 4),
            Allocation("r4", "S-D0", "s1-neuro", 8),
        ),
    )


def test_covers_are_reduced_by_what_the_fixed_readers_give():
    roster = _roster_r1_and_r4_on_day_shifts()
    sub = restrict(_tiny(), roster, Part(frozenset({"r2", "r3"})))
    assert [r.id for r in sub.radiologists] == ["r2", "r3"]
    demand = {d.pool: d for d in sub.reading_demand}
    assert set(demand) == {"n1-neuro", "n1-body"}  # region S: no free reader may work it
    assert (demand["n1-neuro"].units, demand["n1-neuro"].min_readers) == (6, 1)
    assert (demand["n1-body"].units, demand["n1-body"].weight_over) == (3, 1)
    covers = {c.shift_id: c for c in sub.headcount_cover}
    assert covers["D0"].required == 2  # r1 staffs one of three
    assert covers["C0"].required == 1 and covers["C0"].hard
    assert {s.id for s in sub.shifts} == {"D0", "C0"}


def test_a_fixed_reader_on_call_meets_the_hard_cover_of_the_part():
    roster = Roster(assignments=(Assignment("r1", "C0"),))
    sub = restrict(_tiny(), roster, Part(frozenset({"r2"})))
    assert {c.shift_id: c.required for c in sub.headcount_cover}["C0"] == 0


def test_urgent_floor_counts_only_fixed_readers_who_may_read_the_pool():
    # r5 is on D0 but reads body only: present, yet not for the neuro floor
    p = _tiny()
    body_only = licensed("r5", skills=("body",))
    p = replace(p, radiologists=(*p.radiologists, body_only))
    roster = Roster(assignments=(Assignment("r5", "D0"), Assignment("r1", "D0")))
    sub = restrict(p, roster, Part(frozenset({"r2", "r3"})))
    neuro = next(d for d in sub.reading_demand if d.pool == "n1-neuro")
    assert neuro.min_readers == 1  # r1 counts, r5 does not
    assert {c.shift_id: c.required for c in sub.headcount_cover}["D0"] == 1  # both staff it


def test_restricting_and_merging_an_unchanged_roster_gives_the_same_roster():
    p = national_problem(num_readers=30, num_regions=3, num_days=7, seed=2)
    result = solve_and_validate(p, seconds=3.0)
    assert result.status.has_roster
    roster = result.roster
    free = frozenset(r.id for r in p.radiologists[:12])
    for part in (Part(free), Part(free, (2, 4))):
        sub = restrict(p, roster, part)
        part_roster = _only(roster, free)
        assert validate(sub, part_roster).ok
        merged = merge(roster, sub, part_roster)
        assert merged == roster
        assert validate(p, merged).objective == result.objective


def test_the_part_prices_a_change_as_the_whole_problem_does():
    # With no excess priced, every term but fairness (the part sees only its own spread) differs
    # between the part and the whole by a constant: two rosters of the part gain the same in both.
    p = national_problem(num_readers=30, num_regions=3, num_days=7, seed=4)
    found = solve_and_validate(p, seconds=3.0)
    assert found.status.has_roster
    first = found.roster
    free = frozenset(r.id for r in p.radiologists if r.id.endswith(("1", "4", "7")))
    part = Part(free)
    sub = restrict(p, first, part)
    searched = solve_and_validate(sub, seconds=2.0)
    assert searched.status.has_roster
    other = searched.roster
    before, after = _only(first, free), other
    whole_after = validate(p, merge(first, sub, after))
    assert whole_after.ok
    assert _gains(sub, before, after) == _gains(p, first, merge(first, sub, after))
    # the search may keep the part as it was: a deliberate change must be priced alike too
    fewer = _without_biggest_reading(after)
    assert _gains(sub, before, fewer) == _gains(p, first, merge(first, sub, fewer))
    assert _gains(sub, before, fewer)["cover"] != _gains(sub, before, after)["cover"]


def _without_biggest_reading(roster: Roster) -> Roster:
    """``roster`` less the shift whose reader gives one pool the most units."""
    biggest = max(roster.allocations, key=lambda a: (a.units, a.radiologist, a.shift_id))
    who, where = biggest.radiologist, biggest.shift_id
    return Roster(
        assignments=tuple(
            a for a in roster.assignments if (a.radiologist, a.shift_id) != (who, where)
        ),
        allocations=tuple(
            a for a in roster.allocations if (a.radiologist, a.shift_id) != (who, where)
        ),
    )


def _gains(p: Problem, before: Roster, after: Roster) -> dict[str, int]:
    old, new = validate(p, before).breakdown, validate(p, after).breakdown
    return {term: old[term] - new[term] for term in old if term != "fairness"}


def test_readers_free_on_a_window_keep_their_other_days_pinned():
    p = problem(
        [shift(d, "D", region="N") for d in range(5)],
        [licensed("r1", rules=rules(max_consecutive_days=3)), licensed("r2")],
        reading_demand=tuple(ReadingDemand("n1-neuro", f"D{d}", units=8) for d in range(5)),
        **north(),
    )
    roster = Roster(
        assignments=(Assignment("r1", "D0"), Assignment("r1", "D1"), Assignment("r2", "D2")),
        allocations=(Allocation("r1", "D0", "n1-neuro", 8), Allocation("r1", "D1", "n1-neuro", 8)),
    )
    part = Part(frozenset({"r1"}), (2, 3))
    sub = restrict(p, roster, part)
    assert set(sub.pins) == {Pin("r1", 0, "D0"), Pin("r1", 1, "D1"), Pin("r1", 4, None)}
    result = solve_and_validate(sub, seconds=2.0)
    assert result.status.has_roster
    worked = {a.shift_id for a in result.roster.assignments}
    # r1 works days 0-1 already: the run rule leaves one of days 2-3, day 4 stays off
    assert {"D0", "D1"} <= worked and "D4" not in worked
    assert len(worked & {"D2", "D3"}) == 1
    merged = merge(roster, sub, result.roster)
    assert validate(p, merged).ok


def _only(roster: Roster, readers: frozenset[str]) -> Roster:
    return Roster(
        assignments=tuple(a for a in roster.assignments if a.radiologist in readers),
        allocations=tuple(a for a in roster.allocations if a.radiologist in readers),
    )
