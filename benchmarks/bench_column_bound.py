"""The column-generation lower bound (solver.column_bound): Curtois-Qu and the department.

    python benchmarks/bench_column_bound.py [--curtois DIR] [--instances 1,3,5,...] [--department]
        [--seconds 300] [--checkpoint 60] [--workers 2]

For each problem: the bound reached by ``--checkpoint`` seconds and at the end of ``--seconds``
(one run; the checkpoint is read from the run's progress), the master LP's value, rounds, whether
column generation converged, and the 1-minute load average before and after, next to the
best-known upper and lower bounds of ``best_known.tsv``. The instances are read where they lie,
never copied.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic_problems import synthetic_problem  # noqa: E402

from scheduler.benchmarks.curtois import read_instance  # noqa: E402
from scheduler.benchmarks.mapping import to_problem  # noqa: E402
from scheduler.benchmarks.run import read_best_known  # noqa: E402
from solver.column_bound import column_bound  # noqa: E402
from solver.problem import Problem  # noqa: E402

# beside the checkout, as the Makefile's CURTOIS_DIR
CURTOIS = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "curtois"
HEADER = (
    "| problem | bound @ checkpoint | bound @ end | ceil | LP value | rounds | converged | columns "
    "| seconds | best-known ub | best lb | load before / after |\n"
    "|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---|"
)


def load_average() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def measure(
    label: str, problem: Problem, seconds: float, checkpoint: float, workers: int, known: str
) -> None:
    began = time.perf_counter()
    seen: list[tuple[float, float]] = []

    def heard(bound: float, rounds: int) -> None:
        elapsed = time.perf_counter() - began
        seen.append((elapsed, bound))
        print(f"    {label}: {elapsed:6.1f} s  round {rounds:4d}  bound {bound:.2f}", flush=True)

    load_before = load_average()
    result = column_bound(problem, seconds, workers=workers, on_progress=heard)
    at_checkpoint = max((b for t, b in seen if t <= checkpoint), default=0.0)
    total_columns = sum(len(c) for c in result.columns.values())
    print(
        f"| {label} | {at_checkpoint:.2f} | {result.bound:.2f} | {math.ceil(result.bound - 1e-6)} "
        f"| {result.lp_value:.2f} | {result.iterations} | {'yes' if result.converged else 'no'} "
        f"| {total_columns} | {result.seconds:.1f} | {known} "
        f"| {load_before} / {load_average()} |",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--curtois", type=Path, default=CURTOIS)
    parser.add_argument("--instances", default="1,3,5,7,9,11,13,15,17,19")
    parser.add_argument("--department", action="store_true")
    parser.add_argument("--seconds", type=float, default=300.0)
    parser.add_argument("--checkpoint", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    best_known = read_best_known(args.curtois / "best_known.tsv")
    print(HEADER, flush=True)
    if args.department:
        department = synthetic_problem(readers=40, regions=3, days=28, seed=0)
        measure("department", department, args.seconds, args.checkpoint, args.workers, "- | -")
    for number in filter(None, args.instances.split(",")):
        name = f"Instance{number}"
        problem = to_problem(read_instance(args.curtois / f"{name}.txt"))
        known = best_known.get(name)
        reference = "- | -"
        if known is not None:
            lower = "-" if known.lower_bound is None else str(known.lower_bound)
            reference = f"{known.upper_bound} | {lower}"
        measure(name, problem, args.seconds, args.checkpoint, args.workers, reference)


if __name__ == "__main__":
    main()
