"""The LP relaxation of the solver's model of a synthetic problem: a valid lower bound on its
objective, and a check of what CP-SAT's own LP could prove at best.

    python benchmarks/lp_relaxation.py [--readers 40] [--regions 3] [--seed 0]
        [--lp-solver glop-primal|glop-dual|pdlp] [--time-limit 0] [--pdlp-tolerance 1e-4]

Every variable of the CP-SAT model is relaxed to its interval; linear rows stay as they are, an
at-most-one / exactly-one / clause becomes its linear row over the literals, and ``t = max(e_i)``
keeps ``t >= e_i`` (what minimising needs). Only a normal solve's model (no enforcement literals)
is relaxed.

The bound reported is not the LP solver's objective but the Lagrangian value of its row duals
(``dual_bound``): valid for any duals, so a first-order (PDLP) or time-limited solve gives a
rigorous bound too, only a weaker one.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse
from ortools.linear_solver.python import model_builder_helper as lp_helper
from ortools.sat import cp_model_pb2
from ortools.sat.python import cp_model

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic_problems import synthetic_problem  # noqa: E402

from solver.model import build_model  # noqa: E402
from solver.problem import Problem  # noqa: E402

LP_SOLVERS = ("glop-primal", "glop-dual", "pdlp")
# a CP-SAT domain end beyond this is "unbounded"
_UNBOUNDED = 2**62


@dataclass(frozen=True)
class Relaxation:
    """min scale * (objective . x + offset) s.t. row_low <= matrix x <= row_high,
    column_low <= x <= column_high (x indexed as the CP-SAT model's variables)."""

    objective: np.ndarray
    offset: float
    scale: float
    column_low: np.ndarray
    column_high: np.ndarray
    row_low: np.ndarray
    row_high: np.ndarray
    matrix: scipy.sparse.csr_matrix


@dataclass(frozen=True)
class LpBound:
    bound: float  # valid lower bound on the model's objective (from the row duals)
    lp_value: float  # the LP solver's own objective (a PDLP one is neither bound nor optimum)
    status: str
    solver: str
    seconds: float  # relaxing and solving, not building the CP-SAT model


def model_proto(model: cp_model.CpModel) -> cp_model_pb2.CpModelProto:
    """A protobuf copy of the model (its in-memory proto is a C++ object)."""
    with tempfile.NamedTemporaryFile(suffix=".pb") as file:
        model.export_to_file(file.name)
        proto = cp_model_pb2.CpModelProto()
        proto.ParseFromString(Path(file.name).read_bytes())
    return proto


def relax(proto: cp_model_pb2.CpModelProto) -> Relaxation:
    row_low: list[float] = []
    row_high: list[float] = []
    rows: list[int] = []
    columns: list[int] = []
    values: list[float] = []

    def add_row(terms: list[tuple[int, float]], low: float, high: float) -> None:
        row = len(row_low)
        row_low.append(low)
        row_high.append(high)
        for column, value in terms:
            rows.append(row)
            columns.append(column)
            values.append(value)

    def literal_terms(literals: list[int]) -> tuple[list[tuple[int, float]], float]:
        """sum of literals = terms + constant (a negated literal ~v is 1 - v)."""
        terms = [(lit, 1.0) if lit >= 0 else (-lit - 1, -1.0) for lit in literals]
        return terms, float(sum(1 for lit in literals if lit < 0))

    for constraint in proto.constraints:
        if constraint.enforcement_literal:
            raise ValueError("an enforced constraint: relax a normal solve's model only")
        kind = constraint.WhichOneof("constraint")
        if kind == "linear":
            domain = constraint.linear.domain
            low = domain[0] if domain[0] > -_UNBOUNDED else -np.inf
            high = domain[-1] if domain[-1] < _UNBOUNDED else np.inf
            add_row(
                list(zip(constraint.linear.vars, constraint.linear.coeffs, strict=True)), low, high
            )
        elif kind in ("at_most_one", "exactly_one", "bool_or"):
            terms, constant = literal_terms(list(getattr(constraint, kind).literals))
            low = -np.inf if kind == "at_most_one" else 1 - constant
            high = np.inf if kind == "bool_or" else 1 - constant
            add_row(terms, low, high)
        elif kind == "lin_max":
            target = constraint.lin_max.target
            for expr in constraint.lin_max.exprs:
                terms = list(zip(target.vars, target.coeffs, strict=True))
                terms += [(v, -c) for v, c in zip(expr.vars, expr.coeffs, strict=True)]
                add_row(terms, expr.offset - target.offset, np.inf)
        else:
            raise ValueError(f"no relaxation written for a {kind} constraint")

    shape = (len(row_low), len(proto.variables))
    # duplicates (a variable twice in one row) are summed by the conversion
    matrix = scipy.sparse.coo_matrix((values, (rows, columns)), shape=shape).tocsr()
    objective = np.zeros(shape[1])
    np.add.at(objective, list(proto.objective.vars), list(proto.objective.coeffs))
    scale = proto.objective.scaling_factor or 1.0
    if scale <= 0:
        raise ValueError("a maximising model: relax a minimising one")
    return Relaxation(
        objective=objective,
        offset=proto.objective.offset,
        scale=scale,
        column_low=np.array([var.domain[0] for var in proto.variables], dtype=float),
        column_high=np.array([var.domain[-1] for var in proto.variables], dtype=float),
        row_low=np.array(row_low, dtype=float),
        row_high=np.array(row_high, dtype=float),
        matrix=matrix,
    )


def dual_bound(relaxation: Relaxation, row_duals: np.ndarray) -> float:
    """The Lagrangian bound of ``row_duals`` (any values): for x feasible, objective . x =
    (objective - A'y) . x + y . Ax, and each term is at least its value at the bound its sign
    picks. A dual whose row side is infinite is taken as 0, so the bound is finite."""
    r = relaxation
    duals = np.where((row_duals > 0) & np.isinf(r.row_low), 0.0, row_duals)
    duals = np.where((duals < 0) & np.isinf(r.row_high), 0.0, duals)
    row_terms = np.where(duals > 0, duals * _finite(r.row_low), 0.0)
    row_terms += np.where(duals < 0, duals * _finite(r.row_high), 0.0)
    reduced = r.objective - r.matrix.T @ duals
    column_terms = np.where(reduced > 0, reduced * r.column_low, reduced * r.column_high)
    terms = np.concatenate([row_terms, column_terms])
    # floating-point sums of ~10^6 terms: give back a margin far above their rounding error
    margin = 1e-9 * float(np.abs(terms).sum())
    return r.scale * (float(np.sum(terms)) + r.offset - margin)


def _finite(sides: np.ndarray) -> np.ndarray:
    return np.where(np.isinf(sides), 0.0, sides)


def solve_relaxation(
    relaxation: Relaxation,
    lp_solver: str = "glop-primal",
    time_limit: float = 0.0,
    pdlp_tolerance: float = 1e-4,
) -> tuple[float, np.ndarray, str]:
    """The LP solver's objective, its row duals and its status (``time_limit`` 0: none)."""
    model = lp_helper.ModelBuilderHelper()
    r = relaxation
    model.fill_model_from_sparse_data(
        r.column_low, r.column_high, r.objective, r.row_low, r.row_high, r.matrix
    )
    solver = lp_helper.ModelSolverHelper("pdlp" if lp_solver == "pdlp" else "glop")
    if lp_solver == "pdlp":
        # its default tolerance (1e-6) costs more than a benchmark can spend at 1,000 readers; one
        # thread, as the 2 cores are shared
        solver.set_solver_specific_parameters(
            f"num_threads: 1 termination_criteria {{ simple_optimality_criteria {{ "
            f"eps_optimal_absolute: {pdlp_tolerance} eps_optimal_relative: {pdlp_tolerance} }} }}"
        )
    else:
        solver.set_solver_specific_parameters(
            f"use_dual_simplex: {'true' if lp_solver == 'glop-dual' else 'false'}"
        )
    if time_limit > 0:
        solver.set_time_limit_in_seconds(time_limit)
    solver.solve(model)
    status = solver.status().name.lower()
    if not solver.has_solution():
        raise RuntimeError(f"{lp_solver} found no LP solution ({status})")
    value = r.scale * (solver.objective_value() + r.offset)
    return value, np.asarray(solver.dual_values(), dtype=float), status


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
