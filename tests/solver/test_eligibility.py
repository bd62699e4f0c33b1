"""The teleradiology eligibility rule: licence + privilege + skill + on-site rule, on the shift's
date.
"""

import datetime as dt

from solver.eligibility import (
    is_night_for,
    local_night_minutes,
    may_read_pool,
    may_work_shift,
)
from solver.problem import (
    Licence,
    Pool,
    Privilege,
    Problem,
    Radiologist,
    Region,
    Rules,
    Shift,
    ShiftKind,
    Site,
)

UTC = dt.UTC
START = dt.date(2026, 3, 2)  # a Monday


def _shift(day: int = 0, *, remote: bool = True, region: str | None = "N") -> Shift:
    return Shift(
        id=f"s{day}",
        day=day,
        template="D",
        kind=ShiftKind.DAY,
        start=dt.datetime.combine(START + dt.timedelta(days=day), dt.time(8), UTC),
        length_minutes=480,
        region=region,
        remote=remote,
    )


def _problem(*shifts: Shift) -> Problem:
    return Problem(
        start_date=START,
        num_days=7,
        shifts=shifts,
        radiologists=(),
        regions=(Region("N", "Europe/Oslo", sparse=True), Region("S", "Europe/Stockholm")),
        sites=(Site("tromso", "N"), Site("umea", "S")),
        pools=(Pool("tromso-neuro", "tromso", "neuro"), Pool("umea-neuro", "umea", "neuro")),
    )


def _reader(**overrides: object) -> Radiologist:
    base: dict[str, object] = {
        "id": "r1",
        "home_region": "S",
        "skills": frozenset({"neuro"}),
        "licences": (Licence(region="N", valid_from=START, valid_to=START + dt.timedelta(days=2)),),
        "privileges": (Privilege(site="tromso"),),
    }
    base.update(overrides)
    return Radiologist(**base)  # type: ignore[arg-type]


def test_licence_validity_dates_bound_shift_eligibility() -> None:
    problem = _problem(_shift(0), _shift(3))
    reader = _reader()
    assert may_work_shift(problem, reader, problem.shifts[0])
    assert not may_work_shift(problem, reader, problem.shifts[1])  # licence expired on day 2


def test_on_site_shift_needs_home_region() -> None:
    problem = _problem(_shift(0, remote=False))
    assert not may_work_shift(problem, _reader(), problem.shifts[0])
    assert may_work_shift(problem, _reader(home_region="N"), problem.shifts[0])


def test_template_maximum_zero_is_a_qualification() -> None:
    problem = _problem(_shift(0, region=None))
    reader = _reader(rules=Rules(max_shifts_per_template={"D": 0}))
    assert not may_work_shift(problem, reader, problem.shifts[0])


def test_pool_needs_privilege_and_skill_and_matching_region() -> None:
    problem = _problem(_shift(0))
    shift = problem.shifts[0]
    tromso, umea = problem.pools
    assert may_read_pool(problem, _reader(), shift, tromso)
    assert not may_read_pool(problem, _reader(privileges=()), shift, tromso)
    assert not may_read_pool(problem, _reader(skills=frozenset({"msk"})), shift, tromso)
    assert not may_read_pool(problem, _reader(), shift, umea)  # the shift serves region N only


def test_local_night_minutes_follow_reader_zone() -> None:
    # 14:00-22:00 UTC is 23:00-07:00 in Tokyo (UTC+9): 7 hours of local night (23-06).
    shift = Shift("e", 0, "E", ShiftKind.EVENING, dt.datetime(2026, 3, 2, 14, tzinfo=UTC), 480)
    assert local_night_minutes(shift, "Asia/Tokyo") == 7 * 60
    assert local_night_minutes(shift, "UTC") == 0
    assert is_night_for(_reader(home_time_zone="Asia/Tokyo"), shift)
    assert not is_night_for(_reader(home_time_zone="UTC"), shift)


def test_dst_night_counts_real_hours() -> None:
    # Europe/Oslo springs forward on 2026-03-29 at 01:00 UTC: 21:00 UTC Sat -> 07:00 UTC Sun is 10
    # real hours.
    shift = Shift("n", 0, "N", ShiftKind.NIGHT, dt.datetime(2026, 3, 28, 21, tzinfo=UTC), 600)
    # Local 22:00 CET -> 09:00 CEST; night (22-06 local) spans 21:00-04:00 UTC = 7 h.
    assert local_night_minutes(shift, "Europe/Oslo") == 7 * 60
