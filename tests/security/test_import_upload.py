"""Web imports: uploads over the limit (413), bad encodings and bad rows (422 with every problem),
roles, and nothing stored on any problem."""

import gzip
import io
import zipfile
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from scheduler.models import Region, Role
from scheduler.settings import Settings
from tests.scheduler.importer_helpers import row_counts
from tests.web.conftest import Login

REGIONS = (
    "code,name,country,time_zone,population,sparse\n"
    "N,Nordland,NO,Europe/Oslo,240000,true\n"
    "S,Søraust,NO,Europe/Oslo,1000000,false\n"
)


@pytest.fixture
def small_limit(app_settings: Settings) -> Settings:
    """A 4 KiB upload limit (unpacked: 16 KiB), so the tests need not send 20 MiB."""
    app_settings.max_upload_bytes = 4096
    app_settings.max_upload_unpacked_bytes = 16384
    return app_settings


@pytest.fixture
def manager(client: TestClient, login: Login, csrf: Callable[[TestClient], str]) -> dict:
    # Imports change every region's data, so only administrators may upload them.
    login(client, Role.ADMIN)
    return {"X-CSRF-Token": csrf(client)}


def _post(client: TestClient, headers: dict, name: str, content: bytes, entity: str = "regions"):
    return client.post(
        f"/api/imports/{entity}", files={"file": (name, content, "text/csv")}, headers=headers
    )


def _codes(engine: Engine) -> set[str]:
    with Session(engine) as session:
        return set(session.exec(select(Region.code)).all())


def test_a_good_file_is_imported_and_again_is_unchanged(
    client: TestClient, manager: dict, engine: Engine
) -> None:
    first = _post(client, manager, "regions.csv", REGIONS.encode())
    assert first.status_code == 200, first.text
    assert first.json() == {
        "entity": "regions", "file": "regions.csv", "created": 2, "updated": 0, "unchanged": 0,
    }  # fmt: skip
    again = _post(client, manager, "regions.csv", REGIONS.encode())
    assert (again.json()["created"], again.json()["unchanged"]) == (0, 2)
    assert _codes(engine) == {"N", "S"}


def test_every_bad_row_is_listed_with_file_row_column_and_nothing_is_stored(
    client: TestClient, manager: dict, engine: Engine
) -> None:
    bad = REGIONS + "W,West,NO,Mars/Olympus,10,maybe\n,Nameless,NO,UTC,5,false\n"
    with Session(engine) as session:
        before = row_counts(session)
    response = _post(client, manager, "my regions.csv", bad.encode())
    assert response.status_code == 422
    issues = response.json()["detail"]
    where = {(i["file"], i["row"], i["column"]) for i in issues}
    assert ("my regions.csv", 4, "time_zone") in where
    assert ("my regions.csv", 4, "sparse") in where
    assert ("my regions.csv", 5, "code") in where
    assert all(i["msg"].startswith("my regions.csv, row ") for i in issues)
    with Session(engine) as session:
        assert row_counts(session) == before


def test_text_that_is_not_utf8_is_refused_not_guessed(
    client: TestClient, manager: dict, engine: Engine
) -> None:
    response = _post(client, manager, "regions.csv", REGIONS.encode("latin-1"))
    assert response.status_code == 422
    [issue] = response.json()["detail"]
    assert issue["file"] == "regions.csv" and "not UTF-8" in issue["reason"]
    assert _codes(engine) == set()
    # Excel's "CSV UTF-8" (with a byte-order mark) is fine
    with_bom = _post(client, manager, "regions.csv", REGIONS.encode("utf-8-sig"))
    assert with_bom.status_code == 200 and _codes(engine) == {"N", "S"}


def test_a_file_that_is_not_a_table_is_422(client: TestClient, manager: dict) -> None:
    for name, content in (("regions.pdf", b"%PDF-1.4"), ("regions.csv", b""),
                          ("regions.xlsx", b"PK\x03\x04 not really a workbook")):  # fmt: skip
        response = _post(client, manager, name, content)
        assert response.status_code == 422, (name, response.text)
        assert response.json()["detail"][0]["file"] == name


def test_an_upload_over_the_limit_is_413_and_nothing_is_stored(
    small_limit: Settings, client: TestClient, manager: dict, engine: Engine
) -> None:
    big = REGIONS + "".join(f"X{i},Region {i},NO,UTC,1,false\n" for i in range(200))
    assert small_limit.max_upload_bytes < len(big) < 64 * 1024  # passes the Content-Length check
    response = _post(client, manager, "regions.csv", big.encode())
    assert response.status_code == 413
    assert "larger than the limit" in response.json()["detail"]
    assert _codes(engine) == set()


def test_a_declared_length_over_the_limit_is_refused_before_reading(
    small_limit: Settings, client: TestClient, manager: dict
) -> None:
    response = client.post(
        "/api/imports/regions",
        content=b"x" * 10,
        headers=manager | {"content-length": str(10**9), "content-type": "multipart/form-data"},
    )
    assert response.status_code == 413


def test_a_compression_bomb_is_413(
    small_limit: Settings, client: TestClient, manager: dict, engine: Engine
) -> None:
    rows = REGIONS + "X,Region,NO,UTC,1,false\n" * 2000  # 50 KiB that packs to ~0.2 KiB
    packed = gzip.compress(rows.encode())
    assert len(packed) < 4096 < len(rows)
    assert _post(client, manager, "regions.csv.gz", packed).status_code == 413
    book = io.BytesIO()
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", "<row/>" * 10000)
    assert _post(client, manager, "regions.xlsx", book.getvalue()).status_code == 413
    assert _codes(engine) == set()


def test_gzip_upload_within_the_limits_imports(client: TestClient, manager: dict) -> None:
    response = _post(client, manager, "regions.csv.gz", gzip.compress(REGIONS.encode()))
    assert response.status_code == 200 and response.json()["created"] == 2


def test_unknown_entity_missing_file_and_path_in_the_name(
    client: TestClient, manager: dict, engine: Engine
) -> None:
    assert _post(client, manager, "regions.csv", REGIONS.encode(), "people").status_code == 422
    no_file = client.post("/api/imports/regions", data={"x": "1"}, headers=manager)
    assert no_file.status_code == 422
    assert no_file.json()["detail"][0]["loc"] == ["body", "file"]
    sneaky = _post(client, manager, "../../etc/regions.csv", REGIONS.encode())
    assert sneaky.status_code == 200 and sneaky.json()["file"] == "regions.csv"


def test_only_admins_import_and_csrf_is_needed(
    client: TestClient, login: Login, csrf: Callable[[TestClient], str], engine: Engine
) -> None:
    signed_out = {"X-CSRF-Token": csrf(client)}
    assert _post(client, signed_out, "regions.csv", REGIONS.encode()).status_code == 401
    login(client, Role.RADIOLOGIST)
    headers = {"X-CSRF-Token": csrf(client)}
    assert _post(client, headers, "regions.csv", REGIONS.encode()).status_code == 403
    assert client.get("/imports", follow_redirects=False).status_code == 403
    login(client, Role.MANAGER)  # a manager's scope is some regions; an import can touch all
    headers = {"X-CSRF-Token": csrf(client)}
    assert _post(client, headers, "regions.csv", REGIONS.encode()).status_code == 403
    login(client, Role.ADMIN)
    assert _post(client, {}, "regions.csv", REGIONS.encode()).status_code == 403  # no token
    assert _codes(engine) == set()
    headers = {"X-CSRF-Token": csrf(client)}
    assert _post(client, headers, "regions.csv", REGIONS.encode()).status_code == 200


def test_the_page_imports_and_lists_problems(
    client: TestClient, login: Login, csrf: Callable[[TestClient], str], engine: Engine
) -> None:
    login(client, Role.ADMIN)
    page = client.get("/imports")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text
    token = csrf(client)
    bad = REGIONS + "<b>W</b>,West,NO,Nowhere/Zone,1,false\n"
    rejected = client.post(
        "/imports",
        data={"csrf_token": token, "entity": "regions"},
        files={"file": ("regions.csv", bad.encode(), "text/csv")},
    )
    assert rejected.status_code == 422
    assert "nothing was stored" in rejected.text and "Nowhere/Zone" in rejected.text
    assert "<b>W</b>" not in rejected.text
    assert _codes(engine) == set()
    done = client.post(
        "/imports",
        data={"csrf_token": token, "entity": "regions"},
        files={"file": ("regions.csv", REGIONS.encode(), "text/csv")},
    )
    assert done.status_code == 200 and "2 created" in done.text
    assert _codes(engine) == {"N", "S"}
