"""Reading units, aggregated: readers who may read the same pools on a shift form one group.

Such readers are interchangeable for reading, so the model needs only the units each *group* gives
each pool (``flow[g, p]``, with ``sum_p flow[g, p] <= units(s) * readers of g working s``), not one
variable per (reader, shift, pool). That cuts the reading variables by the group size, often
tenfold on national problems. Any group flow splits back into per-reader allocations, each within
the reader's units (``allocations``): fill the group's working readers one after another.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from solver.constraints.context import BoolVar, ModelContext
from solver.eligibility import may_read_pool
from solver.problem import Pool, Radiologist, Shift
from solver.roster import Allocation


@dataclass
class ReadingGroup:
    shift: Shift
    pools: tuple[str, ...]
    members: list[tuple[str, BoolVar]] = field(default_factory=list)  # (reader id, x[r, s])
    flows: dict[str, BoolVar] = field(default_factory=dict)  # pool id -> units given


class ReadingGroups:
    def __init__(self, ctx: ModelContext) -> None:
        self.ctx = ctx
        self.groups: dict[tuple[str, tuple[str, ...]], ReadingGroup] = {}
        self._demand_pools: dict[str, list[Pool]] = defaultdict(list)
        for demand in ctx.problem.reading_demand:
            self._demand_pools[demand.shift_id].append(ctx.pools[demand.pool])
        # may_read_pool depends on the shift only through its region, remote flag and day
        self._readable: dict[tuple[object, ...], tuple[str, ...]] = {}

    def join(self, reader: Radiologist, shift: Shift, x: BoolVar) -> None:
        """Put the reader's ``x[r, s]`` in the group of the pools they may read on ``shift``."""
        if self.ctx.problem.shift_units(shift) <= 0:
            return
        pools = self._readable_pools(reader, shift)
        if not pools:
            return
        key = (shift.id, pools)
        if key not in self.groups:
            self.groups[key] = ReadingGroup(shift, pools)
        self.groups[key].members.append((reader.id, x))

    def add_flows(self) -> None:
        """One flow variable per (group, pool) and the group's capacity; feeds ``ctx.supply``."""
        ctx = self.ctx
        for group in self.groups.values():
            units = ctx.problem.shift_units(group.shift)
            most = units * len(group.members)
            for pool in group.pools:
                name = f"units[{group.shift.id},{pool},group of {group.members[0][0]}]"
                flow = ctx.model.new_int_var(0, most, name)
                group.flows[pool] = flow
                ctx.supply[pool, group.shift.id].append(flow)
            given = cp_model.LinearExpr.sum(list(group.flows.values()))
            working = cp_model.LinearExpr.sum([x for _, x in group.members])
            ctx.model.add(given <= units * working)

    def allocations(self, solution: Sequence[int]) -> tuple[Allocation, ...]:
        """Per-reader allocations from the group flows in ``solution`` (values by var index)."""
        allocations = []
        for group in self.groups.values():
            units = self.ctx.problem.shift_units(group.shift)
            working = sorted(r for r, x in group.members if solution[x.index])
            reader_at, room = 0, units
            for pool in group.pools:
                left = solution[group.flows[pool].index]
                while left > 0:
                    given = min(left, room)
                    allocations.append(Allocation(working[reader_at], group.shift.id, pool, given))
                    left -= given
                    room -= given
                    if room == 0:
                        reader_at, room = reader_at + 1, units
        return tuple(sorted(allocations))

    def _readable_pools(self, reader: Radiologist, shift: Shift) -> tuple[str, ...]:
        pools = self._demand_pools.get(shift.id, [])
        if not pools:
            return ()
        day = self.ctx.day_key(reader, shift.day)
        key = (reader.id, shift.region, shift.remote, day, *(p.id for p in pools))
        if key not in self._readable:
            problem = self.ctx.problem
            readable = {p.id for p in pools if may_read_pool(problem, reader, shift, p)}
            self._readable[key] = tuple(sorted(readable))
        return self._readable[key]
