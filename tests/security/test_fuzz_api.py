"""Schemathesis over the app's own OpenAPI schema, in process (ASGI, no network), signed in as
each role: no operation answers 5xx and every documented response matches its schema.

The database holds the manager tests' department with a stored roster, so small ids reach real
rows. ``FUZZ_EXAMPLES`` examples per operation and role (default 4: about a minute in all);
``make fuzz`` runs more. Sign-out is left out (it would end the session mid-run).
"""

import os
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import BaseSchema, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.python.asgi import ASGIClient
from schemathesis.specs.openapi.checks import response_schema_conformance
from sqlalchemy import Engine
from sqlmodel import Session, select

from scheduler import models as m
from scheduler.db import dispose_engine
from scheduler.models import Role
from scheduler.settings import Settings
from tests.web.conftest import make_user
from tests.web.manager.seed import Department
from web.app import create_app

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4"))
LEFT_OUT = {("POST", "/logout")}
CHECKS = [not_a_server_error, response_schema_conformance]
_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')
PARTIAL_TIME = r"^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$"


def relax_time_format(node: Any) -> Any:
    """Pydantic documents a naive ``time`` ("08:00:00", a shift's local start) as format "time",
    which JSON Schema reads as RFC 3339 full-time, offset included; check the shape the API
    really speaks instead."""
    if isinstance(node, dict):
        node = {key: relax_time_format(value) for key, value in node.items()}
        if node.get("format") == "time":
            del node["format"]
            node["pattern"] = PARTIAL_TIME
        return node
    if isinstance(node, list):
        return [relax_time_format(value) for value in node]
    return node


def load_schema(app: FastAPI) -> BaseSchema:
    schema = schemathesis.openapi.from_dict(relax_time_format(app.openapi()))
    schema.app = app
    return schema


if not os.environ.get("FUZZ_POSTGRES"):

    @pytest.fixture
    def db_url(sqlite_template: Path, tmp_path: Path) -> Iterator[str]:
        """SQLite only in ``make test``, for time; ``make fuzz`` sets FUZZ_POSTGRES=1 to fuzz
        PostgreSQL as well (when TEST_DATABASE_URL is set)."""
        path = tmp_path / "fuzz.sqlite"
        shutil.copyfile(sqlite_template, path)
        url = f"sqlite:///{path}"
        yield url
        dispose_engine(url)


def _sign_in(client: ASGIClient, engine: Engine, role: Role, ids: dict[str, int | str]) -> None:
    linked = {"radiologist_id": ids["radiologist_id"]} if role == Role.RADIOLOGIST else {}
    scoped = {"region_ids": [ids["region_id"]]} if role == Role.MANAGER else {}
    user = make_user(engine, role, **linked, **scoped)
    token = _META.search(client.get("/login").text)
    assert token is not None
    signed = client.post(
        "/login",
        data={"email": user.email, "password": "correct horse battery", "csrf_token": token[1]},
        allow_redirects=False,
    )
    assert signed.status_code == 303, signed.text
    token = _META.search(client.get("/login").text)
    assert token is not None
    client.headers["X-CSRF-Token"] = token[1]


def fuzz(
    app_settings: Settings,
    engine: Engine,
    role: Role,
    known_ids: dict[str, int | str],
    tally: Counter[str],
) -> int:
    app = create_app(app_settings)
    schema = load_schema(app)
    client = ASGIClient(app)
    _sign_in(client, engine, role, known_ids)
    operations = [result.ok() for result in schema.get_all_operations()]
    fuzzed = 0
    for operation in operations:
        if (operation.method.upper(), operation.path) in LEFT_OUT:
            continue
        strategies = [
            operation.as_strategy(GenerationMode.POSITIVE),
            operation.as_strategy(GenerationMode.NEGATIVE),
        ]
        names = re.findall(r"{(\w+)}", operation.path)
        if names and all(name in known_ids for name in names):
            # also valid calls on rows that exist, not only 404s on random ids
            real = {name: known_ids[name] for name in names}
            strategies.append(operation.as_strategy(path_parameters=real))

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=st.one_of(strategies))
        def check(case: schemathesis.Case) -> None:
            response = case.call(session=client)
            tally["requests"] += 1
            tally[f"{response.status_code // 100}xx"] += 1
            case.validate_response(response, checks=CHECKS)

        check()
        fuzzed += 1
    return fuzzed


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_no_operation_fails_or_breaks_its_schema(
    role: Role, app_settings: Settings, engine: Engine, department: Department, stored_roster: int
) -> None:
    with Session(engine) as session:
        skill = session.exec(select(m.Skill)).first()
        licence = session.exec(select(m.Licence)).first()
        rules = session.exec(select(m.Rules)).first()
        assert skill and licence and rules
        known_ids: dict[str, int | str] = {
            "period_id": department.period_id,
            "roster_id": stored_roster,
            "radiologist_id": department.readers["R1"],
            "region_id": department.regions["N"],
            "template_id": department.templates["DAY"],
            "skill_id": skill.id or 0,
            "licence_id": licence.id or 0,
            "rules_id": rules.id or 0,
            "date": "2027-01-05",
            "fmt": "csv",
            "entity": "regions",
        }
    tally: Counter[str] = Counter()
    fuzzed = fuzz(app_settings, engine, role, known_ids, tally)
    assert fuzzed >= 75  # every operation of the schema but sign-out (88 when written)
    assert tally["requests"] >= fuzzed
    print(f"\nfuzz {role.value} on {engine.dialect.name}: {fuzzed} operations, {dict(tally)}")
