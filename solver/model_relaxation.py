"""The LP relaxation of a CP-SAT model: every variable relaxed to its interval, linear rows kept,
an at-most-one / exactly-one / clause as its linear row over the literals, ``t = max(e_i)`` as
``t >= e_i`` (what minimising needs), an unenforced conjunction as its literals fixed true. Only
models without enforcement literals are relaxed (a normal solve's, not an explaining one).

Two uses: a bound (``dual_bound``: the Lagrangian value of any row duals, so a first-order or
time-limited LP gives a rigorous bound too, only a weaker one) and a guide (``lp_values``: the
LP's optimal values, which a part's search fixes where they agree with its start).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse
from ortools.linear_solver.python import model_builder_helper as lp_helper
from ortools.sat import cp_model_pb2
from ortools.sat.python import cp_model

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
        elif kind == "bool_and":  # unenforced: every literal holds (pins)
            for literal in constraint.bool_and.literals:
                terms, constant = literal_terms([literal])
                add_row(terms, 1 - constant, 1 - constant)
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
    r = relaxation
    model = _lp_model(r)
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


def lp_values(relaxation: Relaxation, time_limit: float) -> np.ndarray | None:
    """The LP's optimal values by the model's variable index (GLOP primal simplex); None when it
    is not solved to optimality within ``time_limit`` seconds."""
    model = _lp_model(relaxation)
    solver = lp_helper.ModelSolverHelper("glop")
    solver.set_time_limit_in_seconds(max(0.01, time_limit))
    solver.solve(model)
    if solver.status() != lp_helper.SolveStatus.OPTIMAL:
        return None
    return np.asarray(solver.variable_values(), dtype=float)


def _lp_model(r: Relaxation) -> lp_helper.ModelBuilderHelper:
    model = lp_helper.ModelBuilderHelper()
    # the helper's stubs type arrays by their dtype where numpy types them by shape
    model.fill_model_from_sparse_data(
        r.column_low,  # type: ignore[arg-type]
        r.column_high,  # type: ignore[arg-type]
        r.objective,  # type: ignore[arg-type]
        r.row_low,  # type: ignore[arg-type]
        r.row_high,  # type: ignore[arg-type]
        r.matrix,
    )
    return model
