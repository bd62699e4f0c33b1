"""Roster pages: the grid, a cell's editor and the rule check after saving, publish, diff,
coverage with the Plotly chart served from the installed package."""

import re

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from scheduler import models as m
from solver.roster import Roster
from tests.web.manager.seed import Department


def _token(client: TestClient) -> str:
    match = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/periods").text)
    assert match is not None
    return match.group(1)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_grid_page_shows_shifts_regions_and_links_every_cell(
    client: TestClient, as_admin: dict, stored_roster: int, solved_week: Roster
) -> None:
    html = client.get(f"/rosters/{stored_roster}").text
    assert html.count(f'href="/rosters/{stored_roster}/cells/') == 7 * 7  # readers x days
    grid = html.split('id="roster-grid"')[1].split("</table>")[0]
    on_calls = sum(1 for a in solved_week.assignments if ":OC:" in a.shift_id)
    assert grid.count('class="k-on_call"') == on_calls
    assert grid.count('title="on call"') == on_calls
    assert grid.count('<span class="rb">N</span>') == sum(
        1 for a in solved_week.assignments if a.shift_id.startswith("N:")
    )
    assert "Anna Lind" in grid and 'class="badge">N<' in grid  # home-region badge


def test_saving_a_cell_shows_the_broken_rule_on_the_grid(
    client: TestClient, as_admin: dict, stored_roster: int, department: Department, engine: Engine
) -> None:
    cell = f"/rosters/{stored_roster}/cells/{department.readers['R1']}/2027-01-06"
    form = client.get(cell).text
    assert 'name="lock_version" value="1"' in form
    value = f"{department.templates['DAY']}:{department.regions['N']}"
    assert f'value="{value}"' in form  # North day offered; the South's night too
    assert f'value="{department.templates["NGT"]}:{department.regions["S"]}"' in form
    saved = client.post(
        cell,
        data={"csrf_token": _token(client), "lock_version": "1", "shift": value, "locked": "on"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert "check=true" in saved.headers["location"]
    grid = client.get(saved.headers["location"]).text
    check = _text(grid.split('id="check-result"')[1].split("</div>")[0])
    assert "Anna Lind" in check and "on leave" in check
    row = grid.split(f'id="row-{department.readers["R1"]}"')[1].split("</tr>")[0]
    assert 'class="k-day flagged"' in row and 'title="locked"' in row
    with Session(engine) as session:
        stored = session.exec(
            select(m.Assignment).where(
                m.Assignment.roster_id == stored_roster,
                m.Assignment.radiologist_id == department.readers["R1"],
            )
        ).all()
        assert any(a.locked and str(a.date) == "2027-01-06" for a in stored)


def test_a_stale_cell_form_is_refused_with_409(
    client: TestClient, as_admin: dict, stored_roster: int, department: Department
) -> None:
    cell = f"/rosters/{stored_roster}/cells/{department.readers['R2']}/2027-01-09"
    token = _token(client)
    first = client.post(cell, data={"csrf_token": token, "lock_version": "1", "shift": ""})
    assert first.status_code == 200
    stale = client.post(cell, data={"csrf_token": token, "lock_version": "1", "shift": ""})
    assert stale.status_code == 409
    assert "changed by someone else" in stale.text
    assert 'name="lock_version" value="2"' in stale.text  # the form now carries the fresh one
    bad = client.post(cell, data={"csrf_token": token, "lock_version": "2", "shift": "x:y"})
    assert bad.status_code == 422 and 'id="f-shift-error"' in bad.text


def test_publish_page_asks_for_a_reason_when_rules_are_broken(
    client: TestClient, as_admin: dict, stored_roster: int, department: Department
) -> None:
    token = _token(client)
    value = f"{department.templates['DAY']}:{department.regions['N']}"
    client.post(
        f"/rosters/{stored_roster}/cells/{department.readers['R1']}/2027-01-06",
        data={"csrf_token": token, "lock_version": "1", "shift": value},
    )
    page = client.get(f"/rosters/{stored_roster}/publish").text
    assert "hard rule(s)" in page and "on leave" in page and 'name="override_reason"' in page
    refused = client.post(
        f"/rosters/{stored_roster}/publish", data={"csrf_token": token, "lock_version": "2"}
    )
    assert refused.status_code == 422 and 'id="f-override_reason-error"' in refused.text
    published = client.post(
        f"/rosters/{stored_roster}/publish",
        data={"csrf_token": token, "lock_version": "2", "override_reason": "agreed with Anna"},
    )
    assert published.status_code == 200
    assert "Published. Later changes make a new version." in published.text
    assert "agreed with Anna" in published.text  # the note


def test_diff_page_after_an_edit_of_a_published_version(
    client: TestClient, as_admin: dict, stored_roster: int, department: Department
) -> None:
    token = _token(client)
    client.post(
        f"/rosters/{stored_roster}/publish", data={"csrf_token": token, "lock_version": "1"}
    )
    moved = client.post(
        f"/rosters/{stored_roster}/cells/{department.readers['R2']}/2027-01-09",
        data={
            "csrf_token": token,
            "lock_version": "2",
            "shift": f"{department.templates['NGT']}:{department.regions['S']}",
        },
        follow_redirects=False,
    )
    new_id = int(re.search(r"/rosters/(\d+)\?", moved.headers["location"])[1])  # type: ignore[index]
    assert new_id != stored_roster
    diff = _text(client.get(f"/rosters/{new_id}/diff").text)
    assert "Bo Berg" in diff and "Sat 09 Jan" in diff and "S · NGT" in diff


def test_coverage_page_serves_plotly_from_the_package(
    client: TestClient, as_admin: dict, stored_roster: int
) -> None:
    html = client.get(f"/rosters/{stored_roster}/coverage").text
    script = re.search(r'<script src="([^"]*plotly\.min\.js)"', html)
    assert script is not None
    served = client.get(script.group(1))
    assert served.status_code == 200 and b"plotly" in served.content[:2000].lower()
    figure = html.split('id="fairness-data">')[1].split("</script>")[0]
    assert '"type":"bar"' in figure and "Nights per FTE" in figure
    assert 'class="heatmap"' in html and "% of the reading demand" in _text(html)
    assert 'id="fairness"' in html and "Dan Ek" in html
