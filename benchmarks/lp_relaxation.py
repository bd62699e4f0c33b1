"""The LP relaxation of the solver's model of a synthetic problem, solved by GLOP: a valid lower
bound on its objective, and a check of what CP-SAT's own LP could prove at best.

    python benchmarks/lp_relaxation.py [--readers 40] [--regions 3] [--seed 0]

Every variable of the CP-SAT model is relaxed to its interval; linear rows stay as they are, an
at-most-one / exactly-one / clause becomes its linear row over the literals, and ``t = max(e_i)``
keeps ``t >= e_i`` (what minimising needs). Only a normal solve's model (no enforcement literals)
is relaxed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from ortools.linear_solver import pywraplp
from ortools.sat import cp_model_pb2

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic_problems import synthetic_problem  # noqa: E402

from solver.model import build_model  # noqa: E402


def lp_bound(proto: cp_model_pb2.CpModelProto) -> float:
    lp = pywraplp.Solver.CreateSolver("GLOP")
    infinity = lp.infinity()
    columns = [
        lp.NumVar(var.domain[0], var.domain[-1], f"v{i}") for i, var in enumerate(proto.variables)
    ]

    def add_row(terms: list[tuple[int, float]], low: float, high: float) -> None:
        row = lp.Constraint(low, high)
        for index, coefficient in terms:
            row.SetCoefficient(columns[index], row.GetCoefficient(columns[index]) + coefficient)

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
            low = domain[0] if domain[0] > -(2**62) else -infinity
            high = domain[-1] if domain[-1] < 2**62 else infinity
            add_row(
                list(zip(constraint.linear.vars, constraint.linear.coeffs, strict=True)), low, high
            )
        elif kind in ("at_most_one", "exactly_one", "bool_or"):
            terms, constant = literal_terms(list(getattr(constraint, kind).literals))
            low = -infinity if kind == "at_most_one" else 1 - constant
            high = infinity if kind == "bool_or" else 1 - constant
            add_row(terms, low, high)
        elif kind == "lin_max":
            target = constraint.lin_max.target
            for expr in constraint.lin_max.exprs:
                terms = list(zip(target.vars, target.coeffs, strict=True))
                terms += [(v, -c) for v, c in zip(expr.vars, expr.coeffs, strict=True)]
                add_row(terms, expr.offset - target.offset, infinity)
        else:
            raise ValueError(f"no relaxation written for a {kind} constraint")
    objective = lp.Objective()
    for index, coefficient in zip(proto.objective.vars, proto.objective.coeffs, strict=True):
        objective.SetCoefficient(columns[index], coefficient)
    objective.SetOffset(proto.objective.offset)
    objective.SetMinimization()
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        raise RuntimeError("GLOP did not solve the relaxation")
    return float(objective.Value())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=40)
    parser.add_argument("--regions", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    problem = synthetic_problem(readers=args.readers, regions=args.regions, seed=args.seed)
    model = build_model(problem)
    with tempfile.NamedTemporaryFile(suffix=".pb") as file:
        model.model.export_to_file(file.name)
        proto = cp_model_pb2.CpModelProto()
        proto.ParseFromString(Path(file.name).read_bytes())
    began = time.perf_counter()
    bound = lp_bound(proto)
    print(
        f"{problem.name}: LP relaxation {bound:.1f} "
        f"({len(proto.variables)} variables, {len(proto.constraints)} constraints, "
        f"{time.perf_counter() - began:.1f} s)"
    )


if __name__ == "__main__":
    main()
