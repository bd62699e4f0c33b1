"""The overview page and /health, through FastAPI's TestClient."""

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from scheduler.db import dispose_engine
from scheduler.migrations import head_revision
from scheduler.models import Licence, Radiologist, Region, Skill, Subspecialty
from scheduler.settings import Settings
from web.app import create_app


def _client_for(url: str) -> TestClient:
    return TestClient(create_app(Settings(database_url=url)))


@pytest.fixture
def client(db_url: str, engine: Engine) -> Iterator[TestClient]:
    with _client_for(db_url) as client:
        yield client


def _seed(session: Session) -> None:
    nordland = Region(code="NO-NL", name="Nordland", time_zone="Europe/Oslo", sparse=True)
    perth = Region(code="AU-WA", name="Western Australia", time_zone="Australia/Perth")
    neuro = Subspecialty(code="neuro", name="Neuroradiology")
    msk = Subspecialty(code="msk", name="Musculoskeletal")
    session.add_all([nordland, perth, neuro, msk])
    session.flush()
    lind = Radiologist(
        code="R1",
        name="Ingrid Lind",
        email="ingrid@nlsh.no",
        fte=0.8,
        home_time_zone="Europe/Oslo",
        home_region_id=nordland.id,
    )
    sneaky = Radiologist(
        code="R2",
        name="<script>alert('x')</script> Smith",
        email="smith@wa.au",
        fte=1.0,
        home_time_zone="Australia/Perth",
    )
    session.add_all([lind, sneaky])
    session.flush()
    assert lind.id and neuro.id and msk.id and nordland.id and perth.id
    session.add_all(
        [
            Skill(radiologist_id=lind.id, subspecialty_id=neuro.id, level=3),
            Skill(radiologist_id=lind.id, subspecialty_id=msk.id, level=1),
            Licence(radiologist_id=lind.id, region_id=nordland.id, valid_from=dt.date(2020, 1, 1)),
            Licence(
                radiologist_id=lind.id,
                region_id=perth.id,
                valid_from=dt.date(2019, 1, 1),
                valid_to=dt.date(2020, 1, 1),
            ),
        ]
    )
    session.commit()


def _row_with(html: str, needle: str) -> str:
    rows = [row for row in re.findall(r"<tr.*?</tr>", html, flags=re.S) if needle in row]
    assert len(rows) == 1, f"expected one table row containing {needle!r}"
    return re.sub(r"\s+", " ", rows[0])


def test_health_reports_a_migrated_database(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "schema": head_revision()}


def test_health_fails_on_an_unmigrated_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    try:
        with _client_for(url) as client:
            response = client.get("/health")
    finally:
        dispose_engine(url)
    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert "teleroster db upgrade" in response.json()["database"]


def test_health_fails_when_the_database_is_unreachable() -> None:
    url = "postgresql+psycopg://nobody@127.0.0.1:1/nothing?connect_timeout=2"
    try:
        with _client_for(url) as client:
            response = client.get("/health")
    finally:
        dispose_engine(url)
    assert response.status_code == 503
    assert response.json()["database"].startswith("unreachable")


def test_overview_of_an_empty_database_says_how_to_load_data(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "No regions loaded yet" in response.text
    assert "No radiologists loaded yet" in response.text


def test_overview_lists_regions_and_radiologists(client: TestClient, session: Session) -> None:
    _seed(session)
    html = client.get("/").text

    nordland = _row_with(html, "<code>NO-NL</code>")
    assert "Nordland" in nordland and "Europe/Oslo" in nordland and "<td>yes</td>" in nordland
    assert "<td>no</td>" in _row_with(html, "<code>AU-WA</code>")

    lind = _row_with(html, "Ingrid Lind")
    assert "0.80" in lind
    assert "<td>NO-NL</td>" in lind  # home region
    assert "neuro (3), msk (1)" in lind
    assert "<td>AU-WA (expired), NO-NL</td>" in lind  # by valid_from

    assert re.search(r'<span class="count">2</span> regions', html)
    assert re.search(r'<span class="count">2</span> radiologists', html)


def test_overview_escapes_names(client: TestClient, session: Session) -> None:
    _seed(session)
    html = client.get("/").text
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Smith" in html


def test_stylesheet_is_linked_and_served(client: TestClient) -> None:
    html = client.get("/").text
    match = re.search(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert match is not None
    css = client.get(match.group(1))
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")
    assert "@media" in css.text  # narrow-screen rules
