"""A regional planner on a phone: signs in, creates a scenario hiring two neuroradiologists
licensed in the sparse region, runs it, and the comparison shows that region's cover rising.
Debian's chromium through Playwright; screenshots in test-artifacts/.
"""

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import Engine
from sqlmodel import Session

from scheduler.accounts import create_user
from scheduler.models import Role, UserCreate
from tests.browser.conftest import ARTIFACTS, PHONE
from tests.scheduler.department import seed_department

# One worker runs the browser tests, one after another: one chromium, and no two servers
# solving at once on a busy machine (pytest -n, --dist loadgroup).
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PLANNER = ("petra@region.example", "petra's password")


@pytest.fixture
def period_id(engine: Engine) -> int:
    with Session(engine) as session:
        period = seed_department(session)
        create_user(
            session=session,
            user_in=UserCreate(
                email=PLANNER[0], name="Petra Planner", role=Role.PLANNER, password=PLANNER[1]
            ),
        )
        session.commit()
    return period


def _shot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"planner-{name}.png"), full_page=True)


def _no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways ({width} px)"


def test_hiring_neuroradiologists_raises_the_sparse_regions_cover(
    phone_page: Page, period_id: int
) -> None:
    page = phone_page
    page.goto("/planner")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fplanner$"))
    page.get_by_label("Email").fill(PLANNER[0])
    page.get_by_label("Password").fill(PLANNER[1])
    page.get_by_label("Password").press("Enter")
    expect(page.locator("h1")).to_have_text("What-if scenarios")
    _shot(page, "1-scenarios")

    # By keyboard: type the name, Enter submits the form.
    page.get_by_label("Name").fill("Two neuroradiologists for the north")
    page.get_by_label("Name").press("Enter")
    expect(page.locator("h1")).to_have_text("Two neuroradiologists for the north")
    _no_sideways_scroll(page)

    hire = page.locator("#add-hire")
    hire.locator("summary").click()
    hire.get_by_label("How many").fill("2")
    hire.locator("fieldset", has_text="Subspecialties").get_by_label("neuro").check()
    hire.get_by_label("Home region").select_option("S")
    hire.locator("fieldset", has_text="Licensed in").get_by_label("N", exact=True).check()
    _shot(page, "2-hire-form")
    hire.get_by_role("button", name="Add: hire radiologists").click()
    expect(page.locator("#changes li")).to_have_count(1)
    expect(page.locator("#changes li").first).to_contain_text(
        "hire 2 neuro at 1 FTE, licensed in N"
    )

    page.locator("#run-form").get_by_label("Time limit (seconds)").fill("3")
    page.locator("#run-form").get_by_label("Search workers").fill("2")
    page.get_by_role("button", name="Run scenario").click()
    # The page follows the run (it reloads while the solve runs in the background).
    expect(page.locator("#result-status")).to_have_text(
        re.compile("optimal|feasible"), timeout=90_000
    )
    _shot(page, "3-run")

    page.get_by_role("link", name="Compare with the baseline").click()
    expect(page.locator("h1")).to_have_text("Scenarios side by side")
    north = page.locator('#coverage-table tr[data-region="N"]')
    expect(north).to_have_attribute("data-sparse", "true")
    cells = north.locator("td")
    expect(cells).to_have_count(2)
    before = float(cells.nth(0).get_attribute("data-covered") or "nan")
    after = float(cells.nth(1).get_attribute("data-covered") or "nan")
    delta = float(cells.nth(1).get_attribute("data-delta") or "nan")
    assert after > before and delta == pytest.approx(after - before, abs=0.01), (before, after)
    expect(cells.nth(1)).to_contain_text("pts)")
    # Plotly, served from the installed package, drew the chart.
    expect(page.locator("#coverage-chart .main-svg").first).to_be_attached(timeout=15_000)
    _no_sideways_scroll(page)
    _shot(page, "4-comparison")
