"""A sweep of 16 demo-sized scenarios, solved one by one and then on a local Ray runtime.

    python benchmarks/bench_sweep.py [--database URL] [--time-limit 20] [--workers N]
                                     [--ray-workers 1] [--nodes 10] [--node-cpus 2]
                                     [--scenarios 1000]

The scenarios: the demo period (8 regions, 59 readers, 4 weeks) under 4 volume growths x 2 hiring
options x 2 licence policies. Both runs go through the product's sweep driver
(``scheduler.scenarios.sweep.run_sweep``) with the same time limit per scenario, each mode using
the whole machine the way it would be run: sequential solves one scenario at a time in the driver
with a CP-SAT worker per CPU (``--workers``, default: the CPU count); Ray runs one task per
scenario with one CPU each and ``--ray-workers`` CP-SAT workers (default 1), so two scenarios
solve at once on 2 CPUs. Each solve runs to its time limit (the demo is not proved optimal
within it), so the ratio is the throughput of scenarios per wall-clock at a fixed budget per
scenario; the rosters found and the mean objective of each run show what it costs in quality.

Prints the wall times (Ray's with and without starting the runtime), their ratio (target
>= 1.6x, runtime start included), and the projected time for ``--scenarios`` scenarios on
``--nodes`` nodes of ``--node-cpus`` CPUs each, from the measured time per scenario.

The demo database is built when missing (``teleroster db upgrade && demo && forecast``, about a
minute and a half); the sweeps run on a copy, so the demo database is left as it was.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import fmean

import ray
from sqlalchemy.engine import make_url
from sqlmodel import Session, select

from scheduler import models as m
from scheduler.db import dispose_engine, get_engine
from scheduler.jobs.ray_executor import LOCAL_RUNTIME_CPUS, init_ray
from scheduler.migrations import upgrade
from scheduler.scenarios.grid import parse_grid_text
from scheduler.scenarios.service import list_scenarios
from scheduler.scenarios.sweep import SweepRun, create_sweep, run_sweep

DEFAULT_DATABASE = "sqlite:////tmp/teleroster-bench-demo.sqlite"
TARGET_RATIO = 1.6
GRID = """
dimensions:
  growth:
    "0%": []
    "+5%": [{kind: volume_growth, percent: 5}]
    "+10%": [{kind: volume_growth, percent: 10}]
    "+15%": [{kind: volume_growth, percent: 15}]
  hiring:
    none: []
    2 neuro in NO-NL: [{kind: hire, count: 2, skills: [neuro, general], home_region: NO-NL,
                        licences: [NO-NL]}]
  licences:
    current: []
    neuro licensed in FI-LA: [{kind: grant_licence, region: FI-LA, subspecialty: neuro}]
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE)
    )
    parser.add_argument("--time-limit", type=float, default=20.0, help="seconds per scenario")
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="CP-SAT workers, sequential"
    )
    parser.add_argument("--ray-workers", type=int, default=1, help="CP-SAT workers per Ray task")
    parser.add_argument("--nodes", type=int, default=10)
    parser.add_argument("--node-cpus", type=int, default=2, help="CPUs per cluster node")
    parser.add_argument("--scenarios", type=int, default=1000, help="for the projection")
    args = parser.parse_args()

    source = _demo_database(args.database)
    with tempfile.TemporaryDirectory(prefix="bench-sweep-") as folder:
        url = _working_copy(source, Path(folder))
        upgrade(url)
        period_id = _period(url)
        print(
            f"16 scenarios of the demo period {period_id}, {args.time_limit:g} s each, "
            f"on {os.cpu_count()} CPUs"
        )
        sequential, seq_quality = _sweep(url, period_id, "sequential", args.workers, args)
        started = time.perf_counter()
        init_ray("")  # timed apart: a cluster would be running already
        ray_start = time.perf_counter() - started
        try:
            on_ray, ray_quality = _sweep(url, period_id, "ray", args.ray_workers, args)
        finally:
            ray.shutdown()
        dispose_engine(url)

    ray_total = ray_start + on_ray.wall_seconds
    ratio = sequential.wall_seconds / ray_total
    per_scenario = on_ray.wall_seconds * LOCAL_RUNTIME_CPUS / on_ray.solved
    slots = args.nodes * args.node_cpus
    rounds = math.ceil(args.scenarios / slots)
    print()
    print(f"sequential, {args.workers} worker(s):  {sequential.wall_seconds:7.1f} s  {seq_quality}")
    print(
        f"ray, {args.ray_workers} worker(s) a task: {ray_total:7.1f} s  {ray_quality} "
        f"(runtime start {ray_start:.1f} s + sweep {on_ray.wall_seconds:.1f} s)"
    )
    print(
        f"wall-time ratio sequential / ray: {ratio:.2f}x (target >= {TARGET_RATIO}x); "
        f"{sequential.wall_seconds / on_ray.wall_seconds:.2f}x with the runtime already up"
    )
    print(
        f"projection: {args.scenarios} scenarios on {args.nodes} nodes x {args.node_cpus} CPUs "
        f"({slots} at once) = {rounds} rounds x {per_scenario:.1f} s per scenario "
        f"= {rounds * per_scenario / 60:.1f} min, plus connecting to the cluster"
    )
    return 0 if ratio >= TARGET_RATIO else 1


def _demo_database(url: str) -> str:
    """The demo database, built with the CLI when the SQLite file is missing."""
    database = make_url(url).database
    if url.startswith("sqlite") and database and not Path(database).exists():
        print(f"building the demo database at {database} (about 90 s)...", flush=True)
        env = dict(os.environ, DATABASE_URL=url)
        cli = [sys.executable, "-c", "from scheduler.cli import main; main()"]
        for command in (
            ["db", "upgrade"],
            ["demo"],
            ["forecast", "--period", "1", "--origins", "0"],
        ):
            subprocess.run([*cli, *command], env=env, check=True, stdout=subprocess.DEVNULL)
    return url


def _working_copy(url: str, folder: Path) -> str:
    database = make_url(url).database
    if not url.startswith("sqlite") or not database:
        return url  # PostgreSQL: the sweeps' rows are added there, under unique names
    copy = folder / "demo.sqlite"
    shutil.copyfile(database, copy)
    return f"sqlite:///{copy}"


def _period(url: str) -> int:
    with Session(get_engine(url)) as session:
        period = session.exec(select(m.PlanningPeriod).order_by(m.PlanningPeriod.id)).first()
        if period is None or period.id is None:
            raise SystemExit(f"{url}: no planning period: run `teleroster demo` first")
        return period.id


def _sweep(
    url: str, period_id: int, mode: str, workers: int, args: argparse.Namespace
) -> tuple[SweepRun, str]:
    with Session(get_engine(url)) as session:
        sweep = create_sweep(
            session=session,
            grid=parse_grid_text(GRID, source="bench_sweep.py"),
            name=f"bench {mode} {time.strftime('%Y-%m-%d %H:%M:%S')}",
            period_id=period_id,
            time_limit_seconds=args.time_limit,
            num_workers=workers,
        )
        session.commit()
        sweep_id = sweep.id
    assert sweep_id is not None
    print(f"{mode}...", flush=True)
    run = run_sweep(sweep_id=sweep_id, database_url=url, use_ray=mode == "ray", ray_address="")
    with Session(get_engine(url)) as session:
        results = [
            session.exec(select(m.ScenarioResult).where(m.ScenarioResult.scenario_id == s.id)).one()
            for s in list_scenarios(session=session, sweep_id=sweep_id)
        ]
    found = [r.objective for r in results if r.status in ("optimal", "feasible") and r.objective]
    mean = f"{fmean(found):,.0f}" if found else "-"
    return run, f"{len(found)}/{len(results)} rosters found, mean objective {mean}"


if __name__ == "__main__":
    sys.exit(main())
