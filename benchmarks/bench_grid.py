"""Server render time of the roster grid page at 100 radiologists x 28 days (target < 300 ms).

Seeds a temporary SQLite database (3 regions, 4 shift templates, 100 readers working about 20 of
28 days), signs in as an admin and times GET /rosters/{id} through the real app, then the JSON
grid. Prints median and worst of several runs.

    .venv/bin/python benchmarks/bench_grid.py [--readers 100] [--weeks 4] [--runs 15]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scheduler import models as m  # noqa: E402
from scheduler.accounts import create_user  # noqa: E402
from scheduler.db import dispose_engine, get_engine  # noqa: E402
from scheduler.migrations import upgrade  # noqa: E402
from scheduler.settings import Settings  # noqa: E402
from web.app import create_app  # noqa: E402

TARGET_MS = 300
PASSWORD = "benchmark password"
START = dt.date(2027, 3, 1)  # a Monday


def seed(session: Session, readers: int, weeks: int) -> int:
    """The roster id of a dense random roster over the period."""
    rng = random.Random(7)
    regions = [m.Region(code=code, name=code, time_zone="Europe/Oslo") for code in ("N", "M", "S")]
    general = m.Subspecialty(code="general", name="General")
    session.add_all([*regions, general])
    session.flush()
    templates = [
        m.ShiftTemplate(
            code=code, name=code, kind=kind, local_start=dt.time(hour), length_minutes=minutes
        )
        for code, kind, hour, minutes in (
            ("DAY", m.ShiftKind.DAY, 8, 480),
            ("EVE", m.ShiftKind.EVENING, 15, 480),
            ("NGT", m.ShiftKind.NIGHT, 22, 600),
            ("OC", m.ShiftKind.ON_CALL, 16, 960),
        )
    ]
    period = m.PlanningPeriod(name="Benchmark", start_date=START, weeks=weeks)
    session.add_all([*templates, period])
    session.flush()
    roster = m.Roster(period_id=period.id or 0, version=1)
    session.add(roster)
    session.flush()
    for n in range(readers):
        home = regions[n % len(regions)]
        reader = m.Radiologist(
            code=f"R{n:03d}",
            name=f"Reader {n:03d}",
            email=f"r{n}@bench.example",
            home_time_zone="Europe/Oslo",
            home_region_id=home.id,
        )
        session.add(reader)
        session.flush()
        for day in range(weeks * 7):
            if rng.random() < 0.3:
                continue
            template = rng.choice(templates)
            session.add(
                m.Assignment(
                    roster_id=roster.id or 0,
                    radiologist_id=reader.id or 0,
                    date=START + dt.timedelta(days=day),
                    shift_template_id=template.id or 0,
                    region_id=rng.choice(regions).id,
                    locked=rng.random() < 0.05,
                )
            )
    create_user(
        session=session,
        user_in=m.UserCreate(
            email="admin@bench.example", name="Bench", role=m.Role.ADMIN, password=PASSWORD
        ),
    )
    session.commit()
    assert roster.id is not None
    return roster.id


def timed(client: TestClient, url: str, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=100)
    parser.add_argument("--weeks", type=int, default=4)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'grid.sqlite'}"
        upgrade(url)
        with Session(get_engine(url)) as session:
            roster_id = seed(session, args.readers, args.weeks)
        with TestClient(create_app(Settings(database_url=url))) as client:
            login = client.get("/login").text
            token = re.search(r'name="csrf-token" content="([^"]+)"', login)
            assert token is not None
            client.post(
                "/login",
                data={"email": "admin@bench.example", "password": PASSWORD, "csrf_token": token[1]},
            )
            page = client.get(f"/rosters/{roster_id}")
            cells = page.text.count("/cells/")
            html = timed(client, f"/rosters/{roster_id}", args.runs)
            api = timed(client, f"/api/rosters/{roster_id}", args.runs)
        dispose_engine(url)
    print(
        f"roster grid, {args.readers} radiologists x {args.weeks * 7} days "
        f"({cells} cells, {len(page.content) / 1024:.0f} KiB of HTML)"
    )
    for label, times in (("HTML page", html), ("JSON grid", api)):
        median = statistics.median(times)
        verdict = "ok" if median < TARGET_MS else "OVER TARGET"
        print(
            f"  {label}: median {median:.0f} ms, worst {max(times):.0f} ms over {len(times)} "
            f"runs (target < {TARGET_MS} ms: {verdict})"
        )


if __name__ == "__main__":
    main()
