"""A radiologist on a phone: signs in, marks three days of leave, and after the manager solves and
publishes, finds no shift on those days. Debian's chromium through Playwright; screenshots in
test-artifacts/.
"""

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import Engine
from sqlmodel import Session

from scheduler.accounts import create_user
from scheduler.models import Role, UserCreate
from scheduler.services.publish import publish_roster
from scheduler.services.solving import solve_period
from solver.options import SolveOptions
from tests.browser.conftest import ARTIFACTS, PHONE
from tests.web.clinic import Clinic, seed_clinic

# One worker runs the browser tests, one after another: one chromium, and no two servers
# solving at once on a busy machine (pytest -n, --dist loadgroup).
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

RADIOLOGIST = ("anna@clinic.example", "anna's password")


@pytest.fixture
def clinic(engine: Engine) -> Clinic:
    with Session(engine) as session:
        clinic = seed_clinic(session)
        create_user(
            session=session,
            user_in=UserCreate(
                email=RADIOLOGIST[0],
                name="Anna Lind",
                role=Role.RADIOLOGIST,
                radiologist_id=clinic.readers["R1"],
                password=RADIOLOGIST[1],
            ),
        )
        session.commit()
    return clinic


def _shot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"radiologist-{name}.png"), full_page=True)


def test_leave_is_respected_by_the_published_schedule(
    phone_page: Page, clinic: Clinic, engine: Engine
) -> None:
    page = phone_page
    leave = [clinic.day(1), clinic.day(2), clinic.day(3)]  # Tue-Thu

    page.goto("/me/schedule")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fme%2Fschedule$"))
    page.get_by_label("Email").fill(RADIOLOGIST[0])
    page.get_by_label("Password").fill(RADIOLOGIST[1])
    page.get_by_label("Password").press("Enter")
    expect(page.locator("h1")).to_have_text("My schedule")
    expect(page.locator("#no-shifts")).to_be_visible()
    _shot(page, "1-signed-in")

    page.get_by_role("link", name="Availability").click()
    expect(page.locator("h1")).to_contain_text("Availability: Test weeks")
    # By keyboard for the first day (type-ahead in the focused list), by pointer for the others.
    first = page.locator(f"#day-{leave[0].isoformat()}")
    first.focus()
    page.keyboard.type("Leave")
    expect(first).to_have_value("leave")
    for day in leave[1:]:
        page.locator(f"#day-{day.isoformat()}").select_option("leave")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= PHONE["width"], f"the calendar scrolls sideways ({scroll_width} px)"
    _shot(page, "2-leave-marked")
    page.get_by_role("button", name="Save availability").click()

    expect(page.locator("#saved-message")).to_have_text("Saved.")
    for day in leave:
        expect(page.locator(f"#day-{day.isoformat()}")).to_have_value("leave")
    expect(page.locator(f"#day-{clinic.day(0).isoformat()}")).to_have_value("")
    _shot(page, "3-leave-saved")

    # The manager solves and publishes (through the services the manager pages call).
    with Session(engine) as session:
        outcome = solve_period(
            session=session,
            period_id=clinic.period_id,
            options=SolveOptions(max_time_in_seconds=5, num_workers=2),
        )
        assert outcome.roster is not None and outcome.roster.id is not None
        publish_roster(
            session=session,
            roster_id=outcome.roster.id,
            lock_version=outcome.roster.lock_version,
        )

    page.get_by_role("link", name="My schedule").click()
    shifts = page.locator("#my-shifts li")
    expect(shifts.first).to_be_visible()
    shown = shifts.evaluate_all("items => items.map(item => item.dataset.date)")
    dates = {dt.date.fromisoformat(d) for d in shown}
    assert dates, "Anna has no shift at all: the check below would prove nothing"
    assert not dates & set(leave), f"shifts on leave days: {sorted(dates & set(leave))}"
    _shot(page, "4-published-schedule")
