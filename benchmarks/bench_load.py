"""Load test on loopback: concurrent users against the roster page and the availability API.

Starts the real server (uvicorn, one process, as ``teleroster serve`` runs it) on 127.0.0.1 with a
freshly seeded database, signs every virtual user in through the login form, then runs a closed
loop without think time for a fixed time: half the users are managers opening the roster grid
page (GET /rosters/{id}), half are radiologists reading and saving their own availability (GET
and PUT /api/periods/{id}/availability/{radiologist}). Prints requests/s, p50 and p99 latency
per endpoint, and every error, for SQLite and, given a PostgreSQL URL, for PostgreSQL. Bounded in
time and count; it stops by itself and talks to 127.0.0.1 only.

    .venv/bin/python benchmarks/bench_load.py [--users 50] [--seconds 60] [--readers 60]
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test]
(--postgres defaults to TEST_DATABASE_URL; without either, SQLite only.)
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool
from sqlmodel import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scheduler import accounts  # noqa: E402
from scheduler import models as m  # noqa: E402
from scheduler.db import dispose_engine, get_engine, normalise_url  # noqa: E402
from scheduler.migrations import upgrade  # noqa: E402

HOST = "127.0.0.1"  # loopback only
PASSWORD = "load test password"
START = dt.date(2027, 3, 1)  # a Monday
WEEKS = 4
REQUEST_TIMEOUT_SECONDS = 30.0
MAX_REQUESTS = 1_000_000  # a hard stop, whatever the clock says
_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


# --- The database ---


@dataclass(frozen=True)
class Seeded:
    roster_id: int
    period_id: int
    managers: list[str]  # emails
    radiologists: list[tuple[str, int]]  # (email, radiologist id)


def seed(url: str, readers: int, users: int) -> Seeded:
    """Three regions, four shift templates, ``readers`` radiologists working ~70 % of 28 days,
    an open period, and an account per virtual user (managers and linked radiologists)."""
    rng = random.Random(11)
    # One real Argon2 hash for every account: hashing 50 passwords would only slow the set-up.
    password_hash = accounts.hash_password(PASSWORD)
    with Session(get_engine(url)) as session:
        regions = [m.Region(code=c, name=f"Region {c}", time_zone="Europe/Oslo") for c in "NMS"]
        session.add_all(regions)
        session.flush()
        templates = [
            m.ShiftTemplate(
                code=code, name=name, kind=kind, local_start=dt.time(hour), length_minutes=minutes
            )  # fmt: skip
            for code, name, kind, hour, minutes in (
                ("DAY", "Day", m.ShiftKind.DAY, 8, 480),
                ("EVE", "Evening", m.ShiftKind.EVENING, 15, 480),
                ("NGT", "Night", m.ShiftKind.NIGHT, 22, 600),
                ("OC", "On-call", m.ShiftKind.ON_CALL, 16, 960),
            )
        ]
        period = m.PlanningPeriod(
            name="Load test", start_date=START, weeks=WEEKS, status=m.PeriodStatus.OPEN
        )
        session.add_all([*templates, period])
        session.flush()
        roster = m.Roster(period_id=period.id or 0, version=1)
        session.add(roster)
        session.flush()
        reader_ids = []
        for n in range(readers):
            reader = m.Radiologist(
                code=f"R{n:03d}", name=f"Reader {n:03d}", email=f"r{n}@load.example",
                home_time_zone="Europe/Oslo", home_region_id=regions[n % 3].id,
            )  # fmt: skip
            session.add(reader)
            session.flush()
            assert reader.id is not None
            reader_ids.append(reader.id)
            for day in range(WEEKS * 7):
                if rng.random() < 0.3:
                    continue
                session.add(
                    m.Assignment(
                        roster_id=roster.id or 0, radiologist_id=reader.id,
                        date=START + dt.timedelta(days=day),
                        shift_template_id=rng.choice(templates).id or 0,
                        region_id=rng.choice(regions).id,
                    )
                )  # fmt: skip
        managers, radiologists = [], []
        for n in range(users):
            if n % 2 == 0:
                email = f"manager{n}@load.example"
                session.add(m.User(email=email, name=f"Manager {n}", role=m.Role.ADMIN,
                                   password_hash=password_hash))  # fmt: skip
                managers.append(email)
            else:
                email = f"reader{n}@load.example"
                reader_id = reader_ids[n % readers]
                session.add(
                    m.User(
                        email=email,
                        name=f"Reader {n}",
                        role=m.Role.RADIOLOGIST,
                        radiologist_id=reader_id,
                        password_hash=password_hash,
                    )
                )
                radiologists.append((email, reader_id))  # fmt: skip
        session.commit()
        assert roster.id is not None and period.id is not None
        return Seeded(roster.id, period.id, managers, radiologists)


@contextmanager
def sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'load.sqlite'}"
        upgrade(url)
        yield url
        dispose_engine(url)


@contextmanager
def postgres_database(server_url: str) -> Iterator[str]:
    """A database of its own on the given server, dropped afterwards."""
    name = f"teleroster_load_{os.getpid()}"
    admin = create_engine(
        normalise_url(server_url), isolation_level="AUTOCOMMIT", poolclass=NullPool
    )
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(normalise_url(server_url)).set(database=name).render_as_string(False)
    try:
        upgrade(url)
        yield url
    finally:
        dispose_engine(url)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# --- The server ---


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@contextmanager
def server(url: str) -> Iterator[str]:
    """``teleroster serve``'s app in its own process on a free loopback port; its base URL."""
    port = free_port()
    env = os.environ | {
        "DATABASE_URL": url, "LOCAL_WORKERS": "0", "ENVIRONMENT": "development",
    }  # fmt: skip
    command = [sys.executable, "-m", "uvicorn", "web.app:create_app", "--factory",
               "--host", HOST, "--port", str(port), "--log-level", "warning"]  # fmt: skip
    root = Path(__file__).resolve().parents[1]
    process = subprocess.Popen(command, env=env, cwd=root)
    base = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- The users ---


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    first_errors: list[str] = field(default_factory=list)
    requests: int = 0

    def record(self, label: str, started: float, response: httpx.Response | None, why: str) -> None:
        self.requests += 1
        self.latencies[label].append((time.perf_counter() - started) * 1000)
        if response is None or response.status_code != 200:
            self.errors[label] += 1
            if len(self.first_errors) < 10:
                status = response.status_code if response is not None else why
                self.first_errors.append(
                    f"{label}: {status} {response.text[:200] if response else ''}"
                )


async def sign_in(client: httpx.AsyncClient, email: str) -> str:
    page = await client.get("/login")
    token = _META.search(page.text)
    assert token is not None
    done = await client.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": token[1]}
    )
    assert done.status_code in (200, 303), (email, done.status_code, done.text[:200])
    page = await client.get("/login")  # the signed-in session's token
    token = _META.search(page.text)
    assert token is not None
    return token[1]


async def timed(
    tally: Tally, label: str, client: httpx.AsyncClient, method: str, url: str, **kw: object
) -> None:
    started = time.perf_counter()
    try:
        response = await client.request(method, url, **kw)  # type: ignore[arg-type]
    except httpx.HTTPError as exc:
        tally.record(label, started, None, type(exc).__name__)
        return
    tally.record(label, started, response, "")


async def manager_loop(
    client: httpx.AsyncClient, seeded: Seeded, tally: Tally, stop: float
) -> None:
    while time.monotonic() < stop and tally.requests < MAX_REQUESTS:
        await timed(
            tally, "GET /rosters/{id} (page)", client, "GET", f"/rosters/{seeded.roster_id}"
        )


async def radiologist_loop(
    client: httpx.AsyncClient, token: str, seeded: Seeded, reader_id: int, tally: Tally,
    stop: float, rng: random.Random,
) -> None:  # fmt: skip
    url = f"/api/periods/{seeded.period_id}/availability/{reader_id}"
    kinds = [k.value for k in m.AvailabilityKind]
    while time.monotonic() < stop and tally.requests < MAX_REQUESTS:
        await timed(tally, "GET availability (API)", client, "GET", url)
        days = rng.sample(range(WEEKS * 7), 3)
        body = {"days": [{"date": (START + dt.timedelta(days=d)).isoformat(),
                          "kind": rng.choice(kinds + [None])} for d in days]}  # fmt: skip
        await timed(tally, "PUT availability (API)", client, "PUT", url, json=body,
                    headers={"X-CSRF-Token": token})  # fmt: skip


async def run_users(base: str, seeded: Seeded, seconds: float) -> tuple[Tally, float]:
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    clients: list[httpx.AsyncClient] = []
    try:
        for _ in range(len(seeded.managers) + len(seeded.radiologists)):
            clients.append(
                httpx.AsyncClient(base_url=base, timeout=REQUEST_TIMEOUT_SECONDS, limits=limits)
            )
        emails = seeded.managers + [email for email, _ in seeded.radiologists]
        tokens = await asyncio.gather(
            *(sign_in(client, email) for client, email in zip(clients, emails, strict=True))
        )
        tally = Tally()
        started = time.monotonic()
        stop = started + seconds
        rng = random.Random(5)
        loops = [manager_loop(c, seeded, tally, stop) for c in clients[: len(seeded.managers)]]
        for (client, token), (_, reader_id) in zip(
            list(zip(clients, tokens, strict=True))[len(seeded.managers) :],
            seeded.radiologists,
            strict=True,
        ):
            loops.append(radiologist_loop(client, token, seeded, reader_id, tally, stop,
                                          random.Random(rng.random())))  # fmt: skip
        await asyncio.gather(*loops)
        return tally, time.monotonic() - started
    finally:
        for client in clients:
            await client.aclose()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def report(backend: str, tally: Tally, elapsed: float, users: int) -> list[str]:
    every = [ms for values in tally.latencies.values() for ms in values]
    lines = [
        f"| {backend} | all | {len(every):,} | {len(every) / elapsed:.1f} | "
        f"{statistics.median(every):.0f} | {percentile(every, 0.99):.0f} | "
        f"{sum(tally.errors.values())} |"
    ]
    for label, values in sorted(tally.latencies.items()):
        lines.append(
            f"| {backend} | {label} | {len(values):,} | {len(values) / elapsed:.1f} | "
            f"{statistics.median(values):.0f} | {percentile(values, 0.99):.0f} | "
            f"{tally.errors[label]} |"
        )
    print(f"{backend}: {users} users for {elapsed:.1f} s", flush=True)
    for error in tally.first_errors:
        print(f"  error: {error}", flush=True)
    return lines


def run_backend(backend: str, url: str, args: argparse.Namespace) -> list[str]:
    seeded = seed(url, args.readers, args.users)
    dispose_engine(url)  # the server opens its own connections
    with server(url) as base:
        tally, elapsed = asyncio.run(run_users(base, seeded, args.seconds))
    return report(backend, tally, elapsed, args.users)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--readers", type=int, default=60)
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL"))
    args = parser.parse_args()
    assert 2 <= args.users <= 500 and 1 <= args.seconds <= 600, "keep the load bounded"
    rows = []
    with sqlite_database() as url:
        rows += run_backend("SQLite", url, args)
    if args.postgres:
        with postgres_database(args.postgres) as url:
            rows += run_backend("PostgreSQL", url, args)
    else:
        print("PostgreSQL skipped: pass --postgres URL or set TEST_DATABASE_URL")
    print(
        f"\n{args.users} users ({args.users // 2 + args.users % 2} managers, {args.users // 2} "
        f"radiologists), {args.seconds:g} s, {args.readers} radiologists x {WEEKS * 7} days"
    )
    print("| database | endpoint | requests | requests/s | p50 ms | p99 ms | errors |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for row in rows:
        print(row)


if __name__ == "__main__":
    main()
