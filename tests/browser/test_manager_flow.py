"""The manager's whole flow in a real browser (Debian's chromium, driven by Playwright).

A real uvicorn server on a free loopback port (``live_server``) serves a seeded database and
runs solve jobs in its local worker process. The walk: sign in, open the period, solve, watch the
job finish, see the grid, lock and change a cell with the keyboard, re-solve (the locked cell
stays), publish, download the Excel export; then a page at phone width. Screenshots go to
test-artifacts/.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Locator, Page
from sqlalchemy import Engine
from sqlmodel import Session

from scheduler.accounts import create_user
from scheduler.models import Role, UserCreate
from tests.browser.conftest import ARTIFACTS
from tests.web.manager.seed import Department, seed_rosterable

# One worker runs the browser tests, one after another: one chromium, and no two servers
# solving at once on a busy machine (pytest -n, --dist loadgroup).
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

EMAIL = "manager@example.org"
PASSWORD = "a manager's password"
MONDAY = dt.date(2027, 1, 4)
JOB_SECONDS = 120  # worker start-up, a 4 s solve, storing: generous on a busy 2-core machine


@pytest.fixture
def department(engine: Engine) -> Department:
    with Session(engine) as session:
        department = seed_rosterable(session)
        create_user(
            session=session,
            user_in=UserCreate(
                email=EMAIL,
                name="Mona Manager",
                role=Role.MANAGER,
                password=PASSWORD,
                region_ids=list(department.regions.values()),
            ),
        )
        session.commit()
    return department


def _shot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"manager-flow-{name}.png"), full_page=True)


def _wait_for_job(page: Page, name: str) -> None:
    """Until the live progress (polled JSON) says the job ended; it must have succeeded."""
    page.wait_for_function(
        "['succeeded', 'failed', 'cancelled'].includes("
        "document.getElementById('job-status').textContent)",
        timeout=JOB_SECONDS * 1000,
    )
    _shot(page, name)
    status = page.text_content("#job-status")
    assert status == "succeeded", f"job ended {status}: {page.text_content('#job-error')}"


def _solve_options(page: Page) -> None:
    page.fill("#f-max_time_in_seconds", "4")
    page.fill("#f-num_workers", "2")


def test_manager_flow(
    department: Department, live_server: str, browser: Browser, tmp_path: Path
) -> None:
    context = browser.new_context(base_url=live_server, accept_downloads=True)
    page = context.new_page()
    try:
        _walk(page, department, tmp_path)
        _phone_width(page)
    except Exception:
        _shot(page, "failure")
        raise
    finally:
        context.close()


def _walk(page: Page, department: Department, tmp_path: Path) -> None:
    page.goto("/login")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url("**/")
    page.click("nav >> text=Periods")
    page.wait_for_url("**/periods")
    page.click("text=Test week")
    page.wait_for_url("**/periods/*")  # loaded: not the page being left
    assert "Not entered yet" in page.text_content("main")
    _shot(page, "1-period")

    _solve_options(page)
    page.click("#solve-button")
    page.wait_for_url("**/jobs/*")
    _wait_for_job(page, "2-job-done")
    assert page.text_content("#job-objective") != "—"  # progress was shown, not just the end
    page.click("#job-result-link")
    page.wait_for_url("**/rosters/*")
    first_version = page.url
    worked = page.locator("#roster-grid td[class^='k-']").count()
    assert worked > 10, "the grid shows the solved assignments"
    _shot(page, "3-grid")

    # Change Eva Falk's Monday to the South's night and lock it, using the keyboard only.
    reader = department.readers["R5"]
    page.click(f"a[href$='/cells/{reader}/{MONDAY.isoformat()}']")
    page.wait_for_url("**/cells/**")
    night = f"{department.templates['NGT']}:{department.regions['S']}"
    page.focus("#f-shift")
    page.select_option("#f-shift", night)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "f-locked"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "save-cell"
    page.keyboard.press("Enter")
    page.wait_for_url("**check=true**")
    cell = _monday_cell(page, reader)
    assert "NGT" in cell.text_content() and cell.locator("[title=locked]").count() == 1
    assert page.locator("#check-result").count() == 1
    _shot(page, "4-edited")

    _solve_options(page)
    page.click("#resolve-button")
    page.wait_for_url("**/jobs/*")
    _wait_for_job(page, "5-resolve-done")
    page.click("#job-result-link")
    page.wait_for_url("**/rosters/*")
    assert page.url != first_version
    cell = _monday_cell(page, reader)
    assert "NGT" in cell.text_content(), "the locked cell stays through the re-solve"
    assert cell.locator("[title=locked]").count() == 1
    _shot(page, "6-resolved")

    page.click("text=Coverage and fairness")
    # Plotly, served from the installed package, draws the fairness chart.
    page.wait_for_selector("#fairness-chart svg.main-svg", timeout=30_000)
    assert page.locator(".heatmap td.heat").count() > 0
    _shot(page, "7-coverage")
    page.go_back()

    page.click("#publish-link")
    if page.locator("#f-override_reason").count():
        page.fill("#f-override_reason", "checked with the department")
    page.click("#publish-button")
    page.wait_for_selector("text=Published. Later changes make a new version.")
    _shot(page, "8-published")

    with page.expect_download() as download:
        page.click("#export-xlsx")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    (ARTIFACTS / saved.name).write_bytes(saved.read_bytes())
    rows = list(load_workbook(saved).active.values)
    assert rows[0][:4] == ("date", "radiologist_code", "radiologist", "shift")
    assert (MONDAY.isoformat(), "R5", "Eva Falk", "NGT") in {row[:4] for row in rows[1:]}


def _monday_cell(page: Page, reader: int) -> Locator:
    return page.locator(f"#row-{reader} td").nth(0)


def _phone_width(page: Page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.click("nav >> text=Periods")
    page.wait_for_url("**/periods")
    page.click("text=Test week")
    page.wait_for_url("**/periods/*")  # loaded: mid-navigation there is no documentElement
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the period page is {width} px wide on a 390 px screen"
    _shot(page, "9-phone-period")
    page.go_back()
    page.go_back()
    # The grid is wider than a phone: it scrolls inside its own box, the page does not.
    assert page.locator("#roster-grid").count() == 1
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the roster page is {width} px wide on a 390 px screen"
    _shot(page, "10-phone-grid")
