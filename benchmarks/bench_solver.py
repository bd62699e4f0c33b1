"""Solver core benchmarks (issue 3): a department, and national scaling from 50 to 1,000 readers.

    python benchmarks/bench_solver.py [--department-seconds 60] [--national-seconds 300]
        [--sizes 50,200,500,1000] [--workers 2] [--seed 0] [--skip-department] [--skip-national]
        [--department-method METHOD] [--national-method METHOD]
        [--department-bound-seconds 120] [--no-national-lp-bound]

Department: 40 radiologists x 3 regions x 28 days (benchmarks.synthetic_problems: leave blocks,
wishes, hard on-call per region and night, reading demand per site and subspecialty): time to the
first roster, to a proven optimum (or the gap at the limit), objective and bound.
Target: proven optimal within 30 s on 2 cores.

National: the same generator at each size, regions scaled with the readers (about 83 a region,
at least 3): model build time, first roster, objective, bound, gap at the limit and peak memory,
then how each grows with the readers. Target: the 1,000-reader month within 2 % of its bound in
5 minutes. CP-SAT's own bound is about 0 at these sizes, so each size's LP relaxation is solved as
well (benchmarks.lp_relaxation, PDLP; a valid bound from its duals) and the gap is printed against
the better of the two bounds.

Each solve runs in a child process of its own, so its peak RSS is its own. Every roster goes
through solver.validate: a broken hard rule, or a recomputed objective other than the solver's,
fails the script (exit 1); a target not met is printed as unmet, not a failure.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lp_relaxation import LpBound, lp_lower_bound  # noqa: E402
from synthetic_problems import synthetic_problem  # noqa: E402

from solver.lns import DEFAULT_NEIGHBOURHOODS, solve_lns  # noqa: E402
from solver.model import build_model  # noqa: E402
from solver.neighbourhoods import TELERADIOLOGY_NEIGHBOURHOODS  # noqa: E402
from solver.options import SolveOptions  # noqa: E402
from solver.part_search import search_parts  # noqa: E402
from solver.problem import Problem  # noqa: E402
from solver.roster import Progress, SolveResult  # noqa: E402
from solver.solve import solve  # noqa: E402
from solver.validate import validate  # noqa: E402

T = TypeVar("T")

DEPARTMENT = {"readers": 40, "regions": 3, "days": 28}
DEPARTMENT_TARGET_SECONDS = 30.0
NATIONAL_TARGET_GAP = 0.02
READERS_PER_REGION = 1000 / 12


@dataclass(frozen=True)
class Run:
    """One solve, measured in its own process."""

    label: str
    method: str
    readers: int
    regions: int
    decisions: int  # reader-shift variables
    build_seconds: float
    first_seconds: float
    wall_seconds: float
    status: str
    objective: int
    bound: float
    peak_rss_mb: float
    validation_errors: tuple[str, ...]
    breakdown: dict[str, int]

    @property
    def gap(self) -> float:
        return gap_to(self.objective, self.bound)


def gap_to(objective: float, bound: float) -> float:
    """The relative gap of a roster's ``objective`` to a lower ``bound``."""
    return (objective - bound) / max(1.0, abs(objective))


# how to solve: solver.solve's own choice, the monolithic CP-SAT search, LNS (solver.lns) with
# its general neighbourhoods, with the region / week ones of solver.neighbourhoods as well, or
# after a column phase (its bound, a dive in its LP, then steps where the roster disputes it), or
# the search over parts solved as problems of their own (solver.part_search)
METHODS = ("auto", "monolithic", "lns", "lns-regions", "lns-columns", "parts")


def run_method(problem: Problem, method: str, options: SolveOptions) -> SolveResult:
    if method == "auto":
        return solve(problem, options)
    if method == "monolithic":
        return solve(problem, replace(options, lns=False))
    if method == "parts":
        return search_parts(problem, options, on_progress=print_progress)
    if method == "lns-columns":
        return solve_lns(problem, replace(options, column_generation=True))
    kinds = TELERADIOLOGY_NEIGHBOURHOODS if method == "lns-regions" else DEFAULT_NEIGHBOURHOODS
    return solve_lns(problem, options, neighbourhoods=kinds)


def print_progress(step: Progress) -> None:
    """The objective over time, as it improves (the run's own child process prints it)."""
    print(
        f"    {step.elapsed_seconds:6.1f} s  objective {step.objective:10.0f}  "
        f"bound {step.best_bound:8.0f}  ({load()})",
        flush=True,
    )


def measure(
    label: str, readers: int, regions: int, seconds: float, workers: int, seed: int, method: str
) -> Run:
    """Build, solve and validate one synthetic problem (runs in a fresh child process)."""
    problem = synthetic_problem(readers=readers, regions=regions, days=28, seed=seed)
    began = time.perf_counter()
    model = build_model(problem)
    build_seconds = time.perf_counter() - began
    decisions = len(model.ctx.x)
    del model
    options = SolveOptions(max_time_in_seconds=seconds, num_workers=workers, random_seed=seed)
    result = run_method(problem, method, options)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    errors: list[str] = []
    if result.status.has_roster:
        report = validate(problem, result.roster)
        errors += [str(v) for v in report.violations[:5]]
        if report.objective != result.objective:
            errors.append(
                f"validator objective {report.objective} != solver objective {result.objective}"
            )
    else:
        errors.append(f"no roster: {result.status} {' '.join(result.explanation)}")
    return Run(
        label=label,
        method=method,
        readers=readers,
        regions=regions,
        decisions=decisions,
        build_seconds=build_seconds,
        first_seconds=result.first_feasible_seconds or float("nan"),
        wall_seconds=result.wall_seconds,
        status=str(result.status),
        objective=result.objective or 0,
        bound=result.best_bound if result.best_bound is not None else float("-inf"),
        peak_rss_mb=peak_mb,
        validation_errors=tuple(errors),
        breakdown=dict(result.breakdown),
    )


@dataclass(frozen=True)
class ColumnBoundRun:
    bound: float
    lp_value: float
    converged: bool
    rounds: int
    seconds: float


def measure_column_bound(readers: int, regions: int, seconds: float, seed: int) -> ColumnBoundRun:
    """Column generation's lower bound of the same problem (solver.column_bound), on its own."""
    from solver.column_bound import column_bound

    problem = synthetic_problem(readers=readers, regions=regions, days=28, seed=seed)
    found = column_bound(problem, seconds)
    return ColumnBoundRun(
        found.bound, found.lp_value, found.converged, found.iterations, found.seconds
    )


def print_column_bound(found: ColumnBoundRun, run: Run) -> None:
    gap = gap_to(run.objective, found.bound)
    print(
        f"  column-generation bound {found.bound:8.0f} after {found.seconds:.0f} s, "
        f"{found.rounds} rounds, {'converged' if found.converged else 'not converged'} "
        f"(LP {found.lp_value:.0f}): the roster is within {gap:.1%} of it"
    )


def measure_lp_bound(readers: int, regions: int, seed: int) -> LpBound:
    """The LP relaxation's bound of the same problem (benchmarks.lp_relaxation), on its own. PDLP:
    GLOP's simplex is not done in 10 minutes at 1,000 readers."""
    problem = synthetic_problem(readers=readers, regions=regions, days=28, seed=seed)
    return lp_lower_bound(problem, lp_solver="pdlp")


def print_lp_bounds(runs: list[Run], bounds: list[LpBound]) -> None:
    print("national LP relaxation bound (PDLP, bounded through its duals)")
    print(
        f"{'readers':>7} {'LP bound':>10} {'LP s':>7} {'CP-SAT bound':>12} {'objective':>10} "
        f"{'gap to best bound':>17}"
    )
    for run, found in zip(runs, bounds, strict=True):
        gap = gap_to(run.objective, max(run.bound, found.bound))
        print(
            f"{run.readers:7d} {found.bound:10.0f} {found.seconds:7.1f} {run.bound:12.0f} "
            f"{run.objective:10d} {gap:17.2%}"
        )
    largest, found = runs[-1], bounds[-1]
    gap = gap_to(largest.objective, max(largest.bound, found.bound))
    met = largest.readers >= 1000 and gap <= NATIONAL_TARGET_GAP
    print(
        f"target: {largest.readers} readers within {NATIONAL_TARGET_GAP:.0%} of the best bound: "
        f"gap {gap:.2%}: {'MET' if met else 'UNMET'}"
    )


def in_child(function: Callable[..., T], *args: object) -> T:
    """``function(*args)`` in a fresh child process, so its peak RSS is its own."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(function, *args).result()


def regions_for(readers: int) -> int:
    return max(3, round(readers / READERS_PER_REGION))


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} CPUs)"


def print_department(run: Run) -> None:
    optimal = run.status == "optimal"
    print(
        f"department {run.readers} readers x {run.regions} regions x 28 days "
        f"({run.decisions} reader-shift variables, method {run.method})"
    )
    print(f"  first roster      {run.first_seconds:8.1f} s")
    if optimal:
        print(f"  proven optimal    {run.wall_seconds:8.1f} s")
    else:
        print(f"  gap at the limit  {run.gap:8.2%} after {run.wall_seconds:.1f} s")
    print(f"  objective         {run.objective:8d}  {run.breakdown}")
    print(f"  bound             {run.bound:8.0f}")
    print(f"  peak RSS          {run.peak_rss_mb:8.0f} MB")
    met = optimal and run.wall_seconds <= DEPARTMENT_TARGET_SECONDS
    print(
        f"  target: proven optimal within {DEPARTMENT_TARGET_SECONDS:g} s: "
        f"{'MET' if met else 'UNMET'}"
    )


def print_national(runs: list[Run]) -> None:
    print(f"national, method {runs[0].method}")
    header = (
        f"{'readers':>7} {'regions':>7} {'vars':>8} {'build s':>8} {'first s':>8} "
        f"{'wall s':>7} {'objective':>10} {'bound':>10} {'gap':>7} {'peak MB':>8}  status"
    )
    print(header)
    for run in runs:
        print(
            f"{run.readers:7d} {run.regions:7d} {run.decisions:8d} {run.build_seconds:8.1f} "
            f"{run.first_seconds:8.1f} {run.wall_seconds:7.1f} {run.objective:10d} "
            f"{run.bound:10.0f} {run.gap:7.2%} {run.peak_rss_mb:8.0f}  {run.status}"
        )
    for run in runs:
        print(f"  {run.readers} readers, objective terms: {run.breakdown}")
    print("growth from one size to the next (x readers: x build, x first roster, x peak RSS):")
    for small, large in zip(runs, runs[1:], strict=False):
        print(
            f"  {small.readers} -> {large.readers} (x{large.readers / small.readers:.1f}): "
            f"build x{large.build_seconds / small.build_seconds:.1f}, "
            f"first roster x{large.first_seconds / small.first_seconds:.1f}, "
            f"peak RSS x{large.peak_rss_mb / small.peak_rss_mb:.1f}"
        )
    largest = runs[-1]
    met = largest.readers >= 1000 and largest.gap <= NATIONAL_TARGET_GAP
    print(
        f"target: {largest.readers} readers within {NATIONAL_TARGET_GAP:.0%} of the bound: "
        f"gap {largest.gap:.2%} after {largest.wall_seconds:.0f} s: {'MET' if met else 'UNMET'}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--department-seconds", type=float, default=60.0)
    parser.add_argument("--national-seconds", type=float, default=300.0)
    parser.add_argument("--sizes", default="50,200,500,1000", help="national reader counts")
    parser.add_argument("--workers", type=int, default=2, help="CP-SAT workers (2 cores)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--department-method", choices=METHODS, default="auto")
    parser.add_argument("--national-method", choices=METHODS, default="auto")
    parser.add_argument(
        "--department-bound-seconds",
        type=float,
        default=120.0,
        help="column generation's lower bound of the department (0: skip)",
    )
    parser.add_argument(
        "--national-lp-bound",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="each national size's LP relaxation bound too (about 4 min at 1,000 readers)",
    )
    parser.add_argument("--skip-department", action="store_true")
    parser.add_argument("--skip-national", action="store_true")
    args = parser.parse_args()

    print(f"bench_solver: {time.strftime('%Y-%m-%d %H:%M:%S %Z')}, {load()}")
    runs: list[Run] = []
    if not args.skip_department:
        run = in_child(
            measure,
            "department",
            DEPARTMENT["readers"],
            DEPARTMENT["regions"],
            args.department_seconds,
            args.workers,
            args.seed,
            args.department_method,
        )
        runs.append(run)
        print_department(run)
        if args.department_bound_seconds > 0:
            found = in_child(
                measure_column_bound,
                DEPARTMENT["readers"],
                DEPARTMENT["regions"],
                args.department_bound_seconds,
                args.seed,
            )
            print_column_bound(found, run)
        print(f"  ({load()})")
    if not args.skip_national:
        national = []
        for readers in (int(size) for size in args.sizes.split(",")):
            run = in_child(
                measure,
                "national",
                readers,
                regions_for(readers),
                args.national_seconds,
                args.workers,
                args.seed,
                args.national_method,
            )
            national.append(run)
            print(
                f"  measured {readers} readers: gap {run.gap:.2%}, {load()}",
                flush=True,
            )
        runs += national
        print_national(national)
        if args.national_lp_bound:
            bounds = []
            for run in national:
                bounds.append(in_child(measure_lp_bound, run.readers, run.regions, args.seed))
                print(f"  LP bound of {run.readers} readers measured, {load()}", flush=True)
            print_lp_bounds(national, bounds)

    failures = [(run, error) for run in runs for error in run.validation_errors]
    for run, error in failures:
        print(f"FAILED {run.label} {run.readers} readers: {error}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
