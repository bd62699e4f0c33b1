"""The cross-reader rows of a Problem, the restricted master LP over readers' schedules, and the
Lagrangian of those rows (used by solver.column_bound).

Every rule of the model is one reader's own except headcount cover, reading cover (with the group
flows of ``constraints.reading_groups``), urgent-reader floors and fairness spreads. Those become
the *coupling rows* here, each ``sum(coefficient * value) (>=, <=, =) rhs``, over two kinds of
values: the readers' schedules (a schedule touches a row through the shifts it works and the
weekends it works) and *auxiliary* variables of the master itself (shortfall and excess slacks,
group flows, the fairness max and min), each boxed by bounds any roster meets.

Because every auxiliary variable is boxed, the Lagrangian ``L(duals)`` below is finite for any
duals of the right signs, and is a lower bound of the problem's objective whatever the master LP
holds: the bound never rests on GLOP's numerics, only on each reader's pricing bound.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from enum import Enum

from ortools.math_opt.python import mathopt

from solver.constraints.context import ModelContext
from solver.constraints.fairness import fairness_members, load_scale
from solver.eligibility import may_read_pool
from solver.model import RosterModel
from solver.problem import Radiologist, Shift, ShiftKind

# Reader-free columns keep the master feasible before every reader has a real schedule; their cost
# only shapes the master's duals, never the bound.
ARTIFICIAL_COST = 1e7


class Sense(Enum):
    GE = ">="
    LE = "<="
    EQ = "="


@dataclass(frozen=True)
class Row:
    name: str
    sense: Sense
    rhs: float


@dataclass(frozen=True)
class Auxiliary:
    """A master variable of no reader: ``low <= v <= high`` at ``cost`` per unit.

    ``master_only``: a slack the true problem does not have (the shortfall of a hard cover); it
    keeps the master feasible but stays out of the Lagrangian, so the bound is the hard rule's.
    """

    name: str
    low: float
    high: float
    cost: float
    coefficients: dict[int, float]  # row index -> coefficient
    master_only: bool = False


@dataclass
class Coupling:
    rows: list[Row] = field(default_factory=list)
    auxiliaries: list[Auxiliary] = field(default_factory=list)
    # reader -> shift -> (row, coefficient) for each working of the shift
    shift_rows: dict[str, dict[str, list[tuple[int, float]]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    # reader -> (row, coefficient) for each weekend worked (weekend fairness)
    weekend_rows: dict[str, list[tuple[int, float]]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def add_row(self, name: str, sense: Sense, rhs: float) -> int:
        self.rows.append(Row(name, sense, rhs))
        return len(self.rows) - 1

    def column_coefficients(
        self, reader: str, shifts: frozenset[str], weekends: int
    ) -> dict[int, float]:
        coefficients: dict[int, float] = defaultdict(float)
        by_shift = self.shift_rows.get(reader, {})
        for shift_id in shifts:
            for row, coefficient in by_shift.get(shift_id, []):
                coefficients[row] += coefficient
        if weekends:
            for row, coefficient in self.weekend_rows.get(reader, []):
                coefficients[row] += coefficient * weekends
        return dict(coefficients)

    def signed(self, duals: list[float]) -> list[float]:
        """Duals clipped to the signs the rows' senses allow (>=: nonnegative, <=: nonpositive),
        so GLOP's tolerances cannot make the Lagrangian invalid."""
        clipped = []
        for row, dual in zip(self.rows, duals, strict=True):
            if row.sense == Sense.GE:
                dual = max(dual, 0.0)
            elif row.sense == Sense.LE:
                dual = min(dual, 0.0)
            clipped.append(dual)
        return clipped

    def lagrangian_constant(self, duals: list[float]) -> float:
        """``sum(dual * rhs)`` plus the least the auxiliaries can add at these duals: the part of
        ``L(duals)`` that is not the readers' pricing minima."""
        total = sum(dual * row.rhs for dual, row in zip(duals, self.rows, strict=True))
        for aux in self.auxiliaries:
            if aux.master_only:
                continue
            reduced = aux.cost - sum(duals[row] * c for row, c in aux.coefficients.items())
            total += reduced * (aux.low if reduced >= 0 else aux.high)
        return total

    def shift_prices(self, reader: str, duals: list[float]) -> dict[str, float]:
        """What working each shift adds to the reader's Lagrangian cost at these duals."""
        return {
            shift_id: -sum(duals[row] * c for row, c in entries)
            for shift_id, entries in self.shift_rows.get(reader, {}).items()
        }

    def weekend_price(self, reader: str, duals: list[float]) -> float:
        return -sum(duals[row] * c for row, c in self.weekend_rows.get(reader, []))


def build_coupling(full: RosterModel, hard_slack_cost: float) -> Coupling:
    """The coupling rows of ``full``'s problem, from the full model's variables and groups (the
    readers who may work each shift, read each pool, take part in each fairness category)."""
    coupling = Coupling()
    on_shift = _readers_on_shift(full)
    _headcount_rows(full, coupling, on_shift, hard_slack_cost)
    _urgent_rows(full, coupling, on_shift)
    _reading_rows(full, coupling)
    _fairness_rows(full, coupling)
    return coupling


def _headcount_rows(
    full: RosterModel,
    coupling: Coupling,
    on_shift: dict[str, list[str]],
    hard_slack_cost: float,
) -> None:
    ctx = full.ctx
    for cover in ctx.problem.headcount_cover:
        workers = on_shift.get(cover.shift_id, [])
        hard = cover.hard and cover.required > 0
        # staffed + under - over = required; a hard minimum has no shortfall but in the master
        row = coupling.add_row(f"cover {cover.shift_id}", Sense.EQ, cover.required)
        for reader in workers:
            coupling.shift_rows[reader][cover.shift_id].append((row, 1.0))
        under_cost = hard_slack_cost if hard else float(cover.weight_under)
        coupling.auxiliaries.append(
            Auxiliary(f"under {cover.shift_id}", 0, cover.required, under_cost, {row: 1.0}, hard)
        )
        most_over = max(0, len(workers) - cover.required)
        coupling.auxiliaries.append(
            Auxiliary(f"over {cover.shift_id}", 0, most_over, cover.weight_over, {row: -1.0})
        )


def _readers_on_shift(full: RosterModel) -> dict[str, list[str]]:
    on_shift: dict[str, list[str]] = defaultdict(list)
    for reader, shift_id in full.ctx.x:
        on_shift[shift_id].append(reader)
    return on_shift


def _urgent_rows(full: RosterModel, coupling: Coupling, on_shift: dict[str, list[str]]) -> None:
    ctx = full.ctx
    problem = ctx.problem
    for demand in problem.reading_demand:
        if demand.min_readers <= 0 or demand.weight_under <= 0:
            continue
        shift = ctx.shifts[demand.shift_id]
        pool = ctx.pools[demand.pool]
        row = coupling.add_row(f"urgent {demand.pool} {shift.id}", Sense.GE, demand.min_readers)
        for reader in on_shift.get(shift.id, []):
            if may_read_pool(problem, ctx.readers[reader], shift, pool):
                coupling.shift_rows[reader][shift.id].append((row, 1.0))
        weight = demand.weight_under * problem.shift_units(shift)
        coupling.auxiliaries.append(
            Auxiliary(f"missing {demand.pool} {shift.id}", 0, demand.min_readers, weight, {row: 1})
        )


def _reading_rows(full: RosterModel, coupling: Coupling) -> None:
    """Group capacity rows (flows <= units * readers of the group working) and one supply row per
    demand (flows + under - over = units); flows stay continuous."""
    problem = full.ctx.problem
    flows_by_pool: dict[tuple[str, str], list[dict[int, float]]] = defaultdict(list)
    # the most units the groups reading a pool on a shift can give it
    capacity: dict[tuple[str, str], float] = defaultdict(float)
    flow_bounds: list[tuple[str, float, dict[int, float]]] = []
    for group in full.reading.groups.values():
        units = problem.shift_units(group.shift)
        row = coupling.add_row(f"capacity {group.shift.id} {group.pools}", Sense.LE, 0)
        for reader, _ in group.members:
            coupling.shift_rows[reader][group.shift.id].append((row, -float(units)))
        for pool in group.pools:
            coefficients = {row: 1.0}
            flows_by_pool[pool, group.shift.id].append(coefficients)
            capacity[pool, group.shift.id] += units * len(group.members)
            flow_bounds.append(
                (f"flow {group.shift.id} {pool}", units * len(group.members), coefficients)
            )
    for demand in problem.reading_demand:
        row = coupling.add_row(f"supply {demand.pool} {demand.shift_id}", Sense.EQ, demand.units)
        flows = flows_by_pool.get((demand.pool, demand.shift_id), [])
        for coefficients in flows:
            coefficients[row] = 1.0
        most = capacity.get((demand.pool, demand.shift_id), 0.0)
        name = f"{demand.pool} {demand.shift_id}"
        coupling.auxiliaries.append(
            Auxiliary(f"short {name}", 0, demand.units, demand.weight_under, {row: 1.0})
        )
        coupling.auxiliaries.append(
            Auxiliary(
                f"excess {name}", 0, max(0, most - demand.units), demand.weight_over, {row: -1.0}
            )
        )
    for name, high, coefficients in flow_bounds:
        coupling.auxiliaries.append(Auxiliary(name, 0, high, 0.0, coefficients))


def _fairness_rows(full: RosterModel, coupling: Coupling) -> None:
    """Per category: most >= load_r and load_r >= least for each member, weight * (most - least);
    nights and on-calls are counted per shift, weekends per weekend worked (as fairness.py)."""
    ctx = full.ctx
    weights = ctx.problem.weights
    categories = (
        ("nights", weights.fairness_nights),
        ("weekends", weights.fairness_weekends),
        ("on_call", weights.fairness_on_call),
    )
    for category, weight in categories:
        if weight <= 0:
            continue
        members = fairness_members(ctx, category)
        if len(members) < 2:
            continue
        heaviest = 0.0
        most_rows: dict[int, float] = {}
        least_rows: dict[int, float] = {}
        for reader in members:
            scale = float(load_scale(reader))
            most_row = coupling.add_row(f"{category} most >= {reader.id}", Sense.GE, 0)
            least_row = coupling.add_row(f"{category} {reader.id} >= least", Sense.GE, 0)
            most_rows[most_row], least_rows[least_row] = 1.0, -1.0
            entries = [(most_row, -scale), (least_row, scale)]
            slots = ctx.slots[reader.id]
            if category == "weekends":
                coupling.weekend_rows[reader.id].extend(entries)
                counted = len(ctx.weekend_days)
            else:
                counted = 0
                for slot in slots:
                    if _counts(ctx, reader, slot.shift, category):
                        coupling.shift_rows[reader.id][slot.shift.id].extend(entries)
                        counted += 1
            heaviest = max(heaviest, scale * counted)
        coupling.auxiliaries.append(
            Auxiliary(f"{category} most", 0, heaviest, float(weight), most_rows)
        )
        coupling.auxiliaries.append(
            Auxiliary(f"{category} least", 0, heaviest, -float(weight), least_rows)
        )


def _counts(ctx: ModelContext, reader: Radiologist, shift: Shift, category: str) -> bool:
    if category == "nights":
        return ctx.is_night(reader, shift)
    return shift.kind == ShiftKind.ON_CALL


# Without presolve GLOP re-solves an updated model from its last basis, which the incremental
# solver keeps itself (passing the basis back costs more to convert than it saves)
WARM_START = mathopt.SolveParameters(presolve=mathopt.Emphasis.OFF)
# Only what the column generation reads is converted back to Python: converting results and the
# basis took 63 of a re-solve's 153 ms in Curtois-Qu 19's dive, GLOP itself 74
ONLY_NONZERO = mathopt.SparseVectorFilter(skip_zero_values=True)
READ_BACK = mathopt.ModelSolveParameters(
    variable_values_filter=ONLY_NONZERO,
    dual_values_filter=ONLY_NONZERO,
    reduced_costs_filter=mathopt.SparseVectorFilter(filtered_items=()),
)


class RestrictedMaster:
    """The master LP over the columns found so far, grown one column at a time and re-solved by
    GLOP from its previous basis (MathOpt's incremental solver: a re-solve from scratch grows
    with the columns, seconds a round on a department)."""

    def __init__(self, coupling: Coupling, readers: list[str]) -> None:
        self.coupling = coupling
        self.model = mathopt.Model(name="restricted master")
        infinity = math.inf
        bounds = {Sense.GE: (0.0, infinity), Sense.LE: (-infinity, 0.0), Sense.EQ: (0.0, 0.0)}
        self.rows = []
        for spec in coupling.rows:
            low, high = bounds[spec.sense]
            self.rows.append(
                self.model.add_linear_constraint(lb=low + spec.rhs, ub=high + spec.rhs)
            )
        objective = self.model.objective
        for aux in coupling.auxiliaries:
            var = self.model.add_variable(lb=aux.low, ub=aux.high)
            objective.set_linear_coefficient(var, aux.cost)
            for row, coefficient in aux.coefficients.items():
                self.rows[row].set_coefficient(var, coefficient)
        self.convexity = {}
        self.artificials: dict[str, mathopt.Variable] = {}
        for reader in readers:
            self.convexity[reader] = self.model.add_linear_constraint(lb=1.0, ub=1.0)
            artificial = self.model.add_variable(lb=0.0, ub=1.0)
            objective.set_linear_coefficient(artificial, ARTIFICIAL_COST)
            self.convexity[reader].set_coefficient(artificial, 1.0)
            self.artificials[reader] = artificial
        objective.is_maximize = False
        self.columns: dict[str, list[mathopt.Variable]] = defaultdict(list)
        self.solver = mathopt.IncrementalSolver(self.model, mathopt.SolverType.GLOP)
        self.last: mathopt.SolveResult | None = None

    def add_column(self, reader: str, cost: float, coefficients: dict[int, float]) -> None:
        var = self.model.add_variable(lb=0.0)
        self.model.objective.set_linear_coefficient(var, cost)
        self.convexity[reader].set_coefficient(var, 1.0)
        for row, coefficient in coefficients.items():
            self.rows[row].set_coefficient(var, coefficient)
        self.columns[reader].append(var)

    def fix(self, reader: str, column: int) -> None:
        """``reader`` keeps to their ``column``-th schedule: the others can no longer enter."""
        for index, var in enumerate(self.columns[reader]):
            if index != column:
                var.upper_bound = 0.0
        self.artificials[reader].upper_bound = 0.0

    def allow_only(self, reader: str, columns: set[int]) -> None:
        """Only ``reader``'s schedules numbered in ``columns`` may enter (and those added later)."""
        for index, var in enumerate(self.columns[reader]):
            var.upper_bound = math.inf if index in columns else 0.0

    def unfix(self, reader: str) -> None:
        """Every schedule of ``reader`` may enter again."""
        for var in self.columns[reader]:
            var.upper_bound = math.inf
        self.artificials[reader].upper_bound = 1.0

    def solve(self) -> tuple[float, list[float], dict[str, float]]:
        """The LP value, the coupling rows' duals and each reader's convexity dual."""
        try:
            result = self.solver.solve(params=WARM_START, model_params=READ_BACK)
        except Exception:  # OR-Tools 9.15 turns GLOP's ABNORMAL end into an AttributeError
            result = None
        if result is None or result.termination.reason != mathopt.TerminationReason.OPTIMAL:
            # GLOP, now and then, ends ABNORMAL from its last basis after many columns (a
            # national month's master, about one run in two): solved again from no basis
            result = self._solve_afresh()
        self.last = result
        dual_solution = result.solutions[0].dual_solution
        assert dual_solution is not None
        nonzero = dual_solution.dual_values  # rows left out have dual 0
        duals = [nonzero.get(row, 0.0) for row in self.rows]
        convexity = {reader: nonzero.get(row, 0.0) for reader, row in self.convexity.items()}
        return result.objective_value(), duals, convexity

    def _solve_afresh(self) -> mathopt.SolveResult:
        self.solver = mathopt.IncrementalSolver(self.model, mathopt.SolverType.GLOP)
        result = self.solver.solve(params=WARM_START, model_params=READ_BACK)
        if result.termination.reason != mathopt.TerminationReason.OPTIMAL:
            raise RuntimeError(f"the restricted master LP ended with {result.termination}")
        return result

    def weights(self) -> dict[str, list[float]]:
        if self.last is None:
            return {reader: [0.0] * len(vars_) for reader, vars_ in self.columns.items()}
        values = self.last.variable_values()
        return {
            reader: [values.get(v, 0.0) for v in vars_] for reader, vars_ in self.columns.items()
        }
