"""The LP relaxation of the solver's model of a synthetic problem: a valid lower bound on its
objective, and a check of what CP-SAT's own LP could prove at best.

    python benchmarks/lp_relaxation.py [--readers 40] [--regions 3] [--seed 0]
        [--lp-solver glop-primal|glop-dual|pdlp] [--time-limit 0] [--pdlp-tolerance 1e-4]

The relaxation and its dual bound are solver.model_relaxation's: the bound reported is not the
LP solver's objective but the Lagrangian value of its row duals, valid for any duals, so a
first-order (PDLP) or time-limited solve gives a rigorous bound too, only a weaker one.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic_problems import synthetic_problem  # noqa: E402

from solver.model import build_model  # noqa: E402
from solver.model_relaxation import (  # noqa: E402
    LP_SOLVERS,
    dual_bound,
    model_proto,
    relax,
    solve_relaxation,
)
from solver.problem import Problem  # noqa: E402


@dataclass(frozen=True)
class LpBound:
    bound: float  # valid lower bound on the model's objective (from the row duals)
    lp_value: float  # the LP solver's own objective (a PDLP one is neither bound nor optimum)
    status: str
    solver: str
    seconds: float  # relaxing and solving, not building the CP-SAT model


def lp_lower_bound(
    problem: Problem,
    lp_solver: str = "glop-primal",
    time_limit: float = 0.0,
    pdlp_tolerance: float = 1e-4,
) -> LpBound:
    """A valid lower bound on the objective of any roster of ``problem`` (the product's model's
    LP relaxation, bounded through its duals)."""
    model = build_model(problem)
    began = time.perf_counter()
    relaxation = relax(model_proto(model.model))
    del model
    value, duals, status = solve_relaxation(relaxation, lp_solver, time_limit, pdlp_tolerance)
    bound = dual_bound(relaxation, duals)
    return LpBound(bound, value, status, lp_solver, time.perf_counter() - began)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=40)
    parser.add_argument("--regions", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--lp-solver", choices=LP_SOLVERS, default="glop-primal")
    parser.add_argument("--time-limit", type=float, default=0.0, help="LP seconds (0: none)")
    parser.add_argument("--pdlp-tolerance", type=float, default=1e-4)
    args = parser.parse_args()
    problem = synthetic_problem(readers=args.readers, regions=args.regions, seed=args.seed)
    found = lp_lower_bound(problem, args.lp_solver, args.time_limit, args.pdlp_tolerance)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{problem.name}: LP bound {found.bound:.1f} (LP value {found.lp_value:.1f}, "
        f"{found.solver} {found.status}, {found.seconds:.1f} s, peak RSS {peak_mb:.0f} MB)"
    )


if __name__ == "__main__":
    main()
