"""Hand-edited rosters are re-checked before they are published.

Hypothesis draws sequences of cell edits (shifts on any day, days off, locks; some of them break
rules or are refused outright) and applies them through the API to a fresh draft. Then: the API's
rule check agrees with the independent validator run on the stored rows; publishing without a
reason succeeds exactly when no hard rule is broken, and otherwise is refused with nothing
changed; a manager's override publishes and records the reason.

The solver side (random rules, licences, availability and pins through CP-SAT, each roster held
to the validator, its objective and its pins) is tests/solver/test_properties.py and
tests/solver/test_validate_agrees_with_solver.py; swaps re-check the rules at acceptance and at
approval (tests/web/test_swaps.py).
"""

import datetime as dt

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlmodel import Session

from scheduler import models as m
from scheduler.problem_builder import build_problem
from scheduler.rosters import load_roster
from scheduler.services.roster_versions import copy_as_draft
from solver.validate import validate
from tests.web.manager.seed import Department

START = dt.date(2027, 1, 4)  # the department's week, Monday to Sunday
READERS = ("R1", "R2", "R3", "R4", "R5", "R6", "R7")
# (template, region): off, often (most days off keep the roster valid), and every shift a cell
# can hold (DAY only on weekdays, so some draws are refused with 422 and must change nothing)
SHIFTS = (None, None, None, ("DAY", "N"), ("DAY", "S"), ("NGT", "S"), ("OC", "N"))

edits = st.lists(
    st.tuples(
        st.sampled_from(READERS),
        st.integers(0, 6),
        st.sampled_from(SHIFTS),
        st.booleans(),
    ),
    min_size=1,
    max_size=4,
)
EXAMPLES = settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _fresh_draft(engine: Engine, roster_id: int) -> int:
    with Session(engine) as session:
        source = session.get(m.Roster, roster_id)
        assert source is not None
        draft = copy_as_draft(session, source, "property test")
        session.commit()
        assert draft.id is not None
        return draft.id


def _independent_check(engine: Engine, roster_id: int) -> tuple[bool, int, int]:
    """(ok, violations, objective) from the stored rows, without the web app."""
    with Session(engine) as session:
        row = session.get(m.Roster, roster_id)
        assert row is not None
        built = build_problem(
            session=session, period_id=row.period_id, reference_roster_id=roster_id
        )
        report = validate(
            built.problem, load_roster(session=session, built=built, roster_id=roster_id)
        )
        return report.ok, len(report.violations), report.objective


@EXAMPLES
@given(changes=edits)
def test_publish_goes_through_only_when_the_edited_roster_is_valid_or_overridden(
    client: TestClient, as_admin: dict, stored_roster: int, department: Department,
    engine: Engine, changes: list,
) -> None:  # fmt: skip
    roster_id = _fresh_draft(engine, stored_roster)
    lock_version = 1
    for reader, day, shift, locked in changes:
        body: dict = {"lock_version": lock_version, "template_id": None, "locked": False}
        if shift is not None:
            template, region = shift
            body |= {"template_id": department.templates[template],
                     "region_id": department.regions[region], "locked": locked}  # fmt: skip
        date = START + dt.timedelta(days=day)
        url = f"/api/rosters/{roster_id}/cells/{department.readers[reader]}/{date}"
        response = client.put(url, json=body, headers=as_admin)
        assert response.status_code in (200, 422), response.text
        if response.status_code == 200:
            lock_version += 1
            assert response.json()["roster"]["lock_version"] == lock_version

    check = client.get(f"/api/rosters/{roster_id}/validation").json()
    ok, violations, objective = _independent_check(engine, roster_id)
    assert (check["ok"], len(check["violations"]), check["objective"]) == (
        ok,
        violations,
        objective,
    )

    event("valid after the edits" if ok else "breaks hard rules after the edits")
    url = f"/api/rosters/{roster_id}/publish"
    plain = client.post(url, json={"lock_version": lock_version}, headers=as_admin)
    if ok:
        assert plain.status_code == 200 and plain.json()["roster"]["status"] == "published"
        return
    assert plain.status_code == 422
    assert plain.json()["detail"][0]["loc"] == ["body", "override_reason"]
    with Session(engine) as session:
        row = session.get(m.Roster, roster_id)
        assert row is not None
        assert (row.status, row.lock_version) == (m.RosterStatus.DRAFT, lock_version)
    blank = client.post(url, json={"lock_version": lock_version, "override_reason": "   "},
                        headers=as_admin)  # fmt: skip
    assert blank.status_code == 422
    reason = f"agreed with the on-call lead ({len(changes)} edits)"
    forced = client.post(url, json={"lock_version": lock_version, "override_reason": reason},
                         headers=as_admin)  # fmt: skip
    assert forced.status_code == 200
    with Session(engine) as session:
        row = session.get(m.Roster, roster_id)
        assert row is not None and row.status == m.RosterStatus.PUBLISHED
        assert reason in row.note and f"{violations} hard-rule violation(s)" in row.note
