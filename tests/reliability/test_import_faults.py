"""A database connection cut in the middle of an import leaves the database as it was.

The cut is real: SQLite's connection is closed under the running transaction; PostgreSQL's server
process is ended with pg_terminate_backend from another connection. Both through the importer
service (as the CLI calls it) and through the web upload, which answers 503 and stores nothing.
"""

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from scheduler.importers import import_directory, import_file
from scheduler.models import Role
from tests.reliability.faults import connection_cut_at
from tests.scheduler.importer_helpers import copy_without_volumes, row_counts
from tests.web.conftest import Login

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"


def test_cut_mid_directory_import_stores_nothing_and_a_retry_works(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    folder = copy_without_volumes(DEMO, tmp_path / "demo")
    with Session(engine) as session:
        before = row_counts(session)
    # Regions, sites, subspecialties... are in by then: the cut falls among the radiologists.
    with connection_cut_at(engine, db_url, "INSERT INTO radiologist", nth=1) as cut:
        with Session(engine) as session, pytest.raises(DBAPIError):
            import_directory(session, folder)
    assert cut, "the fault was never injected"
    with Session(engine) as session:
        assert row_counts(session) == before
    with Session(engine) as session:
        summary = import_directory(session, folder)
        assert summary.counts["radiologists"].created > 0
        assert row_counts(session)["radiologist"] == summary.counts["radiologists"].created


@pytest.fixture
def admin(client: TestClient, login: Login, csrf: Callable[[TestClient], str]) -> dict:
    login(client, Role.ADMIN)
    return {"X-CSRF-Token": csrf(client)}


def test_cut_during_a_web_upload_is_503_and_stores_nothing(
    client: TestClient, admin: dict, engine: Engine, db_url: str
) -> None:
    with Session(engine) as session:
        import_file(session, "regions", DEMO / "regions.csv")
        before = row_counts(session)
    sites = (DEMO / "sites.csv").read_bytes()
    with connection_cut_at(engine, db_url, "INSERT INTO site", nth=1) as cut:
        response = client.post(
            "/api/imports/sites", files={"file": ("sites.csv", sites)}, headers=admin
        )
    assert cut
    assert response.status_code == 503, response.text
    assert "Nothing was saved" in response.json()["detail"]
    assert "Traceback" not in response.text
    with Session(engine) as session:
        assert row_counts(session) == before
    again = client.post("/api/imports/sites", files={"file": ("sites.csv", sites)}, headers=admin)
    assert again.status_code == 200 and again.json()["created"] == sites.count(b"\n") - 1
